"""Shared helpers for the API tests: real servers (uvicorn in a thread or a subprocess), data, keys.

Import what you need from here in ``tests/test_api_*.py``; fixtures are registered by importing them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest
import uvicorn

from graphsvc.api.app import create_app
from graphsvc.config import Settings
from graphsvc.keys import create_key
from graphsvc.model import Metrics
from graphsvc.stores import open_store
from graphsvc.stores.base import Store

REPO = Path(__file__).resolve().parents[1]
TWCS = REPO.parent / "shared" / "data" / "twcs" / "twcs_head.csv"
ROLES = ("reader", "analyst", "writer", "admin")
# the documented urgency of each type (graphsvc.analytics.priority), written out independently
URGENCY = {
    "USED_TO_BE": 1.0,
    "FUTURE": 0.8,
    "PASSIVE": 0.6,
    "COLLABORATIVE": 0.4,
    "ADVOCATE": 0.2,
    "VENTING": 0.1,
    "OTHER": 0.0,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """A running API: its base URL, one key per role and the store it serves."""

    url: str
    keys: dict[str, str]
    store_url: str
    extra: dict[str, Any] = field(default_factory=dict)

    def post(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        role: str | None = "admin",
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
    ) -> httpx.Response:
        sent = {"content-type": "application/json", **(headers or {})}
        if role is not None:
            sent["authorization"] = f"Bearer {self.keys[role]}"
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = dict(variables)
        return httpx.post(f"{self.url}/graphql", json=body, headers=sent, timeout=timeout)

    def data(self, query: str, variables: Mapping[str, Any] | None = None, *, role: str = "admin") -> Any:
        """The ``data`` of a query that must succeed."""
        response = self.post(query, variables, role=role)
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
        return body["data"]

    def metric(self, name: str, **labels: str) -> float:
        """The current value of one Prometheus sample (0 when absent)."""
        text = httpx.get(f"{self.url}/metrics").text
        wanted = name + (
            "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}" if labels else ""
        )
        for line in text.splitlines():
            if line.startswith(wanted + " "):
                return float(line.rsplit(" ", 1)[1])
        return 0.0


def make_keys(store: Store) -> dict[str, str]:
    return {role: create_key(store, role)[1] for role in ROLES}


class ThreadServer:
    """uvicorn serving ``create_app(settings, store)`` in a thread of this process."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.port = free_port()
        self.app = create_app(settings.replace(port=self.port), store)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            ws="websockets-sansio",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def serve_in_thread(store_url: str, **settings: Any) -> Iterator[Server]:
    store = open_store(store_url)
    keys = make_keys(store)
    merged: dict[str, Any] = {"store": store_url, "key_cache_seconds": 0.0, **settings}
    with ThreadServer(Settings(**merged), store) as url:
        yield Server(url=url, keys=keys, store_url=store_url)
    store.close()


class CliServer:
    """``python -m graphsvc <args>`` in a subprocess, waited for until /healthz answers."""

    def __init__(
        self, args: list[str], env: Mapping[str, str] | None = None, port: int | None = None
    ) -> None:
        self.port = port or free_port()
        self.args = [sys.executable, "-m", "graphsvc", *args, "--port", str(self.port)]
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> CliServer:
        self.process = subprocess.Popen(
            self.args, cwd=REPO, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.reader.join(5)
                assert self.process.stdout is not None
                self.process.stdout.close()
                raise RuntimeError(f"{self.args} exited: {''.join(self.output)}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.args} did not start: {''.join(self.output)}")

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()


class Subscriber:
    """A graphql-transport-ws client on a thread that subscribes with ``query`` and collects
    ``count`` messages; entering waits until the subscription is registered, leaving until the
    messages came (or ``timeout``)."""

    def __init__(
        self,
        server: Server,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        count: int = 1,
        role: str = "reader",
        timeout: float = 30.0,
    ):
        self.server, self.query, self.count, self.role, self.timeout = server, query, count, role, timeout
        self.variables = dict(variables or {})
        self.received: list[dict[str, Any]] = []
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)

    def _listen(self) -> None:
        from websockets.sync.client import connect

        url = self.server.url.replace("http://", "ws://") + "/graphql"
        with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
            init = {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {self.server.keys[self.role]}"},
            }
            ws.send(json.dumps(init))
            assert json.loads(ws.recv(10))["type"] == "connection_ack"
            payload = {"query": self.query, "variables": self.variables}
            ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
            self._ready.set()
            deadline = time.monotonic() + self.timeout
            while len(self.received) < self.count and time.monotonic() < deadline:
                try:
                    self.received.append(json.loads(ws.recv(max(0.0, deadline - time.monotonic()))))
                except TimeoutError:
                    break  # nothing more came: the test checks what did
            ws.send(json.dumps({"id": "1", "type": "complete"}))

    def __enter__(self) -> Subscriber:
        self._thread.start()
        assert self._ready.wait(10), "the subscription did not start"
        time.sleep(0.3)  # let the server register it before the test writes
        return self

    def __exit__(self, *exc: object) -> None:
        self._thread.join(self.timeout + 5)

    def payloads(self) -> list[Any]:
        """The ``data`` of each ``next`` message received."""
        assert all(m["type"] == "next" for m in self.received), self.received
        return [m["payload"]["data"] for m in self.received]


def run_cli(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graphsvc", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# -- data ------------------------------------------------------------------------------------------
def load_twcs(store_url: str) -> None:
    import loaders
    from graphsvc.ingest import Ingestor
    from graphsvc.labeling import ClassifierLabeler

    store = open_store(store_url)
    try:
        Ingestor(store, labeler=ClassifierLabeler()).ingest(loaders.read(TWCS))
    finally:
        store.close()


def reach_by_networkx(edges: list[tuple[str, str]], ids: list[str]) -> dict[str, tuple[int, int]]:
    """(reach1, reach2) of each id: distinct accounts within 1 and 2 hops against follow edges."""
    audience = nx.DiGraph()
    audience.add_edges_from((dst, src) for src, dst in edges)  # followee -> follower: who hears whom
    found: dict[str, tuple[int, int]] = {}
    for node in ids:
        if node not in audience:
            found[node] = (0, 0)
            continue
        lengths = nx.single_source_shortest_path_length(audience, node, cutoff=2)
        found[node] = (
            sum(1 for n, d in lengths.items() if d == 1),
            sum(1 for n, d in lengths.items() if 1 <= d <= 2),
        )
    return found


def ensure_metrics(store_url: str) -> None:
    """Store reach for every account unless analytics already did (networkx stands in for it)."""
    store = open_store(store_url)
    try:
        edges = [e for batch in store.iter_follows() for e in batch]
        ids = sorted({n for e in edges for n in e})
        if store.get_metrics(ids[:50]):
            return
        reach = reach_by_networkx(edges, ids)
        store.put_metrics(Metrics(account_id=i, reach1=r1, reach2=r2) for i, (r1, r2) in reach.items())
    finally:
        store.close()


@pytest.fixture(scope="session")
def twcs_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not TWCS.exists():
        pytest.skip(f"{TWCS} is absent: this test reads the shared real data set (../shared/data)")
    url = f"sqlite:///{tmp_path_factory.mktemp('twcs') / 'twcs.db'}"
    load_twcs(url)
    return url


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    from graphsvc.demo import prepare_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    prepare_demo(url)
    ensure_metrics(url)
    return url


@pytest.fixture(scope="module")
def twcs_api(twcs_store: str) -> Iterator[Server]:
    yield from serve_in_thread(twcs_store)


@pytest.fixture(scope="module")
def demo_api(demo_store: str) -> Iterator[Server]:
    yield from serve_in_thread(demo_store)


def errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    errors: list[dict[str, Any]] = body.get("errors", [])
    return errors


def codes_of(response: httpx.Response) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in errors_of(response)]


def dumps(value: Any) -> str:
    return json.dumps(value)
