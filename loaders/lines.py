"""Physical lines of a file, decoded one at a time so that bad bytes cost one line, not the file.

Lines are split on ``\\n`` only: a bare ``\\r`` inside a line (the twcs dataset has one) is text, and
a ``\\r\\n`` ending is removed like ``\\n``.

>>> [(n, t) for n, t, bad in decoded_lines([b"a\\r\\n", b"b\\xff\\n"])]
[(1, 'a'), (2, 'b\\ufffd')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["decoded_lines", "undecodable_reason"]

_BOM = "\ufeff"


def decoded_lines(raw: Iterable[bytes], keepends: bool = False) -> Iterator[tuple[int, str, bool]]:
    """Yield ``(line number, text, was_undecodable)`` for each line of ``raw``, its ending removed
    unless ``keepends``.

    An undecodable line is still yielded, decoded with U+FFFD replacements, so that a caller that
    parses multi-line records (quoted CSV fields) keeps its place and can reject the whole record.
    """
    for number, line in enumerate(raw, start=1):
        if not keepends and line.endswith(b"\n"):
            line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
        try:
            text = line.decode("utf-8")
            bad = False
        except UnicodeDecodeError:
            text = line.decode("utf-8", errors="replace")
            bad = True
        if number == 1 and text.startswith(_BOM):
            text = text[1:]
        yield number, text, bad


def undecodable_reason(line: int) -> str:
    return f"line {line} is not valid UTF-8 (re-encode the file as UTF-8); the line was skipped"
