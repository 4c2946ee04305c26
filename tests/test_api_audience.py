"""Audience questions over real HTTP on the demo data, against networkx and plain Python: the best
advocate set, set reach, audience overlap, engaged reach, reach computed when none is stored, the
shared projection refreshed by addFollows, and alerts ranked by reach-aware priority."""

# ruff: noqa: F811  (fixtures are imported from tests.api_fixtures and used as parameters)
from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from graphsvc.config import Settings
from graphsvc.model import CustomerType
from graphsvc.stores import open_store
from tests.api_fixtures import URGENCY, Server, ThreadServer, codes_of, demo_api, demo_store, make_keys  # noqa: F401


def follower_graph(store_url: str) -> nx.DiGraph:
    """followee -> follower edges: who hears whom."""
    store = open_store(store_url)
    try:
        graph = nx.DiGraph()
        graph.add_edges_from((dst, src) for batch in store.iter_follows() for src, dst in batch)
        return graph
    finally:
        store.close()


def audience(graph: nx.DiGraph, node: str, hops: int) -> set[str]:
    if node not in graph:
        return set()
    lengths = nx.single_source_shortest_path_length(graph, node, cutoff=hops)
    return {n for n, d in lengths.items() if d >= 1}


def advocates_of(store_url: str, brand: str) -> list[str]:
    store = open_store(store_url)
    try:
        return list(store.customer_ids_for_brand(brand, CustomerType.ADVOCATE))
    finally:
        store.close()


@pytest.mark.parametrize("hops", [1, 2])
def test_api_audience_advocate_set_is_greedy_max_coverage(demo_api: Server, hops: int) -> None:
    graph = follower_graph(demo_api.store_url)
    candidates = advocates_of(demo_api.store_url, "novatelecom")
    audiences = {c: audience(graph, c, hops) for c in candidates}
    covered: set[str] = set()
    expected = []
    for _ in range(6):
        best = max(candidates, key=lambda c: (len(audiences[c] - covered), -candidates.index(c)))
        gain = len(audiences[best] - covered)
        if gain == 0:
            break
        covered |= audiences[best]
        expected.append((f"customer:{best}", gain, len(covered)))
    got = demo_api.data(
        f"""{{ advocateSet(brand: "Nova", k: 6, hops: {hops}) {{ reach
        picks {{ gain total customer {{ id platformId handle name }} }} }} }}"""
    )["advocateSet"]
    assert [(p["customer"]["id"], p["gain"], p["total"]) for p in got["picks"]] == expected
    assert got["reach"] == len(covered)
    best_single = max(len(a) for a in audiences.values())
    assert got["reach"] >= best_single and got["picks"][0]["gain"] == best_single


def test_api_audience_advocate_set_checks_its_arguments(demo_api: Server) -> None:
    for args in ("k: 0", "k: 101", "k: 3, hops: 3"):
        response = demo_api.post(f'{{ advocateSet(brand: "novatelecom", {args}) {{ reach }} }}')
        assert codes_of(response) == ["BAD_USER_INPUT"], args
    assert codes_of(demo_api.post('{ advocateSet(brand: "nobody", k: 3) { reach } }')) == ["NOT_FOUND"]


@pytest.mark.parametrize("hops", [1, 2])
def test_api_audience_overlap_and_set_reach_match_networkx(demo_api: Server, hops: int) -> None:
    graph = follower_graph(demo_api.store_url)
    members = sorted(advocates_of(demo_api.store_url, "acmeair"))[:6]
    audiences = {m: audience(graph, m, hops) for m in members}
    pairs = demo_api.data(
        "query($c: [ID!]!, $h: Int) { audienceOverlap(customers: $c, hops: $h) "
        "{ a { platformId } b { platformId } reachA reachB shared jaccard } }",
        {"c": members, "h": hops},
    )["audienceOverlap"]
    assert len(pairs) == len(members) * (len(members) - 1) // 2
    for pair in pairs:
        a, b = audiences[pair["a"]["platformId"]], audiences[pair["b"]["platformId"]]
        assert (pair["reachA"], pair["reachB"], pair["shared"]) == (len(a), len(b), len(a & b))
        assert math.isclose(pair["jaccard"], len(a & b) / len(a | b) if a | b else 0.0)
    reach = demo_api.data(
        "query($c: [ID!]!, $h: Int) { reach(customers: $c, hops: $h) }",
        {"c": [f"customer:{m}" for m in members], "h": hops},
    )["reach"]
    assert reach == len(set().union(*audiences.values()))


def test_api_audience_overlap_and_reach_refuse_bad_input(demo_api: Server) -> None:
    many = [f"demo:{i}" for i in range(1, 70)]
    assert codes_of(
        demo_api.post("query($c: [ID!]!) { audienceOverlap(customers: $c) { shared } }", {"c": many})
    ) == ["BAD_USER_INPUT"]
    assert codes_of(demo_api.post('{ reach(customers: ["demo:nobody"]) }')) == ["NOT_FOUND"]
    assert codes_of(demo_api.post("{ reach(customers: []) }")) == ["BAD_USER_INPUT"]
    assert codes_of(demo_api.post('{ reach(customers: ["post:demo:1"]) }')) == ["BAD_USER_INPUT"]


def test_api_audience_engaged_reach_and_influence(demo_api: Server) -> None:
    graph = follower_graph(demo_api.store_url)
    store = open_store(demo_api.store_url)
    engaged = set(store.customer_ids_for_brand("novatelecom"))
    store.close()
    members = sorted(
        advocates_of(demo_api.store_url, "novatelecom"), key=lambda c: -len(audience(graph, c, 1))
    )
    for member in members[:5]:
        got = demo_api.data(
            'query($id: ID!) { customer(id: $id) { influence one: engagedReach(brand: "Nova") '
            'two: engagedReach(brand: "novatelecom", hops: 2) } }',
            {"id": member},
        )["customer"]
        assert got["one"] == len(audience(graph, member, 1) & engaged)
        assert got["two"] == len(audience(graph, member, 2) & engaged)
        assert got["influence"] is not None and 0 < got["influence"] < 1
    response = demo_api.post('{ customer(id: "demo:1") { engagedReach(brand: "novatelecom", hops: 0) } }')
    assert codes_of(response) == ["BAD_USER_INPUT"]


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[Server, ThreadServer]]:
    """An empty store: no follows and no stored metrics."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    store = open_store(url)
    keys = make_keys(store)
    server = ThreadServer(Settings(store=url, key_cache_seconds=0.0), store)
    with server as base:
        yield Server(url=base, keys=keys, store_url=url), server
    store.close()


FOLLOW = "mutation($e: [FollowInput!]!) { addFollows(edges: $e) { created } }"
REACH = '{ customer(id: "x:a") { one: peerReach(hops: 1) two: peerReach(hops: 2) } }'


def test_api_audience_projection_is_shared_and_follows_new_edges(
    fresh: tuple[Server, ThreadServer],
) -> None:
    api, server = fresh
    graph = server.app.state.services.graph
    edges = [("x:b", "x:a"), ("x:c", "x:a"), ("x:d", "x:b")]
    api.data(FOLLOW, {"e": [{"follower": s, "followee": d} for s, d in edges]})
    assert api.data(REACH)["customer"] == {"one": 2, "two": 3}
    store = open_store(api.store_url)
    assert store.get_metrics(["x:a"])["x:a"].reach2 == 3  # the refresh stored it
    store.close()
    more = [("x:e", "x:c"), ("x:f", "x:d"), ("x:a", "x:b")]
    api.data(FOLLOW, {"e": [{"follower": s, "followee": d} for s, d in more]})
    reference = nx.DiGraph((d, s) for s, d in edges + more)
    for hops, name in ((1, "one"), (2, "two")):
        assert api.data(REACH)["customer"][name] == len(audience(reference, "x:a", hops))
    for _ in range(3):
        api.data('{ reach(customers: ["x:a", "x:b"], hops: 2) }')
    assert graph.builds == 1 and graph.loaded is not None


def test_api_audience_reach_is_computed_when_none_is_stored(fresh: tuple[Server, ThreadServer]) -> None:
    api, server = fresh
    store = open_store(api.store_url)
    store.upsert_follows([("x:b", "x:a"), ("x:c", "x:b")])  # written behind the API's back: no metrics
    store.close()
    assert api.data(REACH)["customer"] == {"one": 1, "two": 2}
    assert server.app.state.services.graph.builds == 1


def test_api_audience_alerts_rank_lost_advocates_with_large_audiences_first(demo_api: Server) -> None:
    graph = follower_graph(demo_api.store_url)
    got = demo_api.data(
        '{ alerts(brand: "novatelecom", first: 50) { edges { node { from to at priority customer { platformId } } } } }'
    )["alerts"]["edges"]
    nodes = [e["node"] for e in got]
    assert len(nodes) == 50
    for node in nodes:
        reach = len(audience(graph, node["customer"]["platformId"], 2))
        expected = URGENCY[node["to"]] * (1 + math.log10(1 + reach))
        if (node["from"], node["to"]) == ("ADVOCATE", "USED_TO_BE"):
            expected *= 2
        assert math.isclose(node["priority"], expected), node
    assert [n["priority"] for n in nodes] == sorted((n["priority"] for n in nodes), reverse=True)
    assert (nodes[0]["from"], nodes[0]["to"]) == ("ADVOCATE", "USED_TO_BE")
    feed = demo_api.data(
        '{ stateChanges(brand: "novatelecom", first: 100) { edges { node { priority customer { platformId } } } } }'
    )["stateChanges"]["edges"]
    assert all(e["node"]["priority"] >= 0 for e in feed)
    late = demo_api.data('{ alerts(since: "2100-01-01T00:00:00+00:00") { edges { cursor } } }')
    assert late["alerts"]["edges"] == []
