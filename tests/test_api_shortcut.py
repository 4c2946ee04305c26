"""graphsvc.api.shortcut: a query text the pipeline has answered is answered again by its plan at
once, with the same bytes as the pipeline gives; whatever differs per request (role, variables,
limits, method, operation) is refused or reported exactly as the pipeline does."""

# ruff: noqa: F811  (fixtures are imported from tests.api_fixtures and used as parameters)
from __future__ import annotations

import asyncio
import gc
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from graphsvc.api.app import create_app
from graphsvc.api.context import Context
from graphsvc.api.shortcut import Shortcut
from graphsvc.config import Settings
from graphsvc.keys import Principal, Role
from graphsvc.stores import open_store
from tests.api_fixtures import demo_store, make_keys  # noqa: F401

CUSTOMER = """query($id: ID!, $n: Int) { customer(id: $id) { id platformId peerReach(hops: 1) influence
    states { type since brand { key name } post { id createdAt type } }
    interactions(first: 5) { edges { node { id createdAt type confidence response { delay } brands { key } } } }
    followers(first: $n) { edges { cursor node { id peerReach followers(first: $n) { edges { node { id } } } } } } } }"""
SENSITIVE = "query($id: ID!) { customer(id: $id) { id handle name } }"
TWO = "query A($id: ID!) { customer(id: $id) { id } } query B($id: ID!) { customer(id: $id) { platformId } }"
_fresh = itertools.count()


@dataclass
class Api:
    app: Starlette
    keys: dict[str, str]
    busy: str

    @property
    def shortcut(self) -> Shortcut:
        found = self.app.state.schema.shortcut
        assert isinstance(found, Shortcut)
        return found

    def ask(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        role: str | None = "admin",
        accept: str | None = None,
        method: str = "POST",
        operation: str | None = None,
    ) -> tuple[int, str, bytes]:
        """Status, content type and body of one request."""
        headers = {"authorization": f"Bearer {self.keys[role]}"} if role else {}
        if accept:
            headers["accept"] = accept
        params: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation:
            params["operationName"] = operation

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                if method == "GET":
                    get = {**params, "variables": json.dumps(params["variables"])}
                    return await client.get("/graphql", params=get, headers=headers)
                return await client.post("/graphql", json=params, headers=headers)

        response = asyncio.run(go())
        return response.status_code, response.headers["content-type"], response.content


@pytest.fixture(scope="module")
def api(demo_store: str) -> Iterator[Api]:
    store = open_store(demo_store)
    settings = Settings(store=demo_store, key_cache_seconds=0, read_cache_seconds=0, max_cost=5_000)
    yield Api(create_app(settings, store), make_keys(store), _busiest(store))
    store.close()


def _busiest(store: Any) -> str:
    followed: dict[str, int] = {}
    for batch in store.iter_follows():
        for _, dst in batch:
            followed[dst] = followed.get(dst, 0) + 1
    return max(followed, key=lambda k: followed[k])


def fresh(query: str) -> str:
    """The same query as a text never seen before (a comment at the end moves no error location),
    so the pipeline answers it: the reference a shortcut answer must equal."""
    return f"{query}\n# {next(_fresh)}"


def test_api_shortcut_answers_a_query_asked_twice_by_its_plan(api: Api) -> None:
    variables = {"id": api.busy, "n": 3}
    plans = api.shortcut.plans
    answered, compiled = api.shortcut.answered, plans.compiled
    text = fresh(CUSTOMER)
    first = api.ask(text, variables)
    assert api.shortcut.answered == answered  # the pipeline answered, and the text is now accepted
    second = api.ask(text, variables | {"unused": 1})
    assert api.shortcut.answered == answered + 1 and plans.compiled == compiled + 1
    assert first == second and first[0] == 200 and b'"errors"' not in first[2]
    assert api.ask(text, variables, method="GET") == first  # queries over GET take it too
    assert api.shortcut.answered == answered + 2


@pytest.mark.parametrize(
    ("query", "variables", "role", "accept"),
    [
        # a role that may not read a field: FORBIDDEN on that field, the rest of the answer
        (SENSITIVE, {"id": "$busy"}, "reader", None),
        # a page size over the maximum, given as a variable
        (CUSTOMER, {"id": "$busy", "n": 1000}, "admin", None),
        # the cost limit, reached through a variable (5,000 here)
        (CUSTOMER, {"id": "$busy", "n": 90}, "admin", "application/graphql-response+json"),
        (CUSTOMER, {"id": "$busy", "n": 90}, "admin", None),
        # variables that do not coerce, or are missing
        (CUSTOMER, {"id": "$busy", "n": "ten"}, "admin", "application/graphql-response+json"),
        (CUSTOMER, {"n": 2}, "admin", None),
        # a bad id (the resolver's error) and an unknown one (null)
        (CUSTOMER, {"id": "nocolon", "n": 2}, "admin", None),
        (CUSTOMER, {"id": "demo:nobody", "n": 2}, "admin", None),
        # no key at all
        (CUSTOMER, {"id": "$busy", "n": 2}, None, None),
    ],
)
def test_api_shortcut_answers_exactly_as_the_pipeline(
    api: Api, query: str, variables: dict[str, Any], role: str | None, accept: str | None
) -> None:
    bound = {k: api.busy if v == "$busy" else v for k, v in variables.items()}
    accepted = fresh(query)
    assert api.ask(accepted, {"id": api.busy, "n": 2})[0] == 200  # accepted: it takes the shortcut now
    got = api.ask(accepted, bound, role=role, accept=accept)
    expected = api.ask(fresh(query), bound, role=role, accept=accept)
    # the pipeline's answer to a fresh text is the same, up to the trailing comment
    assert got[:2] == expected[:2]
    assert got[2] == expected[2], (got, expected)


def test_api_shortcut_keeps_operations_apart(api: Api) -> None:
    text = fresh(TWO)
    a = api.ask(text, {"id": api.busy}, operation="A")
    answered = api.shortcut.answered
    b = api.ask(text, {"id": api.busy}, operation="B")  # never answered before: the pipeline runs it
    assert api.shortcut.answered == answered
    assert api.ask(text, {"id": api.busy}, operation="B") == b and api.shortcut.answered == answered + 1
    assert a != b and api.ask(text, {"id": api.busy}, operation="A") == a
    # no operation name for a document with two: whatever the pipeline answers
    assert api.ask(text, {"id": api.busy}) == api.ask(fresh(TWO), {"id": api.busy})


def test_api_shortcut_answers_are_counted_in_metrics(api: Api) -> None:
    def count() -> float:
        async def go() -> str:
            transport = httpx.ASGITransport(app=api.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return (await client.get("/metrics")).text

        for line in asyncio.run(go()).splitlines():
            if line.startswith('graphsvc_requests_total{operation="query:customer",status="200"}'):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    text = fresh(SENSITIVE)
    before = count()
    answered = api.shortcut.answered
    for _ in range(3):
        assert api.ask(text, {"id": api.busy})[0] == 200
    assert api.shortcut.answered == answered + 2 and count() == before + 3


def test_api_shortcut_answers_leave_no_reference_cycles(api: Api) -> None:
    # Garbage in cycles waits for the cycle collector, whose pauses were most of the p99 latency:
    # a request answered by the shortcut must be freed by reference counting alone.
    text = fresh(CUSTOMER)
    variables = {"id": api.busy, "n": 3}
    assert api.ask(text, variables)[0] == 200
    shortcut = api.shortcut
    services = api.app.state.services

    async def run(times: int) -> int:
        for _ in range(times):
            context = Context(services, principal=Principal(key_id="test", role=Role.ADMIN))
            data = await shortcut.execute(
                text, variables=variables, operation_name=None, context=context, extensions=None
            )
            assert data is not None
        return gc.collect()

    gc.collect()
    gc.disable()
    try:
        asyncio.run(run(1))  # the event loop's own start-up garbage
        assert asyncio.run(run(20)) < 20
    finally:
        gc.enable()
