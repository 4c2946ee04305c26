from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.analytics.engaged import engaged_mask, engaged_reach, engaged_reach_many
from tests.analytics_graphs import EDGE_LISTS, NAMES, Edge, digraph, nx_audience, projection_of


@settings(max_examples=200, deadline=None)
@given(EDGE_LISTS, st.lists(NAMES, max_size=5), st.lists(NAMES, max_size=4), st.sampled_from([1, 2]))
def test_engaged_reach_counts_engaged_audience(
    edges: list[Edge], engaged: list[str], customers: list[str], hops: int
) -> None:
    p = projection_of(edges)
    g = digraph(edges)
    mask = engaged_mask(p, engaged)
    expected = [len(nx_audience(g, c, hops) & set(engaged)) for c in customers]
    assert engaged_reach_many(p, customers, mask, hops) == expected


def test_engaged_reach_of_one_customer() -> None:
    p = projection_of([("x:1", "x:a"), ("x:2", "x:a")])
    assert engaged_reach(p, "x:a", engaged_mask(p, ["x:2", "x:9"])) == 1
