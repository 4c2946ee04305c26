"""What another process writes to the store reaches a running server (graphsvc.api.watch): state
changes to ``stateChanged`` subscribers, follow edges to the shared projection. Real server, real
websocket, and ``graphsvc load`` in a subprocess as the other process."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest

from graphsvc.api.cache import ReadCache
from graphsvc.api.events import StateChangeHub
from graphsvc.api.graph import FollowerGraph
from graphsvc.api.store_calls import StoreCalls
from graphsvc.api.watch import StoreWatch
from graphsvc.errors import StoreUnavailable
from graphsvc.model import CustomerType, StateChange
from graphsvc.stores import open_store
from graphsvc.stores.base import FeedMarks, StateChangeFilter, Store
from tests.api_fixtures import Server, Subscriber, run_cli, serve_in_thread

CHANGES = "subscription { stateChanged { customer { id } brand { key } from to post { id } } }"
MENTIONS = [
    ("x:901", "x:42", "@AcmeAir my bag never arrived in Lisbon, third time this year #fail"),
    ("x:902", "x:43", "@AcmeAir best crew ever, I recommend you to all my friends, thank you!"),
]


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Server]:
    yield from serve_in_thread(f"sqlite:///{tmp_path / 'api.db'}", watch_seconds=0.2, read_cache_seconds=0.0)


def load(api: Server, path: Path, *args: str) -> None:
    done = run_cli("load", str(path), "--store", api.store_url, *args)
    assert done.returncode == 0, done.stderr


def mentions_file(path: Path) -> Path:
    rows = [
        {
            "id": post_id,
            "platform": "x",
            "author": {"id": author, "handle": author.replace(":", "_")},
            "text": text,
            "created_at": f"2024-05-01T10:0{i}:00Z",
            "brand": "AcmeAir",
        }
        for i, (post_id, author, text) in enumerate(MENTIONS)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_api_subscribers_hear_state_changes_a_load_in_another_process_records(
    api: Server, tmp_path: Path
) -> None:
    with Subscriber(api, CHANGES, count=2, timeout=30) as subscriber:
        load(api, mentions_file(tmp_path / "mentions.jsonl"))
    heard = [p["stateChanged"] for p in subscriber.payloads()]
    store = open_store(api.store_url)
    try:
        recorded = store.list_state_changes(StateChangeFilter(), first=10).items
    finally:
        store.close()
    assert len(recorded) == 2  # one per customer: their first interaction with the brand
    assert (
        api.metric("graphsvc_feed_position") == 2 and api.metric("graphsvc_state_changes_dropped_total") == 0
    )
    assert sorted(
        (h["customer"]["id"], h["brand"]["key"], h["to"], h["post"]["id"]) for h in heard
    ) == sorted(
        (f"customer:{c.customer_id}", c.brand, c.to_type.value, f"post:{c.post_id}") for c in recorded
    )


def test_api_cached_answers_give_way_to_another_process_writes(tmp_path: Path) -> None:
    changes = "{ stateChanges(first: 10) { edges { node { to post { id } } } } }"
    for api in serve_in_thread(
        f"sqlite:///{tmp_path / 'cached.db'}", watch_seconds=0.2, read_cache_seconds=60.0
    ):
        assert api.data(changes)["stateChanges"]["edges"] == []  # and kept for up to a minute
        load(api, mentions_file(tmp_path / "mentions.jsonl"))
        deadline = time.monotonic() + 10
        while not api.data(changes)["stateChanges"]["edges"] and time.monotonic() < deadline:
            time.sleep(0.1)
        posts = {e["node"]["post"]["id"] for e in api.data(changes)["stateChanges"]["edges"]}
        assert posts == {"post:x:901", "post:x:902"}


def reach_of(api: Server, *ids: str, hops: int = 1) -> Any:
    return api.data(
        "query($c: [ID!]!, $h: Int!) { reach(customers: $c, hops: $h) }", {"c": list(ids), "h": hops}
    )["reach"]


def test_api_projection_takes_in_edges_a_load_in_another_process_adds(api: Server, tmp_path: Path) -> None:
    made = api.data(
        'mutation { addFollows(edges: [{follower: "x:1", followee: "x:2"}]) { created } }', role="writer"
    )
    assert made["addFollows"]["created"] == 1
    assert reach_of(api, "x:2") == 1  # the server's projection is built (and patched) now
    edges = [(f"x:{i}", "x:2") for i in range(3, 8)] + [("x:8", "x:3"), ("x:1", "x:2")]
    follows = tmp_path / "follows.csv"
    follows.write_text("follower,followee\n" + "".join(f"{a},{b}\n" for a, b in edges), encoding="utf-8")
    load(api, follows, "--format", "follows")
    # followers of x:2: x:1 and x:3..x:7; at two hops x:8 too (it follows x:3)
    deadline = time.monotonic() + 20
    while reach_of(api, "x:2") != 6 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (reach_of(api, "x:2"), reach_of(api, "x:2", hops=2)) == (6, 7)
    assert api.metric("graphsvc_projection_builds_total") == 2  # built on first use, rebuilt once


RESUMABLE = "subscription($after: String) { stateChanged(after: $after) { cursor post { id } } }"
INGEST = """mutation($m: [MentionInput!]!) { ingestMentions(mentions: $m) { accepted } }"""


def ingest(api: Server, post_id: str, author: str) -> None:
    mention = {
        "id": post_id,
        "authorId": author,
        "text": "I love @acme, best service ever, I recommend it to everyone!",
        "createdAt": "2024-05-01T10:00:00Z",
        "brand": "acme",
    }
    assert api.data(INGEST, {"m": [mention]}, role="writer")["ingestMentions"]["accepted"] == 1


def test_api_subscriber_resumes_after_the_last_cursor_it_received(api: Server, tmp_path: Path) -> None:
    with Subscriber(api, RESUMABLE) as first:
        ingest(api, "x:801", "x:81")
    [event] = [p["stateChanged"] for p in first.payloads()]
    assert event["post"]["id"] == "post:x:801"
    load(api, mentions_file(tmp_path / "mentions.jsonl"))  # two changes while nobody listens
    with Subscriber(api, RESUMABLE, {"after": event["cursor"]}, count=3, timeout=20) as again:
        ingest(api, "x:802", "x:82")  # and one live
    heard = [p["stateChanged"] for p in again.payloads()]
    assert [h["post"]["id"] for h in heard] == ["post:x:901", "post:x:902", "post:x:802"]
    cursors = [event["cursor"], *(h["cursor"] for h in heard)]
    assert len(set(cursors)) == 4
    # resuming from the newest cursor replays nothing; without `after`, nothing old comes either
    for variables in ({"after": cursors[-1]}, {}):
        with Subscriber(api, RESUMABLE, variables, count=1, timeout=2) as caught_up:
            pass
        assert caught_up.received == []


def test_api_subscription_rejects_a_cursor_it_did_not_make(api: Server) -> None:
    with Subscriber(
        api, 'subscription { stateChanged(after: "bm90IGEgY3Vyc29y") { to } }', count=2, timeout=10
    ) as bad:
        pass
    errors = bad.received[0]["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"] and "cursor" in errors[0][
        "message"
    ]


class FlakyStore:
    """The two feed calls of a store that fails once, then shows one new state change."""

    url = "sqlite:///unused.db"
    CHANGE = StateChange(
        customer_id="x:1",
        brand="acme",
        from_type=None,
        to_type=CustomerType.VENTING,
        at=datetime(2024, 5, 1, tzinfo=UTC),
        post_id="x:9",
    )

    def __init__(self) -> None:
        self.polls = 0

    def feed_marks(self) -> FeedMarks:
        self.polls += 1
        if self.polls == 2:
            raise StoreUnavailable("the store is down for a moment")
        return FeedMarks(follows=0, state_changes=0 if self.polls == 1 else 1)

    def state_changes_after(self, seq: int, first: int) -> list[tuple[int, StateChange]]:
        return [(1, self.CHANGE)] if seq < 1 else []


def test_api_watch_keeps_polling_after_the_store_fails(caplog: pytest.LogCaptureFixture) -> None:
    store = cast(Store, FlakyStore())

    async def first_change() -> tuple[int, StateChange]:
        hub = StateChangeHub()
        listener = hub.listen()
        watch = StoreWatch(StoreCalls(store), hub, FollowerGraph(store), ReadCache(ttl=60), interval=0.01)
        running = asyncio.create_task(watch.run())
        try:
            return await asyncio.wait_for(anext(listener.changes()), 5)
        finally:
            running.cancel()

    assert asyncio.run(first_change()) == (1, FlakyStore.CHANGE)
    assert "watching the store failed, trying again: the store is down" in caplog.text
