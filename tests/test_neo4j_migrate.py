"""``graphsvc migrate`` on the embedded store here, and its clear failure on an absent Neo4j."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from graphsvc.cli import main
from graphsvc.cli.migrate import _shown


def test_neo4j_migrate_command_runs_on_the_embedded_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "--store", f"sqlite:///{tmp_path / 'g.db'}"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_neo4j_migrate_command_reports_an_unreachable_server(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["migrate", "--store", f"bolt://neo4j:secret@127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert "did not answer" in err and "secret" not in err


def test_neo4j_migrate_shows_urls_without_passwords() -> None:
    assert _shown("neo4j://neo4j:secret@db:7687?database=x") == "neo4j://neo4j@db:7687?database=x"
    assert _shown("sqlite:///g.db") == "sqlite:///g.db"
