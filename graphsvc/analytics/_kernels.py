"""Compiled loops over the CSR follower projection (numba, cached on disk).

Every kernel takes the projection's raw arrays: ``indptr`` (int64, n + 1) and ``indices`` (int32),
where ``indices[indptr[v]:indptr[v + 1]]`` are the distinct followers of node ``v``. Nothing here
knows about ids, stores or Python objects; the public modules wrap these with typed signatures.

Why numba: exact all-node 2-hop distinct counts visit sum(indeg(u) * outdeg(u)) edges, which is
10^8-10^9 steps at 10M edges; interpreted Python or vectorised numpy (sparse A @ A materialises
the 2-hop pairs) cannot do that within seconds, a loop with a reusable visited stamp can.
``cache=True`` stores the machine code next to this file so only the first run after install pays
the compile time (about a few seconds; ``bench/reach.py`` reports it separately).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

Array = Any  # numba kernels are untyped to mypy; the typed wrappers document dtypes

_jit = numba.njit(cache=True, nogil=True)
_pjit = numba.njit(cache=True, nogil=True, parallel=True)


@_jit
def csr_from_edges(src: Array, dst: Array, n: int) -> tuple[Array, Array]:  # pragma: no cover - jit
    """In-adjacency CSR from edge arrays: counting sort by ``dst``, duplicates and self-loops dropped."""
    counts = np.zeros(n + 1, dtype=np.int64)
    for e in range(src.shape[0]):
        counts[dst[e] + 1] += 1
    for v in range(n):
        counts[v + 1] += counts[v]
    fill = counts[:-1].copy()
    raw = np.empty(src.shape[0], dtype=np.int32)
    for e in range(src.shape[0]):
        d = dst[e]
        raw[fill[d]] = src[e]
        fill[d] += 1
    # de-duplicate each row in place with a stamp of the row that last saw a follower
    seen = np.full(n, -1, dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    out = 0
    for v in range(n):
        seen[v] = v  # drops self-follows
        for p in range(counts[v], counts[v + 1]):
            u = raw[p]
            if seen[u] != v:
                seen[u] = v
                raw[out] = u
                out += 1
        indptr[v + 1] = out
    return indptr, raw[:out].copy()


@_jit
def out_degree(indices: Array, n: int) -> Array:  # pragma: no cover - jit
    deg = np.zeros(n, dtype=np.int64)
    for p in range(indices.shape[0]):
        deg[indices[p]] += 1
    return deg


@_pjit
def all_reach2(indptr: Array, indices: Array, threads: int) -> Array:  # pragma: no cover - jit
    """Distinct 2-hop audience size of every node; one visited stamp per thread, nodes interleaved
    across ``threads`` so a few hubs do not land on one core."""
    n = indptr.shape[0] - 1
    reach = np.zeros(n, dtype=np.int64)
    for t in numba.prange(threads):
        stamp = np.full(n, -1, dtype=np.int32)
        for v in range(t, n, threads):
            stamp[v] = v
            count = 0
            lo = indptr[v]
            hi = indptr[v + 1]
            for p in range(lo, hi):
                u = indices[p]
                if stamp[u] != v:
                    stamp[u] = v
                    count += 1
            for p in range(lo, hi):
                u = indices[p]
                for q in range(indptr[u], indptr[u + 1]):
                    w = indices[q]
                    if stamp[w] != v:
                        stamp[w] = v
                        count += 1
            reach[v] = count
    return reach


@_jit
def mark_audience(
    indptr: Array, indices: Array, root: int, hops: int, mask: Array, bit: Any
) -> int:  # pragma: no cover - jit
    """OR ``bit`` into ``mask`` for every node of ``root``'s audience (never ``root`` itself);
    returns how many nodes got the bit for the first time."""
    added = 0
    for p in range(indptr[root], indptr[root + 1]):
        u = indices[p]
        if u != root and (mask[u] & bit) == 0:
            mask[u] |= bit
            added += 1
        if hops >= 2:
            for q in range(indptr[u], indptr[u + 1]):
                w = indices[q]
                if w != root and (mask[w] & bit) == 0:
                    mask[w] |= bit
                    added += 1
    return added


@_jit
def audience_size(indptr: Array, indices: Array, root: int, hops: int) -> int:  # pragma: no cover
    """Distinct audience of one node. Small audiences are counted by sorting the candidates, large
    ones with a temporary byte mask, so a request never costs more than O(n) bytes."""
    lo = indptr[root]
    hi = indptr[root + 1]
    if hops < 2:
        return int(hi - lo)  # rows are distinct and hold no self-follow
    total = hi - lo
    for p in range(lo, hi):
        u = indices[p]
        total += indptr[u + 1] - indptr[u]
    n = indptr.shape[0] - 1
    if total * 16 < n:
        buf = np.empty(total, dtype=np.int32)
        k = 0
        for p in range(lo, hi):
            u = indices[p]
            buf[k] = u
            k += 1
            for q in range(indptr[u], indptr[u + 1]):
                buf[k] = indices[q]
                k += 1
        buf.sort()
        count = 0
        prev = -1
        for i in range(total):
            x = buf[i]
            if x != prev and x != root:
                count += 1
            prev = x
        return count
    mask = np.zeros(n, dtype=np.uint8)
    return mark_audience(indptr, indices, root, hops, mask, np.uint8(1))


@_jit
def marginal_gain(
    indptr: Array, indices: Array, root: int, hops: int, covered: Array, stamp: Array, epoch: int
) -> int:  # pragma: no cover - jit
    """Audience nodes of ``root`` not yet ``covered``; ``stamp``/``epoch`` de-duplicate the walk
    without clearing an n-sized array for every evaluation."""
    gain = 0
    stamp[root] = epoch
    for p in range(indptr[root], indptr[root + 1]):
        u = indices[p]
        if stamp[u] != epoch:
            stamp[u] = epoch
            if covered[u] == 0:
                gain += 1
        if hops >= 2:
            for q in range(indptr[u], indptr[u + 1]):
                w = indices[q]
                if stamp[w] != epoch:
                    stamp[w] = epoch
                    if covered[w] == 0:
                        gain += 1
    return gain


def _pagerank(
    indptr: Array, indices: Array, alpha: float, tol: float, max_iter: int, share: Array
) -> tuple[Array, int]:  # pragma: no cover - jit
    """Power iteration as networkx does it (dangling mass spread uniformly), but stopping when the
    L1 change of the whole vector is below ``tol``: networkx's ``n * tol`` stops a million-node
    graph after two iterations. Returns (ranks, iterations), iterations = -1 when not converged.

    ``share`` (n floats, scratch) holds what each node passes to each account it follows; it is
    read once per edge, in follower order, so it is the kernel's random memory traffic."""
    n = indptr.shape[0] - 1
    outdeg = np.zeros(n, dtype=np.float64)
    for p in range(indices.shape[0]):
        outdeg[indices[p]] += 1.0
    rank = np.full(n, 1.0 / n)
    nxt = np.empty(n, dtype=np.float64)
    for it in range(max_iter):
        dangling = 0.0
        for u in numba.prange(n):
            if outdeg[u] > 0:
                share[u] = rank[u] / outdeg[u]
            else:
                share[u] = 0.0
                dangling += rank[u]
        base = (alpha * dangling + 1.0 - alpha) / n
        err = 0.0
        for v in numba.prange(n):
            acc = 0.0
            for p in range(indptr[v], indptr[v + 1]):
                acc += share[indices[p]]
            value = alpha * acc + base
            err += abs(value - rank[v])
            nxt[v] = value
        rank, nxt = nxt, rank
        if err < tol:
            return rank, it + 1
    return rank, -1


# Launching a parallel region costs ~0.1 ms per loop on a busy machine: small graphs run serially.
PARALLEL_MIN_EDGES = 1_000_000
pagerank_serial = _jit(_pagerank)
pagerank_parallel = _pjit(_pagerank)


# Shares in float32 halve the random reads' memory traffic (10M edges: 1.6 s -> 0.9 s, same run);
# their rounding moves the L1 of the result by ~1e-8, so they serve any ``tol`` above this, and
# the ~1e-9 of mass they lose is put back by scaling the result to sum to 1.
F32_SHARES_MIN_TOL = 1e-7


def pagerank(indptr: Array, indices: Array, alpha: float, tol: float, max_iter: int) -> tuple[Array, int]:
    kernel = pagerank_parallel if indices.shape[0] >= PARALLEL_MIN_EDGES else pagerank_serial
    share = np.empty(indptr.shape[0] - 1, dtype=np.float32 if tol >= F32_SHARES_MIN_TOL else np.float64)
    ranks, iterations = kernel(indptr, indices, alpha, tol, max_iter, share)
    return ranks / ranks.sum(), iterations


_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)
_INLINE = 16  # id bytes kept inside a hash-table slot, so most lookups touch one cache line


@_jit
def _rehash(table: Array) -> Array:  # pragma: no cover - jit
    size = table.shape[0] * 2
    grown = np.zeros((size, 4), dtype=np.uint64)
    mask = np.uint64(size - 1)
    for s in range(table.shape[0]):
        if table[s, 1] != 0:
            slot = table[s, 0] & mask
            while grown[slot, 1] != 0:
                slot = (slot + np.uint64(1)) & mask
            grown[slot, :] = table[s, :]
    return grown


@_jit
def intern(
    buf: Array, count: int, table: Array, arena: Array, offsets: Array, n_keys: int
) -> tuple[Array, Array, Array, Array, int]:  # pragma: no cover - jit
    """Codes for ``count`` newline-separated UTF-8 ids in ``buf``, new ids appended to the table.

    An open-addressing hash table whose slots are [hash, code + 1 << 16 | length, first 16 bytes]
    (so ids up to 16 bytes compare without leaving the slot's cache line), over an append-only
    byte ``arena``: id ``c`` is ``arena[offsets[c]:offsets[c + 1]]``. Arrays grow by doubling and
    are handed back, so the caller keeps the state between batches. A Python dict costs ~0.5 us
    per id on a graph of a million accounts; this costs a fraction of that.
    """
    codes = np.empty(count, dtype=np.int32)
    k = 0
    start = 0
    length = buf.shape[0]
    for i in range(length + 1):
        if i < length and buf[i] != 10:
            continue
        size = i - start
        if size > 0xFFFF:
            raise ValueError("an account id is longer than 65535 bytes")
        h = _FNV_OFFSET
        w0 = np.uint64(0)
        w1 = np.uint64(0)
        for j in range(size):
            byte = np.uint64(buf[start + j])
            h = (h ^ byte) * _FNV_PRIME
            if j < 8:
                w0 |= byte << np.uint64(8 * j)
            elif j < _INLINE:
                w1 |= byte << np.uint64(8 * (j - 8))
        h ^= h >> np.uint64(33)  # FNV's low bits alone cluster on digit strings
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        mask = np.uint64(table.shape[0] - 1)
        slot = h & mask
        while True:
            tag = table[slot, 1]
            if tag == 0:
                end = offsets[n_keys]
                if end + size > arena.shape[0]:
                    grown = np.empty(max(arena.shape[0] * 2, end + size), dtype=np.uint8)
                    grown[:end] = arena[:end]
                    arena = grown
                arena[end : end + size] = buf[start:i]
                if n_keys + 2 > offsets.shape[0]:
                    more = np.empty(offsets.shape[0] * 2, dtype=np.int64)
                    more[: n_keys + 1] = offsets[: n_keys + 1]
                    offsets = more
                offsets[n_keys + 1] = end + size
                table[slot, 0] = h
                table[slot, 1] = (np.uint64(n_keys + 1) << np.uint64(16)) | np.uint64(size)
                table[slot, 2] = w0
                table[slot, 3] = w1
                codes[k] = n_keys
                n_keys += 1
                break
            if (
                table[slot, 0] == h
                and (tag & np.uint64(0xFFFF)) == np.uint64(size)
                and table[slot, 2] == w0
                and table[slot, 3] == w1
            ):
                c = np.int64(tag >> np.uint64(16)) - 1
                same = True
                if size > _INLINE:
                    lo = offsets[c]
                    for j in range(_INLINE, size):
                        if arena[lo + j] != buf[start + j]:
                            same = False
                            break
                if same:
                    codes[k] = c
                    break
            slot = (slot + np.uint64(1)) & mask
        k += 1
        start = i + 1
        if n_keys * 2 > table.shape[0]:
            table = _rehash(table)
    return codes, table, arena, offsets, n_keys


@_jit
def padded_ids(arena: Array, offsets: Array, n_keys: int, width: int) -> Array:  # pragma: no cover
    """The interned ids as an (n, width) zero-padded byte matrix (viewed as ``S<width>``)."""
    out = np.zeros((n_keys, width), dtype=np.uint8)
    for c in range(n_keys):
        lo = offsets[c]
        size = offsets[c + 1] - lo
        out[c, :size] = arena[lo : lo + size]
    return out
