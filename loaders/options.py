"""What every loader takes and gives: ``LoadOptions`` in, ``Record``\\ s out.

A loader never raises for a bad row; it yields a :class:`~graphsvc.errors.RecordError` in its place
so that one broken line costs one record, not the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphsvc.errors import RecordError
from graphsvc.model import FollowBatch, Mention

__all__ = ["DEFAULT_BATCH_EDGES", "DEFAULT_OPTIONS", "LoadOptions", "Record"]

Record = Mention | FollowBatch | RecordError

# Large enough that per-batch overhead vanishes (the SQLite store is ~15% faster per edge at 500k
# than at 50k: fewer account-number look-ups and commits), small enough to hold in memory (~80 MB).
DEFAULT_BATCH_EDGES = 500_000


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadOptions:
    """Options a few formats need; every field has a default that suits the common case.

    ``platform`` qualifies bare ids: follower edge lists (default ``x``) and graphsvc's own format
    when a record has no ``platform`` field. ``batch_edges`` is the size of each ``FollowBatch``.
    """

    platform: str | None = None
    batch_edges: int = DEFAULT_BATCH_EDGES


DEFAULT_OPTIONS = LoadOptions()
