"""CSV rows with the line each began on, tolerant of the quirks of real exported datasets.

Three things a plain ``csv.reader(open(path, newline=""))`` gets wrong here:

* a bare ``\\r`` inside an unquoted field (the twcs dataset has one) ends the row early and makes a
  spurious one, so lines are split on ``\\n`` only and a lone ``\\r`` is carried through as text;
* one undecodable line would stop the whole file, so lines are decoded one by one;
* a ``csv.Error`` would end iteration, so it becomes a ``RecordError`` and reading goes on.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence

from graphsvc.errors import RecordError
from graphsvc.model import Mention

from .fields import FieldError
from .lines import decoded_lines, undecodable_reason

__all__ = ["csv_dicts", "csv_mentions", "csv_rows"]

# A lone surrogate stands in for a bare CR while the csv module parses the line: strictly decoded
# UTF-8 never holds one, so unlike any character (U+E000 was used) it cannot be taken for a CR.
_CR = "\udcff"


def csv_rows(
    raw: Iterable[bytes], file: str, delimiter: str = ","
) -> Iterator[tuple[int, list[str]] | RecordError]:
    """Yield ``(first line, fields)`` per non-blank CSV record, or a RecordError for a broken one."""
    bad_lines: list[int] = []

    def feed() -> Iterator[str]:
        for number, text, bad in decoded_lines(raw, keepends=True):
            if bad:
                bad_lines.append(number)
            if "\r" in text:
                # The csv module may see CR only as part of a CRLF ending; hide any other CR from it.
                crlf = text.endswith("\r\n")
                text = (text[:-2] if crlf else text).replace("\r", _CR) + ("\r\n" if crlf else "")
            yield text

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RecordError(f"CSV syntax error: {exc}; the record was skipped", file=file, line=last + 1)
            last = reader.line_num
            continue
        start, last = last + 1, reader.line_num
        if bad_lines:
            first_bad = bad_lines[0]
            bad_lines.clear()
            if start <= first_bad <= last:
                yield RecordError(undecodable_reason(first_bad), file=file, line=first_bad)
                continue
        if not row or row == [""]:
            continue
        if any(_CR in field for field in row):
            row = [field.replace(_CR, "\r") for field in row]
        yield start, row


def csv_dicts(
    raw: Iterable[bytes], file: str, required: Sequence[str], delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]] | RecordError]:
    """Rows of a headed CSV file as dicts; rejects short/long rows and a header repeated mid-file.

    A file whose header lacks a ``required`` column yields one RecordError and nothing else, since
    no row of it can be read. An unnamed first column (a pandas index) is allowed and ignored.
    """
    header: list[str] | None = None
    for item in csv_rows(raw, file, delimiter):
        if isinstance(item, RecordError):
            yield item
            continue
        line, row = item
        if header is None:
            header = [name.strip() for name in row]
            missing = [name for name in required if name not in header]
            if missing:
                yield RecordError(
                    f"header lacks column(s) {', '.join(missing)}; expected {', '.join(required)}",
                    file=file,
                    line=line,
                )
                return
            continue
        if len(row) != len(header):
            if [name.strip() for name in row] == header[: len(row)] and len(row) >= len(required):
                yield RecordError(
                    "header repeated mid-file (concatenated files?); row skipped", file=file, line=line
                )
            else:
                yield RecordError(f"expected {len(header)} columns, found {len(row)}", file=file, line=line)
            continue
        if [name.strip() for name in row] == header:
            yield RecordError(
                "header repeated mid-file (concatenated files?); row skipped", file=file, line=line
            )
            continue
        yield line, dict(zip(header, row, strict=True))


def csv_mentions(
    raw: Iterable[bytes], file: str, required: Sequence[str], convert: Callable[[dict[str, str]], Mention]
) -> Iterator[Mention | RecordError]:
    """``convert`` applied to each row of a headed CSV file; its FieldError becomes a RecordError."""
    for item in csv_dicts(raw, file, required):
        if isinstance(item, RecordError):
            yield item
            continue
        line, row = item
        try:
            yield convert(row)
        except FieldError as exc:
            yield RecordError(str(exc), file=file, line=line)
