"""Ingest benchmark (issue 2): mentions/s and follow edges/s into a fresh embedded SQLite store.

    .venv/bin/python bench/ingest.py                 # (or python -m bench.ingest) 1M mentions, 10M follow edges, 3 runs each
    .venv/bin/python bench/ingest.py --quick         # 50k mentions, 500k edges: a smoke run
    .venv/bin/python bench/ingest.py --mentions 200000 --edges 2000000 --runs 5

End to end means file to committed rows: the loader parses (``loaders.own_jsonl``,
``loaders.follows``) and ``Ingestor(store, labeler=None)`` writes, classification off. Each figure
is the median of ``--runs`` runs, each into a new store. The baseline, measured in the same run
and interleaved with it, is the same pipeline committing one record per transaction (one mention,
or one edge, per ``BEGIN ... COMMIT``) on the first ``--sample`` records; rates are rows/s, so the
ratio compares like with like. Generated data is kept under ``bench/data/`` and reused; the
figures go to a table on stdout and to ``bench/results/ingest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

if not __package__:  # run as a file (python bench/ingest.py): make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.gen_ingest import accounts_for, write_follows, write_mentions
from graphsvc.ingest import Ingestor
from graphsvc.model import FollowBatch
from graphsvc.stores.sqlite import SqliteStore
from loaders.follows import read_follows
from loaders.options import Record
from loaders.own_jsonl import read_jsonl

HERE = Path(__file__).resolve().parent
TARGETS = {"mentions": 30_000.0, "follows": 1_000_000.0}


@dataclass(frozen=True, slots=True)
class DataSet:
    mentions: Path
    follows: Path
    mention_sample: Path
    follow_sample: Path


def _head(source: Path, target: Path, lines: int) -> Path:
    with source.open("rb") as src, target.open("wb") as out:
        out.writelines(islice(src, lines))
    return target


def ensure_data(directory: Path, mentions: int, edges: int, sample: int, *, seed: int = 0) -> DataSet:
    """Generate the files (or reuse ones generated before with the same sizes and seed)."""
    directory.mkdir(parents=True, exist_ok=True)
    m_path = directory / f"mentions-{mentions}-s{seed}.jsonl"
    f_path = directory / f"follows-{edges}-s{seed}.tsv"
    if not m_path.exists():
        write_mentions(m_path.with_suffix(".part"), mentions, seed=seed)
        m_path.with_suffix(".part").rename(m_path)
    if not f_path.exists():
        # the follow graph spans the mention authors and more: ten edges per account on average
        accounts = max(accounts_for(mentions), edges // 10)
        write_follows(f_path.with_suffix(".part"), edges, accounts=accounts, seed=seed)
        f_path.with_suffix(".part").rename(f_path)
    return DataSet(
        mentions=m_path,
        follows=f_path,
        mention_sample=_head(m_path, directory / f"sample-{m_path.name}", sample),
        follow_sample=_head(f_path, directory / f"sample-{f_path.name}", sample + 1),  # + header
    )


def _one_edge_batches(records: Iterator[Record]) -> Iterator[Record]:
    for record in records:
        if isinstance(record, FollowBatch):
            for i in range(len(record)):
                one = slice(i, i + 1)
                yield FollowBatch(
                    record.ids, record.src[one], record.dst[one], record.file, record.first_line + i
                )
        else:
            yield record


def load_mentions(path: Path, db_dir: Path, *, naive: bool = False) -> tuple[int, float]:
    """Rows stored and seconds taken to load ``path`` into a new store (parse + store)."""
    return _load(db_dir, lambda: read_jsonl(path), batch_size=1 if naive else None, rows="mentions")


def load_follows(path: Path, db_dir: Path, *, naive: bool = False) -> tuple[int, float]:
    def records() -> Iterator[Record]:
        return _one_edge_batches(read_follows(path)) if naive else read_follows(path)

    return _load(db_dir, records, batch_size=1 if naive else None, rows="follows")


def _load(
    db_dir: Path, records: Callable[[], Iterator[Record]], *, batch_size: int | None, rows: str
) -> tuple[int, float]:
    with tempfile.TemporaryDirectory(dir=db_dir) as tmp:
        store = SqliteStore(f"sqlite:///{tmp}/bench.db")
        try:
            ingestor = (
                Ingestor(store)
                if batch_size is None
                else Ingestor(store, batch_size=batch_size, follow_batch=batch_size)
            )
            started = time.perf_counter()
            report = ingestor.ingest(records())
            seconds = time.perf_counter() - started
        finally:
            store.close()
    if report.rejected:
        raise RuntimeError(f"{report.rejected} records rejected, e.g. {report.errors[0]}")
    count: int = getattr(report, rows)
    return count, seconds


def parse_only(path: Path, kind: str) -> tuple[int, float]:
    """Records parsed and seconds taken by the loader alone (no store): where the time goes."""
    started = time.perf_counter()
    if kind == "mentions":
        count = sum(1 for _ in read_jsonl(path))
    else:
        count = sum(len(r) for r in read_follows(path) if isinstance(r, FollowBatch))
    return count, time.perf_counter() - started


def measure(data: DataSet, db_dir: Path, runs: int, *, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Bulk and naive runs, interleaved so that machine noise hits both alike; medians and ratios."""
    figures: dict[str, Any] = {}
    for kind, path, sample, load in (
        ("mentions", data.mentions, data.mention_sample, load_mentions),
        ("follows", data.follows, data.follow_sample, load_follows),
    ):
        bulk: list[float] = []
        naive: list[float] = []
        rows = naive_rows = 0
        for run in range(runs):
            naive_rows, seconds = load(sample, db_dir, naive=True)
            naive.append(seconds)
            rows, seconds = load(path, db_dir)
            bulk.append(seconds)
            log(
                f"{kind} run {run + 1}/{runs}: {rows / bulk[-1]:,.0f}/s bulk, {naive_rows / naive[-1]:,.0f}/s naive"
            )
        parsed, parse_seconds = parse_only(path, kind)
        rate = rows / statistics.median(bulk)
        naive_rate = naive_rows / statistics.median(naive)
        figures[kind] = {
            "rows": rows,
            "runs_s": [round(s, 3) for s in bulk],
            "median_s": round(statistics.median(bulk), 3),
            "rate": round(rate),
            "target": TARGETS[kind],
            "meets_target": rate >= TARGETS[kind],
            "parse_only_rate": round(parsed / parse_seconds),
            "baseline": {
                "what": "same pipeline, one record per transaction (BEGIN/COMMIT per row)",
                "rows": naive_rows,
                "runs_s": [round(s, 3) for s in naive],
                "rate": round(naive_rate),
            },
            "ratio": round(rate / naive_rate, 1),
        }
    return figures


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def table(figures: dict[str, Any]) -> str:
    head = f"{'':10} {'rows':>11} {'median s':>9} {'rows/s':>11} {'target':>10} {'naive/s':>9} {'ratio':>7} {'parse-only/s':>13}"
    lines = [head, "-" * len(head)]
    for kind, f in figures.items():
        ok = "ok" if f["meets_target"] else "MISS"
        lines.append(
            f"{kind:10} {f['rows']:>11,} {f['median_s']:>9.2f} {f['rate']:>11,} {f['target']:>10,.0f}"
            f" {f['baseline']['rate']:>9,} {f['ratio']:>6.1f}x {f['parse_only_rate']:>13,}  {ok}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace, *, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Generate or reuse the data, measure, and return the JSON document (also written to ``--out``)."""
    started = time.perf_counter()
    data = ensure_data(args.data, args.mentions, args.edges, args.sample, seed=args.seed)
    log(f"data ready in {time.perf_counter() - started:.1f}s: {data.mentions.name}, {data.follows.name}")
    args.db_dir.mkdir(parents=True, exist_ok=True)
    figures = measure(data, args.db_dir, args.runs, log=log)
    result = {
        "benchmark": "ingest",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "params": {
            "mentions": args.mentions,
            "edges": args.edges,
            "runs": args.runs,
            "baseline_sample": args.sample,
            "seed": args.seed,
            "classification": False,
        },
        **figures,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    p.add_argument("--mentions", type=int, default=1_000_000, help="mentions to generate and load")
    p.add_argument("--edges", type=int, default=10_000_000, help="follow edges to generate and load")
    p.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported")
    p.add_argument("--sample", type=int, default=20_000, help="records in the naive baseline sample")
    p.add_argument("--quick", action="store_true", help="50k mentions, 500k edges, 5k sample")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", type=Path, default=HERE / "data", help="where generated files are kept")
    p.add_argument("--db-dir", type=Path, default=HERE / "data", help="where the stores are created")
    p.add_argument("--out", type=Path, default=HERE / "results" / "ingest.json")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.quick:
        args.mentions, args.edges, args.sample = 50_000, 500_000, 5_000
    result = run(args, log=lambda line: print(line, file=sys.stderr, flush=True))
    print(table({k: result[k] for k in ("mentions", "follows")}))
    m = result["machine"]
    print(
        f"{m['cores']} cores ({m['cpu']}), load {m['load_avg_1m']}, Python {m['python']}, SQLite {m['sqlite']}, {result['date']}"
    )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
