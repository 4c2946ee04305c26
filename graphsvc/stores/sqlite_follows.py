"""The SQLite follow graph written and read as integer arrays.

Edges are stored between account numbers, so no id string crosses into or out of SQLite per edge.
Rows do not cross one by one either (a Python tuple and two ints per edge cost more than SQLite's
own work): a write is one JSON array of edge keys per table, which :func:`json_numbers` writes
and ``json_each`` unpacks in C; a read is one aggregate row of two comma-separated number lists,
which SQLite writes in C and :func:`parse_numbers` reads back at a few nanoseconds a byte.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from graphsvc.errors import StoreError
from graphsvc.model import AccountIds, FollowBatch

Int64Array = npt.NDArray[np.int64]

# Keyset paging over the primary key (src, dst), followers below a bound: each page is one
# index range scan.
_EDGES_PAGE = (
    "SELECT count(*), group_concat(src), group_concat(dst) FROM (SELECT src, dst FROM follows"
    " WHERE (src, dst) > (?, ?) AND src < ? ORDER BY src, dst LIMIT ?)"
)
# Follows and accounts are only ever added to (accounts numbered upwards), so two snapshots with
# the same follow count and largest account number hold the same rows.
_SIZES = "SELECT (SELECT value FROM counters WHERE name = 'follows'), (SELECT max(n) FROM accounts)"
_NO_BOUND = 1 << 62


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


@numba.njit(cache=True, nogil=True)
def _write_json(values: Any, out: Any) -> int:  # pragma: no cover - jit
    digits = np.empty(20, dtype=np.uint8)
    out[0] = 91  # "["
    p = 1
    for i in range(values.shape[0]):
        if i:
            out[p] = 44  # ","
            p += 1
        value = values[i]
        n = 0
        while True:
            digits[n] = 48 + value % 10
            value //= 10
            n += 1
            if value == 0:
                break
        for j in range(n - 1, -1, -1):
            out[p] = digits[j]
            p += 1
    out[p] = 93  # "]"
    return p + 1


def json_numbers(values: Int64Array) -> str:
    """Non-negative integers as a JSON array, written by compiled code (``str`` per value is slow).

    >>> json_numbers(np.array([3, 0, 1 << 40]))
    '[3,0,1099511627776]'
    """
    out = np.empty(values.shape[0] * 20 + 2, dtype=np.uint8)
    return out[: _write_json(values, out)].tobytes().decode("ascii")


def _distinct_sorted(keys: Int64Array) -> Int64Array:
    """``np.unique`` by sorting: numpy 2's hash-based unique is several times slower on int64 keys."""
    keys = np.sort(keys)
    keep = np.empty(keys.shape[0], dtype=bool)
    keep[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def _json_keys(high: Int64Array, low: Int64Array) -> str:
    """The distinct keys ``high << 32 | low``, sorted, as a JSON array."""
    return json_numbers(_distinct_sorted(high << 32 | low))


_THREADED_EDGES = 100_000
_KEY_LIMIT = 1 << 31  # account numbers below it pack an edge into one non-negative int64 key


def write_follows(conn: sqlite3.Connection, src: Int64Array, dst: Int64Array) -> int:
    """Insert the edges ``src[i] -> dst[i]`` (account numbers, no self-follows) into both tables;
    returns how many were new."""
    if not src.shape[0]:
        return 0
    if max(int(src.max()), int(dst.max())) < _KEY_LIMIT:
        # Each table gets its keys sorted (and de-duplicated), so its B-tree is walked once from
        # left to right, and as one flat JSON array of packed keys that SQLite unpacks in C.
        # For a big batch the followers' keys are made on a second thread while SQLite (which
        # lets go of the GIL) inserts the follows; a small one is not worth starting a thread.
        if src.shape[0] < _THREADED_EDGES:
            return _insert_both(conn, _json_keys(src, dst), lambda: _json_keys(dst, src), _UNPACK, _UNPACK)
        with ThreadPoolExecutor(max_workers=1) as pool:
            backward = pool.submit(_json_keys, dst, src)
            return _insert_both(conn, _json_keys(src, dst), backward.result, _UNPACK, _UNPACK)
    # ~2 billion accounts: too many to pack, so pairs (never seen in practice, kept correct)
    pairs = json.dumps(sorted(zip(src.tolist(), dst.tolist(), strict=True)))
    return _insert_both(conn, pairs, lambda: pairs, "value ->> 0, value ->> 1", "value ->> 1, value ->> 0")


_UNPACK = "value >> 32, value & 4294967295"  # a packed key's two account numbers


def _insert_both(
    conn: sqlite3.Connection,
    forward: str,
    backward: Callable[[], str],
    forward_select: str,
    backward_select: str,
) -> int:
    """Insert the JSON rows ``forward`` into follows (src, dst) and then ``backward()`` into
    followers (dst, src), each row's columns picked by its select list; returns the new follows
    (and adds them to the follows counter)."""
    before = conn.total_changes
    conn.execute(
        f"INSERT OR IGNORE INTO follows (src, dst) SELECT {forward_select} FROM json_each(?)", (forward,)
    )
    added = conn.total_changes - before
    conn.execute("UPDATE counters SET value = value + ? WHERE name = 'follows'", (added,))
    conn.execute(
        f"INSERT OR IGNORE INTO followers (dst, src) SELECT {backward_select} FROM json_each(?)",
        (backward(),),
    )
    return added


def account_numbers(conn: sqlite3.Connection, ids: Sequence[str]) -> Int64Array:
    """The account number of each of ``ids``, in order, creating bare accounts for ids never seen."""
    numbers = np.empty(len(ids), dtype=np.int64)
    if not ids:
        return numbers
    order = sorted(range(len(ids)), key=ids.__getitem__)
    listed = json.dumps([ids[i] for i in order], ensure_ascii=False, separators=(",", ":"))
    (base,) = conn.execute("SELECT coalesce(max(n), 0) FROM accounts").fetchone()
    before = conn.total_changes
    # New ids are numbered in sorted order after every account there is, so the table and its id
    # index both grow at their right edge; when none was known, no number needs reading back.
    conn.execute(
        "INSERT OR IGNORE INTO accounts (n, id) SELECT ?2 + 1 + key, value FROM json_each(?1)", (listed, base)
    )
    if conn.total_changes - before == len(ids):
        numbers[order] = np.arange(base + 1, base + 1 + len(ids), dtype=np.int64)
        return numbers
    count, found = conn.execute(
        "SELECT count(*), group_concat(n) FROM (SELECT a.n FROM json_each(?) j JOIN accounts a ON a.id = j.value"
        " ORDER BY j.key)",
        (listed,),
    ).fetchone()
    if count != len(ids):
        raise StoreError(f"{len(ids) - count} of {len(ids)} accounts vanished while being numbered")
    numbers[order] = parse_numbers(found, count)
    return numbers


class AccountNumbers:
    """The account numbers of the first ids of an :class:`AccountIds`, grown as more are needed
    (a loader reading ahead numbers ids before their edges are written)."""

    def __init__(self) -> None:
        self._numbers = np.empty(1024, dtype=np.int64)
        self._count = 0

    def upto(self, conn: sqlite3.Connection, ids: AccountIds, needed: int) -> Int64Array:
        """The numbers of ``ids.names[:needed]`` at least, looking up (or creating) the new ones."""
        if self._count < needed:
            new = account_numbers(conn, ids.names[self._count : needed])
            if needed > self._numbers.shape[0]:
                grown = np.empty(max(needed, 2 * self._numbers.shape[0]), dtype=np.int64)
                grown[: self._count] = self._numbers[: self._count]
                self._numbers = grown
            self._numbers[self._count : needed] = new
            self._count = needed
        return self._numbers[: self._count]


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


def _pages(
    conn: sqlite3.Connection, after: tuple[int, int], below: int, size: int
) -> Iterator[tuple[Int64Array, Int64Array]]:
    """The follows after the key ``after`` whose follower is below ``below``, ``size`` at a time."""
    while True:
        count, srcs, dsts = conn.execute(_EDGES_PAGE, (*after, below, size)).fetchone()
        if not count:
            return
        src, dst = parse_numbers(srcs, count), parse_numbers(dsts, count)
        last = int(np.argmax(src * (1 << 32) + dst))  # the page's largest key, whatever its order
        after = (int(src[last]), int(dst[last]))
        yield src, dst
        if count < size:
            return


def _twin_snapshots(path: Path) -> tuple[sqlite3.Connection, sqlite3.Connection | None, tuple[int, int]]:
    """A connection in a read transaction, a second one in the same snapshot when one can be had
    (no write committed between their first reads; None after three tries), and the snapshot's
    follow count and largest account number."""
    first = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    first.execute("BEGIN")
    sizes = first.execute(_SIZES).fetchone()
    for _ in range(3):
        second = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        second.execute("BEGIN")
        if second.execute(_SIZES).fetchone() == sizes:
            return first, second, sizes
        second.close()
    return first, None, sizes


def read_follow_codes(path: Path, batch_size: int) -> Iterator[FollowBatch]:
    """Every follow edge of the store at ``path`` in batches whose ids name every account."""
    # Private connections in one read snapshot: the ids and every batch agree, and the caller may
    # interleave other store calls while iterating. SQLite lets go of the GIL while it reads, so
    # a second connection reads the upper half of the followers on a second thread meanwhile.
    size = max(1, batch_size)
    conn, twin, sizes = _twin_snapshots(path)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            split = _NO_BOUND  # followers from here on are read by the twin
            if twin is not None:
                total = sizes[0]
                if total > size:
                    (split,) = conn.execute(
                        "SELECT src FROM follows ORDER BY src, dst LIMIT 1 OFFSET ?", (total // 2,)
                    ).fetchone()
            upper = None
            if twin is not None and split < _NO_BOUND:
                upper = pool.submit(list, _pages(twin, (split - 1, _NO_BOUND), _NO_BOUND, size))
            numbers, ids = _accounts(conn)
            dense = np.full(int(numbers.max(initial=0)) + 1, -1, dtype=np.int64)
            dense[numbers] = np.arange(numbers.shape[0], dtype=np.int64)
            named = AccountIds.named(ids)
            for src, dst in _pages(conn, (-1, -1), split, size):
                yield FollowBatch(named, dense[src], dense[dst])
            for src, dst in upper.result() if upper else ():
                yield FollowBatch(named, dense[src], dense[dst])
    finally:
        conn.close()
        if twin is not None:
            twin.close()
