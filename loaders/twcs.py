"""``twcs``: the public "Customer Support on Twitter" CSV (Kaggle ``customer-support-on-twitter``).

Columns ``tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id``, possibly after an unnamed pandas index column. ``inbound=False`` rows are
written by a brand (``author_id`` is its handle); the others by anonymised customers (a number).

Ids: posts ``twcs:<tweet_id>``, accounts ``twcs:<author_id>`` (``twcs:AppleSupport``, ``twcs:115712``).
``in_response_to_tweet_id`` is written as a float (``"3.0"``) and becomes ``twcs:3``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from graphsvc.model import Account, Mention, brand_key

from .csvrows import csv_mentions
from .fields import FieldError, required_text, unescape_twitter, utc_from_twitter
from .mentiontext import handles_in
from .options import DEFAULT_OPTIONS, LoadOptions, Record

__all__ = ["COLUMNS", "parse_twcs", "read_twcs"]

COLUMNS = (
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
)
_INBOUND = {"True": True, "False": False, "true": True, "false": False}


def _tweet_id(value: str, name: str) -> str:
    raw = value.strip()
    # pandas wrote the parent column as float64 because of its blanks: "3.0" means tweet 3.
    if raw.endswith(".0"):
        raw = raw[:-2]
    if not (raw.isascii() and raw.isdigit()):  # "²" is a digit to isdigit()
        raise FieldError(f"{name} {value!r} is not a tweet id (digits)")
    return raw


def _mention(row: dict[str, str]) -> Mention:
    tweet_id = _tweet_id(required_text(row["tweet_id"], "tweet_id"), "tweet_id")
    author = required_text(row["author_id"], "author_id").strip()
    inbound = _INBOUND.get(row["inbound"].strip())
    if inbound is None:
        raise FieldError(f"inbound must be True or False, got {row['inbound']!r}")
    parent = row["in_response_to_tweet_id"]
    brand = None if inbound else brand_key(author)
    text = unescape_twitter(required_text(row["text"], "text"))
    return Mention(
        id=f"twcs:{tweet_id}",
        author=Account(id=f"twcs:{author}", handle=author, brand=brand),
        text=text,
        created_at=utc_from_twitter(row["created_at"]),
        in_reply_to=f"twcs:{_tweet_id(parent, 'in_response_to_tweet_id')}" if parent.strip() else None,
        brand=brand,
        mentions=handles_in(text),
        author_is_brand=not inbound,
    )


def read_twcs(path: str | Path, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    with open(path, "rb") as raw:
        yield from csv_mentions(raw, str(path), COLUMNS, _mention)


def parse_twcs(text: str, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    return csv_mentions(io.BytesIO(text.encode("utf-8")), "<text>", COLUMNS, _mention)
