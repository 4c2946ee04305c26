"""Audience overlap: how much of their audiences a few customers share.

Each member's audience becomes one bit of a per-node 64-bit mask; grouping nodes by mask value
turns every pairwise intersection into one small matrix product, so the cost is one walk per
member plus O(distinct masks * members^2), never a per-pair set intersection.

>>> from graphsvc.analytics.projection import build_projection
>>> p = build_projection([[("x:1", "x:a"), ("x:2", "x:a"), ("x:2", "x:b"), ("x:3", "x:b")]])
>>> [(o.a, o.b, o.shared, round(o.jaccard, 2)) for o in audience_overlap(p, ["x:a", "x:b"])]
[('x:a', 'x:b', 1, 0.33)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from graphsvc.analytics import _kernels
from graphsvc.analytics.projection import Projection
from graphsvc.analytics.reach import _check_hops

MAX_MEMBERS = 64  # one bit each in a uint64 mask


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two customers' audiences: sizes, shared accounts and Jaccard similarity (0 when both empty)."""

    a: str
    b: str
    reach_a: int
    reach_b: int
    shared: int
    jaccard: float


def overlap_matrix(p: Projection, account_ids: Sequence[str], hops: int = 1) -> np.ndarray:
    """``m[i, j]`` = accounts in both audience(ids[i]) and audience(ids[j]); the diagonal is reach."""
    hops = _check_hops(hops)
    k = len(account_ids)
    if k > MAX_MEMBERS:
        raise ValueError(f"audience overlap takes at most {MAX_MEMBERS} customers, got {k}")
    mask = np.zeros(p.n_nodes, dtype=np.uint64)
    for bit, account_id in enumerate(account_ids):
        i = p.index_of(account_id)
        if i is not None:
            _kernels.mark_audience(p.indptr, p.indices, i, hops, mask, np.uint64(1 << bit))
    values, counts = np.unique(mask[mask != 0], return_counts=True)
    bits = ((values[:, None] >> np.arange(k, dtype=np.uint64)) & np.uint64(1)).astype(np.int64)
    matrix: np.ndarray = bits.T @ (bits * counts[:, None])
    return matrix


def audience_overlap(p: Projection, account_ids: Sequence[str], hops: int = 1) -> list[Overlap]:
    """Every pair (in input order) with its shared audience and Jaccard index."""
    m = overlap_matrix(p, account_ids, hops)
    pairs = []
    for i, a in enumerate(account_ids):
        for j in range(i + 1, len(account_ids)):
            shared = int(m[i, j])
            union = int(m[i, i] + m[j, j]) - shared
            pairs.append(
                Overlap(
                    a=a,
                    b=account_ids[j],
                    reach_a=int(m[i, i]),
                    reach_b=int(m[j, j]),
                    shared=shared,
                    jaccard=shared / union if union else 0.0,
                )
            )
    return pairs
