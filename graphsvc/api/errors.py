"""Every error the API returns carries ``extensions.code``; unexpected ones are masked outside debug.

Expected failures are :class:`~graphsvc.errors.GraphsvcError` subclasses (their ``code`` is the
error code) and GraphQL's own request errors (syntax, validation, variable coercion), which get
BAD_USER_INPUT, or QUERY_TOO_COMPLEX for the parser's token limit. Anything else is a bug: it is
logged with its stack trace and the client sees only "internal error" and INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from graphsvc.errors import GraphsvcError, StoreError

logger = logging.getLogger("graphsvc.api")

INTERNAL = "INTERNAL_SERVER_ERROR"
MASKED_MESSAGE = "internal error; the server logged the details (start it with --debug to see them)"
_REQUEST_ERRORS = (ValueError, TypeError, GraphQLError)


def is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    if isinstance(original, GraphsvcError):
        return True
    if original is None:
        return True
    return error.path is None and isinstance(original, _REQUEST_ERRORS)


def code_of(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, GraphsvcError):
        return original.code
    given = (error.extensions or {}).get("code")
    if isinstance(given, str):
        return given
    if "tokens" in error.message and "Parsing aborted" in error.message:
        return "QUERY_TOO_COMPLEX"
    if original is None or (error.path is None and isinstance(original, _REQUEST_ERRORS)):
        return "BAD_USER_INPUT"
    return INTERNAL


def format_error(error: GraphQLError, *, debug: bool) -> GraphQLError:
    """The error as the client sees it: with a code; masked when unexpected (unless debugging)."""
    code = code_of(error)
    message = error.message
    extensions = {k: v for k, v in (error.extensions or {}).items() if k != "code"}
    original = error.original_error
    if code == INTERNAL:
        if debug and original is not None:
            extensions["exception"] = traceback.format_exception(original)
        else:
            message = MASKED_MESSAGE
    elif isinstance(original, StoreError) and not debug:
        message = "the store is unavailable; try again shortly (the server logged the details)"
    if "tokens" in message and "Parsing aborted" in message:
        message += " Shorten the query or split it into several."
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**extensions, "code": code},
    )


def log_errors(errors: list[GraphQLError]) -> None:
    for error in errors:
        code = code_of(error)
        if code == INTERNAL or code == "STORE_UNAVAILABLE":
            original = error.original_error
            logger.error("%s at %s: %s", code, error.path, error.message, exc_info=original)


class ErrorCodes(SchemaExtension):
    """Rewrites the operation's errors as :func:`format_error` says (HTTP and websockets alike)."""

    def __init__(self, *, debug: bool) -> None:
        self.debug = debug

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [format_error(e, debug=self.debug) for e in errors]
