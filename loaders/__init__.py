"""Loaders: every input format read into the same records, one module per format.

>>> from loaders import read, detect, FORMATS, LoadOptions
>>> sorted(FORMATS)
['airline', 'csv', 'follows', 'jsonl', 'mastodon', 'twcs', 'x-v2']

``read(path)`` yields ``Mention`` and ``FollowBatch`` records, and a ``RecordError`` (file, line,
reason) in place of each malformed row; it raises only ``UnknownFormat``. See "Input formats" in README.md.
"""

from __future__ import annotations

from graphsvc.errors import RecordError, UnknownFormat
from graphsvc.model import FollowBatch, Mention

from .options import LoadOptions, Record
from .registry import FORMATS, Loader, detect, read, sniff

__all__ = [
    "FORMATS",
    "FollowBatch",
    "LoadOptions",
    "Loader",
    "Mention",
    "Record",
    "RecordError",
    "UnknownFormat",
    "detect",
    "read",
    "sniff",
]
