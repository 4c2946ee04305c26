"""Every account's stored metrics in memory, so a peer reach or an influence is a dict lookup.

A customer's page shows each follower's reach. Read from the store, that is one more statement,
batch and level of loads per page: the benchmark's nested customer query spent a fifth more CPU
time that way than with the metrics in memory. A server whose store holds at most ``limit`` metrics (``GRAPHSVC_METRICS_IN_MEMORY``,
about 250 bytes each) reads them all at startup and answers from memory while they are current:

- the store watch (:mod:`graphsvc.api.watch`) passes on the store's metrics mark each poll
  (:attr:`~graphsvc.stores.base.FeedMarks.metrics`, moved by every ``put_metrics``); when it moved
  (``graphsvc load`` or ``graphsvc analyze`` in another process), the table is dropped at once and
  read again in the background, and reads go to the store meanwhile;
- this server's own metric writes (the refresh after ``addFollows``) drop it before they write.

So another process's new numbers show within one poll (``watch_seconds``), as with the read cache;
a server that does not poll keeps no table. A store with more metrics than ``limit`` is read
from as before, and counted again only when its mark moves.
"""

from __future__ import annotations

import asyncio
import logging

import anyio.to_thread

from graphsvc.errors import GraphsvcError
from graphsvc.model import Metrics
from graphsvc.stores.base import Store

log = logging.getLogger(__name__)


class StoredMetrics:
    """The metrics table of one API process; ``table`` is None while it is not current."""

    def __init__(self, store: Store, limit: int) -> None:
        self.store = store
        self.limit = limit  # 0: never kept
        self.table: dict[str, Metrics] | None = None
        self.mark: int | None = None  # the store's metrics mark the table was read at (None: read again)
        self._generation = 0  # moved by drop(): a read begun before it is not kept
        self._reading: asyncio.Task[None] | None = None
        self._reading_mark: int | None = None  # the mark the read under way found

    def drop(self) -> None:
        """Stop answering from memory: the stored metrics are about to change."""
        self.table = None
        self.mark = None
        self._generation += 1

    def seen(self, mark: int) -> None:
        """The store's metrics mark as the watch read it: when it moved, drop the table and read
        it again in the background."""
        if self.limit <= 0 or mark == self.mark:
            return
        if self._reading is not None:
            if mark != self._reading_mark:
                self.drop()  # written since that read began: it is not kept; the next poll reads again
            return
        self.drop()
        self._reading = asyncio.create_task(self._read_later(), name="graphsvc-metrics-read")

    async def _read_later(self) -> None:
        try:
            await self.read()
        finally:
            self._reading = None

    async def read(self) -> None:
        """Read the whole table (on a worker thread) unless the store holds more than ``limit``;
        a failure is logged and leaves the reads to the store until the next poll tries again."""
        if self.limit <= 0:
            return
        generation = self._generation
        try:
            mark, table = await anyio.to_thread.run_sync(self._read_all)
        except GraphsvcError as exc:
            log.warning("reading the stored metrics into memory failed; reading from the store: %s", exc)
            return
        if generation == self._generation:  # nothing was written meanwhile by this process
            self.table, self.mark = table, mark
            if table is None:
                log.info("the store holds more than %d metrics: reading them from the store", self.limit)

    def _read_all(self) -> tuple[int, dict[str, Metrics] | None]:
        # the mark first: a write after it moves it, and the next poll reads again
        mark = self._reading_mark = self.store.feed_marks().metrics
        table: dict[str, Metrics] = {}
        for batch in self.store.iter_metrics():
            table.update((m.account_id, m) for m in batch)
            if len(table) > self.limit:
                return mark, None
        return mark, table

    async def close(self) -> None:
        """Stop a read under way (the app is shutting down)."""
        if self._reading is not None:
            self._reading.cancel()
            await asyncio.gather(self._reading, return_exceptions=True)
