"""The Neo4j store's driver, transactions and errors: what every call of it goes through.

Every write is a managed write transaction (``execute_write``), every read a managed read
transaction; driver errors come out as graphsvc's own, saying what failed and what to do. The
driver gives up on an unreachable or hung server within :data:`REQUEST_BUDGET` seconds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from neo4j import READ_ACCESS, WRITE_ACCESS, Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    ConnectionAcquisitionTimeoutError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graphsvc import __version__
from graphsvc.errors import ConfigError, SchemaVersionError, StoreError, StoreUnavailable
from graphsvc.stores import cypher, neo4j_schema
from graphsvc.stores.neo4j_rows import Row
from graphsvc.stores.neo4j_url import Neo4jSettings, parse_url

R = TypeVar("R")
Work = Callable[[ManagedTransaction], R]

# A managed transaction makes at least two attempts when the first fails to connect, so the worst
# case for a hung server is acquire (1.5 s) + retry delay (<= 1.2 s) + acquire (1.5 s) ~ 4.2 s. A
# transient server error (a deadlock, a leader switch) is retried for about 1 s: 2 or 3 attempts.
REQUEST_BUDGET = 5.0
DRIVER_CONFIG: dict[str, Any] = {
    "connection_timeout": 1.0,  # TCP connect (and TLS) of one connection
    "connection_acquisition_timeout": 1.5,  # the whole acquisition: pool wait, connect, handshake
    "max_transaction_retry_time": 1.0,
    "user_agent": f"graphsvc/{__version__}",
    # Deprecations and hints are caught before release by the Cypher lint, not at run time.
    "notifications_min_severity": "OFF",
}


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def fetch(query: str, **params: Any) -> Work[list[Row]]:
    """A transaction function returning every row of ``query`` as a plain dict."""

    def work(tx: ManagedTransaction) -> list[Row]:
        return [record.data() for record in tx.run(query, params)]

    return work


def query_rows(tx: ManagedTransaction, query: str, **params: Any) -> list[Row]:
    return fetch(query, **params)(tx)


def execute(tx: ManagedTransaction, query: str, **params: Any) -> None:
    tx.run(query, params).consume()


class Neo4jConnections:
    """A Neo4j database reached through one driver: sessions, managed transactions, the schema."""

    def __init__(self, url: str, env: Mapping[str, str] | None = None, *, apply_schema: bool = True) -> None:
        """Make the driver; nothing touches the network until the first call.

        ``apply_schema=False`` skips applying constraints and indexes on first use, for users
        without schema privileges (run ``graphsvc migrate`` as an admin instead)."""
        self.url = url
        self.settings: Neo4jSettings = parse_url(url, os.environ if env is None else env)
        auth = (self.settings.user, self.settings.password or "") if self.settings.user else None
        try:
            self._driver: Driver = GraphDatabase.driver(self.settings.uri, auth=auth, **DRIVER_CONFIG)
        except (ConfigurationError, ValueError) as exc:
            raise ConfigError(f"cannot use store URL {self.settings.display}: {exc}") from exc
        self._schema_lock = threading.Lock()
        self._schema_ready = not apply_schema

    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        """Re-raise driver errors as graphsvc's own, saying what failed and what to do."""
        where = self.settings.display
        try:
            yield
        except AuthError as exc:
            raise StoreUnavailable(
                f"Neo4j at {where} refused user {self.settings.user!r} ({exc.message}) while trying to "
                f"{what}; fix the user and password in the store URL or GRAPHSVC_NEO4J_USER and "
                "GRAPHSVC_NEO4J_PASSWORD"
            ) from exc
        except (ServiceUnavailable, SessionExpired, ConnectionAcquisitionTimeoutError) as exc:
            raise StoreUnavailable(
                f"Neo4j at {where} did not answer within {REQUEST_BUDGET:g} s while trying to {what} "
                f"({_one_line(exc)}); check that the server is running and reachable, then retry"
            ) from exc
        except ConstraintError as exc:
            raise StoreError(f"Neo4j at {where} refused to {what}: {exc.message}") from exc
        except Neo4jError as exc:
            if "TransactionTimedOut" in (exc.code or ""):
                raise StoreUnavailable(
                    f"Neo4j at {where} timed out while trying to {what}; retry, or raise the server's "
                    "db.transaction.timeout"
                ) from exc
            raise StoreError(f"Neo4j at {where} failed to {what}: {exc.code}: {exc.message}") from exc
        except DriverError as exc:
            raise StoreError(f"the Neo4j driver failed to {what} at {where}: {_one_line(exc)}") from exc

    def _session_run(self, mode: str, work: Work[R]) -> R:
        with self._driver.session(database=self.settings.database, default_access_mode=mode) as session:
            if mode == READ_ACCESS:
                return session.execute_read(work)
            return session.execute_write(work)

    def _read(self, work: Work[R], what: str) -> R:
        self._ensure_schema()
        with self._translated(what):
            return self._session_run(READ_ACCESS, work)

    def _write(self, work: Work[R], what: str) -> R:
        self._ensure_schema()
        with self._translated(what):
            return self._session_run(WRITE_ACCESS, work)

    def _ensure_schema(self) -> None:
        """Apply the schema on first use, so opening a store never blocks on the network."""
        if self._schema_ready:
            return
        with self._schema_lock:
            if not self._schema_ready:
                self.migrate()

    def migrate(self) -> int:
        """Apply every constraint and index (idempotent); returns the schema version found before."""
        with self._translated("apply the graphsvc schema"):
            with self._driver.session(database=self.settings.database) as session:
                for _name, statement in neo4j_schema.statements():
                    session.run(statement).consume()
            found = self._session_run(WRITE_ACCESS, _check_schema_version)
        self._schema_ready = True
        return found

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Nothing to group: each write call is its own transaction on Neo4j."""
        yield

    def close(self) -> None:
        self._driver.close()

    def ping(self) -> None:
        self._read(fetch(cypher.PING), "answer a ping")

    def delete_everything(self) -> None:
        """Delete every node and relationship (the schema stays). For test databases only."""
        while self._write(fetch(cypher.DELETE_SOME_NODES, limit=10_000), "wipe the database")[0]["deleted"]:
            pass


def _check_schema_version(tx: ManagedTransaction) -> int:
    found = query_rows(tx, cypher.GET_SCHEMA_VERSION)[0]["version"] or 0
    if found > neo4j_schema.SCHEMA_VERSION:
        raise SchemaVersionError(
            f"this Neo4j database has graphsvc schema version {found}, newer than this graphsvc "
            f"understands ({neo4j_schema.SCHEMA_VERSION}); upgrade graphsvc or use another database"
        )
    if found < neo4j_schema.SCHEMA_VERSION:
        execute(tx, cypher.SET_SCHEMA_VERSION, version=neo4j_schema.SCHEMA_VERSION)
    return int(found)
