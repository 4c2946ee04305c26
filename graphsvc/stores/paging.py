"""Opaque keyset cursors shared by every backend.

A cursor is the sort key of the last item on a page, JSON-encoded and base64url-wrapped, so
clients treat it as opaque while backends resume exactly after it.

>>> decode_cursor(encode_cursor([3.5, "x:1"]), 2)
[3.5, 'x:1']
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import orjson

from graphsvc.errors import BadUserInput
from graphsvc.stores.base import Page
from graphsvc.surrogates import has_lone_surrogate

T = TypeVar("T")
R = TypeVar("R")


def encode_cursor(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    """The sort key inside ``cursor``: ``length`` strings, numbers or nulls, each one a store can
    bind (a 64-bit integer, a finite float, a string of Unicode text). Anything else (not a cursor
    :func:`encode_cursor` made for such a key) is bad input.

    >>> decode_cursor(encode_cursor([1]), 2)
    Traceback (most recent call last):
    graphsvc.errors.BadUserInput: cursor 'WzFd' is not valid; pass the endCursor of a previous page
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        key = None
    if not isinstance(key, list) or len(key) != length or not all(_bindable(v) for v in key):
        raise BadUserInput(f"cursor {cursor!r} is not valid; pass the endCursor of a previous page")
    return key


def _bindable(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, int):  # bool too: JSON's true and false
        return -(2**63) <= value < 2**63
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):  # not half a surrogate pair ("\\ud83d"), which no driver encodes
        return not has_lone_surrogate(value)
    return False


def make_page(rows: Sequence[T], first: int, key_of: Callable[[T], Sequence[Any]]) -> Page[T]:
    """A page from up to ``first + 1`` rows: the extra row only tells that another page exists."""
    items = tuple(rows[:first])
    has_next = len(rows) > first
    end = encode_cursor(key_of(items[-1])) if items else None
    return Page(items=items, end_cursor=end, has_next=has_next)


def check_first(first: int) -> None:
    if first < 0:
        raise BadUserInput(f"first must be 0 or more, got {first}")


def pages_by_owner(
    rows: Sequence[R],
    owners: Sequence[str],
    first: int,
    *,
    owner_of: Callable[[R], str],
    key_of: Callable[[R], Sequence[Any]],
    convert: Callable[[R], T],
) -> dict[str, Page[T]]:
    """Split the rows of a batched query (up to ``first + 1`` per owner, in order) into one page
    per owner; every owner gets a page, empty when it had no rows."""
    grouped: dict[str, list[R]] = {owner: [] for owner in owners}
    for row in rows:
        grouped[owner_of(row)].append(row)
    pages: dict[str, Page[T]] = {}
    for owner, items in grouped.items():
        page = make_page(items, first, key_of)
        pages[owner] = Page(tuple(convert(r) for r in page.items), page.end_cursor, page.has_next)
    return pages
