"""The ingest benchmark's packing measurement runs here and the two packers agree byte for byte."""

from __future__ import annotations

from bench.neo4j_ingest import packing, synthetic_follows


def test_neo4j_bench_packing_measures_both_packers() -> None:
    report = packing(200)
    for kind in ("posts", "follows"):
        figures = report[kind]
        assert figures["python_ms"] > 0 and figures["bytes"] > 0
        if report["rust_ext_installed"]:  # a dependency of graphsvc, so normally present
            assert figures["rust_ms"] > 0 and figures["speedup"] > 0


def test_neo4j_bench_synthetic_follows_are_distinct() -> None:
    edges = synthetic_follows(500)
    assert len(edges) == 500 and len({tuple(e) for e in edges}) == 500
