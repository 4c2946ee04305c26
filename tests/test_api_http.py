"""GraphQL over HTTP details, health, metrics, pages, and the store-call budget (no N+1)."""

# ruff: noqa: F811  (fixtures are imported from tests.api_fixtures and used as parameters)
from __future__ import annotations

import asyncio
import re
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from graphsvc.api.app import create_app
from graphsvc.config import Settings
from tests.api_fixtures import Server, codes_of, serve_in_thread, twcs_api, twcs_store  # noqa: F401


def auth(server: Server, **extra: str) -> dict[str, str]:
    return {"authorization": f"Bearer {server.keys['reader']}", **extra}


def test_api_http_get_runs_queries_and_refuses_mutations(twcs_api: Server) -> None:
    ok = httpx.get(f"{twcs_api.url}/graphql", params={"query": "{ __typename }"}, headers=auth(twcs_api))
    assert ok.status_code == 200 and ok.json() == {"data": {"__typename": "Query"}}
    assert ok.headers["content-type"].startswith("application/json")
    mutation = httpx.get(
        f"{twcs_api.url}/graphql",
        params={"query": 'mutation { markResponded(postId: "twcs:2") { id } }'},
        headers=auth(twcs_api, accept="application/graphql-response+json"),
    )
    assert mutation.status_code == 405 and mutation.headers["allow"] == "POST"


def test_api_http_negotiates_the_response_media_type(twcs_api: Server) -> None:
    def post(accept: str | None, query: str = "{ __typename }") -> httpx.Response:
        headers = auth(twcs_api, **({"accept": accept} if accept else {}))
        return httpx.post(f"{twcs_api.url}/graphql", json={"query": query}, headers=headers)

    assert (
        post("application/graphql-response+json")
        .headers["content-type"]
        .startswith("application/graphql-response+json")
    )
    assert post("*/*").headers["content-type"].startswith("application/json")
    assert post(None).headers["content-type"].startswith("application/json")
    assert post("text/plain").status_code == 406
    invalid = post("application/graphql-response+json", "{ nope }")
    assert (
        invalid.status_code == 400
        and "data" not in invalid.json()
        and codes_of(invalid) == ["BAD_USER_INPUT"]
    )
    assert post("application/json", "{ nope }").status_code == 200
    syntax = post("application/graphql-response+json", "{")
    assert syntax.status_code == 400 and codes_of(syntax) == ["BAD_USER_INPUT"]


def test_api_http_refuses_malformed_requests_with_codes(twcs_api: Server) -> None:
    url = f"{twcs_api.url}/graphql"
    no_type = httpx.post(url, content=b'{"query": "{ __typename }"}', headers=auth(twcs_api))
    assert no_type.status_code == 400
    form = httpx.post(
        url,
        content=b"query=x",
        headers=auth(twcs_api, **{"content-type": "application/x-www-form-urlencoded"}),
    )
    assert form.status_code == 415
    for body in (b"{", b"", b'{"qeury": "{ __typename }"}', b'{"query": "{ __typename }", "variables": "x"}'):
        response = httpx.post(
            url, content=body, headers=auth(twcs_api, **{"content-type": "application/json"})
        )
        assert response.status_code == 400 and codes_of(response) == ["BAD_USER_INPUT"], body
    assert httpx.put(url, headers=auth(twcs_api)).status_code == 405


def test_api_http_a_document_of_several_operations_needs_an_operation_name(twcs_api: Server) -> None:
    document = "query Names { brands(first: 1) { edges { node { key } } } } query Kind { __typename }"
    headers = auth(twcs_api, accept="application/graphql-response+json")

    def post(body: dict[str, str]) -> httpx.Response:
        return httpx.post(f"{twcs_api.url}/graphql", json=body, headers=headers)

    for _ in range(2):  # the second time past the caches and the shortcut
        unnamed = post({"query": document})
        assert unnamed.status_code == 400 and "data" not in unnamed.json()
        assert codes_of(unnamed) == ["BAD_USER_INPUT"]
        assert "2 operations (Names, Kind)" in unnamed.json()["errors"][0]["message"]
        assert post({"query": document, "operationName": "Kind"}).json() == {"data": {"__typename": "Query"}}
    over_get = httpx.get(f"{twcs_api.url}/graphql", params={"query": document}, headers=headers)
    assert over_get.status_code == 400 and codes_of(over_get) == ["BAD_USER_INPUT"]


def test_api_http_health_readiness_and_metrics(twcs_api: Server) -> None:
    assert httpx.get(f"{twcs_api.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{twcs_api.url}/readyz").json() == {"status": "ready"}
    twcs_api.post("{ brands(first: 1) { edges { cursor } } }")
    twcs_api.post("{ customers(first: 1000) { edges { cursor } } }")
    text = httpx.get(f"{twcs_api.url}/metrics").text
    assert 'graphsvc_requests_total{operation="query:brands",status="200"}' in text
    assert 'graphsvc_request_seconds_bucket{le="0.025",operation="query:brands"}' in text
    assert 'graphsvc_errors_total{code="PAGE_SIZE_EXCEEDED",operation="query:customers"}' in text
    assert 'graphsvc_store_calls_total{method="list_brands"}' in text


def test_api_http_explorer_is_served_and_graphiql_is_off_by_default(twcs_api: Server) -> None:
    page = httpx.get(f"{twcs_api.url}/")
    assert page.status_code == 200 and '"demoKey": null' in page.text
    assert "/static/explorer/explorer.js" in page.text
    graphiql = httpx.get(f"{twcs_api.url}/graphql", headers={"accept": "text/html"})
    assert graphiql.status_code == 404 and "--graphiql" in graphiql.text
    introspection = twcs_api.post("{ __schema { queryType { name } } }")
    assert set(codes_of(introspection)) == {"BAD_USER_INPUT"} and "introspection" in introspection.text


def test_api_http_relations_cost_one_store_call_per_level(twcs_api: Server, twcs_store: str) -> None:
    query = """{ stateChanges(first: 100) { edges { node {
        customer { id peerReach influence states { type brand { key } }
            followers(first: 3) { edges { node { id peerReach(hops: 1) } } }
            following(first: 3) { edges { node { id } } }
            interactions(first: 2) { edges { node { id } } } }
        brand { key name }
        post { id author { id } inReplyTo { id author { id } } response { post { id } } } } } } }"""
    methods = (
        "get_accounts",
        "get_posts",
        "get_brands",
        "states_for",
        "get_metrics",
        "list_followers_many",
        "list_following_many",
        "list_interactions_many",
    )
    # twcs_api answers stored metrics from memory; this one reads them from the store
    with contextmanager(serve_in_thread)(twcs_store, metrics_in_memory=0) as from_store:
        answers, calls = [], []
        for server in (twcs_api, from_store):
            before = {m: server.metric("graphsvc_store_calls_total", method=m) for m in methods}
            answers.append(server.data(query))
            calls.append(
                {m: server.metric("graphsvc_store_calls_total", method=m) - before[m] for m in methods}
            )
    assert answers[0] == answers[1] and len(answers[0]["stateChanges"]["edges"]) == 100
    in_memory, used = calls
    assert in_memory["get_metrics"] == 0 and used["get_metrics"] == 1
    assert {m: n for m, n in in_memory.items() if m != "get_metrics"} == {
        m: n for m, n in used.items() if m != "get_metrics"
    }
    # customers and authors are at 3 depths, posts at 3, brands at 2: never one call per item
    assert used["get_accounts"] <= 3 and used["get_posts"] <= 3 and used["get_brands"] <= 2
    assert used["states_for"] == 1
    # paged relations of 100 customers: one batched call each
    assert used["list_followers_many"] == used["list_following_many"] == used["list_interactions_many"] == 1


def _get(settings: Settings, path: str, accept: str = "text/html") -> httpx.Response:
    """A GET against ``create_app`` itself, in process (no server, no network)."""

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(path, headers={"accept": accept})

    return asyncio.run(go())


def test_api_http_create_app_serves_the_explorer_and_local_graphiql(tmp_path: Path) -> None:
    settings = Settings(store=f"sqlite:///{tmp_path / 'g.db'}", graphiql=True)
    explorer = _get(settings, "/")
    assert explorer.status_code == 200 and "/static/explorer/explorer.js?v=" in explorer.text
    assert "content-security-policy" in explorer.headers
    graphiql = _get(settings, "/graphql")
    assert graphiql.status_code == 200 and "content-security-policy" in graphiql.headers
    sources = re.findall(r'(?:src|href)="([^"]+)"', graphiql.text)
    assert sources and all(s.startswith("/static/") or s.startswith("data:") for s in sources), sources
    for cdn in ("unpkg", "jsdelivr", "cdnjs", "https://", "http://"):
        assert cdn not in graphiql.text
    for asset in (s.split("?")[0] for s in sources if s.startswith("/static/")):
        assert _get(settings, asset, accept="*/*").status_code == 200, asset
    off = _get(settings.replace(graphiql=False), "/graphql")
    assert off.status_code == 404 and "--graphiql" in off.text


def test_api_http_repeated_queries_are_answered_from_the_read_cache_until_a_write(twcs_api: Server) -> None:
    query = '{ topAdvocates(brand: "sprintcare", first: 3) { edges { node { rank customer { id } } } } }'
    calls = "graphsvc_store_calls_total"
    first = twcs_api.data(query)
    before = twcs_api.metric(calls, method="list_customers")
    assert twcs_api.data(query) == first
    assert twcs_api.metric(calls, method="list_customers") == before  # no store call
    mutation = 'mutation { addFollows(edges: [{follower: "x:cache-a", followee: "x:cache-b"}]) { accepted } }'
    assert twcs_api.data(mutation)["addFollows"]["accepted"] == 1
    assert twcs_api.data(query) == first
    assert twcs_api.metric(calls, method="list_customers") == before + 1  # the write cleared it
    refused = twcs_api.post('{ customer(id: "twcs:115712") { handle } }', role="reader")
    assert codes_of(refused) == ["FORBIDDEN"]  # answers with errors are never cached, nor shared by roles
    assert twcs_api.data('{ customer(id: "twcs:115712") { handle } }', role="analyst")["customer"]["handle"]


def test_api_http_concurrent_identical_queries_run_once(twcs_api: Server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    query = '{ topAdvocates(brand: "tesco", first: 4, hops: 1) { edges { node { rank } } } }'
    twcs_api.data("mutation { ingestMentions(mentions: []) { accepted } }")  # a write: the cache is empty
    before = twcs_api.metric("graphsvc_store_calls_total", method="list_customers")
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: twcs_api.data(query), range(8)))
    assert all(a == answers[0] for a in answers)
    assert twcs_api.metric("graphsvc_store_calls_total", method="list_customers") - before == 1


def test_api_http_responses_are_the_json_the_json_module_would_write() -> None:
    import json

    from graphsvc.api.http import _encode

    body = {"data": {"name": "Zoë ☕", "n": 2**70, "x": 0.07043231620809638, "none": None}}
    assert json.loads(_encode(body)) == body  # orjson cannot write 2**70: json writes it
    for value in ({"a": [1, 2.5, "é", True]}, {"errors": [{"message": "x", "path": ["a", 0]}]}):
        assert _encode(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def test_api_http_request_bodies_are_read_as_the_json_module_reads_them() -> None:
    import json

    from graphsvc.api.http import RequestError, _decode

    for text in (
        '{"query": "{ a }", "variables": {"n": 1, "x": 2.5, "s": "Zo\\u00eb \\u2615", "b": true}}',
        '{"variables": {"big": 123456789012345678901234567890, "low": -9223372036854775809}}',  # orjson: floats
        '{"variables": {"s": "\\ud800", "nan": NaN}}',  # and lone surrogates, and NaN
        '{"a": 1, "a": 2}',
        '{"variables": {"id": "x:1234567890123456789", "n": 123456789012345678}}',  # 19 digits in a string
    ):
        assert repr(_decode(text.encode())) == repr(json.loads(text))
    with pytest.raises(RequestError, match="not valid JSON"):
        _decode(b'{"query": ')


def test_api_http_cors_and_the_body_limit_apply_to_graphql_requests(twcs_store: str) -> None:
    """/graphql goes to its endpoint past the router (graphsvc.api.middleware.Endpoint), but still
    through CORS and the body limit; other paths keep their routes."""
    allowed = "https://console.example"
    for server in serve_in_thread(twcs_store, cors_origins=(allowed,), max_body_bytes=4096):
        preflight = httpx.options(
            f"{server.url}/graphql",
            headers={
                "origin": allowed,
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == allowed
        assert "POST" in preflight.headers["access-control-allow-methods"]
        answered = server.post("{ __typename }", headers={"origin": allowed})
        assert answered.json() == {"data": {"__typename": "Query"}}
        assert answered.headers["access-control-allow-origin"] == allowed
        other = server.post("{ __typename }", headers={"origin": "https://elsewhere.example"})
        assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
        refused = server.post("{ __typename }" + " " * 5000)
        assert refused.status_code == 413 and codes_of(refused) == ["QUERY_TOO_COMPLEX"]
        assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{server.url}/nowhere").status_code == 404
    # without CORS settings a browser's preflight finds no CORS headers
    for server in serve_in_thread(twcs_store):
        bare = httpx.options(
            f"{server.url}/graphql", headers={"origin": allowed, "access-control-request-method": "POST"}
        )
        assert bare.status_code == 405 and "access-control-allow-origin" not in bare.headers
