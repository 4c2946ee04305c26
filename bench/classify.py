"""Classifier throughput and latency against the baseline: ``.venv/bin/python bench/classify.py``.

Batch throughput (interactions/s on one core) and single-call p50/p99 latency, medians over several
runs, for the classifier, its reference path (named feature strings, as in training; same answers)
and the polarity+keywords baseline, all measured in the same run with their runs interleaved, so
the ratios hold on a loaded machine even when the absolute numbers move. Throughput is given per
wall-clock second and per CPU second of this process (less sensitive to other processes sharing
the core). Writes ``bench/results/classify.json``. Inputs are the eval set repeated, so the numbers
are reproducible without ../shared.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphsvc.classify import default_classifier
from graphsvc.classify.baseline import baseline_batch, baseline_type
from graphsvc.classify.context import Context
from graphsvc.classify.corpus import DATA_DIR, load

RUNS = 7
BATCH_SIZE = 20_000
SINGLE_CALLS = 2_000
OUT = Path(__file__).parent / "results" / "classify.json"


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def main() -> int:
    _pin_one_core()
    examples = load(DATA_DIR / "eval.jsonl")
    items = [(ex.text, Context.from_mapping(ex.context) if ex.context else None, None) for ex in examples]
    batch = (items * (BATCH_SIZE // len(items) + 1))[:BATCH_SIZE]
    texts = [t for t, _, _ in batch]
    clf = default_classifier()
    clf.classify_batch(batch[:2000])  # warm caches (lexicon memo, regex, numpy)

    def rate(fn: Callable[[], object]) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        return BATCH_SIZE / (time.perf_counter() - t0), BATCH_SIZE / (time.process_time() - c0)

    runs: dict[str, list[tuple[float, float]]] = {"classifier": [], "reference": [], "baseline": []}
    for _ in range(RUNS):
        runs["classifier"].append(rate(lambda: clf.classify_batch(batch)))
        runs["reference"].append(rate(lambda: clf.classify_batch_reference(batch)))
        runs["baseline"].append(rate(lambda: baseline_batch(texts)))
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}

    def latencies(call: object) -> tuple[float, float]:
        assert callable(call)
        p50s, p99s = [], []
        for _ in range(RUNS):
            times = []
            for text, ctx, _ in (
                items[:SINGLE_CALLS] if len(items) >= SINGLE_CALLS else (items * 3)[:SINGLE_CALLS]
            ):
                t0 = time.perf_counter()
                call(text, ctx)
                times.append((time.perf_counter() - t0) * 1000)
            q = statistics.quantiles(times, n=100)
            p50s.append(q[49])
            p99s.append(q[98])
        return statistics.median(p50s), statistics.median(p99s)

    c50, c99 = latencies(lambda t, c: clf.classify(t, c))
    b50, b99 = latencies(lambda t, c: baseline_type(t))
    lat = {"classifier": (c50, c99), "baseline": (b50, b99)}
    result: dict[str, Any] = {
        "classifier_version": clf.version,
        "python": sys.version.split()[0],
        "runs": RUNS,
        "batch_size": BATCH_SIZE,
    }
    for name in runs:
        result[name] = {"batch_per_s": round(wall[name]), "batch_per_cpu_s": round(cpu[name])}
        if name in lat:
            result[name]["single_p50_ms"] = round(lat[name][0], 4)
            result[name]["single_p99_ms"] = round(lat[name][1], 4)
    result["ratio_batch_classifier_over_baseline"] = round(wall["classifier"] / wall["baseline"], 3)
    result["ratio_batch_classifier_over_reference"] = round(wall["classifier"] / wall["reference"], 3)
    targets = {"batch_per_s >= 20000": wall["classifier"] >= 20_000, "single_p99_ms <= 2": c99 <= 2.0}
    result["targets_met"] = targets
    print(f"{'':12} {'batch/s':>10} {'batch/cpu-s':>12} {'p50 ms':>8} {'p99 ms':>8}")
    for name in runs:
        r = result[name]
        p50 = f"{r['single_p50_ms']:>8.3f}" if "single_p50_ms" in r else f"{'':>8}"
        p99 = f"{r['single_p99_ms']:>8.3f}" if "single_p99_ms" in r else f"{'':>8}"
        print(f"{name:12} {r['batch_per_s']:>10,} {r['batch_per_cpu_s']:>12,} {p50} {p99}")
    print(f"classifier/baseline batch throughput ratio: {result['ratio_batch_classifier_over_baseline']}")
    print(f"classifier/reference batch throughput ratio: {result['ratio_batch_classifier_over_reference']}")
    print("targets: " + ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in targets.items()))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
