"""graphsvc's one error tree. Driver and parser errors are translated at the boundary.

::

    GraphsvcError
    ├── ConfigError               bad setting, store URL or option
    ├── StoreError
    │   ├── StoreUnavailable      the store cannot be reached (code STORE_UNAVAILABLE)
    │   └── SchemaVersionError    the store was written by a newer graphsvc
    ├── LoadError
    │   ├── UnknownFormat         no loader recognises a file
    │   └── RecordError           one malformed record (file, line, reason)
    ├── ClassifierError           the classifier cannot handle an input
    └── ApiError                  an expected API failure with an ``extensions.code``
        ├── Unauthenticated       UNAUTHENTICATED
        ├── Forbidden             FORBIDDEN
        ├── BadUserInput          BAD_USER_INPUT
        ├── NotFound              NOT_FOUND
        ├── PageSizeExceeded      PAGE_SIZE_EXCEEDED
        ├── QueryTooComplex       QUERY_TOO_COMPLEX
        └── Timeout               TIMEOUT

Every message says what was wrong and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "BadUserInput",
    "ClassifierError",
    "ConfigError",
    "Forbidden",
    "GraphsvcError",
    "LoadError",
    "NotFound",
    "PageSizeExceeded",
    "QueryTooComplex",
    "RecordError",
    "SchemaVersionError",
    "StoreError",
    "StoreUnavailable",
    "Timeout",
    "Unauthenticated",
    "UnknownFormat",
]


class GraphsvcError(Exception):
    """Base of every error graphsvc raises on purpose."""

    code = "INTERNAL"


class ConfigError(GraphsvcError):
    code = "BAD_USER_INPUT"


class StoreError(GraphsvcError):
    code = "STORE_ERROR"


class StoreUnavailable(StoreError):
    code = "STORE_UNAVAILABLE"


class SchemaVersionError(StoreError):
    pass


class LoadError(GraphsvcError):
    pass


class UnknownFormat(LoadError):
    pass


class RecordError(LoadError):
    """One malformed record; the loader reports it and carries on with the next."""

    def __init__(self, reason: str, *, file: str = "", line: int = 0) -> None:
        super().__init__(f"{file}:{line}: {reason}" if file else reason)
        self.reason = reason
        self.file = file
        self.line = line


class ClassifierError(GraphsvcError):
    code = "BAD_USER_INPUT"


class ApiError(GraphsvcError):
    code = "INTERNAL"


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"


class NotFound(ApiError):
    code = "NOT_FOUND"


class PageSizeExceeded(ApiError):
    code = "PAGE_SIZE_EXCEEDED"


class QueryTooComplex(ApiError):
    code = "QUERY_TOO_COMPLEX"


class Timeout(ApiError):
    code = "TIMEOUT"
