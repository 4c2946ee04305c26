"""``airline``: the public "Twitter US Airline Sentiment" CSV (CrowdFlower, February 2015).

Every row is a customer's tweet to one of six US airlines, named in the ``airline`` column; that
name maps to the airline's real handle, whose brand key becomes ``Mention.brand``.

Ids: posts ``airline:<tweet_id>``; authors ``airline:@<screen name, lower case>`` because the dataset
gives only screen names (which Twitter compares case-insensitively), not numeric user ids.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from graphsvc.model import Account, Mention, brand_key

from .csvrows import csv_mentions
from .fields import FieldError, required_text, unescape_twitter, utc_from_offset_time
from .mentiontext import handles_in
from .options import DEFAULT_OPTIONS, LoadOptions, Record

__all__ = ["AIRLINE_HANDLES", "COLUMNS", "parse_airline", "read_airline"]

COLUMNS = ("tweet_id", "airline", "name", "text", "tweet_created")
# The dataset's airline names and the handles those airlines tweet from (JetBlue is not in it,
# but other exports of the same survey include it).
AIRLINE_HANDLES = {
    "Virgin America": "VirginAmerica",
    "United": "united",
    "Southwest": "SouthwestAir",
    "Delta": "Delta",
    "US Airways": "USAirways",
    "American": "AmericanAir",
    "JetBlue": "JetBlue",
}


def _mention(row: dict[str, str]) -> Mention:
    tweet_id = required_text(row["tweet_id"], "tweet_id").strip()
    if not (tweet_id.isascii() and tweet_id.isdigit()):
        raise FieldError(f"tweet_id {tweet_id!r} is not a tweet id (digits)")
    airline = required_text(row["airline"], "airline").strip()
    handle = AIRLINE_HANDLES.get(airline)
    if handle is None:
        raise FieldError(f"unknown airline {airline!r}; known: {', '.join(AIRLINE_HANDLES)}")
    name = required_text(row["name"], "name (author screen name)").strip()
    text = unescape_twitter(required_text(row["text"], "text"))
    return Mention(
        id=f"airline:{tweet_id}",
        author=Account(id=f"airline:@{name.lower()}", handle=name),
        text=text,
        created_at=utc_from_offset_time(row["tweet_created"], "tweet_created"),
        brand=brand_key(handle),
        mentions=handles_in(text),
    )


def read_airline(path: str | Path, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    with open(path, "rb") as raw:
        yield from csv_mentions(raw, str(path), COLUMNS, _mention)


def parse_airline(text: str, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    return csv_mentions(io.BytesIO(text.encode("utf-8")), "<text>", COLUMNS, _mention)
