"""``csv``: graphsvc's own mention format as CSV, one header row naming the columns below.

``author`` is flattened to ``author_id``, ``author_handle``, ``author_name``, ``author_followers``,
``author_brand``; ``mentions`` is space-separated (without the column, handles are taken from the
text); ``author_is_brand`` is ``true``/``false``. Columns
other than ``id``, ``author_id``, ``text`` and ``created_at`` may be left out of the header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from graphsvc.model import Mention

from .csvrows import csv_mentions
from .fields import FieldError
from .options import DEFAULT_OPTIONS, LoadOptions, Record
from .own_record import mention_from_dict, mention_to_dict

__all__ = ["COLUMNS", "dump_csv", "parse_csv", "read_csv"]

COLUMNS = (
    "id",
    "platform",
    "author_id",
    "author_handle",
    "author_name",
    "author_followers",
    "author_brand",
    "text",
    "created_at",
    "lang",
    "in_reply_to",
    "brand",
    "mentions",
    "author_is_brand",
)
REQUIRED = ("id", "author_id", "text", "created_at")
_BOOLEANS = {"true": True, "false": False, "": None}


def _nested(row: dict[str, str]) -> dict[str, Any]:
    unknown = sorted(set(row) - set(COLUMNS))
    if unknown:
        raise FieldError(f"unknown column(s) {', '.join(unknown)}; allowed: {', '.join(COLUMNS)}")
    obj: dict[str, Any] = {k: v for k, v in row.items() if not k.startswith("author") and v != ""}
    if row["author_id"].strip():
        obj["author"] = {
            k.removeprefix("author_"): v
            for k, v in row.items()
            if k.startswith("author_") and k != "author_is_brand" and v != ""
        }
    # A mentions column, even an empty cell, is the list as given; without the column they come
    # from the text. (JSON tells "absent" from "[]"; CSV can only tell it by the header.)
    if "mentions" in row:
        obj["mentions"] = row["mentions"].split()
    flag = row.get("author_is_brand", "").strip().lower()
    if flag not in _BOOLEANS:
        raise FieldError(f"author_is_brand must be true or false, got {flag!r}")
    if _BOOLEANS[flag] is not None:
        obj["author_is_brand"] = _BOOLEANS[flag]
    return obj


def _records(raw: Iterable[bytes], file: str, options: LoadOptions) -> Iterator[Record]:
    return csv_mentions(raw, file, REQUIRED, lambda row: mention_from_dict(_nested(row), options.platform))


def read_csv(path: str | Path, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    with open(path, "rb") as raw:
        yield from _records(raw, str(path), options)


def parse_csv(text: str, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    return _records(io.BytesIO(text.encode("utf-8")), "<text>", options)


def dump_csv(mentions: Iterable[Mention]) -> str:
    """Own-format CSV (header plus one row per mention)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for mention in mentions:
        record = mention_to_dict(mention)
        author = record.pop("author")
        record.update({f"author_{k}": v for k, v in author.items()})
        record["mentions"] = " ".join(record["mentions"])
        record["author_is_brand"] = "true" if record["author_is_brand"] else "false"
        writer.writerow(["" if record.get(c) is None else record[c] for c in COLUMNS])
    return out.getvalue()
