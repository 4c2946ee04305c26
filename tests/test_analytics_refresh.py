from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from graphsvc.analytics.refresh import analyze, compute, update
from graphsvc.cli import main
from graphsvc.model import AccountIds, Follow, FollowBatch, Metrics
from graphsvc.stores.base import Store
from tests.analytics_graphs import Edge, digraph, nx_audience, projection_of


class FakeStore:
    """Only the methods analytics may use."""

    def __init__(self, edges: list[Edge]) -> None:
        self.edges = edges
        self.metrics: dict[str, Metrics] = {}

    def iter_follows(self, batch_size: int = 100_000) -> Iterator[list[tuple[str, str]]]:
        for i in range(0, len(self.edges), batch_size):
            yield self.edges[i : i + batch_size]

    def iter_follow_codes(self, batch_size: int = 100_000) -> Iterator[FollowBatch]:
        ids = AccountIds()
        return (FollowBatch.of(pairs, ids=ids) for pairs in self.iter_follows(batch_size))

    def put_metrics(self, metrics: Iterable[Metrics]) -> int:
        batch = list(metrics)
        self.metrics.update((m.account_id, m) for m in batch)
        return len(batch)


EDGES = [("x:1", "x:a"), ("x:2", "x:a"), ("x:3", "x:1"), ("x:a", "x:b"), ("x:4", "x:4")]


def test_refresh_analyze_writes_every_account() -> None:
    fake = FakeStore(EDGES)
    report = analyze(fake, batch_size=2)  # type: ignore[arg-type]
    g = digraph(EDGES)
    assert report.written == len(fake.metrics) == g.number_of_nodes()
    for node in g:
        m = fake.metrics[node]
        assert (m.reach1, m.reach2) == (len(nx_audience(g, node, 1)), len(nx_audience(g, node, 2)))
    assert abs(sum(m.influence for m in fake.metrics.values()) - 1.0) < 1e-9


def test_refresh_update_matches_a_full_pass() -> None:
    base = [(f"x:{i}", f"x:{(i * 7 + 3) % 40}") for i in range(120)]
    new = [("x:new", "x:3"), ("x:5", "x:new"), ("x:9", "x:10")]
    fake = FakeStore(base)
    previous = analyze(fake).analysis  # type: ignore[arg-type]
    fake.edges = base + new
    report = update(fake, previous, new)  # type: ignore[arg-type]
    full = compute(projection_of(base + new))
    assert report.mode == "incremental"
    assert np.array_equal(report.analysis.reach.reach2, full.reach.reach2)
    assert np.array_equal(report.analysis.reach.reach1, full.reach.reach1)
    assert fake.metrics["x:new"].reach2 == full.reach.reach2[full.projection.index_of("x:new")]


def test_refresh_analyze_on_the_sqlite_store(store: Store) -> None:
    store.upsert_follows(Follow(a, b) for a, b in EDGES)
    report = analyze(store)
    assert report.edges == 4  # the self-follow never counts
    got = store.get_metrics(["x:a", "x:b"])
    assert (got["x:a"].reach1, got["x:a"].reach2) == (2, 3)
    assert (got["x:b"].reach1, got["x:b"].reach2) == (1, 3)
    assert got["x:a"].influence > 0


def test_refresh_cli_analyze_command(tmp_path: Path, capsys: object) -> None:
    from graphsvc.stores import open_store

    url = f"sqlite:///{tmp_path / 'g.db'}"
    s = open_store(url)
    s.upsert_follows(Follow(a, b) for a, b in EDGES)
    s.close()
    assert main(["analyze", "--store", url]) == 0
    s = open_store(url)
    try:
        assert s.get_metrics(["x:b"])["x:b"].reach2 == 3
    finally:
        s.close()
