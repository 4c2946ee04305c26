"""The SQLite follow graph, stored as sorted runs of edge keys.

An edge ``src -> dst`` between account numbers is the key ``src << 32 | dst`` in
``following_chunks`` and ``dst << 32 | src`` in ``follower_chunks``. Each table holds its keys in
order, cut into chunks of at most :data:`CHUNK` keys: one row per chunk, its rowid the chunk's
first key, its ``keys`` a little-endian int64 blob. A chunk holds every key from its first up to
the next chunk's first, so an account's followers are the keys from ``n << 32`` up to
``(n + 1) << 32``: one chunk, or a few consecutive ones.

Ten million edges are then about ten thousand rows per table rather than ten million, so a load
spends its time in numpy (sorting keys, cutting chunks) and SQLite writes whole pages of blob;
adding edges rewrites only the chunks their keys fall in. Reads come back the same way: a page of
followers is a blob or two, every edge of the store a few thousand rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from graphsvc.errors import StoreError
from graphsvc.model import AccountIds, FollowBatch
from graphsvc.stores.sqlite_rows import json_rows
from graphsvc.stores.sqlite_schema import ACCOUNT_LIMIT, FOLLOWERS, FOLLOWING, MEMBER

Int64Array = npt.NDArray[np.int64]

CHUNK = 1024  # keys per chunk at most: 8 KiB, two chunks to a 16 KiB page
_THREADED_EDGES = 100_000
_SEEK_LIMIT = 4096  # up to this many keys find their chunks one by one, more read every first key


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


def edge_keys(owner: Int64Array, member: Int64Array) -> Int64Array:
    """The distinct keys ``owner << 32 | member``, sorted.

    >>> edge_keys(np.array([2, 1, 2]), np.array([5, 7, 5])).tolist() == [1 << 32 | 7, 2 << 32 | 5]
    True
    """
    keys: Int64Array = _sorted_keys(owner, member)
    return keys


_DIGIT = 11  # bits sorted per radix pass


@numba.njit(cache=True, nogil=True)
def _sorted_keys(owner: Any, member: Any) -> Any:  # pragma: no cover - jit
    # A least-significant-digit radix sort of ``owner * width + member`` (width: one more than
    # the largest member), which spends no passes on the unused high bits of the member half:
    # about twice as fast as ``np.sort`` of the 64-bit keys.
    n = owner.shape[0]
    width = member.max() + 1 if n else 1
    a = owner * width + member
    b = np.empty_like(a)
    top = a.max() if n else 0
    bits = 0
    while top >> bits:
        bits += 1
    counts = np.empty(1 << _DIGIT, dtype=np.int64)
    for shift in range(0, bits, _DIGIT):
        counts[:] = 0
        for i in range(n):
            counts[(a[i] >> shift) & ((1 << _DIGIT) - 1)] += 1
        total = 0
        for d in range(1 << _DIGIT):
            total, counts[d] = total + counts[d], total
        for i in range(n):
            d = (a[i] >> shift) & ((1 << _DIGIT) - 1)
            b[counts[d]] = a[i]
            counts[d] += 1
        a, b = b, a
    k = 0
    for i in range(n):
        if i == 0 or a[i] != a[i - 1]:
            b[k] = (a[i] // width) << 32 | a[i] % width
            k += 1
    return b[:k]


@numba.njit(cache=True, nogil=True)
def _merge(a: Any, b: Any) -> Any:  # pragma: no cover - jit
    """The sorted distinct keys of the sorted distinct ``a`` and ``b``."""
    out = np.empty(a.shape[0] + b.shape[0], dtype=np.int64)
    i = j = k = 0
    while i < a.shape[0] and j < b.shape[0]:
        if a[i] < b[j]:
            out[k] = a[i]
            i += 1
        elif b[j] < a[i]:
            out[k] = b[j]
            j += 1
        else:
            out[k] = a[i]
            i += 1
            j += 1
        k += 1
    while i < a.shape[0]:
        out[k] = a[i]
        i += 1
        k += 1
    while j < b.shape[0]:
        out[k] = b[j]
        j += 1
        k += 1
    return out[:k]


@numba.njit(cache=True, nogil=True)
def _runs(firsts: Any, keys: Any) -> Any:  # pragma: no cover - jit
    """Split the ascending ``keys`` by the chunks (ascending ``firsts``) they fall in, a key below
    every chunk falling in the first: the index where each run starts, and its chunk's index."""
    starts = np.empty(max(firsts.shape[0], 1), dtype=np.int64)
    chunk = np.empty(max(firsts.shape[0], 1), dtype=np.int64)
    runs = 0
    g = -1
    for i in range(keys.shape[0]):
        h = max(g, 0)
        while h + 1 < firsts.shape[0] and firsts[h + 1] <= keys[i]:
            h += 1
        if h != g:
            starts[runs] = i
            chunk[runs] = h
            runs += 1
            g = h
    return starts[:runs], chunk[:runs]


def decode_keys(blob: bytes) -> Int64Array:
    """A chunk's keys."""
    return np.frombuffer(blob, dtype="<i8").astype(np.int64, copy=False)


def write_follows(conn: sqlite3.Connection, src: Int64Array, dst: Int64Array) -> int:
    """Add the edges ``src[i] -> dst[i]`` (account numbers, no self-follows) to both tables and
    to the follows counter; returns how many were new."""
    if not src.shape[0]:
        return 0
    if max(int(src.max()), int(dst.max())) >= ACCOUNT_LIMIT:
        raise StoreError(f"the embedded store numbers at most {ACCOUNT_LIMIT - 1:,} accounts")
    if src.shape[0] < _THREADED_EDGES:
        added = add_keys(conn, FOLLOWING, edge_keys(src, dst))
        add_keys(conn, FOLLOWERS, edge_keys(dst, src))
    else:
        # the followers' keys are sorted on a second thread while the following ones are written
        # (numpy's sort and SQLite both let go of the GIL)
        with ThreadPoolExecutor(max_workers=1) as pool:
            backward = pool.submit(edge_keys, dst, src)
            added = add_keys(conn, FOLLOWING, edge_keys(src, dst))
            add_keys(conn, FOLLOWERS, backward.result())
    conn.execute("UPDATE counters SET value = value + ? WHERE name = 'follows'", (added,))
    return added


def add_keys(conn: sqlite3.Connection, table: str, keys: Int64Array) -> int:
    """Merge the sorted distinct ``keys`` into the chunks of ``table``; returns how many were new.

    Each key goes to the chunk it falls in (a key before every chunk, to the first); each chunk
    that gains keys is rewritten, cut into equal pieces when it outgrows :data:`CHUNK`."""
    if not keys.shape[0]:
        return 0
    firsts = _chunks_hit(conn, table, keys)
    old = _read_chunks(conn, table, firsts)
    merged = _merge(np.concatenate(old), keys) if old else keys
    added = int(merged.shape[0]) - sum(int(chunk.shape[0]) for chunk in old)
    if not added:
        return 0
    starts, chunk = _runs(firsts, merged)  # chunk 0 when the table is empty
    sizes = np.diff(starts, append=merged.shape[0])
    old_sizes = np.zeros(max(firsts.shape[0], 1), dtype=np.int64)
    old_sizes[: len(old)] = [run.shape[0] for run in old]
    grown = sizes != old_sizes[chunk]  # the chunks (or the table's first) that gained keys
    pieces = _cut(starts[grown], sizes[grown])
    if firsts.shape[0]:
        conn.execute(
            f"DELETE FROM {table} WHERE first IN (SELECT value FROM json_each(?))",
            (json_rows(firsts[chunk[grown]].tolist()),),
        )
    conn.executemany(
        f"INSERT INTO {table} (first, keys) VALUES (?, ?)",
        [(int(merged[a]), merged[a:b].astype("<i8", copy=False).tobytes()) for a, b in pieces.tolist()],
    )
    return added


def _cut(starts: Int64Array, sizes: Int64Array) -> npt.NDArray[np.int64]:
    """(start, end) of the pieces each run ``starts[i]`` of ``sizes[i]`` keys is cut into: as
    few as hold at most :data:`CHUNK` keys each, of equal size give or take one.

    >>> _cut(np.array([0, 10]), np.array([3, 2500])).tolist()
    [[0, 3], [10, 844], [844, 1677], [1677, 2510]]
    """
    count = -(-sizes // CHUNK)
    run = np.repeat(np.arange(sizes.shape[0]), count)
    nth = np.arange(run.shape[0]) - np.repeat(np.cumsum(count) - count, count)
    base, extra = sizes[run] // count[run], sizes[run] % count[run]
    begin = starts[run] + nth * base + np.minimum(nth, extra)
    return np.stack((begin, begin + base + (nth < extra)), axis=1)


def _chunks_hit(conn: sqlite3.Connection, table: str, keys: Int64Array) -> Int64Array:
    """The first keys, ascending, of the chunks of ``table`` that ``keys`` fall in."""
    if keys.shape[0] <= _SEEK_LIMIT:
        rows = conn.execute(
            f"SELECT DISTINCT coalesce((SELECT max(first) FROM {table} WHERE first <= j.value),"
            f" (SELECT min(first) FROM {table})) AS hit FROM json_each(?) j WHERE hit IS NOT NULL ORDER BY hit",
            (json_rows(keys.tolist()),),
        ).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64)
    count, joined = conn.execute(f"SELECT count(*), group_concat(first) FROM {table}").fetchone()
    if not count:
        return np.empty(0, dtype=np.int64)
    every = parse_numbers(joined, count)
    every.sort()
    _, chunk = _runs(every, keys)
    hit: Int64Array = every[chunk]
    return hit


def _read_chunks(conn: sqlite3.Connection, table: str, firsts: Int64Array) -> list[Int64Array]:
    """The keys of the chunks ``firsts`` (ascending), in that order."""
    if not firsts.shape[0]:
        return []
    rows = conn.execute(
        f"SELECT keys FROM {table} WHERE first IN (SELECT value FROM json_each(?)) ORDER BY first",
        (json_rows(firsts.tolist()),),
    ).fetchall()
    if len(rows) != firsts.shape[0]:
        raise StoreError(f"{firsts.shape[0] - len(rows)} chunks of {table} vanished while being read")
    return [decode_keys(blob) for (blob,) in rows]


def account_numbers(conn: sqlite3.Connection, ids: Sequence[str]) -> Int64Array:
    """The account number of each of ``ids``, in order, creating bare accounts for ids never seen."""
    numbers = np.empty(len(ids), dtype=np.int64)
    if not ids:
        return numbers
    order = sorted(range(len(ids)), key=ids.__getitem__)
    listed = json_rows([ids[i] for i in order])
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


def read_follow_codes(path: Path, batch_size: int) -> Iterator[FollowBatch]:
    """Every follow edge of the store at ``path`` in batches of at most ``batch_size`` edges whose
    ids name every account."""
    # A private connection in one read snapshot: the ids and every batch agree, and the caller
    # may interleave other store calls while iterating.
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("BEGIN")
        numbers, ids = _accounts(conn)
        dense = np.full(int(numbers.max(initial=0)) + 1, -1, dtype=np.int64)
        dense[numbers] = np.arange(numbers.shape[0], dtype=np.int64)
        named = AccountIds.named(ids)
        size = max(1, batch_size)
        rows = conn.execute(f"SELECT keys FROM {FOLLOWING} ORDER BY first")
        while blobs := rows.fetchmany(max(1, size // CHUNK)):
            keys = decode_keys(b"".join(blob for (blob,) in blobs))
            for lo in range(0, keys.shape[0], size):
                part = keys[lo : lo + size]
                yield FollowBatch(named, dense[part >> 32], dense[part & MEMBER])
    finally:
        conn.close()
