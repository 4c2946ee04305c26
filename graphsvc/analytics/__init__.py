"""Graph analytics: pure functions over a compact in-memory follower projection.

Build a :class:`Projection` from any store's ``iter_follows()``, then ask it questions; nothing
here touches a driver. networkx is the reference implementation in the tests.

>>> p = build_projection([[("x:1", "x:a"), ("x:2", "x:1")]])
>>> peer_reach(p, "x:a", hops=2)
2
"""

from __future__ import annotations

from graphsvc.analytics.advocates import AdvocateSet, Pick, best_advocate_set
from graphsvc.analytics.engaged import engaged_mask, engaged_reach, engaged_reach_many
from graphsvc.analytics.influence import pagerank
from graphsvc.analytics.overlap import Overlap, audience_overlap, overlap_matrix
from graphsvc.analytics.priority import alert_priority, interaction_priority, reach_weight
from graphsvc.analytics.projection import (
    Projection,
    ProjectionBuilder,
    build_projection,
    build_projection_from_codes,
)
from graphsvc.analytics.reach import ReachTable, all_reach, audience, peer_reach, set_reach

__all__ = [
    "AdvocateSet",
    "Overlap",
    "Pick",
    "Projection",
    "ProjectionBuilder",
    "ReachTable",
    "alert_priority",
    "all_reach",
    "audience",
    "audience_overlap",
    "best_advocate_set",
    "build_projection",
    "build_projection_from_codes",
    "engaged_mask",
    "engaged_reach",
    "engaged_reach_many",
    "interaction_priority",
    "overlap_matrix",
    "pagerank",
    "peer_reach",
    "reach_weight",
    "set_reach",
]
