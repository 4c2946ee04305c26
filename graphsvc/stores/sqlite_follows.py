"""The SQLite follow graph read out as integer arrays (:meth:`SqliteStore.iter_follow_codes`).

Edges are stored between account numbers, so no id string needs to leave SQLite per edge. Rows
are not fetched one by one either (a Python tuple and two ints per edge cost more than the whole
projection build): each batch is one aggregate row of two comma-separated number lists, which
SQLite writes in C and :func:`parse_numbers` reads back at a few nanoseconds a byte.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from graphsvc.stores.base import FollowCodes

Int64Array = npt.NDArray[np.int64]

# Keyset paging over the primary key (src, dst): each page is one index range scan.
_EDGES_PAGE = (
    "SELECT count(*), group_concat(src), group_concat(dst) FROM (SELECT src, dst FROM follows"
    " WHERE (src, dst) > (?, ?) ORDER BY src, dst LIMIT ?)"
)


@numba.njit(cache=True, nogil=True)
def _parse(buf: Any, count: int) -> Any:  # pragma: no cover - jit
    out = np.empty(count, dtype=np.int64)
    k = 0
    value = 0
    for i in range(buf.shape[0]):
        c = buf[i]
        if c == 44:  # ","
            out[k] = value
            k += 1
            value = 0
        else:
            value = value * 10 + (c - 48)
    out[k] = value
    return out


def parse_numbers(text: str, count: int) -> Int64Array:
    """``count`` non-negative integers from SQLite's ``group_concat`` of an integer column.

    >>> parse_numbers("3,14,159", 3).tolist()
    [3, 14, 159]
    """
    data = text.encode("ascii")
    if data.count(b",") != count - 1:
        raise ValueError(f"expected {count} comma-separated numbers, got {data.count(b',') + 1}")
    parsed: Int64Array = _parse(np.frombuffer(data, dtype=np.uint8), count)
    return parsed


def _accounts(conn: sqlite3.Connection) -> tuple[Int64Array, list[str]]:
    """Every account's number and id, in the same order."""
    count, numbers, joined = conn.execute(
        "SELECT count(*), group_concat(n), group_concat(id, char(10)) FROM accounts"
    ).fetchone()
    if not count:
        return np.empty(0, dtype=np.int64), []
    ids = joined.split("\n")
    if len(ids) == count:
        return parse_numbers(numbers, count), ids
    # an id holds a line break: take the rows one by one instead
    rows = conn.execute("SELECT n, id FROM accounts").fetchall()
    return np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows]


def read_follow_codes(path: Path, batch_size: int) -> Iterator[FollowCodes]:
    """Every follow edge of the store at ``path`` in batches; the first batch names every account."""
    # A private connection in one read transaction: the ids and every batch are one snapshot, and
    # the caller may interleave other store calls while iterating.
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        conn.execute("BEGIN")
        numbers, ids = _accounts(conn)
        dense = np.full(int(numbers.max(initial=0)) + 1, -1, dtype=np.int64)
        dense[numbers] = np.arange(numbers.shape[0], dtype=np.int64)
        after = (-1, -1)
        names: list[str] = ids
        while True:
            count, srcs, dsts = conn.execute(_EDGES_PAGE, (*after, max(1, batch_size))).fetchone()
            if not count:
                break
            src, dst = parse_numbers(srcs, count), parse_numbers(dsts, count)
            last = int(np.argmax(src * (1 << 32) + dst))  # the page's largest key, whatever its order
            after = (int(src[last]), int(dst[last]))
            yield FollowCodes(ids=names, src=dense[src], dst=dense[dst])
            names = []
            if count < batch_size:
                break
        conn.execute("COMMIT")
    finally:
        conn.close()
