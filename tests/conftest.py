"""Shared fixtures: one ``store`` fixture parametrized over every backend available here."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.stores import open_store
from graphsvc.stores.base import Store

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

BACKENDS = ["sqlite"]
if os.environ.get("GRAPHSVC_TEST_NEO4J_URL"):
    BACKENDS.append("neo4j")


def shared_file(*parts: str) -> Path:
    """A file under ../shared/data, or skip the test with a message saying what is missing."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the shared real data set (../shared/data)")
    return path


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store of each backend."""
    if request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path / 'graphsvc.db'}")
    else:
        # The test database is wiped before each test: never point this at real data.
        opened = open_store(os.environ["GRAPHSVC_TEST_NEO4J_URL"])
        opened.delete_everything()  # type: ignore[attr-defined]
    try:
        yield opened
    finally:
        opened.close()
