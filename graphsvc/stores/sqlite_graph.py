"""The embedded store's follow graph: edges in, pages of followers and following out, and every
edge streamed for projections. Pages are read here in plain Python (a page is a few keys of a
chunk); the array work of writes and streams is in :mod:`graphsvc.stores.sqlite_follows`
(imported on first use: it loads numba).
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt
import orjson

from graphsvc.errors import BadUserInput
from graphsvc.model import Account, Follow, FollowBatch
from graphsvc.stores.base import Page
from graphsvc.stores.paging import check_first, decode_cursor, make_page
from graphsvc.stores.sqlite_base import SqliteConnections
from graphsvc.stores.sqlite_rows import ACCOUNT_COLUMNS, account_from, chunks, json_rows
from graphsvc.stores.sqlite_schema import ACCOUNT_LIMIT, FOLLOWERS, FOLLOWING, MEMBER

# Numbers one statement looks up (a JSON array of them).
_LOOKUP = 10_000


class SqliteFollowGraph(SqliteConnections):
    """Follow edges between account numbers, in ``following_chunks`` and ``follower_chunks``."""

    def upsert_follows(self, follows: Iterable[Follow | tuple[str, str]]) -> int:
        edges = ((f.follower, f.followee) if isinstance(f, Follow) else f for f in follows)
        return self.upsert_follow_batches([FollowBatch.of(edges)])

    def upsert_follow_batches(self, batches: Sequence[FollowBatch]) -> int:
        from graphsvc.stores.sqlite_follows import write_follows  # loads numba: only when asked

        if not any(len(b) for b in batches):
            return 0
        with self.batch():
            conn = self._conn()
            numbered = [(self._numbers(conn, b), b) for b in batches]
            src = np.concatenate([numbers[b.src] for numbers, b in numbered])
            dst = np.concatenate([numbers[b.dst] for numbers, b in numbered])
            others = src != dst  # ids differ exactly when numbers do: this drops the self-follows
            return write_follows(conn, src[others], dst[others])

    def _numbers(self, conn: sqlite3.Connection, batch: FollowBatch) -> npt.NDArray[np.int64]:
        """Account numbers for the codes of ``batch``; an id is looked up (or created) once per
        :class:`AccountIds` while this thread's transactions commit."""
        from graphsvc.stores.sqlite_follows import AccountNumbers

        needed = 1 + max(int(batch.src.max(initial=-1)), int(batch.dst.max(initial=-1)))
        cache = self._numbered()
        numbers = cache.get(batch.ids)
        if numbers is None:
            numbers = cache[batch.ids] = AccountNumbers()
        return numbers.upto(conn, batch.ids, needed)

    def list_followers(self, account_id: str, first: int, after: str | None = None) -> Page[Account]:
        return self.list_followers_many([account_id], first, after)[account_id]

    def list_following(self, account_id: str, first: int, after: str | None = None) -> Page[Account]:
        return self.list_following_many([account_id], first, after)[account_id]

    def list_followers_many(
        self, account_ids: Sequence[str], first: int, after: str | None = None
    ) -> dict[str, Page[Account]]:
        return self._neighbours(account_ids, first, after, table=FOLLOWERS)

    def list_following_many(
        self, account_ids: Sequence[str], first: int, after: str | None = None
    ) -> dict[str, Page[Account]]:
        return self._neighbours(account_ids, first, after, table=FOLLOWING)

    def _neighbours(
        self, account_ids: Sequence[str], first: int, after: str | None, *, table: str
    ) -> dict[str, Page[Account]]:
        # Pages go in account number order (the order the store first saw each account), which is
        # the key order of the chunks: a page is a chunk or two however many followers an account
        # has (by id, a page of a 76,000-follower account took 22 ms).
        check_first(first)
        start = 0  # account numbers start at 1
        if after is not None:
            (start,) = decode_cursor(after, 1)
            if not isinstance(start, int):
                raise BadUserInput(f"cursor {after!r} is not valid; pass the endCursor of a previous page")
        conn = self._conn()
        listed = {
            owner: _members(conn, table, owner, start, first + 1) for owner in dict.fromkeys(account_ids)
        }
        # the accounts on the pages, not the one past each (read only to tell that a next page exists)
        numbers = sorted({m for ms in listed.values() for m in ms[:first]})
        accounts: dict[int, Account] = {}
        for chunk in chunks(numbers, _LOOKUP):
            # one row of JSON: sqlite3 takes longer to build a row per account than SQLite takes
            # to find them (10 accounts of the demo store: 23 us with their Accounts, 28 us by rows)
            (found,) = conn.execute(
                f"SELECT json_group_array(json_array({ACCOUNT_COLUMNS}, a.n))"
                " FROM json_each(?) j JOIN accounts a ON a.n = j.value",
                (json_rows(chunk),),
            ).fetchone()
            accounts.update((row[5], account_from(row)) for row in orjson.loads(found))
        pages = {owner: make_page(ms, first, _number_key) for owner, ms in listed.items()}
        return {
            owner: Page(tuple(accounts[m] for m in page.items), page.end_cursor, page.has_next)
            for owner, page in pages.items()
        }

    def iter_follows(self, batch_size: int = 100_000) -> Iterator[list[tuple[str, str]]]:
        return (batch.edges for batch in self.iter_follow_codes(batch_size))

    def iter_follow_codes(self, batch_size: int = 1_000_000) -> Iterator[FollowBatch]:
        from graphsvc.stores.sqlite_follows import read_follow_codes  # loads numba: only when asked

        return read_follow_codes(self.path, batch_size)


def _members(conn: sqlite3.Connection, table: str, owner: str, after: int, limit: int) -> list[int]:
    """Up to ``limit`` of the accounts listed under the account ``owner`` in ``table`` (whom it
    follows, or who follows it), numbered above ``after``, in ascending order; none when the
    store has no such account.

    The chunks are read as in :mod:`graphsvc.stores.sqlite_follows` (keys ``owner << 32 |
    member``), without numpy: a page is usually a few keys of one chunk, where numpy's calls
    cost more than the search."""
    if after >= ACCOUNT_LIMIT - 1:
        return []
    above = max(after + 1, 0)
    found: list[int] = []
    rows = conn.execute(
        f"SELECT a.n, c.keys FROM accounts a JOIN {table} c"
        f" ON c.first >= coalesce((SELECT max(first) FROM {table} WHERE first <= (a.n << 32 | ?2)), a.n << 32 | ?2)"
        " AND c.first < (a.n + 1) << 32 WHERE a.id = ?1 ORDER BY c.first",
        (owner, above),
    )
    for n, blob in rows:
        keys = _keys(blob)
        low = bisect_left(keys, n << 32 | above)
        high = bisect_left(keys, (n + 1) << 32, low, min(low + limit - len(found), len(keys)))
        found += [k & MEMBER for k in keys[low:high]]
        if len(found) == limit:
            break
    return found


def _keys(blob: bytes) -> array[int]:
    """A chunk's keys (little-endian int64)."""
    keys = array("q", blob)
    if sys.byteorder == "big":
        keys.byteswap()
    return keys


def _number_key(number: int) -> tuple[int]:
    return (number,)
