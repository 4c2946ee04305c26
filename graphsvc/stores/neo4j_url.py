"""Where and as whom the Neo4j store connects: its URL, completed by ``GRAPHSVC_NEO4J_*`` settings.

``neo4j://user:password@host:7687?database=name``; whatever the URL leaves out comes from
``GRAPHSVC_NEO4J_USER``, ``GRAPHSVC_NEO4J_PASSWORD`` and ``GRAPHSVC_NEO4J_DATABASE``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from graphsvc.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Neo4jSettings:
    """Where and as whom to connect; ``display`` is the URL without its password."""

    uri: str
    user: str | None
    password: str | None
    database: str | None
    display: str


def parse_url(url: str, env: Mapping[str, str]) -> Neo4jSettings:
    """Split a store URL into what the driver needs; the URL wins over ``GRAPHSVC_NEO4J_*``.

    >>> s = parse_url("neo4j://ana:p%40ss@db:7687?database=crm", {})
    >>> s.uri, s.user, s.password, s.database, s.display
    ('neo4j://db:7687', 'ana', 'p@ss', 'crm', 'neo4j://ana@db:7687?database=crm')
    """
    parts = urlsplit(url)
    if not parts.hostname:
        raise ConfigError(f"store URL {url!r} names no host; use neo4j://user:password@host:7687")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"database"})
    if unknown:
        raise ConfigError(
            f"store URL has unknown parameter(s) {', '.join(unknown)}; only ?database=NAME is understood"
        )
    try:
        port = parts.port or 7687
    except ValueError as exc:
        raise ConfigError(f"store URL has a bad port: {exc}; use host:7687") from exc
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    user = unquote(parts.username) if parts.username else env.get("GRAPHSVC_NEO4J_USER") or None
    password = unquote(parts.password) if parts.password else env.get("GRAPHSVC_NEO4J_PASSWORD")
    database = (query.get("database") or [""])[0] or env.get("GRAPHSVC_NEO4J_DATABASE") or None
    uri = f"{parts.scheme}://{host}:{port}"
    shown = f"{parts.scheme}://{user + '@' if user else ''}{host}:{port}"
    return Neo4jSettings(
        uri=uri,
        user=user,
        password=password,
        database=database,
        display=f"{shown}?database={database}" if database else shown,
    )
