"""JSON values from a file that holds either one JSON document or JSON Lines, with line numbers.

API dumps come both ways: one saved response (often pretty-printed) or one response per line.
The mode is decided by the first non-blank line: if it is a complete value, or at least looks like
one (ends in ``}`` or ``]``), the file is JSON Lines and each bad line costs only itself; otherwise
it is one document, and a syntax error rejects the document at the line the parser names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from graphsvc.errors import RecordError

from .lines import decoded_lines, undecodable_reason

__all__ = ["json_values"]


def _json_reason(exc: json.JSONDecodeError) -> str:
    return f"invalid JSON: {exc.msg} at column {exc.colno}"


def json_values(data: bytes, file: str) -> Iterator[tuple[int, object] | RecordError]:
    """Yield ``(line, value)`` per JSON document or JSON line, or a RecordError for a bad one."""
    lines = list(decoded_lines(data.splitlines(keepends=True)))
    first = next(((n, t.strip()) for n, t, _ in lines if t.strip()), None)
    if first is None:
        return
    if _is_document(first[1]):
        bad = next((n for n, _, b in lines if b), None)
        if bad is not None:
            yield RecordError(undecodable_reason(bad) + " (and so was the document)", file=file, line=bad)
            return
        try:
            value = json.loads("\n".join(t for _, t, _ in lines))
        except json.JSONDecodeError as exc:
            yield RecordError(_json_reason(exc), file=file, line=exc.lineno)
            return
        yield first[0], value
        return
    for number, text, undecodable in lines:
        if undecodable:
            yield RecordError(undecodable_reason(number), file=file, line=number)
            continue
        if not text.strip():
            continue
        try:
            yield number, json.loads(text)
        except json.JSONDecodeError as exc:
            yield RecordError(_json_reason(exc), file=file, line=number)


def _is_document(first_line: str) -> bool:
    if first_line.endswith(("}", "]")):
        return False
    try:
        json.loads(first_line)
    except json.JSONDecodeError:
        return True
    return False
