from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.analytics.overlap import MAX_MEMBERS, audience_overlap
from tests.analytics_graphs import EDGE_LISTS, NAMES, Edge, digraph, nx_audience, projection_of


@settings(max_examples=200, deadline=None)
@given(EDGE_LISTS, st.lists(NAMES, unique=True, min_size=2, max_size=5), st.sampled_from([1, 2]))
def test_overlap_matches_set_intersections(edges: list[Edge], members: list[str], hops: int) -> None:
    p = projection_of(edges)
    g = digraph(edges)
    for o in audience_overlap(p, members, hops):
        a, b = nx_audience(g, o.a, hops), nx_audience(g, o.b, hops)
        assert (o.reach_a, o.reach_b, o.shared) == (len(a), len(b), len(a & b))
        assert o.jaccard == pytest.approx(len(a & b) / len(a | b) if a | b else 0.0)


def test_overlap_rejects_more_members_than_mask_bits() -> None:
    p = projection_of([("x:1", "x:2")])
    with pytest.raises(ValueError, match="at most"):
        audience_overlap(p, [f"x:{i}" for i in range(MAX_MEMBERS + 1)])
