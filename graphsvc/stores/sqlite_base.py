"""The embedded store's connections and transactions: one connection per thread, WAL mode.

SQLite connections are not shared across threads, so each thread that calls the store gets its
own; :meth:`SqliteConnections.batch` makes the calls inside it one transaction on that thread.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphsvc.errors import ConfigError, StoreUnavailable
from graphsvc.model import AccountIds
from graphsvc.stores.sqlite_rows import chunks, marks, path_from_url
from graphsvc.stores.sqlite_schema import migrate

if TYPE_CHECKING:  # the module loads numba: imported where it is used
    from graphsvc.stores.sqlite_follows import AccountNumbers


class SqliteConnections:
    """A SQLite file's per-thread connections, its transactions and its schema."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = Path(path_from_url(url))
        if self.path.parent and not self.path.parent.exists():
            raise ConfigError(f"directory {self.path.parent} does not exist; create it or pick another path")
        self._local = threading.local()
        self._depth = threading.local()
        self.migrate()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
                # 16 KiB pages for a new file (SQLite keeps an existing file's): bulk follow
                # loads measured 15-20% faster than with the 4 KiB default.
                conn.execute("PRAGMA page_size=16384")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=OFF")
                conn.execute("PRAGMA cache_size=-65536")
                conn.execute("PRAGMA temp_store=MEMORY")
                # Checkpoint the WAL every ~40 MB instead of every 4 MB: a load batch writes more
                # than 4 MB, and each checkpoint is an fsync and a copy of pages soon rewritten.
                conn.execute("PRAGMA wal_autocheckpoint=10000")
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"cannot open SQLite store {self.path}: {exc}") from exc
            self._local.conn = conn
        return conn

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Make every write inside one atomic transaction (nesting joins the outer one)."""
        conn = self._conn()
        depth = getattr(self._depth, "n", 0)
        if depth:
            self._depth.n = depth + 1
            try:
                yield
            finally:
                self._depth.n = depth
            return
        conn.execute("BEGIN IMMEDIATE")
        self._depth.n = 1
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            self._numbered().clear()  # numbers given to accounts in this transaction are void
            raise
        else:
            conn.execute("COMMIT")
        finally:
            self._depth.n = 0

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def migrate(self) -> int:
        return migrate(self._conn())

    def ping(self) -> None:
        try:
            self._conn().execute("SELECT 1 FROM schema_version LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store {self.path} does not answer: {exc}") from exc

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._conn().execute(sql, params).fetchall()

    def _rows_in(self, sql: str, keys: Iterable[Any], order: str = "") -> list[Any]:
        """The rows of ``sql`` (``"SELECT ... WHERE a.id"``: it ends in a column) where that column
        is one of ``keys``, ``order`` after the condition; a statement per
        :data:`~graphsvc.stores.sqlite_rows.CHUNK` distinct keys."""
        wanted = list(dict.fromkeys(keys))
        if len(wanted) == 1:  # the loaders' usual call: a fixed statement, no list of marks to build
            return self._all(f"{sql} = ?{order}", wanted)
        rows: list[Any] = []
        for chunk in chunks(wanted):
            rows += self._all(f"{sql} IN ({marks(len(chunk))}){order}", chunk)
        return rows

    def _numbered(self) -> weakref.WeakKeyDictionary[AccountIds, AccountNumbers]:
        cache: weakref.WeakKeyDictionary[AccountIds, AccountNumbers] | None = getattr(
            self._local, "numbered", None
        )
        if cache is None:
            cache = self._local.numbered = weakref.WeakKeyDictionary()
        return cache
