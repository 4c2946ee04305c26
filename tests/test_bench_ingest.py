"""The ingest benchmark runs end to end on a few thousand rows and writes every JSON key (no timing)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.gen_ingest import write_follows, write_mentions
from bench.ingest import main, parser, run, table
from loaders.follows import read_follows
from loaders.own_jsonl import read_jsonl


def test_bench_ingest_generated_files_load_without_rejects(tmp_path: Path) -> None:
    assert write_mentions(tmp_path / "m.jsonl", 2_000, seed=3) == 2_000
    assert write_follows(tmp_path / "f.tsv", 5_000, seed=3) == 5_000
    mentions = list(read_jsonl(tmp_path / "m.jsonl"))
    batches = list(read_follows(tmp_path / "f.tsv"))
    assert len(mentions) == 2_000 and all(not hasattr(m, "reason") for m in mentions)
    edges = [e for b in batches for e in getattr(b, "edges", [])]
    assert len(edges) == len(set(edges)) == 5_000
    assert any(m.in_reply_to for m in mentions) and any(m.author_is_brand for m in mentions)  # type: ignore[union-attr]


def test_bench_ingest_run_writes_figures_and_machine_info(tmp_path: Path) -> None:
    out = tmp_path / "ingest.json"
    args = parser().parse_args(
        [
            "--mentions",
            "3000",
            "--edges",
            "20000",
            "--runs",
            "1",
            "--sample",
            "300",
            "--data",
            str(tmp_path / "data"),
            "--db-dir",
            str(tmp_path / "db"),
            "--out",
            str(out),
        ]
    )
    result = run(args, log=lambda _line: None)
    assert json.loads(out.read_text()) == result
    assert {"date", "machine", "params", "mentions", "follows"} <= set(result)
    assert {"cores", "python", "sqlite"} <= set(result["machine"])
    for kind, rows in (("mentions", 3000), ("follows", 20000)):
        figures = result[kind]
        assert figures["rows"] == rows and figures["baseline"]["rows"] == 300
        assert {"rate", "median_s", "runs_s", "ratio", "target", "meets_target", "parse_only_rate"} <= set(
            figures
        )
    assert "mentions" in table({k: result[k] for k in ("mentions", "follows")})


def test_bench_ingest_main_reuses_generated_data(tmp_path: Path, capsys: object) -> None:
    argv = [
        "--mentions",
        "500",
        "--edges",
        "2000",
        "--runs",
        "1",
        "--sample",
        "50",
        "--data",
        str(tmp_path),
        "--db-dir",
        str(tmp_path),
        "--out",
        str(tmp_path / "r.json"),
    ]
    assert main(argv) == 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert main(argv) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == files
