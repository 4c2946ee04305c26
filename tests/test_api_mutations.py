"""Mutations and the stateChanged subscription over real HTTP and a real websocket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from graphsvc.stores import open_store
from tests.api_fixtures import Server, Subscriber, codes_of, serve_in_thread

INGEST = """mutation($m: [MentionInput!]!) { ingestMentions(mentions: $m) {
    accepted rejected errors { index id code message } stateChanges { customer { id } brand { key } from to post { id } } } }"""


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Server]:
    yield from serve_in_thread(f"sqlite:///{tmp_path / 'api.db'}")


def mention(
    i: int, text: str, *, author: str = "x:1", when: str = "2024-05-01T10:00:00+00:00", **extra: Any
) -> dict[str, Any]:
    return {
        "id": f"x:{100 + i}",
        "authorId": author,
        "text": text,
        "createdAt": when,
        "brand": "acme",
        **extra,
    }


def test_api_ingest_mentions_reports_accepted_rejected_and_state_changes(api: Server) -> None:
    mentions = [
        mention(1, "I love @acme, best service ever, I recommend it to everyone!", authorHandle="ana"),
        {"id": "no-platform", "authorId": "x:2", "text": "hi", "createdAt": "2024-05-01T10:00:00Z"},
        mention(3, "   "),
    ]
    result = api.data(INGEST, {"m": mentions}, role="writer")["ingestMentions"]
    assert (result["accepted"], result["rejected"]) == (1, 2)
    assert [(e["index"], e["code"]) for e in result["errors"]] == [
        (1, "BAD_USER_INPUT"),
        (2, "BAD_USER_INPUT"),
    ]
    assert "platform-qualified" in result["errors"][0]["message"]
    store = open_store(api.store_url)
    stored = store.get_posts(["x:101"])["x:101"]
    store.close()
    assert stored.classification is not None
    changes = result["stateChanges"]
    assert [c["to"] for c in changes] == [stored.classification.type.value]
    assert changes[0]["customer"]["id"] == "customer:x:1" and changes[0]["brand"]["key"] == "acme"
    bad_date = api.post(INGEST, {"m": [{**mentions[0], "createdAt": "yesterday"}]}, role="writer")
    assert codes_of(bad_date) == ["BAD_USER_INPUT"]


def test_api_add_follows_counts_new_edges_and_rejects_bad_ones(api: Server) -> None:
    query = "mutation($e: [FollowInput!]!) { addFollows(edges: $e) { accepted rejected created errors { index code message } } }"
    edges = [
        {"follower": "x:2", "followee": "x:1"},
        {"follower": "x:3", "followee": "x:1"},
        {"follower": "x:3", "followee": "x:3"},
        {"follower": "3", "followee": "x:1"},
    ]
    first = api.data(query, {"e": edges}, role="writer")["addFollows"]
    assert (first["accepted"], first["rejected"], first["created"]) == (2, 2, 2)
    assert [e["index"] for e in first["errors"]] == [2, 3]
    again = api.data(query, {"e": edges[:2]}, role="writer")["addFollows"]
    assert (again["accepted"], again["created"]) == (2, 0)
    followers = api.data('{ customer(id: "x:1") { followers { edges { node { id } } } } }')["customer"][
        "followers"
    ]["edges"]
    assert [e["node"]["id"] for e in followers] == ["customer:x:2", "customer:x:3"]


def test_api_mark_responded_returns_the_post_with_its_delay(api: Server) -> None:
    api.data(INGEST, {"m": [mention(1, "@acme my order never arrived, please help")]}, role="writer")
    query = 'mutation($at: DateTime) { markResponded(postId: "post:x:101", at: $at) { id response { at delay post { id } } } }'
    post = api.data(query, {"at": "2024-05-01T11:30:00+00:00"}, role="writer")["markResponded"]
    assert (
        post["id"] == "post:x:101"
        and post["response"]["delay"] == 5400.0
        and post["response"]["post"] is None
    )
    later = api.data(query, {"at": "2024-05-01T12:00:00+00:00"}, role="admin")["markResponded"]
    assert later["response"]["delay"] == 5400.0  # the earliest answer wins
    missing = api.post('mutation { markResponded(postId: "x:999") { id } }', role="writer")
    assert codes_of(missing) == ["NOT_FOUND"]


def test_api_mutations_take_lone_surrogate_escapes_as_bad_input_or_replace_them_in_text(api: Server) -> None:
    # A raw body: json.dumps would not write a lone surrogate escape, a careless client might.
    body = (
        '{"query": "mutation($m: [MentionInput!]!, $e: [FollowInput!]!) { ingestMentions(mentions: $m) '
        '{ accepted rejected errors { index code message } } addFollows(edges: $e) { accepted rejected } }",'
        ' "variables": {"m": [{"id": "x:701", "authorId": "x:7", "text": "bad \\ud800 escape", '
        '"createdAt": "2024-05-01T10:00:00Z"}, {"id": "x:70\\udc00", "authorId": "x:7", "text": "hi", '
        '"createdAt": "2024-05-01T10:00:00Z"}], "e": [{"follower": "x:\\ud83d", "followee": "x:7"}]}}'
    )
    response = httpx.post(
        f"{api.url}/graphql",
        content=body.encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {api.keys['writer']}"},
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    result = data["ingestMentions"]
    assert (result["accepted"], result["rejected"]) == (1, 1)
    [error] = result["errors"]
    assert error["index"] == 1 and error["code"] == "BAD_USER_INPUT" and "lone surrogate" in error["message"]
    assert (data["addFollows"]["accepted"], data["addFollows"]["rejected"]) == (0, 1)
    store = open_store(api.store_url)
    try:
        assert store.get_posts(["x:701"])["x:701"].text == "bad \ufffd escape"
    finally:
        store.close()


def ws_url(api: Server) -> str:
    return api.url.replace("http://", "ws://") + "/graphql"


def test_api_subscription_state_changed_streams_changes(api: Server) -> None:
    query = (
        'subscription { stateChanged(brand: "acme") { customer { id } brand { key } from to post { id } } }'
    )
    with Subscriber(api, query, timeout=20) as subscriber:
        api.data(
            INGEST, {"m": [mention(1, "I love @acme, best service ever, I recommend it!")]}, role="writer"
        )
    [payload] = subscriber.payloads()
    change = payload["stateChanged"]
    assert (
        change["customer"]["id"] == "customer:x:1"
        and change["brand"]["key"] == "acme"
        and change["from"] is None
    )


@pytest.mark.parametrize("payload", [None, {"Authorization": "Bearer " + "B" * 43}])
def test_api_subscription_needs_a_valid_key(api: Server, payload: dict[str, str] | None) -> None:
    with connect(ws_url(api), subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
        ws.send(json.dumps({"type": "connection_init", **({"payload": payload} if payload else {})}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
