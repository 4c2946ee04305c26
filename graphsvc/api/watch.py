"""Noticing what other processes write to the store while the server runs.

A load (``graphsvc load``) or a second worker writes to the same store; this server learns of it
by polling the store's cheap :meth:`~graphsvc.stores.base.Store.feed_marks` every
``watch_seconds``. New state changes, whoever recorded them, go to the ``stateChanged``
subscribers in feed order; a follow edge count that differs from the shared projection's makes
the follower graph rebuild (see :meth:`FollowerGraph.follows_stored`), and a moved metrics mark
has the metrics in memory read again (:mod:`graphsvc.api.stored_metrics`). This server's own
writes call :meth:`StoreWatch.poke` to be passed on at once, through the same path, so nothing is
sent twice. When the marks move, the read cache is cleared, so another process's state changes and
edges show in answers at the next poll rather than after the cache's TTL.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from graphsvc.api.cache import ReadCache
from graphsvc.api.events import StateChangeHub
from graphsvc.api.graph import FollowerGraph
from graphsvc.api.store_calls import StoreCalls
from graphsvc.errors import GraphsvcError
from graphsvc.stores.base import FeedMarks

log = logging.getLogger(__name__)

PAGE = 500  # state changes read per store call while catching up


class StoreWatch:
    """Polls the store and passes on what changed; runs as one task per app (:meth:`run`)."""

    def __init__(
        self, calls: StoreCalls, hub: StateChangeHub, graph: FollowerGraph, cache: ReadCache, interval: float
    ) -> None:
        self.calls = calls
        self.hub = hub
        self.graph = graph
        self.cache = cache
        self.interval = interval  # 0: only when poked
        self.seq: int | None = None  # the feed position passed on so far (None: not read yet)
        self._marks: FeedMarks | None = None
        self._poked = asyncio.Event()

    def poke(self) -> None:
        """Look now: this process has just written."""
        self._poked.set()

    async def run(self) -> None:
        """Poll until cancelled; a store that fails to answer is tried again next time."""
        while True:
            try:
                await self.poll()
            except GraphsvcError as exc:
                log.warning("watching the store failed, trying again: %s", exc)
            await self._wait()

    async def _wait(self) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._poked.wait(), self.interval or None)
        self._poked.clear()

    async def poll(self) -> None:
        """Pass on the state changes recorded since the last poll and the follow edge count.
        The first poll only takes note of where the feed stands: history is not replayed."""
        store = self.calls.store
        marks = await self.calls(store.feed_marks)
        if self._marks is not None and marks != self._marks:
            self.cache.clear()  # someone wrote: cached answers may be out of date before their TTL
        self._marks = marks
        if self.seq is None:
            self.seq = marks.state_changes
        while self.seq < marks.state_changes:
            page = await self.calls(store.state_changes_after, self.seq, PAGE)
            if not page:
                break
            self.hub.publish(page)
            self.seq = page[-1][0]
        self.graph.follows_stored(marks.follows)
        self.graph.stored.seen(marks.metrics)
