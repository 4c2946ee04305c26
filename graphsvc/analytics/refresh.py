"""Recompute and store every account's reach and influence: ``graphsvc analyze`` and after loads.

Only the :class:`~graphsvc.stores.base.Store` Protocol is used: ``iter_follow_codes`` to stream
the graph in, ``put_metrics`` to write results out, so every backend gets the same analytics.
:func:`analyze` rebuilds everything; :func:`update` patches a previous :class:`Analysis` with new
edges and recomputes 2-hop reach only where it can have changed (the followees of new edges and
the accounts those followees follow), falling back to a full pass when that is most of the graph.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from graphsvc.analytics import _kernels
from graphsvc.analytics.influence import pagerank
from graphsvc.analytics.projection import Edges, Projection, build_projection_from_codes
from graphsvc.analytics.reach import ReachTable, all_reach
from graphsvc.model import Metrics
from graphsvc.stores.base import Store

WRITE_BATCH = 20_000
FULL_PASS_FRACTION = 0.25  # above this share of affected accounts a full pass is cheaper
INFLUENCE_RTOL = 1e-3  # incremental writes skip influence changes smaller than this


@dataclass(frozen=True, slots=True, eq=False)
class Analysis:
    """A projection with the numbers computed from it; what an API process keeps in memory."""

    projection: Projection
    reach: ReachTable
    influence: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class AnalyzeReport:
    analysis: Analysis
    mode: str  # "full" or "incremental"
    accounts: int
    edges: int
    written: int
    seconds: dict[str, float] = field(default_factory=dict)


def compute(p: Projection) -> Analysis:
    """Reach and PageRank for every account of a projection (no store involved)."""
    return Analysis(projection=p, reach=all_reach(p), influence=pagerank(p))


def _metrics(a: Analysis, nodes: npt.NDArray[np.int64]) -> Iterator[Metrics]:
    p = a.projection
    r1, r2, inf = a.reach.reach1, a.reach.reach2, a.influence
    for lo in range(0, nodes.shape[0], WRITE_BATCH):
        chunk = nodes[lo : lo + WRITE_BATCH]
        ids = [bytes(b).decode() for b in p.ids[chunk].tolist()]
        yield from (
            Metrics(account_id=i, reach1=x, reach2=y, influence=z)
            for i, x, y, z in zip(
                ids, r1[chunk].tolist(), r2[chunk].tolist(), inf[chunk].tolist(), strict=True
            )
        )


def _write(store: Store, a: Analysis, nodes: npt.NDArray[np.int64]) -> int:
    written = 0
    batch: list[Metrics] = []
    for m in _metrics(a, nodes):
        batch.append(m)
        if len(batch) >= WRITE_BATCH:
            written += store.put_metrics(batch)
            batch = []
    if batch:
        written += store.put_metrics(batch)
    return written


def analyze(store: Store, batch_size: int = 100_000) -> AnalyzeReport:
    """Stream the follower graph out of ``store``, compute everything, write every account's metrics."""
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    # account numbers, not string pairs: 5-10x faster to build from
    p = build_projection_from_codes(store.iter_follow_codes(batch_size))
    seconds["projection"] = time.perf_counter() - t
    return _full_pass(store, p, seconds)


def _full_pass(store: Store, p: Projection, seconds: dict[str, float]) -> AnalyzeReport:
    """Compute everything for ``p`` and write every account's metrics."""
    a = _timed_compute(p, seconds)
    t = time.perf_counter()
    written = _write(store, a, np.arange(p.n_nodes, dtype=np.int64))
    seconds["write"] = time.perf_counter() - t
    return AnalyzeReport(
        analysis=a, mode="full", accounts=p.n_nodes, edges=p.n_edges, written=written, seconds=seconds
    )


def _timed_compute(p: Projection, seconds: dict[str, float]) -> Analysis:
    t = time.perf_counter()
    reach = all_reach(p)
    seconds["reach"] = time.perf_counter() - t
    t = time.perf_counter()
    influence = pagerank(p)
    seconds["pagerank"] = time.perf_counter() - t
    return Analysis(projection=p, reach=reach, influence=influence)


def affected_nodes(p: Projection, followees: npt.NDArray[np.int32]) -> npt.NDArray[np.int64]:
    """Nodes whose reach can change when the given followees gain followers: themselves
    (1 and 2 hops) and every account they follow (2 hops)."""
    hit = np.zeros(p.n_nodes, dtype=bool)
    hit[followees] = True
    rows = np.repeat(np.arange(p.n_nodes, dtype=np.int64), p.in_degree())
    out = np.zeros(p.n_nodes, dtype=bool)
    out[rows[hit[p.indices]]] = True
    out[followees] = True
    return np.flatnonzero(out)


def update(store: Store, previous: Analysis, new_edges: Edges) -> AnalyzeReport:
    """Patch ``previous`` with ``new_edges`` (already in the store) and write what changed."""
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    old = previous.projection
    p = old.with_edges(new_edges)
    followees = p.indexes_of(dict.fromkeys(b for _, b in new_edges))
    affected = affected_nodes(p, followees)
    seconds["projection"] = time.perf_counter() - t
    if affected.shape[0] > FULL_PASS_FRACTION * p.n_nodes:
        return _full_pass(store, p, seconds)
    t = time.perf_counter()
    where = np.searchsorted(p.ids, old.ids)  # old node -> new node (old ids are all still there)
    reach2 = np.zeros(p.n_nodes, dtype=np.int64)
    reach2[where] = previous.reach.reach2
    for v in affected.tolist():
        reach2[v] = _kernels.audience_size(p.indptr, p.indices, v, 2)
    reach = ReachTable(reach1=p.in_degree(), reach2=reach2)
    seconds["reach"] = time.perf_counter() - t
    t = time.perf_counter()
    influence = pagerank(p)
    seconds["pagerank"] = time.perf_counter() - t
    a = Analysis(projection=p, reach=reach, influence=influence)
    before = np.full(p.n_nodes, -1.0)
    before[where] = previous.influence
    changed = np.abs(influence - before) > INFLUENCE_RTOL * np.maximum(before, 1e-300)
    changed[affected] = True
    t = time.perf_counter()
    written = _write(store, a, np.flatnonzero(changed))
    seconds["write"] = time.perf_counter() - t
    return AnalyzeReport(
        analysis=a, mode="incremental", accounts=p.n_nodes, edges=p.n_edges, written=written, seconds=seconds
    )
