"""Stored metrics answered from memory (graphsvc.api.stored_metrics): the same answers as from the
store, no store call for them, another process's new numbers within a poll, this server's own
refresh after addFollows at once, and stores over the limit read from the store. Real servers
over HTTP."""
# ruff: noqa: F811  (fixtures are imported from tests.api_fixtures and used as parameters)

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import pytest

from graphsvc.analytics.refresh import analyze
from graphsvc.api.stored_metrics import StoredMetrics
from graphsvc.model import Metrics
from graphsvc.stores import open_store
from graphsvc.stores.base import FeedMarks, Store
from tests.api_fixtures import Server, demo_api, demo_store, serve_in_thread  # noqa: F401

serving = contextmanager(serve_in_thread)

DEMO_QUERY = """{
  customers(first: 40) { edges { node { id peerReach reach1: peerReach(hops: 1) influence
    followers(first: 5) { edges { node { id peerReach influence } } }
    following(first: 5) { edges { node { id reach1: peerReach(hops: 1) } } } } } }
  topAdvocates(brand: "acmeair", first: 5) { edges { node { rank reach customer { id peerReach influence } } } }
}"""

REACH = "query($id: ID!) { customer(id: $id) { peerReach reach1: peerReach(hops: 1) influence } }"


def metrics_calls(server: Server) -> float:
    return server.metric("graphsvc_store_calls_total", method="get_metrics")


def test_api_stored_metrics_in_memory_answer_as_the_store_does(demo_api: Server, demo_store: str) -> None:
    with serving(demo_store, metrics_in_memory=0) as from_store:
        answers, calls = [], []
        for server in (demo_api, from_store):
            before = metrics_calls(server)
            answers.append(server.data(DEMO_QUERY))
            calls.append(metrics_calls(server) - before)
    assert answers[0] == answers[1]
    assert calls[0] == 0 and calls[1] >= 1
    nodes = [e["node"] for e in answers[0]["customers"]["edges"]]
    followers = [f["node"] for n in nodes for f in n["followers"]["edges"]]
    assert any(n["influence"] for n in nodes) and any(f["peerReach"] > 0 for f in followers)


@pytest.fixture
def small_store(tmp_path: Path) -> Iterator[str]:
    """Six accounts in a chain of follows, with their metrics analysed."""
    url = f"sqlite:///{tmp_path / 'small.db'}"
    store = open_store(url)
    store.upsert_follows([(f"x:{n + 1}", f"x:{n}") for n in range(5)])
    analyze(store)
    store.close()
    yield url


def reach_of(server: Server, account: str) -> dict[str, Any]:
    customer: dict[str, Any] = server.data(REACH, {"id": f"customer:{account}"})["customer"]
    return customer


def wait_for(server: Server, account: str, expected: dict[str, Any]) -> None:
    deadline = time.monotonic() + 10
    while (found := reach_of(server, account)) != expected:
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


def test_api_stored_metrics_another_process_writes_show_within_a_poll(small_store: str) -> None:
    with serving(small_store, watch_seconds=0.05, read_cache_seconds=0.0) as api:
        first = reach_of(api, "x:0")
        assert (first["reach1"], first["peerReach"]) == (1, 2)
        before = metrics_calls(api)
        writer = open_store(small_store)  # as another process: its own connection
        writer.put_metrics([Metrics(account_id="x:0", reach1=40, reach2=41, influence=0.5)])
        writer.close()
        wait_for(api, "x:0", {"peerReach": 41, "reach1": 40, "influence": 0.5})
        # read again into memory, not from the store
        assert metrics_calls(api) == before


def test_api_stored_metrics_follow_this_servers_own_new_edges_at_once(small_store: str) -> None:
    with serving(small_store, watch_seconds=60, read_cache_seconds=0.0) as api:
        assert reach_of(api, "x:0")["reach1"] == 1
        added = api.data(
            'mutation { addFollows(edges: [{follower: "x:9", followee: "x:0"}]) { created } }',
            role="writer",
        )
        assert added["addFollows"]["created"] == 1
        # no poll comes within the test (60 s): the refresh's numbers come from the store at once
        assert reach_of(api, "x:0")["reach1"] == 2


def test_api_stored_metrics_of_a_store_over_the_limit_come_from_the_store(small_store: str) -> None:
    with serving(small_store, metrics_in_memory=3) as api:
        before = metrics_calls(api)
        assert reach_of(api, "x:0")["peerReach"] == 2
        assert metrics_calls(api) == before + 1


class SlowStore:
    """feed_marks and iter_metrics of a store whose metrics read waits for ``go``."""

    def __init__(self) -> None:
        self.mark = 1
        self.reads = 0
        self.go = threading.Event()

    def feed_marks(self) -> FeedMarks:
        return FeedMarks(follows=0, state_changes=0, metrics=self.mark)

    def iter_metrics(self, batch_size: int = 10_000) -> Iterator[list[Metrics]]:
        self.reads += 1
        assert self.go.wait(10)
        yield [Metrics(account_id="x:1", reach1=self.mark)]


async def read_done(stored: StoredMetrics) -> None:
    while stored._reading is not None:
        await asyncio.sleep(0.01)


def test_stored_metrics_keep_no_read_that_a_write_overtook() -> None:
    async def scenario() -> None:
        store = SlowStore()
        stored = StoredMetrics(cast(Store, store), limit=10)
        stored.seen(1)
        stored.seen(1)  # the same mark while the read runs: no second read
        await asyncio.sleep(0.05)
        stored.drop()  # this process is about to write (addFollows' refresh)
        store.go.set()
        await read_done(stored)
        assert stored.table is None and store.reads == 1  # the read began before the write
        store.mark = 2
        stored.seen(2)
        await read_done(stored)
        assert stored.table == {"x:1": Metrics(account_id="x:1", reach1=2)} and stored.mark == 2
        stored.seen(2)
        assert stored._reading is None and store.reads == 2

    asyncio.run(scenario())
