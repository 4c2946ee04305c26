"""Store backends and the factory that picks one from a URL.

>>> open_store("postgres://db").url  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
graphsvc.errors.ConfigError: ...
"""

from __future__ import annotations

from graphsvc.errors import ConfigError
from graphsvc.stores.base import Store

SCHEMES = ("sqlite", "neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def open_store(url: str) -> Store:
    """Open the store a URL names: ``sqlite:///path.db`` or ``neo4j://user:pass@host:7687``."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme == "sqlite":
        from graphsvc.stores.sqlite import SqliteStore

        return SqliteStore(url)
    if scheme in SCHEMES:
        from graphsvc.stores.neo4j import Neo4jStore  # type: ignore[import-not-found,unused-ignore]

        store: Store = Neo4jStore(url)
        return store
    raise ConfigError(
        f"store URL {url!r} has an unknown scheme; use sqlite:///path/to/graphsvc.db or "
        "neo4j://user:password@host:7687?database=neo4j"
    )
