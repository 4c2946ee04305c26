"""How the Neo4j store reads its URL and ``GRAPHSVC_NEO4J_*`` settings (no server needed)."""

from __future__ import annotations

import pytest

from graphsvc.errors import ConfigError
from graphsvc.stores import open_store
from graphsvc.stores.neo4j import Neo4jStore
from graphsvc.stores.neo4j_url import parse_url


def test_neo4j_url_carries_user_password_and_database() -> None:
    settings = parse_url("neo4j+s://ana:s%2Fcret@db.example:7688?database=crm", {})
    assert (settings.uri, settings.user, settings.password, settings.database) == (
        "neo4j+s://db.example:7688",
        "ana",
        "s/cret",
        "crm",
    )
    assert "cret" not in settings.display


def test_neo4j_url_gaps_come_from_environment() -> None:
    env = {
        "GRAPHSVC_NEO4J_USER": "neo4j",
        "GRAPHSVC_NEO4J_PASSWORD": "pw",
        "GRAPHSVC_NEO4J_DATABASE": "graphsvc",
    }
    settings = parse_url("bolt://localhost", env)
    assert (settings.uri, settings.user, settings.password, settings.database) == (
        "bolt://localhost:7687",
        "neo4j",
        "pw",
        "graphsvc",
    )
    assert parse_url("bolt://other@localhost?database=x", env).user == "other"


def test_neo4j_url_rejects_unknown_parameters_and_missing_host() -> None:
    with pytest.raises(ConfigError, match="unknown parameter"):
        parse_url("neo4j://localhost?databse=x", {})
    with pytest.raises(ConfigError, match="no host"):
        parse_url("neo4j://", {})


def test_neo4j_url_factory_opens_without_touching_the_network() -> None:
    store = open_store("bolt://127.0.0.1:1")
    try:
        assert isinstance(store, Neo4jStore) and store.url == "bolt://127.0.0.1:1"
        with store.batch():
            pass
    finally:
        store.close()
