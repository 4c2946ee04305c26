"""Best advocate set: the k customers whose *combined* de-duplicated reach is largest.

Maximum coverage is NP-hard; greedy (pick the largest marginal gain, repeat) reaches at least
(1 - 1/e) of the optimum, and because coverage is submodular a gain computed earlier is an upper
bound on the gain now, so stale heap entries are re-evaluated only when they reach the top
(lazy greedy). Ties go to the candidate listed first, exactly as plain greedy would choose.
Selection stops early when no remaining candidate adds anyone.

>>> from graphsvc.analytics.projection import build_projection
>>> p = build_projection([[("x:1", "x:a"), ("x:2", "x:a"), ("x:1", "x:b"), ("x:3", "x:c")]])
>>> [(pick.account_id, pick.gain) for pick in best_advocate_set(p, ["x:a", "x:b", "x:c"], 2).picks]
[('x:a', 2), ('x:c', 1)]
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from graphsvc.analytics import _kernels
from graphsvc.analytics.projection import Projection
from graphsvc.analytics.reach import _check_hops


@dataclass(frozen=True, slots=True)
class Pick:
    """One chosen advocate: the audience it adds (``gain``) and the set's reach after it."""

    account_id: str
    gain: int
    total: int


@dataclass(frozen=True, slots=True)
class AdvocateSet:
    picks: tuple[Pick, ...]
    reach: int  # de-duplicated reach of the whole set
    evaluations: int  # marginal-gain evaluations (lazy greedy needs far fewer than k * candidates)


def best_advocate_set(p: Projection, candidates: Sequence[str], k: int, hops: int = 1) -> AdvocateSet:
    """Greedy max coverage over ``candidates`` with lazy evaluation; per-request memory is O(n)."""
    hops = _check_hops(hops)
    if k < 0:
        raise ValueError(f"k must be at least 0, got {k}")
    covered = np.zeros(p.n_nodes, dtype=np.uint8)
    stamp = np.full(p.n_nodes, -1, dtype=np.int64)
    epoch = 0
    heap: list[tuple[int, int, int, int]] = []  # (-gain bound, order, node, round computed)
    seen: set[int] = set()
    for order, account_id in enumerate(candidates):
        i = p.index_of(account_id)
        if i is None or i in seen:
            continue
        seen.add(i)
        gain = int(_kernels.marginal_gain(p.indptr, p.indices, i, hops, covered, stamp, epoch))
        epoch += 1
        heap.append((-gain, order, i, 0))
    heapq.heapify(heap)
    evaluations = epoch
    picks: list[Pick] = []
    total = 0
    while heap and len(picks) < k:
        neg_gain, order, i, computed = heapq.heappop(heap)
        if neg_gain == 0:
            break  # bounds only shrink: nobody left adds anyone
        if computed != len(picks):
            gain = int(_kernels.marginal_gain(p.indptr, p.indices, i, hops, covered, stamp, epoch))
            epoch += 1
            evaluations += 1
            heapq.heappush(heap, (-gain, order, i, len(picks)))
            continue
        _kernels.mark_audience(p.indptr, p.indices, i, hops, covered, np.uint8(1))
        total -= neg_gain
        picks.append(Pick(account_id=p.id_of(i), gain=-neg_gain, total=total))
    return AdvocateSet(picks=tuple(picks), reach=total, evaluations=evaluations)
