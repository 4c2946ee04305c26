"""The follower graph of one API process: one shared :class:`~graphsvc.analytics.Projection`.

Built lazily from ``store.iter_follow_codes()`` on first use, on a worker thread, once (concurrent first
requests wait for the same build), and shared by every request: a projection is immutable, so a
request only ever holds a reference, never a copy. When ``addFollows`` stores new edges,
:meth:`FollowerGraph.edges_added` patches it with :func:`graphsvc.analytics.refresh.update`, which
also rewrites the stored reach and influence that changed, so the ranking queries stay right.

Edges another process adds (a load while the server runs) are noticed by the app's
:class:`~graphsvc.api.watch.StoreWatch`: when the store's edge count and the projection's differ,
:meth:`FollowerGraph.follows_stored` rebuilds the projection in the background, serving the
previous one meanwhile. The stored metrics are the writer's to refresh (``graphsvc load`` analyses
after new edges, ``addFollows`` patches them).

Stored metrics are read first, from memory when the store has few enough
(:class:`~graphsvc.api.stored_metrics.StoredMetrics`, dropped before a refresh writes); they are
*stale* while a refresh runs or after one failed, and then :attr:`FollowerGraph.metrics_stale`
tells resolvers to compute from the projection instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

import anyio.to_thread

from graphsvc.analytics import Projection, build_projection_from_codes, peer_reach
from graphsvc.analytics.refresh import Analysis, analyze, compute, update
from graphsvc.api.stored_metrics import StoredMetrics
from graphsvc.stores.base import Store

log = logging.getLogger(__name__)


class FollowerGraph:
    """The app's projection, the analysis kept after an incremental refresh, and the stored
    metrics in memory (``metrics_in_memory``: for stores with at most that many; 0: never)."""

    def __init__(self, store: Store, *, metrics_in_memory: int = 0) -> None:
        self.store = store
        self.stored = StoredMetrics(store, metrics_in_memory)
        self._projection: Projection | None = None
        self._analysis: Analysis | None = None
        self._lock: asyncio.Lock | None = None
        self.metrics_stale = False
        self.builds = 0  # projections built from the store (tests check it is one per app)
        self._rebuilding: asyncio.Task[None] | None = None
        self._next_rebuild = 0.0  # monotonic time before which no rebuild starts

    def _guard(self) -> asyncio.Lock:
        # created on first use, inside the event loop that serves the app
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    @property
    def loaded(self) -> Projection | None:
        """The projection if it is built, without building it."""
        return self._projection

    async def projection(self) -> Projection:
        """The shared projection; the first call builds it on a worker thread."""
        if self._projection is not None:
            return self._projection
        async with self._guard():
            if self._projection is None:
                self._projection = await anyio.to_thread.run_sync(self._build)
            return self._projection

    def _build(self) -> Projection:
        self.builds += 1
        return build_projection_from_codes(self.store.iter_follow_codes())

    async def reach(self, account_id: str, hops: int) -> int:
        """Peer reach computed from the projection (0 for accounts without followers)."""
        return peer_reach(await self.projection(), account_id, hops)

    async def edges_added(self, edges: Sequence[tuple[str, str]]) -> None:
        """Patch the projection with edges the store has just accepted and refresh stored metrics."""
        async with self._guard():
            self.metrics_stale = True
            self.stored.drop()  # the refresh rewrites metrics; the watch reads them again after it
            try:
                analysis = await anyio.to_thread.run_sync(self._refresh, list(edges))
            except BaseException:
                # the store has the edges; rebuild from it on next use, keep computing reach ourselves
                self._projection = None
                self._analysis = None
                raise
            self._analysis = analysis
            self._projection = analysis.projection
            self.metrics_stale = False

    def follows_stored(self, count: int) -> None:
        """The store holds ``count`` follow edges. When a built projection holds another number
        (and no patch is under way), another process changed the graph: rebuild in the background.
        A rebuild does not start while one runs, nor sooner after the last one than it took."""
        p = self._projection
        if p is None or p.n_edges == count or self._rebuilding is not None or self._guard().locked():
            return
        if time.monotonic() < self._next_rebuild:
            return
        self._rebuilding = asyncio.create_task(self._rebuild())

    async def _rebuild(self) -> None:
        started = time.monotonic()
        try:
            async with self._guard():
                self._projection = await anyio.to_thread.run_sync(self._build)
                self._analysis = None  # the next patch starts from the rebuilt projection
        except Exception:  # the previous projection keeps serving; the next poll tries again
            log.exception("rebuilding the follower graph from the store failed")
        finally:
            took = time.monotonic() - started
            self._next_rebuild = time.monotonic() + took
            self._rebuilding = None

    async def close(self) -> None:
        """Stop a rebuild or a metrics read under way (the app is shutting down)."""
        await self.stored.close()
        if self._rebuilding is not None:
            self._rebuilding.cancel()
            await asyncio.gather(self._rebuilding, return_exceptions=True)

    def _refresh(self, edges: list[tuple[str, str]]) -> Analysis:
        previous = self._analysis
        if previous is None and self._projection is not None:
            previous = compute(self._projection)
        if previous is None:
            self.builds += 1
            return analyze(self.store).analysis
        return update(self.store, previous, edges).analysis
