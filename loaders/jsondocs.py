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

__all__ = ["json_lines", "json_values", "line_value", "unreadable_json_reason"]

_CHUNK = 1 << 20


def _json_reason(exc: json.JSONDecodeError) -> str:
    return f"invalid JSON: {exc.msg} at column {exc.colno}"


def unreadable_json_reason(exc: ValueError | RecursionError) -> str:
    """Why valid-looking JSON could not be read: too deeply nested, or an integer too long."""
    if isinstance(exc, RecursionError):
        return "invalid JSON: nested too deeply to read"
    return f"invalid JSON: {str(exc).split(':', 1)[0]}"


def json_values(data: bytes, file: str) -> Iterator[tuple[int, object] | RecordError]:
    """Yield ``(line, value)`` per JSON document or JSON line, or a RecordError for a bad one."""
    lines = json_lines(data)
    if lines is None:
        yield from _document(data, file)
        return
    for number, line in enumerate(lines, start=1):
        item = line_value(number, line, file)
        if item is not None:
            yield item


def json_lines(data: bytes) -> Iterator[bytes] | None:
    """The physical lines of ``data``, endings kept, when it holds JSON Lines; None for one document."""
    first = next((text.strip() for _, text, _ in decoded_lines(_lines(data)) if text.strip()), None)
    return None if first is not None and _is_document(first) else _lines(data)


def _lines(data: bytes) -> Iterator[bytes]:
    """``data.splitlines(keepends=True)``, split a megabyte at a time.

    One list of a million lines would be walked by every full run of the cyclic garbage collector
    while a large file loads (~25 ms each, ~70 runs a million mentions). Cutting just after a
    ``\n`` never splits a line ending, so the lines are the same."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + _CHUNK)
        end = len(data) if end < 0 else end + 1
        yield from data[start:end].splitlines(keepends=True)
        start = end


def line_value(number: int, line: bytes, file: str) -> tuple[int, object] | RecordError | None:
    """Physical line ``number`` of a JSON Lines file as ``(number, value)``, a RecordError when it
    is not valid UTF-8 or not JSON, or None when it is blank."""
    # decoded_lines counts from 1 and drops a byte order mark from its first line only
    *_, (_, text, undecodable) = decoded_lines([line] if number == 1 else [b"", line])
    if undecodable:
        return RecordError(undecodable_reason(number), file=file, line=number)
    if not text.strip():
        return None
    try:
        return number, json.loads(text)
    except json.JSONDecodeError as exc:
        return RecordError(_json_reason(exc), file=file, line=number)
    except (ValueError, RecursionError) as exc:
        return RecordError(unreadable_json_reason(exc), file=file, line=number)


def _document(data: bytes, file: str) -> Iterator[tuple[int, object] | RecordError]:
    lines = list(decoded_lines(data.splitlines(keepends=True)))
    first = next(n for n, t, _ in lines if t.strip())
    bad = next((n for n, _, b in lines if b), None)
    if bad is not None:
        yield RecordError(undecodable_reason(bad) + " (and so was the document)", file=file, line=bad)
        return
    try:
        value = json.loads("\n".join(t for _, t, _ in lines))
    except json.JSONDecodeError as exc:
        yield RecordError(_json_reason(exc), file=file, line=exc.lineno)
        return
    except (ValueError, RecursionError) as exc:
        yield RecordError(unreadable_json_reason(exc) + " (the document)", file=file, line=first)
        return
    yield first, value


def _is_document(first_line: str) -> bool:
    if first_line.endswith(("}", "]")):
        return False
    try:
        json.loads(first_line)
    except json.JSONDecodeError:
        return True
    except (ValueError, RecursionError):
        return False  # a complete value, just unreadable: the line is rejected on its own
    return False
