"""Peer reach: how many distinct accounts can hear a customer, alone or as a set.

The audience of ``x`` at ``hops=1`` is the accounts that follow ``x``; at ``hops=2`` it adds the
accounts that follow one of those; ``x`` itself never counts. Everything is exact (no sketches).
The reach of a set is ``|union of audience(x)|``: a member followed by another member counts once,
as an account that can hear the set.

>>> from graphsvc.analytics.projection import build_projection
>>> p = build_projection([[("x:b", "x:a"), ("x:c", "x:a"), ("x:d", "x:b"), ("x:a", "x:b")]])
>>> peer_reach(p, "x:a", 1), peer_reach(p, "x:a", 2)
(2, 3)
>>> set_reach(p, ["x:a", "x:b"], 1)
4
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from graphsvc.analytics import _kernels
from graphsvc.analytics.projection import Projection

Counts = npt.NDArray[np.int64]


def _check_hops(hops: int) -> int:
    if hops not in (1, 2):
        raise ValueError(f"hops must be 1 or 2, got {hops}")
    return hops


@dataclass(frozen=True, slots=True, eq=False)
class ReachTable:
    """Reach of every node of a projection, in node order."""

    reach1: Counts
    reach2: Counts


def all_reach(p: Projection) -> ReachTable:
    """1- and 2-hop reach of every account in one pass (compiled, both cores)."""
    reach1 = p.in_degree()
    reach2 = _kernels.all_reach2(p.indptr, p.indices, numba.get_num_threads())
    return ReachTable(reach1=reach1, reach2=reach2)


def peer_reach(p: Projection, account_id: str, hops: int = 1) -> int:
    """Distinct accounts within ``hops`` follower links of ``account_id`` (0 when unknown)."""
    i = p.index_of(account_id)
    if i is None:
        return 0
    return int(_kernels.audience_size(p.indptr, p.indices, i, _check_hops(hops)))


def audience_mask(p: Projection, account_ids: Iterable[str], hops: int = 1) -> npt.NDArray[np.uint8]:
    """A per-node mask of the union of the audiences of ``account_ids`` (1 = in the audience)."""
    hops = _check_hops(hops)
    mask = np.zeros(p.n_nodes, dtype=np.uint8)
    for i in p.indexes_of(account_ids).tolist():
        _kernels.mark_audience(p.indptr, p.indices, i, hops, mask, np.uint8(1))
    return mask


def audience(p: Projection, account_id: str, hops: int = 1) -> list[str]:
    """The audience itself, as sorted ids (for display and tests; sizes use :func:`peer_reach`)."""
    return [p.id_of(int(i)) for i in np.flatnonzero(audience_mask(p, [account_id], hops))]


def set_reach(p: Projection, account_ids: Iterable[str], hops: int = 1) -> int:
    """``|union of audience(x) for x in account_ids|``, de-duplicated."""
    return int(np.count_nonzero(audience_mask(p, account_ids, hops)))
