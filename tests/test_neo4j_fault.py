"""Fault tests of the Neo4j store against a local TCP server that accepts and never answers.

No Neo4j is needed: the server is a plain socket on 127.0.0.1, so the driver connects and then
waits for a Bolt handshake that never comes. Every call must fail with the clear
:class:`StoreUnavailable` within the 5 s budget, never hang.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from graphsvc.errors import StoreUnavailable
from graphsvc.stores import open_store
from graphsvc.stores.base import InteractionFilter
from graphsvc.stores.neo4j import Neo4jStore
from graphsvc.stores.neo4j_session import REQUEST_BUDGET


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port on localhost whose server accepts connections and never sends a byte."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        server.close()


def _fails_fast(call: Callable[[], object]) -> tuple[float, str]:
    start = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        call()
    return time.monotonic() - start, str(caught.value)


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_neo4j_fault_hung_server_fails_first_call_within_budget(silent_port: int, scheme: str) -> None:
    store = open_store(f"{scheme}://neo4j:secret@127.0.0.1:{silent_port}")
    try:
        elapsed, message = _fails_fast(store.ping)
    finally:
        store.close()
    assert elapsed < REQUEST_BUDGET
    assert f"127.0.0.1:{silent_port}" in message and "did not answer" in message
    assert "secret" not in message  # the password never reaches a message


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_neo4j_fault_hung_server_fails_managed_transactions_within_budget(
    silent_port: int, scheme: str
) -> None:
    # Skip the schema step so the calls reach the driver's managed, retrying transactions.
    store = Neo4jStore(f"{scheme}://neo4j:secret@127.0.0.1:{silent_port}", {}, apply_schema=False)
    try:
        read_time, read_message = _fails_fast(lambda: store.list_interactions(InteractionFilter(), first=5))
        write_time, _ = _fails_fast(lambda: store.set_checkpoint("file-a", 1))
    finally:
        store.close()
    assert read_time < REQUEST_BUDGET and write_time < REQUEST_BUDGET
    assert "list interactions" in read_message and "check that the server is running" in read_message


def test_neo4j_fault_refused_connection_is_store_unavailable() -> None:
    with socket.socket() as probe:  # a port nobody listens on: bind, read it, close
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = Neo4jStore(f"bolt://127.0.0.1:{port}", {})
    try:
        elapsed, message = _fails_fast(lambda: store.get_accounts(["x:1"]))
    finally:
        store.close()
    assert elapsed < REQUEST_BUDGET and "did not answer" in message
