"""Every query field over real HTTP, on the real twcs sample and on the demo data, against
independent computations (the CSV read with the csv module, networkx, the triage formula)."""

# ruff: noqa: F811  (fixtures are imported from tests.api_fixtures and used as parameters)
from __future__ import annotations

import csv
import html
import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from graphsvc.stores import open_store
from graphsvc.stores.base import InteractionFilter, InteractionOrder
from tests.api_fixtures import TWCS, URGENCY, Server, codes_of, demo_api, demo_store, twcs_api, twcs_store  # noqa: F401

TWCS_TIME = "%a %b %d %H:%M:%S %z %Y"


def twcs_rows() -> dict[str, dict[str, str]]:
    """The CSV's well-formed rows by tweet id (rows broken by the stray carriage return are dropped)."""
    rows: dict[str, dict[str, str]] = {}
    with TWCS.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if (row.get("tweet_id") or "").isdigit() and row.get("inbound") in {"True", "False"}:
                rows[row["tweet_id"]] = row
    return rows


def first_brand_answers(rows: dict[str, dict[str, str]]) -> dict[str, timedelta]:
    """Customer tweet id -> delay of the earliest brand reply to it."""
    delays: dict[str, timedelta] = {}
    for row in rows.values():
        parent_id = (row["in_response_to_tweet_id"] or "").split(".")[0]
        parent = rows.get(parent_id)
        if row["inbound"] == "False" and parent is not None and parent["inbound"] == "True":
            delay = datetime.strptime(row["created_at"], TWCS_TIME) - datetime.strptime(
                parent["created_at"], TWCS_TIME
            )
            if parent_id not in delays or delay < delays[parent_id]:
                delays[parent_id] = delay
    return delays


POST_FIELDS = """
  id platformId text lang createdAt byBrand type confidence cues needsResponse sla dueAt
  author { id platformId handle brand { key } }
  brands { id key name }
  inReplyTo { id }
  replies(first: 5) { edges { node { id byBrand } } pageInfo { hasNextPage } }
  response { at delay post { id byBrand } }
"""


def test_api_post_response_delays_match_the_csv(twcs_api: Server) -> None:
    rows = twcs_rows()
    delays = first_brand_answers(rows)
    sample = sorted(delays)[:25]
    for tweet_id in sample:
        post = twcs_api.data(f'{{ post(id: "twcs:{tweet_id}") {{ {POST_FIELDS} }} }}')["post"]
        assert post["id"] == f"post:twcs:{tweet_id}"
        assert html.unescape(rows[tweet_id]["text"]).strip() == post["text"].strip()
        assert post["author"]["platformId"] == f"twcs:{rows[tweet_id]['author_id']}"
        assert post["response"] is not None, tweet_id
        assert math.isclose(post["response"]["delay"], delays[tweet_id].total_seconds())
        assert post["response"]["post"]["byBrand"] is True
        assert any(e["node"]["byBrand"] for e in post["replies"]["edges"])
        assert post["type"] is not None and 0 <= post["confidence"] <= 1


def test_api_post_in_reply_to_and_brands_match_the_csv(twcs_api: Server) -> None:
    rows = twcs_rows()
    for tweet_id in ["1", "2", "3", "11"]:
        row = rows[tweet_id]
        post = twcs_api.data(f'{{ post(id: "post:twcs:{tweet_id}") {{ {POST_FIELDS} }} }}')["post"]
        parent = (row["in_response_to_tweet_id"] or "").split(".")[0]
        expected_parent = f"post:twcs:{parent}" if parent in rows else None
        assert (post["inReplyTo"] or {}).get("id") == expected_parent
        assert post["byBrand"] is (row["inbound"] == "False")
    assert [
        b["key"] for b in twcs_api.data('{ post(id: "twcs:1") { brands { key } } }')["post"]["brands"]
    ] == ["sprintcare"]


def test_api_brands_lists_every_brand_account_of_the_csv(twcs_api: Server) -> None:
    expected = {r["author_id"].lower() for r in twcs_rows().values() if r["inbound"] == "False"}
    keys: list[str] = []
    after = None
    while True:
        page = twcs_api.data(
            "query($after: String) { brands(first: 30, after: $after) { edges { node { key } } pageInfo { hasNextPage endCursor } } }",
            {"after": after},
        )["brands"]
        keys += [e["node"]["key"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert set(keys) == expected and len(keys) == len(expected) == 76
    brand = twcs_api.data('{ brand(handle: "@AppleSupport") { id key name handles } }')["brand"]
    assert brand["id"] == "brand:applesupport" and "twcs:AppleSupport" in brand["handles"]


def test_api_customer_fields_and_interactions_match_the_csv(twcs_api: Server) -> None:
    rows = twcs_rows()
    mine = sorted(
        (r for r in rows.values() if r["author_id"] == "115712"),
        key=lambda r: datetime.strptime(r["created_at"], TWCS_TIME),
        reverse=True,
    )
    data = twcs_api.data("""{ customer(id: "twcs:115712") {
        id platformId platform handle followerCount brand { key } peerReach influence
        states { type since brand { key } post { id } }
        stateFor(brand: "sprintcare") { type since post { id author { id } } }
        interactions(first: 100) { edges { node { id createdAt } } pageInfo { hasNextPage } }
        followers { edges { node { id } } } following { edges { node { id } } } } }""")["customer"]
    assert data["id"] == "customer:twcs:115712" and data["platform"] == "twcs" and data["handle"] == "115712"
    assert data["brand"] is None
    assert [e["node"]["id"] for e in data["interactions"]["edges"]] == [
        f"post:twcs:{r['tweet_id']}" for r in mine
    ]
    assert data["stateFor"]["post"]["author"]["id"] == "customer:twcs:115712"
    assert [s["brand"]["key"] for s in data["states"]] == ["sprintcare"]
    assert data["followers"]["edges"] == [] and data["following"]["edges"] == []


def test_api_customers_filter_and_paging_visit_each_customer_once(twcs_api: Server) -> None:
    store = open_store(twcs_api.store_url)
    expected = set(store.customer_ids_for_brand("applesupport"))
    store.close()
    seen: list[str] = []
    after = None
    while True:
        page = twcs_api.data(
            'query($after: String) { customers(filter: {brand: "applesupport"}, first: 7, after: $after) { edges { cursor node { platformId } } pageInfo { hasNextPage endCursor } } }',
            {"after": after},
        )["customers"]
        seen += [e["node"]["platformId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) and set(seen) == expected
    # an edge's own cursor resumes right after that edge
    first = twcs_api.data("{ customers(first: 5) { edges { cursor node { id } } } }")["customers"]["edges"]
    rest = twcs_api.data(
        "query($a: String) { customers(first: 3, after: $a) { edges { node { id } } } }",
        {"a": first[1]["cursor"]},
    )
    assert [e["node"]["id"] for e in rest["customers"]["edges"]] == [e["node"]["id"] for e in first[2:5]]


def test_api_state_changes_are_newest_first_and_filtered(twcs_api: Server) -> None:
    page = twcs_api.data("""{ stateChanges(brand: "AmazonHelp", first: 100) { edges { node {
        customer { id } brand { key } from to at post { id createdAt author { id } } } } } }""")[
        "stateChanges"
    ]["edges"]
    nodes = [e["node"] for e in page]
    assert nodes and all(n["brand"]["key"] == "amazonhelp" for n in nodes)
    times = [datetime.fromisoformat(n["at"]) for n in nodes]
    assert times == sorted(times, reverse=True)
    assert all(
        n["post"]["author"]["id"] == n["customer"]["id"] and n["post"]["createdAt"] == n["at"] for n in nodes
    )
    assert all(n["from"] != n["to"] for n in nodes)
    since = times[len(times) // 2]
    to_used = twcs_api.data(
        "query($s: DateTime) { stateChanges(to: USED_TO_BE, since: $s, first: 100) { edges { node { to at } } } }",
        {"s": since.isoformat()},
    )["stateChanges"]["edges"]
    assert all(
        e["node"]["to"] == "USED_TO_BE" and datetime.fromisoformat(e["node"]["at"]) >= since for e in to_used
    )


def test_api_triage_ranks_by_the_documented_formula(twcs_api: Server) -> None:
    at = datetime(2017, 11, 2, tzinfo=UTC)
    data = twcs_api.data(
        '{ triage(brand: "tesco", first: 100, at: "2017-11-02T00:00:00+00:00") { edges { node { rank urgency overdue dueAt waiting reach type post { platformId createdAt needsResponse response { at } } customer { id } } } } }'
    )["triage"]["edges"]
    store = open_store(twcs_api.store_url)
    waiting = []
    for p in store.list_interactions(
        InteractionFilter(brand="tesco", order=InteractionOrder.NEWEST), 10_000
    ).items:
        label = p.classification
        if label and label.needs_response and p.response is None and label.sla:
            waiting.append((p, label.type.value, label.sla))
    store.close()
    # the documented formula: urgency x (1 + log10(1 + reach)) x (1 + SLAs overdue); no follows here
    expected = sorted(
        (
            -URGENCY[kind] * (1 + max((at - p.created_at - sla).total_seconds(), 0.0) / sla.total_seconds()),
            p.created_at + sla,
            p.id,
        )
        for p, kind, sla in waiting
    )
    assert [e["node"]["post"]["platformId"] for e in data] == [x[2] for x in expected][:100]
    assert [e["node"]["rank"] for e in data] == list(range(1, len(data) + 1))
    for edge in data:
        node = edge["node"]
        assert node["post"]["needsResponse"] and node["post"]["response"] is None
        assert node["overdue"] is (datetime.fromisoformat(node["dueAt"]) < at)


def test_api_classify_returns_what_the_classifier_says(twcs_api: Server) -> None:
    from graphsvc.classify import default_classifier

    text = "I am cancelling my contract and switching to another provider, worst service ever @sprintcare"
    got = twcs_api.data(
        'query($t: String!) { classify(text: $t, lang: "en") { type confidence cues needsResponse lang sla version } }',
        {"t": text},
    )["classify"]
    label = default_classifier().classify(text, lang="en")
    assert got["type"] == label.type.value and math.isclose(got["confidence"], label.confidence)
    assert got["cues"] == list(label.cues) and got["needsResponse"] is label.needs_response
    assert got["sla"] == (label.sla.total_seconds() if label.sla else None)


def test_api_top_advocates_match_networkx_reach(demo_api: Server) -> None:
    from tests.api_fixtures import reach_by_networkx

    store = open_store(demo_api.store_url)
    advocates = list(
        store.customer_ids_for_brand(
            "novatelecom", state=__import__("graphsvc.model", fromlist=["CustomerType"]).CustomerType.ADVOCATE
        )
    )
    edges = [e for batch in store.iter_follows() for e in batch]
    store.close()
    reach = reach_by_networkx(edges, advocates)
    for hops in (1, 2):
        expected = sorted(advocates, key=lambda a: (-reach[a][hops - 1], a))[:25]
        got = demo_api.data(
            f'{{ topAdvocates(brand: "Nova", first: 25, hops: {hops}) {{ edges {{ node {{ rank reach customer {{ platformId peerReach(hops: {hops}) stateFor(brand: "novatelecom") {{ type }} }} }} }} }} }}'
        )["topAdvocates"]["edges"]
        assert [e["node"]["customer"]["platformId"] for e in got] == expected
        assert [e["node"]["reach"] for e in got] == [reach[a][hops - 1] for a in expected]
        assert [e["node"]["rank"] for e in got] == list(range(1, 26))
        assert all(e["node"]["customer"]["stateFor"]["type"] == "ADVOCATE" for e in got)
        assert all(e["node"]["customer"]["peerReach"] == e["node"]["reach"] for e in got)
    second = demo_api.data('{ topAdvocates(brand: "novatelecom", first: 5) { pageInfo { endCursor } } }')[
        "topAdvocates"
    ]["pageInfo"]["endCursor"]
    more = demo_api.data(
        'query($a: String) { topAdvocates(brand: "novatelecom", first: 5, after: $a) { edges { node { rank } } } }',
        {"a": second},
    )
    assert [e["node"]["rank"] for e in more["topAdvocates"]["edges"]] == [6, 7, 8, 9, 10]


def test_api_demo_followers_match_the_graph(demo_api: Server) -> None:
    store = open_store(demo_api.store_url)
    edges = [e for batch in store.iter_follows() for e in batch]
    store.close()
    followers: dict[str, set[str]] = defaultdict(set)
    for src, dst in edges:
        followers[dst].add(src)
    someone = max(followers, key=lambda k: len(followers[k]))
    got: list[str] = []
    after = None
    while True:
        page = demo_api.data(
            "query($id: ID!, $a: String) { customer(id: $id) { followers(first: 100, after: $a) { edges { node { platformId } } pageInfo { hasNextPage endCursor } } } }",
            {"id": someone, "a": after},
        )["customer"]["followers"]
        got += [e["node"]["platformId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(got) == sorted(followers[someone]) and len(got) == len(set(got))  # each once


def test_api_node_resolves_every_kind_and_ids_never_collide(twcs_api: Server) -> None:
    data = twcs_api.data("""{ a: node(id: "customer:twcs:115712") { __typename id }
        b: node(id: "post:twcs:2") { __typename id ... on Post { author { id } } }
        c: node(id: "brand:sprintcare") { __typename id ... on Brand { key } }
        d: node(id: "post:twcs:115712") { id } }""")
    assert data["a"] == {"__typename": "Customer", "id": "customer:twcs:115712"}
    assert data["b"]["__typename"] == "Post" and data["b"]["author"]["id"] == "customer:twcs:115712"
    assert data["c"]["key"] == "sprintcare" and data["d"] is None
    wrong_kind = twcs_api.post('{ customer(id: "post:twcs:2") { id } }')
    assert codes_of(wrong_kind) == ["BAD_USER_INPUT"]


def test_api_unknown_brand_is_not_found(twcs_api: Server) -> None:
    response = twcs_api.post('{ topAdvocates(brand: "nosuchbrand") { edges { cursor } } }')
    assert codes_of(response) == ["NOT_FOUND"] and "brands" in response.json()["errors"][0]["message"]
