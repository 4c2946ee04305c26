"""Security over real HTTP: keys and roles, query limits, masking. Every refusal is fast and clear."""

# ruff: noqa: F811  (fixtures are imported from tests.api_fixtures and used as parameters)
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graphsvc.config import Settings
from graphsvc.keys import create_key, revoke_key
from graphsvc.stores import open_store
from tests.api_fixtures import (  # noqa: F401
    Server,
    Subscriber,
    ThreadServer,
    codes_of,
    make_keys,
    serve_in_thread,
    twcs_api,
    twcs_store,
)


def refused_fast(
    server: Server, body: Any, *, role: str | None = "admin", timeout: float = 2.0
) -> httpx.Response:
    headers = {"content-type": "application/json", "accept": "application/graphql-response+json"}
    if role is not None:
        headers["authorization"] = f"Bearer {server.keys[role]}"
    started = time.perf_counter()
    response = httpx.post(f"{server.url}/graphql", json=body, headers=headers, timeout=30)
    assert time.perf_counter() - started < timeout
    assert "Traceback" not in response.text and 'File "' not in response.text
    return response


def nested(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"followers(first: 2) {{ edges {{ node {{ {inner} }} }} }}"
    return f'{{ customer(id: "twcs:115712") {{ {inner} }} }}'


def test_api_security_deep_query_is_refused(twcs_api: Server) -> None:
    response = refused_fast(twcs_api, {"query": nested(5)})
    assert response.status_code == 400 and codes_of(response) == ["QUERY_TOO_COMPLEX"]
    assert "levels deep" in response.json()["errors"][0]["message"] and "data" not in response.json()
    assert "errors" not in twcs_api.post(nested(3)).json()


def test_api_security_wide_query_is_refused_by_cost(twcs_api: Server) -> None:
    query = "{ customers(first: 100) { edges { node { followers(first: 100) { edges { node { following(first: 100) { edges { node { id } } } } } } } } } }"
    response = refused_fast(twcs_api, {"query": query})
    assert codes_of(response) == ["QUERY_TOO_COMPLEX"] and "cost" in response.json()["errors"][0]["message"]
    # variables count too
    response = refused_fast(
        twcs_api,
        {
            "query": "query($n: Int) { customers(first: $n) { edges { node { followers(first: $n) { edges { node { following(first: $n) { edges { node { id } } } } } } } } } }",
            "variables": {"n": 100},
        },
    )
    assert codes_of(response) == ["QUERY_TOO_COMPLEX"]


def test_api_security_aliases_are_limited(twcs_api: Server) -> None:
    query = "{ " + " ".join(f"a{i}: brands(first: 1) {{ edges {{ cursor }} }}" for i in range(31)) + " }"
    response = refused_fast(twcs_api, {"query": query})
    assert (
        codes_of(response) == ["QUERY_TOO_COMPLEX"] and "aliases" in response.json()["errors"][0]["message"]
    )


def test_api_security_token_count_is_limited(twcs_api: Server) -> None:
    response = refused_fast(twcs_api, {"query": "{ " + "__typename " * 2100 + "}"})
    assert codes_of(response) == ["QUERY_TOO_COMPLEX"] and "tokens" in response.json()["errors"][0]["message"]


def test_api_security_batches_are_refused(twcs_api: Server) -> None:
    response = refused_fast(twcs_api, [{"query": "{ __typename }"}, {"query": "{ __typename }"}])
    assert response.status_code == 400 and codes_of(response) == ["BAD_USER_INPUT"]
    assert "batched" in response.json()["errors"][0]["message"]


def test_api_security_oversized_bodies_are_refused(twcs_api: Server) -> None:
    response = refused_fast(twcs_api, {"query": "{ __typename }", "variables": {"x": "y" * 300_000}})
    assert response.status_code == 413 and codes_of(response) == ["QUERY_TOO_COMPLEX"]
    chunked = httpx.post(
        f"{twcs_api.url}/graphql",
        content=iter([b'{"query": "{ __typename }", "pad": "', b"z" * 300_000, b'"}']),
        headers={"content-type": "application/json", "authorization": f"Bearer {twcs_api.keys['admin']}"},
    )
    assert chunked.status_code == 413


def test_api_security_page_size_is_refused_not_clamped(twcs_api: Server) -> None:
    response = twcs_api.post("{ customers(first: 101) { edges { cursor } } }")
    assert codes_of(response) == ["PAGE_SIZE_EXCEEDED"] and "100" in response.json()["errors"][0]["message"]
    default = twcs_api.data("{ customers { edges { cursor } } }")
    assert len(default["customers"]["edges"]) == 20


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, "no API key"),
        ({"authorization": "Bearer " + "A" * 43}, "not known"),
        ({"authorization": "Bearer short!"}, "malformed"),
        ({"authorization": "Basic dXNlcjpwYXNz"}, "Bearer"),
    ],
)
def test_api_security_missing_or_bad_keys_are_unauthenticated(
    twcs_api: Server, headers: dict[str, str], fragment: str
) -> None:
    response = twcs_api.post("{ brands { edges { cursor } } }", role=None, headers=headers)
    assert response.status_code == 401 and codes_of(response) == ["UNAUTHENTICATED"]
    assert fragment in response.json()["errors"][0]["message"]
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_api_security_roles_gate_sensitive_fields_and_mutations(twcs_api: Server) -> None:
    query = '{ post(id: "twcs:2") { id text author { handle } } }'
    as_reader = twcs_api.post(query, role="reader").json()
    assert as_reader["data"]["post"]["id"] == "post:twcs:2" and as_reader["data"]["post"]["text"] is None
    assert {e["extensions"]["code"] for e in as_reader["errors"]} == {"FORBIDDEN"}
    assert "analyst" in as_reader["errors"][0]["message"]
    assert twcs_api.data(query, role="analyst")["post"]["text"]
    mutation = 'mutation { markResponded(postId: "twcs:2", at: "2017-11-01T00:00:00Z") { id } }'
    for role in ("reader", "analyst"):
        assert codes_of(twcs_api.post(mutation, role=role)) == ["FORBIDDEN"]
    handle_filter = '{ customers(filter: {handlePrefix: "1157"}) { edges { cursor } } }'
    assert codes_of(twcs_api.post(handle_filter, role="reader")) == ["FORBIDDEN"]
    assert twcs_api.data(handle_filter, role="analyst")["customers"]["edges"]


def test_api_security_revoked_keys_stop_working(twcs_api: Server) -> None:
    store = open_store(twcs_api.store_url)
    record, key = create_key(store, "reader")
    headers = {"authorization": f"Bearer {key}"}
    assert twcs_api.post("{ __typename }", role=None, headers=headers).status_code == 200
    revoke_key(store, record.id)
    store.close()
    response = twcs_api.post("{ __typename }", role=None, headers=headers)
    assert response.status_code == 401 and "revoked" in response.json()["errors"][0]["message"]


@pytest.fixture
def slow_api(twcs_store: str) -> Iterator[Server]:
    yield from serve_in_thread(twcs_store, request_timeout=0.005)


def test_api_security_slow_queries_time_out(slow_api: Server) -> None:
    query = """{ customers(first: 100) { edges { node { interactions(first: 10) { edges { node {
        brands { key } author { states { type } } } } } } } } }"""
    response = refused_fast(slow_api, {"query": query})
    assert response.status_code == 504 and codes_of(response) == ["TIMEOUT"]


def test_api_security_slow_queries_over_a_websocket_time_out_and_subscriptions_do_not(
    slow_api: Server,
) -> None:
    query = """{ customers(first: 100) { edges { node { interactions(first: 10) { edges { node {
        brands { key } author { states { type } } } } } } } } }"""
    started = time.perf_counter()
    with Subscriber(slow_api, query, count=2, timeout=10) as stopped:
        pass
    assert time.perf_counter() - started < 5
    assert [m["type"] for m in stopped.received] == ["next", "complete"]
    assert [e["extensions"]["code"] for e in stopped.received[0]["payload"]["errors"]] == ["TIMEOUT"]
    # a subscription outlives the timeout: it waits for changes and ends only when the client ends it
    with Subscriber(slow_api, "subscription { stateChanged { to } }", count=1, timeout=1) as waiting:
        pass
    assert waiting.received == []


class BrokenStore:
    """A store whose post lookups fail unexpectedly (a bug, not an expected failure)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def get_posts(self, ids: Any) -> Any:
        raise RuntimeError("secret internals: /var/db/password=hunter2")


@pytest.mark.parametrize("debug", [False, True])
def test_api_security_unexpected_errors_are_masked_unless_debugging(
    twcs_store: str, debug: bool, tmp_path: Path
) -> None:
    store = open_store(twcs_store)
    keys = make_keys(store)
    with ThreadServer(Settings(store=twcs_store, debug=debug), BrokenStore(store)) as url:
        response = httpx.post(
            f"{url}/graphql",
            json={"query": '{ post(id: "twcs:2") { id } brands(first: 1) { edges { cursor } } }'},
            headers={"authorization": f"Bearer {keys['admin']}"},
        )
    store.close()
    body = response.json()
    assert body["data"]["post"] is None and body["data"]["brands"]["edges"]
    assert codes_of(response) == ["INTERNAL_SERVER_ERROR"]
    assert ("hunter2" in response.text) is debug
    assert ("exception" in body["errors"][0]["extensions"]) is debug
