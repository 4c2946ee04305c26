"""The embedded store's follow graph: edges in, pages of followers and following out, and every
edge streamed for projections. The array work is in :mod:`graphsvc.stores.sqlite_follows`
(imported on first use: it loads numba).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from graphsvc.errors import BadUserInput
from graphsvc.model import Account, Follow, FollowBatch
from graphsvc.stores.base import Page
from graphsvc.stores.paging import check_first, decode_cursor, pages_by_owner
from graphsvc.stores.sqlite_base import SqliteConnections
from graphsvc.stores.sqlite_rows import ACCOUNT_COLUMNS, account_from, chunks

# Owners whose neighbour pages one statement reads (one UNION ALL arm each; SQLite allows 500).
_ARMS = 200


class SqliteFollowGraph(SqliteConnections):
    """Follow edges between account numbers, in ``follows`` (src, dst) and ``followers`` (dst, src)."""

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
        return self._neighbours([account_id], first, after, mine="dst", theirs="src")[account_id]

    def list_following(self, account_id: str, first: int, after: str | None = None) -> Page[Account]:
        return self._neighbours([account_id], first, after, mine="src", theirs="dst")[account_id]

    def list_followers_many(
        self, account_ids: Sequence[str], first: int, after: str | None = None
    ) -> dict[str, Page[Account]]:
        return self._neighbours(list(dict.fromkeys(account_ids)), first, after, mine="dst", theirs="src")

    def list_following_many(
        self, account_ids: Sequence[str], first: int, after: str | None = None
    ) -> dict[str, Page[Account]]:
        return self._neighbours(list(dict.fromkeys(account_ids)), first, after, mine="src", theirs="dst")

    def _neighbours(
        self, owners: list[str], first: int, after: str | None, *, mine: str, theirs: str
    ) -> dict[str, Page[Account]]:
        # Pages go in account number order (the order the store first saw each account), which is
        # the key order of the edge table: a page is a range scan of ``first + 1`` rows however
        # many followers an account has (by id, a page of a 76,000-follower account took 22 ms).
        check_first(first)
        start = 0  # account numbers start at 1
        if after is not None:
            (start,) = decode_cursor(after)
            if not isinstance(start, int):
                raise BadUserInput(f"cursor {after!r} is not valid; pass the endCursor of a previous page")
        table = "followers" if mine == "dst" else "follows"  # the one whose key starts with ``mine``
        arm = (
            f"SELECT * FROM (SELECT ? AS owner, f.{theirs} AS n FROM accounts me JOIN {table} f"
            f" ON f.{mine} = me.n WHERE me.id = ? AND f.{theirs} > ? ORDER BY f.{theirs} LIMIT ?)"
        )
        rows: list[Any] = []
        for chunk in chunks(owners, _ARMS):
            pages = " UNION ALL ".join([arm] * len(chunk))
            rows += self._all(
                f"SELECT {ACCOUNT_COLUMNS}, a.n, page.owner FROM ({pages}) page JOIN accounts a ON a.n = page.n"
                " ORDER BY a.n",
                [value for owner in chunk for value in (owner, owner, start, first + 1)],
            )
        return pages_by_owner(
            rows,
            owners,
            first,
            owner_of=lambda r: r[-1],
            key_of=lambda r: [r[-2]],
            convert=account_from,
        )

    def iter_follows(self, batch_size: int = 100_000) -> Iterator[list[tuple[str, str]]]:
        # A private connection: the caller may interleave other store calls while iterating.
        conn = sqlite3.connect(self.path, timeout=30.0)
        try:
            cursor = conn.execute(
                "SELECT s.id, d.id FROM follows f JOIN accounts s ON s.n = f.src JOIN accounts d ON d.n = f.dst"
            )
            while batch := cursor.fetchmany(batch_size):
                yield batch
        finally:
            conn.close()

    def iter_follow_codes(self, batch_size: int = 1_000_000) -> Iterator[FollowBatch]:
        from graphsvc.stores.sqlite_follows import read_follow_codes  # loads numba: only when asked

        return read_follow_codes(self.path, batch_size)
