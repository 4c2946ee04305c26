"""Engaged reach: how much of a customer's audience has itself interacted with the brand.

The engaged accounts come from the store (``store.customer_ids_for_brand(brand)``); build their
mask once per brand with :func:`engaged_mask` and reuse it for every customer of a request.

>>> from graphsvc.analytics.projection import build_projection
>>> p = build_projection([[("x:1", "x:a"), ("x:2", "x:a"), ("x:3", "x:1")]])
>>> engaged_reach(p, "x:a", engaged_mask(p, ["x:2", "x:3"]), hops=2)
2
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from graphsvc.analytics import _kernels
from graphsvc.analytics.projection import Projection
from graphsvc.analytics.reach import _check_hops

Mask = npt.NDArray[np.uint8]


def engaged_mask(p: Projection, engaged_ids: Iterable[str]) -> Mask:
    """1 for every node that interacted with the brand."""
    mask = np.zeros(p.n_nodes, dtype=np.uint8)
    mask[p.indexes_of(engaged_ids)] = 1
    return mask


def engaged_reach(p: Projection, account_id: str, engaged: Mask, hops: int = 1) -> int:
    """Accounts in ``account_id``'s audience whose ``engaged`` bit is set."""
    return engaged_reach_many(p, [account_id], engaged, hops)[0]


def engaged_reach_many(p: Projection, account_ids: Sequence[str], engaged: Mask, hops: int = 1) -> list[int]:
    """:func:`engaged_reach` for several customers, sharing one scratch stamp."""
    hops = _check_hops(hops)
    # the gain kernel counts audience nodes whose "covered" byte is 0: pass the complement
    uncovered = np.ascontiguousarray(1 - engaged, dtype=np.uint8)
    stamp = np.full(p.n_nodes, -1, dtype=np.int64)
    counts = []
    for epoch, account_id in enumerate(account_ids):
        i = p.index_of(account_id)
        if i is None:
            counts.append(0)
            continue
        counts.append(int(_kernels.marginal_gain(p.indptr, p.indices, i, hops, uncovered, stamp, epoch)))
    return counts
