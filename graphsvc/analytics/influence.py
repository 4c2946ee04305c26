"""Influence: PageRank on the follower graph, so an account followed by well-followed accounts
ranks above one with the same number of obscure followers.

A follow edge passes rank from follower to followee. Same model as ``networkx.pagerank``
(damping ``alpha``, dangling accounts spread their rank uniformly); see :func:`pagerank` for the
stopping rule.

>>> from graphsvc.analytics.projection import build_projection
>>> p = build_projection([[("x:a", "x:c"), ("x:b", "x:c"), ("x:c", "x:a")]])
>>> ranks = pagerank(p)
>>> max(range(3), key=lambda i: ranks[i]) == p.index_of("x:c")
True
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from graphsvc.analytics import _kernels
from graphsvc.analytics.projection import Projection


class PageRankNotConverged(ArithmeticError):
    """Power iteration did not reach ``tol`` within ``max_iter`` iterations."""


def pagerank(
    p: Projection, alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100
) -> npt.NDArray[np.float64]:
    """PageRank of every node (node order), summing to 1.

    Stops when the L1 change of the whole vector is below ``tol`` (networkx uses ``n * tol``,
    which on a million accounts stops after two iterations).
    """
    if p.n_nodes == 0:
        return np.zeros(0)
    ranks, iterations = _kernels.pagerank(p.indptr, p.indices, alpha, tol, max_iter)
    if iterations < 0:
        raise PageRankNotConverged(
            f"PageRank did not converge to {tol} in {max_iter} iterations; raise max_iter or tol"
        )
    result: npt.NDArray[np.float64] = ranks
    return result
