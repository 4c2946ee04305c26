"""Power-law follower graphs for benchmarks (directed Chung-Lu model).

Each account gets an "attractiveness" weight (how many follow it) and an "activity" weight (how
many it follows), both Pareto-distributed and independent; every edge picks its follower by
activity and its followee by attractiveness. In-degrees then follow a power law with exponent
``gamma_in`` (2.1 by default, heavy like real follower counts: a few accounts with 10^5 followers)
and out-degrees one with ``gamma_out`` (2.5). Expected in-degree is capped at n/10 and out-degree
at n/100; self-follows and repeats are dropped, extra edges are drawn to land near ``m``.

>>> src, dst = power_law_edges(1000, 5000, seed=1)
>>> bool((src != dst).all()) and 4000 < len(src) <= 5000
True
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int32]


def _pareto_weights(rng: np.random.Generator, n: int, gamma: float) -> npt.NDArray[np.float64]:
    # P(w > x) ~ x^-(gamma - 1) gives a degree distribution P(k) ~ k^-gamma
    return (1.0 - rng.random(n)) ** (-1.0 / (gamma - 1.0))


def power_law_edges(
    n: int, m: int, *, gamma_in: float = 2.1, gamma_out: float = 2.5, seed: int = 0
) -> tuple[IntArray, IntArray]:
    """About ``m`` distinct (follower, followee) int32 edges over ``n`` accounts."""
    rng = np.random.default_rng(seed)
    w_in = _pareto_weights(rng, n, gamma_in)
    w_out = _pareto_weights(rng, n, gamma_out)
    # cap expected degrees (Chung-Lu needs it): at most a tenth of all accounts follow anyone
    w_in = np.minimum(w_in, 0.1 * n * w_in.sum() / m)
    w_out = np.minimum(w_out, 0.01 * n * w_out.sum() / m)
    cdf_in = np.cumsum(w_in)
    cdf_out = np.cumsum(w_out)
    draws = int(m * 1.15)  # repeats and self-follows are dropped; draw extra to land near m
    src = np.searchsorted(cdf_out, rng.random(draws) * cdf_out[-1]).astype(np.int64)
    dst = np.searchsorted(cdf_in, rng.random(draws) * cdf_in[-1]).astype(np.int64)
    keep = src != dst
    key = np.unique(src[keep] * n + dst[keep])
    key = key[rng.permutation(key.shape[0])[:m]]  # stream order should not be sorted
    return (key // n).astype(np.int32), (key % n).astype(np.int32)


def qualified_batches(
    src: IntArray, dst: IntArray, batch_size: int = 100_000, platform: str = "x"
) -> list[list[tuple[str, str]]]:
    """The edges as ``Store.iter_follows`` yields them: batches of qualified-id string pairs."""
    names = [f"{platform}:{i}" for i in range(int(max(src.max(), dst.max())) + 1)]
    batches = []
    for lo in range(0, src.shape[0], batch_size):
        s = src[lo : lo + batch_size].tolist()
        d = dst[lo : lo + batch_size].tolist()
        batches.append([(names[a], names[b]) for a, b in zip(s, d, strict=True)])
    return batches
