from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.analytics.projection import build_projection
from graphsvc.analytics.reach import all_reach, audience, peer_reach, set_reach
from tests.analytics_graphs import EDGE_LISTS, NAMES, REAL_GRAPHS, Edge, digraph, nx_audience, projection_of


@settings(max_examples=200, deadline=None)
@given(EDGE_LISTS)
def test_reach_matches_networkx_on_small_graphs(edges: list[Edge]) -> None:
    p = projection_of(edges)
    g = digraph(edges)
    table = all_reach(p)
    for node in g:
        i = p.index_of(node)
        assert i is not None
        for hops in (1, 2):
            expected = nx_audience(g, node, hops)
            assert peer_reach(p, node, hops) == len(expected)
            assert set(audience(p, node, hops)) == expected
        assert table.reach1[i] == len(nx_audience(g, node, 1))
        assert table.reach2[i] == len(nx_audience(g, node, 2))


@settings(max_examples=200, deadline=None)
@given(EDGE_LISTS, st.lists(NAMES, max_size=5), st.sampled_from([1, 2]))
def test_set_reach_is_size_of_union_of_audiences(edges: list[Edge], members: list[str], hops: int) -> None:
    p = projection_of(edges)
    g = digraph(edges)
    union: set[str] = set()
    for m in members:
        union |= nx_audience(g, m, hops)
    assert set_reach(p, members, hops) == len(union)


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_GRAPHS)
def test_reach_matches_networkx_on_real_graphs(name: str) -> None:
    from tests.analytics_graphs import real_graph

    edges = real_graph(name)
    p = build_projection([edges])
    g = digraph(edges)
    table = all_reach(p)
    rev = g.reverse(copy=False)
    ids = p.id_list()
    for i, node in enumerate(ids):
        preds = set(rev.successors(node))
        two = set(preds)
        for u in preds:
            two.update(rev.successors(u))
        two.discard(node)
        assert table.reach1[i] == len(preds), node
        assert table.reach2[i] == len(two), node
    for node in ids[:: max(1, len(ids) // 300)]:  # the single-customer path on a sample
        assert peer_reach(p, node, 2) == len(nx_audience(g, node, 2))


def test_reach_of_unknown_account_is_zero() -> None:
    p = build_projection([[("x:1", "x:2")]])
    assert peer_reach(p, "x:9", 2) == 0


def test_reach_rejects_other_hops() -> None:
    p = build_projection([[("x:1", "x:2")]])
    with pytest.raises(ValueError, match="hops"):
        peer_reach(p, "x:2", 3)


def test_reach_two_hops_uses_mask_path_for_large_audiences() -> None:
    # a hub whose followers' followers cover most of the graph takes the byte-mask branch
    edges = [(f"x:f{i}", "x:hub") for i in range(50)] + [(f"x:g{j}", f"x:f{j % 50}") for j in range(500)]
    p = build_projection([edges])
    assert peer_reach(p, "x:hub", 2) == 550
