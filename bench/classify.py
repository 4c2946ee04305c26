"""Classifier throughput and latency against the baseline: ``.venv/bin/python bench/classify.py``.

Batch throughput (interactions/s on one core) and single-call p50/p99 latency, medians over several
runs, for the classifier and the polarity+keywords baseline measured in the same run. Writes
``bench/results/classify.json``. Inputs are the eval set repeated, so the numbers are reproducible
without ../shared.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from graphsvc.classify import default_classifier
from graphsvc.classify.baseline import baseline_batch, baseline_type
from graphsvc.classify.context import Context
from graphsvc.classify.corpus import DATA_DIR, load

RUNS = 5
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

    def rate(fn: object) -> float:
        assert callable(fn)
        t0 = time.perf_counter()
        fn()
        return BATCH_SIZE / (time.perf_counter() - t0)

    ours = [rate(lambda: clf.classify_batch(batch)) for _ in range(RUNS)]
    base = [rate(lambda: baseline_batch(texts)) for _ in range(RUNS)]

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
    result: dict[str, Any] = {
        "classifier_version": clf.version,
        "python": sys.version.split()[0],
        "runs": RUNS,
        "batch_size": BATCH_SIZE,
        "classifier": {
            "batch_per_s": round(statistics.median(ours)),
            "single_p50_ms": round(c50, 4),
            "single_p99_ms": round(c99, 4),
        },
        "baseline": {
            "batch_per_s": round(statistics.median(base)),
            "single_p50_ms": round(b50, 4),
            "single_p99_ms": round(b99, 4),
        },
    }
    result["ratio_batch_classifier_over_baseline"] = round(
        result["classifier"]["batch_per_s"] / result["baseline"]["batch_per_s"], 3
    )
    targets = {"batch_per_s >= 20000": statistics.median(ours) >= 20_000, "single_p99_ms <= 2": c99 <= 2.0}
    result["targets_met"] = targets
    print(f"{'':12} {'batch/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    for name in ("classifier", "baseline"):
        r = result[name]
        assert isinstance(r, dict)
        print(f"{name:12} {r['batch_per_s']:>10,} {r['single_p50_ms']:>8.3f} {r['single_p99_ms']:>8.3f}")
    print(f"classifier/baseline batch throughput ratio: {result['ratio_batch_classifier_over_baseline']}")
    print("targets: " + ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in targets.items()))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
