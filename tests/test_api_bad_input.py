"""Every argument of every field, given values clients send by mistake (or on purpose), over real
HTTP: each answer is data or an error with a code that says whose fault it is, never an internal
error. The values are sent as variables, the way front ends send them; literals go through the
same coercion after graphql-core's parser.

Found so (and fixed): a lone surrogate in a brand name, a cursor skipping 10**30 items, a store
cursor holding an integer past 64 bits and a ``triage(at:)`` without a UTC offset were internal
errors.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)

from graphsvc.api.connections import MAX_SKIP, encode_api_cursor
from graphsvc.api.schema import build_schema
from graphsvc.config import Settings
from graphsvc.demo import prepare_demo
from tests.api_fixtures import Server, codes_of, serve_in_thread


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _api_cursor(store_key: str | None, skip: Any) -> str:
    """An API cursor of any content: [store cursor, skip], the store cursor itself JSON text."""
    return _b64(json.dumps([None if store_key is None else _b64(store_key), skip]))


CURSORS = [
    "####",
    "=" * 8,
    _b64("[1, 2, 3]"),
    _b64('{"a": 1}'),
    _api_cursor(None, -1),
    _api_cursor(None, 1.5),
    _api_cursor(None, 10**30),
    _api_cursor(None, MAX_SKIP + 1),
    _api_cursor("[1]", 0),
    _api_cursor('[100000000000000000000000000000, "x"]', 0),
    _api_cursor('[1e999, "x"]', 0),
    _api_cursor('["\\ud83d", "x"]', 0),
    _api_cursor('[[1], {"a": 2}]', 0),
]
TEXT = [
    "",
    " ",
    "x" * 300,
    "\x00",
    "🙂",
    "\ud83d",  # half a surrogate pair: JSON can write it, no store can bind it
    "acmeair",
    "@AcmeAir",
    "demo:260",
    "customer:demo:260",
    "post:demo:1493",
    "brand:acmeair",
    "brand:",
    "::",
    "'; DROP TABLE accounts; --",
    "%_",
    *CURSORS,
]
BY_SCALAR: dict[str, list[Any]] = {
    "String": TEXT,
    "ID": TEXT,
    "Int": [-(2**31), -1, 0, 1, 2, 3, 101, 2**31 - 1],
    "Float": [-1.0, 0.0, 0.5, 1e308],
    "Boolean": [True, False],
    "DateTime": [
        "2026-11-25T00:00:00Z",
        "2026-11-25T00:00:00",
        "2026-11-25",
        "2026-13-45T00:00:00",
        "not a time",
        "",
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59+00:00",
        "2026-11-25T00:00:00+14:00",
        12,
    ],
}
# what a required argument holds while another one is varied
BASELINE: dict[str, Any] = {
    "id": "demo:260",
    "handle": "acmeair",
    "brand": "acmeair",
    "text": "my flight was cancelled again",
    "k": 2,
    "customers": ["demo:260", "demo:1559"],
    "postId": "demo:1493",
    "follower": "demo:1",
    "followee": "demo:2",
    "authorId": "demo:9001",
    "createdAt": "2026-11-25T00:00:00+00:00",
}
# the objects whose fields take arguments, reached from the root with a known one
HOLDERS = {
    "Customer": 'customer(id: "demo:260")',
    "Brand": 'brand(handle: "acmeair")',
    "Post": 'post(id: "demo:1493")',
}
SCHEMA = build_schema(Settings())._schema


def _values(type_: GraphQLInputType) -> list[Any]:
    """Odd values for an argument of ``type_``: null, wrong and edge values of its kind."""
    if isinstance(type_, GraphQLNonNull):
        return [v for v in _values(type_.of_type) if v is not None] + [None]
    found: list[Any] = [None]
    if isinstance(type_, GraphQLList):
        items = _values(type_.of_type)
        return [*found, [], items[1:4], [items[-2]] * 3]
    if isinstance(type_, GraphQLEnumType):
        return [*found, *type_.values, "NOT_A_VALUE", 1]
    if isinstance(type_, GraphQLInputObjectType):
        base = _baseline(type_)
        found.append(base)
        for name, fld in type_.fields.items():
            found += [{**base, name: v} for v in _values(fld.type)]
        return found
    return found + BY_SCALAR[get_named_type(type_).name]


def _baseline(type_: GraphQLInputType, name: str = "") -> Any:
    if name in BASELINE:
        return BASELINE[name]
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        return []
    if isinstance(type_, GraphQLInputObjectType):
        return {
            n: _baseline(f.type, n)
            for n, f in type_.fields.items()
            if isinstance(f.type, GraphQLNonNull) and f.default_value is None
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    return {"String": "x", "ID": "x", "Int": 1, "Float": 1.0, "Boolean": False}.get(
        get_named_type(type_).name, "2026-11-25T00:00:00+00:00"
    )


def _selection(type_: GraphQLOutputType, depth: int = 0) -> str:
    """The leaves of ``type_`` and of the objects below it (two levels), so resolvers run."""
    named = get_named_type(type_)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType) or depth > 1:
        return "{ __typename }"
    assert isinstance(named, GraphQLObjectType)
    parts = ["__typename"]
    for name, fld in named.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) and a.default_value is None for a in fld.args.values()):
            continue
        below = _selection(fld.type, depth + 1)
        parts.append(f"{name} {below}" if below else name)
    return "{ " + " ".join(parts) + " }"


def _type_text(type_: GraphQLInputType) -> str:
    if isinstance(type_, GraphQLNonNull):
        return _type_text(type_.of_type) + "!"
    if isinstance(type_, GraphQLList):
        return f"[{_type_text(type_.of_type)}]"
    return type_.name


def _fields() -> Iterator[tuple[str, str, str | None, GraphQLField]]:
    assert SCHEMA.query_type is not None and SCHEMA.mutation_type is not None
    for operation, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        for name, fld in root.fields.items():
            if fld.args:
                yield f"{root.name}.{name}", operation, None, fld
    for type_name, holder in HOLDERS.items():
        holder_type = SCHEMA.type_map[type_name]
        assert isinstance(holder_type, GraphQLObjectType)
        for name, fld in holder_type.fields.items():
            if fld.args:
                yield f"{type_name}.{name}", "query", holder, fld


FIELDS = {label: (operation, holder, fld) for label, operation, holder, fld in _fields()}


def _document(operation: str, holder: str | None, fld: GraphQLField, name: str) -> str:
    declared = ", ".join(f"${a}: {_type_text(arg.type)}" for a, arg in fld.args.items())
    call = f"{name}({', '.join(f'{a}: ${a}' for a in fld.args)}) {_selection(fld.type)}"
    return f"{operation}({declared}) {{ {f'{holder} {{ {call} }}' if holder else call} }}"


def _post(server: Server, body: dict[str, Any]) -> httpx.Response:
    # json.dumps writes what httpx's encoder refuses (a lone surrogate) as an escape
    return httpx.post(
        f"{server.url}/graphql",
        content=json.dumps(body),
        headers={"content-type": "application/json", "authorization": f"Bearer {server.keys['admin']}"},
        timeout=60,
    )


@pytest.fixture(scope="module")
def own_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A demo store of this module's own: the mutations below write to it."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('bad-input')) / 'demo.db'}"
    prepare_demo(url)
    yield from serve_in_thread(url)


def test_api_bad_input_covers_every_field_with_arguments() -> None:
    assert {"Query.customer", "Query.topAdvocates", "Query.triage", "Customer.followers"} <= set(FIELDS)
    assert {"Mutation.ingestMentions", "Mutation.addFollows", "Mutation.markResponded"} <= set(FIELDS)


@pytest.mark.parametrize("label", sorted(FIELDS))
def test_api_bad_input_never_makes_an_internal_error(own_demo: Server, label: str) -> None:
    operation, holder, fld = FIELDS[label]
    query = _document(operation, holder, fld, label.split(".")[1])
    base = {a: _baseline(arg.type, a) for a, arg in fld.args.items()}
    for name, arg in fld.args.items():
        for value in _values(arg.type):
            response = _post(own_demo, {"query": query, "variables": {**base, name: value}})
            body = response.json()
            codes = [str(code) for code in codes_of(response)]
            where = f"{label}({name}: {value!r:.80})"
            assert response.status_code < 500, (where, body)
            assert "data" in body or body.get("errors"), (where, body)
            assert not [c for c in codes if c == "None" or c.startswith("INTERNAL")], (where, body)
            assert "Traceback" not in response.text, where


def test_api_bad_input_a_lone_surrogate_is_refused_with_what_to_send(own_demo: Server) -> None:
    query = "query($b: String!) { brand(handle: $b) { key } }"
    response = _post(own_demo, {"query": query, "variables": {"b": "\ud83d"}})
    assert codes_of(response) == ["BAD_USER_INPUT"]
    assert "lone UTF-16 surrogate" in response.json()["errors"][0]["message"]
    # the two halves of a pair are one character, and fine
    pair = _post(own_demo, {"query": query, "variables": {"b": "\ud83d\ude42"}})
    assert pair.status_code == 200 and pair.json()["data"] == {"brand": None}


def test_api_bad_input_a_cursor_may_skip_at_most_max_skip_items(own_demo: Server) -> None:
    query = "query($after: String) { brands(first: 1, after: $after) { edges { node { key } } } }"
    deep = _post(own_demo, {"query": query, "variables": {"after": encode_api_cursor(None, MAX_SKIP + 1)}})
    assert codes_of(deep) == ["BAD_USER_INPUT"]
    assert "pageInfo.endCursor" in deep.json()["errors"][0]["message"]
    at_most = _post(own_demo, {"query": query, "variables": {"after": encode_api_cursor(None, MAX_SKIP)}})
    assert at_most.json()["data"]["brands"]["edges"] == []


def test_api_bad_input_a_time_without_offset_is_utc(own_demo: Server) -> None:
    query = 'query($at: DateTime) { triage(brand: "acmeair", first: 5, at: $at) { edges { node { dueAt overdue } } } }'
    naive = own_demo.data(query, {"at": "2026-11-26T12:00:00"})
    aware = own_demo.data(query, {"at": datetime(2026, 11, 26, 12, tzinfo=UTC).isoformat()})
    assert naive == aware and naive["triage"]["edges"]


def test_api_bad_input_a_lone_surrogate_over_a_websocket_is_bad_input(own_demo: Server) -> None:
    from websockets.sync.client import connect

    url = own_demo.url.replace("http://", "ws://") + "/graphql"
    with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
        ws.send(json.dumps({"type": "connection_init", "payload": {"apiKey": own_demo.keys["reader"]}}))
        assert json.loads(ws.recv(10))["type"] == "connection_ack"
        query = "subscription($b: String) { stateChanged(brand: $b) { to } }"
        payload = {"query": query, "variables": {"b": "\ud83d"}}
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        answer = json.loads(ws.recv(10))
    # the subscription's stream fails as it starts: a result with the error, as for an unknown brand
    assert answer["type"] == "next" and answer["payload"]["data"] is None, answer
    assert [e["extensions"]["code"] for e in answer["payload"]["errors"]] == ["BAD_USER_INPUT"]
