"""Compiled execution plans (graphsvc.api.plan) against graphql-core's executor: the same queries,
run both ways on the demo data as every role, give the same responses; the plan answers the
successful ones itself, and hands everything else (errors, introspection, mutations) back."""

# ruff: noqa: F811  (fixtures are imported from tests.api_fixtures and used as parameters)
from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from typing import Any

import pytest
import strawberry

from graphsvc.api.context import Context, Services
from graphsvc.api.plan import PlannedExecution, Plans
from graphsvc.api.schema import build_schema
from graphsvc.api.store_calls import StoreCalls
from graphsvc.config import Settings
from graphsvc.keys import Principal, Role
from graphsvc.stores import open_store
from tests.api_fixtures import demo_store  # noqa: F401

CUSTOMER = """id platformId platform followerCount handle name influence
    peerReach p1: peerReach(hops: 1) brand { key }
    states { type since brand { key name } post { id type } customer { id } }"""

_PAGE_OF_N = (
    "query($id: ID!, $n: Int!) { customer(id: $id) { followers(first: $n) { edges { node { id } } } } }"
)
_DEFAULTS = (
    "query($id: ID!, $n: Int = 2, $yes: Boolean = true) { customer(id: $id) { id handle @include(if: $yes) "
    "followers(first: $n) { edges { node { id } } } } }"
)

QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("{ __typename }", {}),
    (
        '{ topAdvocates(brand: "novatelecom", first: 10) { edges { node { rank reach customer { id '
        "platformId followerCount peerReach(hops: 2) states { type since brand { key } } } } } } }",
        {},
    ),
    (
        f"query($id: ID!) {{ customer(id: $id) {{ {CUSTOMER} interactions(first: 5) {{ edges {{ cursor node {{ "
        "id createdAt type confidence needsResponse response { delay at post { id } } brands { key } } } "
        "pageInfo { hasNextPage endCursor } } followers(first: 10) { edges { node { id peerReach } } } "
        "following(first: 3) { edges { node { id __typename } } } } }",
        {"id": "$customer"},
    ),
    (
        "query($id: ID!, $n: Int) { customer(id: $id) { followers(first: $n) { pageInfo { hasNextPage "
        "hasPreviousPage startCursor endCursor } edges { cursor node { id } } } } }",
        {"id": "$busy", "n": 3},
    ),
    (
        "{ brands { edges { cursor node { __typename id key name handles aliases customers(first: 3, order: "
        "REACH2) { edges { node { id peerReach } } } } } pageInfo { hasNextPage } } }",
        {},
    ),
    (
        '{ brand(handle: "novatelecom") { key customers(state: ADVOCATE, first: 5) { edges { node { '
        'stateFor(brand: "novatelecom") { type } engagedReach(brand: "novatelecom") } } } } }',
        {},
    ),
    (
        "{ stateChanges(first: 20) { edges { node { from to at priority customer { id } brand { key } "
        "post { id text author { id handle } inReplyTo { id } replies(first: 2) { edges { node { id } } } "
        "} } } } }",
        {},
    ),
    (
        '{ alerts(brand: "acmeair", first: 5) { edges { node { to priority customer { id peerReach } } } } }',
        {},
    ),
    (
        '{ triage(brand: "acmeair", first: 5, at: "2030-01-01T00:00:00Z") { edges { node { rank urgency '
        "reach overdue waiting dueAt type post { id dueAt sla cues lang byBrand } customer { id } } } } }",
        {},
    ),
    (
        "query($p: ID!) { post(id: $p) { id platformId text lang createdAt byBrand type confidence cues "
        "needsResponse sla dueAt response { at delay post { id } } author { id name } brands { key } "
        "inReplyTo { id } replies { edges { node { id author { id } } } } } }",
        {"p": "$post"},
    ),
    (
        "query($a: ID!, $b: ID!) { reach(customers: [$a, $b]) audienceOverlap(customers: [$a, $b]) { "
        "reachA reachB shared jaccard a { id } b { id } } }",
        {"a": "$customer", "b": "$busy"},
    ),
    ('{ advocateSet(brand: "novatelecom", k: 3) { reach picks { gain total customer { id } } } }', {}),
    # one field under two aliases with different arguments: each keeps its own
    (
        "query($id: ID!) { customer(id: $id) { r1: peerReach(hops: 1) r2: peerReach(hops: 2) "
        "f2: followers(first: 2) { edges { node { id } } } f3: followers(first: 3) { edges { node { id } } } } }",
        {"id": "$customer"},
    ),
    # fragments, inline fragments, aliases, repeated fields merged, __typename, directives
    (
        "query($id: ID!) { c: customer(id: $id) { ...Who ... on Customer { states { type } } "
        "again: id id } } fragment Who on Customer { id platformId states { since } }",
        {"id": "$customer"},
    ),
    (
        "query($id: ID!, $yes: Boolean!, $no: Boolean!) { customer(id: $id) { id handle @include(if: $yes) "
        "name @skip(if: $yes) followerCount @include(if: $no) ... @include(if: $yes) { platform } } }",
        {"id": "$customer", "yes": True, "no": False},
    ),
    (
        "query($id: ID!, $yes: Boolean!, $no: Boolean!) { customer(id: $id) { id handle @include(if: $yes) "
        "name @skip(if: $yes) followerCount @include(if: $no) ... @include(if: $yes) { platform } } }",
        {"id": "$customer", "yes": False, "no": True},
    ),
    (
        "query($id: ID!) { node(id: $id) { __typename id ... on Customer { platformId } ... on Post { "
        "createdAt } ... on Brand { key } } }",
        {"id": "$node_customer"},
    ),
    (
        "query($id: ID!) { node(id: $id) { __typename id ... on Customer { platformId } ... on Post { "
        "createdAt } ... on Brand { key } } }",
        {"id": "$node_post"},
    ),
    ('{ node(id: "brand:acmeair") { __typename id ... on Brand { name } } }', {}),
    (
        '{ customers(first: 5, filter: {brand: "acmeair", state: PASSIVE, order: REACH1}) { edges { node { '
        "id handle } } } }",
        {},
    ),
    (
        '{ classify(text: "I love this phone, best carrier ever!") { type confidence needsResponse lang } }',
        {},
    ),
    # nulls: unknown objects, nullable relations
    ('{ customer(id: "demo:nobody") { id } post(id: "demo:nothing") { id } brand(handle: "x") { key } }', {}),
    # errors: bad arguments, bad ids, bad cursors, non-null propagation, page sizes, variables
    ('{ topAdvocates(brand: "novatelecom", first: 3, hops: 3) { edges { node { rank } } } }', {}),
    ('{ topAdvocates(brand: "nobrand", first: 3) { edges { node { rank } } } }', {}),
    (
        '{ topAdvocates(brand: "novatelecom", first: 3) { edges { node { customer { peerReach(hops: 5) } '
        "rank } } } }",
        {},
    ),
    ('{ customer(id: "nocolon") { id } }', {}),
    ("{ brands(first: 1000) { edges { cursor } } }", {}),
    ('{ brands(after: "not-a-cursor") { edges { cursor } } }', {}),
    ("query($id: ID!) { customer(id: $id) { id } }", {}),
    ("query($id: ID!) { customer(id: $id) { id } }", {"id": 5}),
    # variables graphql-core hands back unchanged, and values it coerces or refuses
    (_PAGE_OF_N, {"id": "$customer", "n": 2}),
    (_PAGE_OF_N, {"id": "$customer", "n": 2.0}),
    (_PAGE_OF_N, {"id": "$customer", "n": 2**31}),
    (_PAGE_OF_N, {"id": "$customer", "n": True}),
    (_PAGE_OF_N, {"id": "$customer", "n": None}),
    (_DEFAULTS, {"id": "$customer"}),
    (_DEFAULTS, {"id": "$customer", "n": 1, "yes": False}),
    (_DEFAULTS, {"id": "$customer", "yes": 1}),
    ('{ stateChanges(first: 5) { edges { node { customer { id engagedReach(brand: "zzz") } } } } }', {}),
    ("{ customers(filter: {state: ADVOCATE}) { edges { node { id } } } }", {}),
    ("{ __schema { queryType { name } } }", {}),
    ("{ nope }", {}),
    ('mutation { markResponded(postId: "demo:nothing") { id } }', {}),
]


def _ids(store_url: str) -> dict[str, str]:
    store = open_store(store_url)
    try:
        followed = Counter(dst for batch in store.iter_follows() for _, dst in batch)
    finally:
        store.close()
    with sqlite3.connect(store_url.removeprefix("sqlite:///")) as db:
        customer = db.execute("SELECT customer FROM states ORDER BY customer LIMIT 1").fetchone()[0]
        post = db.execute(
            "SELECT in_reply_to FROM posts WHERE in_reply_to IS NOT NULL ORDER BY id LIMIT 1"
        ).fetchone()[0]
    return {
        "$customer": customer,
        "$busy": followed.most_common(1)[0][0],
        "$post": post,
        "$node_customer": f"customer:{customer}",
        "$node_post": f"post:{post}",
    }


def _bind(variables: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    return {k: ids.get(v, v) if isinstance(v, str) else v for k, v in variables.items()}


async def _run(
    schema: Any, services: Services, query: str, variables: dict[str, Any], role: Role
) -> dict[str, Any]:
    context = Context(services, principal=Principal(key_id="test", role=role))
    result = await schema.execute(query, variable_values=variables, context_value=context)
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [e.formatted for e in result.errors]
    return body


@pytest.fixture(scope="module")
def both(demo_store: str) -> Any:
    store = open_store(demo_store)
    settings = Settings(store=demo_store, introspection=False, read_cache_seconds=0)
    services = Services(settings, StoreCalls(store))
    yield build_schema(settings), build_schema(settings, plans=False), services, _ids(demo_store)
    store.close()


def _plans(schema: Any) -> Plans:
    found = [e() for e in schema.extensions if not isinstance(e, type)]
    planned = [e for e in found if isinstance(e, PlannedExecution)]
    assert len(planned) == 1
    return planned[0].plans


@pytest.mark.parametrize("role", [Role.ADMIN, Role.READER])
def test_api_plan_answers_every_query_as_graphql_core_does(both: Any, role: Role) -> None:
    planned, plain, services, ids = both
    plans = _plans(planned)
    answered_before = plans.answered
    successes = 0
    for query, variables in QUERIES:
        bound = _bind(variables, ids)
        expected = asyncio.run(_run(plain, services, query, bound, role))
        got = asyncio.run(_run(planned, services, query, bound, role))
        assert json.dumps(got) == json.dumps(expected), query
        successes += "errors" not in expected
    # the plans answered every successful query themselves, and nothing else
    assert successes >= (20 if role is Role.ADMIN else 10), successes
    assert plans.answered - answered_before == successes


def test_api_plan_is_compiled_once_per_document_and_directive_values(both: Any) -> None:
    planned, _, services, ids = both
    plans = _plans(planned)
    query = """query($id: ID!, $n: Int, $x: Boolean!) { customer(id: $id) { id name @include(if: $x)
        followers(first: $n) { edges { node { id } } } } }"""
    compiled = plans.compiled
    for n in range(5):
        variables = {"id": ids["$customer"], "n": n, "x": n % 2 == 0}
        body = asyncio.run(_run(planned, services, query, variables, Role.ADMIN))
        assert ("name" in body["data"]["customer"]) is (n % 2 == 0), body
        assert len(body["data"]["customer"]["followers"]["edges"]) == n
    # one plan per value of $x; other variables (like $n here, or a request id) never make another
    assert plans.compiled - compiled == 2


def test_api_plan_keeps_dataloader_batching(both: Any) -> None:
    planned, _, services, _ = both
    calls = services.calls.counts
    before = dict(calls)
    query = """{ stateChanges(first: 50) { edges { node { customer { id peerReach states { type
        brand { key } } followers(first: 2) { edges { node { id } } } } post { id author { id } } } } } }"""
    body = asyncio.run(_run(planned, services, query, {}, Role.ADMIN))
    assert "errors" not in body and len(body["data"]["stateChanges"]["edges"]) == 50
    used = {m: calls[m] - before.get(m, 0) for m in calls}
    assert used["states_for"] == 1 and used["list_followers_many"] == 1 and used["get_metrics"] == 1
    assert used["get_accounts"] <= 2 and used["get_posts"] <= 1


def test_api_plan_refuses_extensions_with_resolve_hooks() -> None:
    from strawberry.extensions import SchemaExtension

    class Tracing(SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            return _next(root, info, *args, **kwargs)

    with pytest.raises(TypeError, match="Tracing resolves fields"):
        PlannedExecution.beside([Tracing], Plans())
    assert isinstance(PlannedExecution.beside([SchemaExtension], Plans())(), PlannedExecution)


def test_api_plan_answers_alike_when_store_calls_go_to_threads(both: Any, demo_store: str) -> None:
    # A network store's calls run on worker threads and its loaders' batches in tasks of their own
    # (graphsvc.api.batches: only inline loaders run batches in the waiting task): same answers,
    # same batching.
    planned, _, inline, ids = both
    store = open_store(demo_store)
    threaded = Services(inline.settings, StoreCalls(store, inline=False))
    try:
        for query, variables in QUERIES:
            bound = _bind(variables, ids)
            expected = asyncio.run(_run(planned, inline, query, bound, Role.ADMIN))
            got = asyncio.run(_run(planned, threaded, query, bound, Role.ADMIN))
            assert json.dumps(got) == json.dumps(expected), query
        before = dict(threaded.calls.counts)
        query = """{ stateChanges(first: 50) { edges { node { customer { id peerReach states { type }
            followers(first: 2) { edges { node { id } } } } } } } }"""
        assert "errors" not in asyncio.run(_run(planned, threaded, query, {}, Role.ADMIN))
        used = {m: n - before.get(m, 0) for m, n in threaded.calls.counts.items()}
        assert used["states_for"] == 1 and used["list_followers_many"] == 1 and used["get_metrics"] == 1
    finally:
        store.close()


def test_api_plan_reads_a_post_once_when_a_state_rests_on_an_interaction_of_the_page(both: Any) -> None:
    planned, _, services, ids = both
    calls = services.calls.counts
    before = dict(calls)
    query = """query($id: ID!) { customer(id: $id) { states { post { id type } }
        interactions(first: 20) { edges { node { id } } } } }"""
    body = asyncio.run(_run(planned, services, query, {"id": ids["$customer"]}, Role.ADMIN))
    customer = body["data"]["customer"]
    shown = {e["node"]["id"] for e in customer["interactions"]["edges"]}
    assert customer["states"] and {s["post"]["id"] for s in customer["states"]} <= shown, body
    used = {m: n - before.get(m, 0) for m, n in calls.items()}
    # the states' posts came with the interactions page: no read of posts by id
    assert used["list_interactions_many"] == 1 and used.get("get_posts", 0) == 0, used


def test_api_plan_post_brands_come_from_the_read_cache_as_brand_lookups_do(demo_store: str) -> None:
    store = open_store(demo_store)
    settings = Settings(store=demo_store, introspection=False, read_cache_seconds=60)
    services = Services(settings, StoreCalls(store))
    schema = build_schema(settings)
    query = """query($id: ID!, $n: Int) { customer(id: $id) { interactions(first: $n) { edges { node {
        brands { key } } } } } }"""
    customer = _ids(demo_store)["$customer"]
    try:
        answers, reads = [], []
        for n in (5, 6):  # another page size: not an answer the response cache could give
            before = services.calls.counts["get_brands"]
            answers.append(asyncio.run(_run(schema, services, query, {"id": customer, "n": n}, Role.ADMIN)))
            reads.append(services.calls.counts["get_brands"] - before)
        assert all("errors" not in a and a["data"]["customer"]["interactions"]["edges"] for a in answers)
        assert reads == [1, 0]  # the second request found the brands in the app's read cache
    finally:
        store.close()


@strawberry.type
class _Item:
    n: int

    @strawberry.field
    def seen(self, info: strawberry.Info, suffix: str = "") -> str:
        path = info.path.as_list()
        return f"{info.context['who']} {info.field_name} {path} {info.variable_values} {self.n}{suffix}"


@strawberry.type
class _Items:
    @strawberry.field
    def items(self) -> list[_Item]:
        return [_Item(n=1), _Item(n=2)]


def test_api_plan_resolvers_see_the_info_graphql_core_gives_them() -> None:
    """A resolver called by a plan reads the same info as when graphql-core calls it: the context
    at once, and path, field name, variables and the rest from the resolve info built on use."""
    plans = Plans()
    planned = strawberry.Schema(_Items, extensions=[PlannedExecution.beside([], plans)])
    plain = strawberry.Schema(_Items)
    query = "query($s: String!) { items { seen(suffix: $s) again: seen } }"

    async def run(schema: strawberry.Schema) -> Any:
        result = await schema.execute(query, variable_values={"s": "!"}, context_value={"who": "me"})
        assert result.errors is None
        return result.data

    assert asyncio.run(run(planned)) == asyncio.run(run(plain))
    assert plans.answered == 1
    assert asyncio.run(run(planned))["items"][1]["seen"] == "me seen ['items', 1, 'seen'] {'s': '!'} 2!"
