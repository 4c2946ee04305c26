"""graphsvc: a customer relationship graph service for brands' social customers."""

__version__ = "0.1.0"
