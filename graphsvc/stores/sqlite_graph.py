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
from graphsvc.stores.sqlite_rows import ACCOUNT_COLUMNS, account_from, chunks, json_rows
from graphsvc.stores.sqlite_schema import FOLLOWERS, FOLLOWING

# Ids or numbers one statement looks up (a JSON array of them).
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
        from graphsvc.stores.sqlite_follows import members  # loads numba: only when asked

        check_first(first)
        start = 0  # account numbers start at 1
        if after is not None:
            (start,) = decode_cursor(after)
            if not isinstance(start, int):
                raise BadUserInput(f"cursor {after!r} is not valid; pass the endCursor of a previous page")
        owners = list(dict.fromkeys(account_ids))
        conn = self._conn()
        listed: list[tuple[str, int]] = []
        for chunk in chunks(owners, _LOOKUP):
            for owner, n in conn.execute(
                "SELECT a.id, a.n FROM json_each(?) j JOIN accounts a ON a.id = j.value", (json_rows(chunk),)
            ):
                listed += [(owner, int(m)) for m in members(conn, table, n, start, first + 1).tolist()]
        rows: dict[int, Any] = {}
        for chunk in chunks(sorted({m for _, m in listed}), _LOOKUP):
            rows.update(
                (r[-1], r)
                for r in conn.execute(
                    f"SELECT {ACCOUNT_COLUMNS}, a.n FROM json_each(?) j JOIN accounts a ON a.n = j.value",
                    (json_rows(chunk),),
                )
            )
        return pages_by_owner(
            [(owner, rows[m]) for owner, m in listed],
            owners,
            first,
            owner_of=lambda r: r[0],
            key_of=lambda r: [r[1][-1]],
            convert=lambda r: account_from(r[1]),
        )

    def iter_follows(self, batch_size: int = 100_000) -> Iterator[list[tuple[str, str]]]:
        return (batch.edges for batch in self.iter_follow_codes(batch_size))

    def iter_follow_codes(self, batch_size: int = 1_000_000) -> Iterator[FollowBatch]:
        from graphsvc.stores.sqlite_follows import read_follow_codes  # loads numba: only when asked

        return read_follow_codes(self.path, batch_size)
