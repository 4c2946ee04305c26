"""The compact in-memory follower projection every analytic reads.

Nodes are numbered 0..n-1 in sorted id order; ``ids`` is the reverse map (UTF-8 bytes, fixed width,
so a lookup is a binary search and no per-id Python object is kept). The graph is stored as the
*in*-adjacency in CSR form: ``indices[indptr[v]:indptr[v + 1]]`` are the distinct followers of
``v`` (int32). Self-follows and repeated edges are dropped while building.

A :class:`Projection` is immutable (its arrays are read-only), so one instance can be shared by
every request of a process; a newer graph is a new projection (:meth:`Projection.with_edges`),
never a per-request copy.

>>> p = build_projection([[("x:a", "x:b"), ("x:c", "x:b"), ("x:a", "x:b")]])
>>> p.n_nodes, p.n_edges
(3, 2)
>>> sorted(p.followers("x:b"))
['x:a', 'x:c']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from graphsvc.analytics import _kernels
from graphsvc.model import AccountIds, FollowBatch

IntArray = npt.NDArray[np.int32]
OffsetArray = npt.NDArray[np.int64]
Edges = Sequence[tuple[str, str]]


@dataclass(frozen=True, slots=True, eq=False)
class Projection:
    """An immutable follower graph: sorted ids and the in-adjacency (followers) as CSR."""

    ids: npt.NDArray[np.bytes_]
    indptr: OffsetArray
    indices: IntArray

    def __post_init__(self) -> None:
        for array in (self.ids, self.indptr, self.indices):
            array.flags.writeable = False

    @property
    def n_nodes(self) -> int:
        return int(self.ids.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.indices.shape[0])

    @property
    def nbytes(self) -> int:
        """Bytes held by the projection's arrays (its whole resident size)."""
        return int(self.ids.nbytes + self.indptr.nbytes + self.indices.nbytes)

    def index_of(self, account_id: str) -> int | None:
        """The node number of ``account_id``, or None when it has no follow edge."""
        key = account_id.encode()
        if len(key) > self.ids.dtype.itemsize:
            return None
        i = int(np.searchsorted(self.ids, key))
        if i < self.n_nodes and self.ids[i] == key:
            return i
        return None

    def indexes_of(self, account_ids: Iterable[str]) -> IntArray:
        """Node numbers of the ids that are in the graph, in input order (others are skipped)."""
        found = (self.index_of(a) for a in account_ids)
        return np.fromiter((i for i in found if i is not None), dtype=np.int32)

    def id_of(self, index: int) -> str:
        return bytes(self.ids[index]).decode()

    def id_list(self) -> list[str]:
        """Every id in node order (allocates one str per node: for batch writes, not requests)."""
        return [bytes(b).decode() for b in self.ids.tolist()]

    def in_degree(self) -> OffsetArray:
        return np.diff(self.indptr)

    def followers(self, account_id: str) -> list[str]:
        i = self.index_of(account_id)
        if i is None:
            return []
        return [self.id_of(int(u)) for u in self.indices[self.indptr[i] : self.indptr[i + 1]]]

    def with_edges(self, edges: Edges) -> Projection:
        """A new projection with ``edges`` added (this one is left untouched)."""
        builder = ProjectionBuilder()
        builder.add_codes(self.ids, *_edge_arrays(self))
        builder.add(edges)
        return builder.build()


def _edge_arrays(p: Projection) -> tuple[IntArray, IntArray]:
    """(follower, followee) node arrays of every edge of ``p``."""
    dst = np.repeat(np.arange(p.n_nodes, dtype=np.int32), p.in_degree())
    return p.indices, dst


class ProjectionBuilder:
    """Streams edge batches in, keeping a compiled id table and two int32 arrays per batch.

    >>> b = ProjectionBuilder()
    >>> b.add([("x:2", "x:1")]); b.add([("x:3", "x:1")])
    >>> b.build().in_degree().tolist()
    [2, 0, 0]
    """

    def __init__(self) -> None:
        self._table = np.zeros((1 << 16, 4), dtype=np.uint64)
        self._arena = np.empty(1 << 20, dtype=np.uint8)
        self._offsets = np.zeros(1 << 15, dtype=np.int64)
        self._n_keys = 0
        self._src: list[IntArray] = []
        self._dst: list[IntArray] = []
        self.edges_seen = 0

    def _intern(self, joined: bytes, count: int) -> IntArray:
        if joined.count(b"\n") != count - 1:
            raise ValueError("an account id contains a line break; ids must be single-line strings")
        codes, self._table, self._arena, self._offsets, self._n_keys = _kernels.intern(
            np.frombuffer(joined, dtype=np.uint8),
            count,
            self._table,
            self._arena,
            self._offsets,
            self._n_keys,
        )
        result: IntArray = codes
        return result

    def add(self, edges: Edges) -> None:
        """Intern the ids of one batch of (follower, followee) pairs and keep their codes."""
        if not edges:
            return
        # one C-level join and one compiled pass; no Python object per id survives the batch
        codes = self._intern("\n".join(chain.from_iterable(edges)).encode(), 2 * len(edges))
        self._src.append(codes[0::2].copy())
        self._dst.append(codes[1::2].copy())
        self.edges_seen += len(edges)

    def add_codes(self, ids: npt.NDArray[np.bytes_], src: IntArray, dst: IntArray) -> None:
        """Add edges already numbered against ``ids`` (e.g. another projection's)."""
        if ids.shape[0] == 0:
            return
        self._add_numbered(b"\n".join(ids.tolist()), int(ids.shape[0]), src, dst)

    def add_named(
        self, ids: Sequence[str], src: npt.NDArray[np.integer[Any]], dst: npt.NDArray[np.integer[Any]]
    ) -> None:
        """Add edges numbered against ``ids`` (node ``i`` is named ``ids[i]``)."""
        if ids:
            self._add_numbered("\n".join(ids).encode(), len(ids), src, dst)

    def _add_numbered(
        self, joined: bytes, count: int, src: npt.NDArray[np.integer[Any]], dst: npt.NDArray[np.integer[Any]]
    ) -> None:
        remap = self._intern(joined, count)
        self._src.append(remap[src])
        self._dst.append(remap[dst])
        self.edges_seen += int(src.shape[0])

    def build(self) -> Projection:
        """Number nodes in sorted id order and build the in-adjacency CSR."""
        n = self._n_keys
        if n >= 2**31 - 1:
            raise ValueError(f"{n} accounts exceed the int32 node numbers of the projection")
        offsets = self._offsets[: n + 1]
        width = max(int(np.diff(offsets).max(initial=1)), 1)
        ids = _kernels.padded_ids(self._arena, offsets, n, width).view(f"S{width}").reshape(n)
        order = np.argsort(ids, kind="stable")
        rank = np.empty(n, dtype=np.int32)
        rank[order] = np.arange(n, dtype=np.int32)
        src = rank[np.concatenate(self._src)] if self._src else np.empty(0, np.int32)
        dst = rank[np.concatenate(self._dst)] if self._dst else np.empty(0, np.int32)
        indptr, indices = _kernels.csr_from_edges(src, dst, n)
        return Projection(ids=ids[order], indptr=indptr, indices=indices)


def _bytes_table(names: Iterable[str]) -> npt.NDArray[np.bytes_]:
    encoded = [name.encode() for name in names]
    return np.array(encoded, dtype=f"S{max((len(b) for b in encoded), default=1)}")


def build_projection(batches: Iterable[Edges]) -> Projection:
    """Build a projection from batches of (follower, followee) ids, e.g. ``store.iter_follows()``."""
    builder = ProjectionBuilder()
    for batch in batches:
        builder.add(batch)
    return builder.build()


def build_projection_from_codes(batches: Iterable[FollowBatch]) -> Projection:
    """The projection of ``store.iter_follow_codes()`` (batches sharing one
    :class:`~graphsvc.model.AccountIds`): equal to :func:`build_projection` of
    ``store.iter_follows()``, without a str per endpoint. Accounts without an edge are left out.

    >>> c = FollowBatch(AccountIds.named(["x:b", "x:a", "x:idle"]), src=np.array([1]), dst=np.array([0]))
    >>> p = build_projection_from_codes([c])
    >>> p.id_list(), p.followers("x:b")
    (['x:a', 'x:b'], ['x:a'])
    """
    named: AccountIds | None = None
    src_parts: list[IntArray] = []
    dst_parts: list[IntArray] = []
    for batch in batches:
        if named is not None and batch.ids is not named:
            raise ValueError("follow batches of one projection must share their AccountIds")
        named = batch.ids
        if len(named) >= 2**31 - 1:
            raise ValueError(f"{len(named)} accounts exceed the int32 node numbers of the projection")
        src_parts.append(batch.src.astype(np.int32))
        dst_parts.append(batch.dst.astype(np.int32))
    ids = named.names if named is not None else []
    src = np.concatenate(src_parts) if src_parts else np.empty(0, np.int32)
    dst = np.concatenate(dst_parts) if dst_parts else np.empty(0, np.int32)
    used = np.zeros(len(ids), dtype=bool)
    used[src] = True
    used[dst] = True
    if not used.all():
        renumber = (np.cumsum(used, dtype=np.int32) - 1).astype(np.int32)
        ids = [ids[i] for i in np.flatnonzero(used).tolist()]
        src, dst = renumber[src], renumber[dst]
    table = _bytes_table(ids)
    order = np.argsort(table, kind="stable")
    ordered = table[order]
    if ordered.shape[0] > 1 and not (ordered[1:] != ordered[:-1]).all():
        builder = ProjectionBuilder()  # an id named twice: let the hash table merge them
        builder.add_named(ids, src, dst)
        return builder.build()
    rank = np.empty(len(ids), dtype=np.int32)
    rank[order] = np.arange(len(ids), dtype=np.int32)
    indptr, indices = _kernels.csr_from_edges(rank[src], rank[dst], len(ids))
    return Projection(ids=ordered, indptr=indptr, indices=indices)


def from_arrays(src: Any, dst: Any, ids: Sequence[str] | None = None) -> Projection:
    """A projection from integer edge arrays (node ``i`` is named ``ids[i]``, default ``str(i)``).

    >>> from_arrays([1, 2], [0, 0]).in_degree().tolist()
    [2, 0, 0]
    """
    s = np.asarray(src, dtype=np.int32)
    d = np.asarray(dst, dtype=np.int32)
    n = int(max(s.max(initial=-1), d.max(initial=-1)) + 1) if ids is None else len(ids)
    names = [str(i) for i in range(n)] if ids is None else list(ids)
    builder = ProjectionBuilder()
    builder.add_codes(_bytes_table(names), s, d)
    return builder.build()
