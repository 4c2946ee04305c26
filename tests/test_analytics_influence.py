from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings

from graphsvc.analytics.influence import PageRankNotConverged, pagerank
from graphsvc.analytics.projection import build_projection
from tests.analytics_graphs import EDGE_LISTS, Edge, digraph, projection_of, real_graph


def _assert_matches_networkx(edges: list[Edge]) -> None:
    p = projection_of(edges)
    g = digraph(edges)
    if p.n_nodes == 0:
        return
    expected = nx.pagerank(g, alpha=0.85, tol=1e-12, max_iter=1000)
    ranks = pagerank(p, tol=1e-10, max_iter=1000)
    assert ranks.sum() == pytest.approx(1.0)
    got = {node: ranks[i] for i, node in enumerate(p.id_list())}
    for node, value in expected.items():
        assert got[node] == pytest.approx(value, rel=1e-6, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(EDGE_LISTS)
def test_influence_matches_networkx_pagerank(edges: list[Edge]) -> None:
    _assert_matches_networkx(edges)


@pytest.mark.shared_data
def test_influence_matches_networkx_on_a_real_graph() -> None:
    _assert_matches_networkx(real_graph("email-Eu-core.txt"))


def test_influence_raises_when_not_converged() -> None:
    p = build_projection([[("x:1", "x:2"), ("x:2", "x:3"), ("x:3", "x:1"), ("x:4", "x:1")]])
    with pytest.raises(PageRankNotConverged):
        pagerank(p, tol=1e-15, max_iter=2)


def test_influence_of_empty_projection_is_empty() -> None:
    assert pagerank(build_projection([])).shape == (0,)
    assert np.isfinite(pagerank(build_projection([[("x:1", "x:2")]]))).all()
