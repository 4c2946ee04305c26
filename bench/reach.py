"""Benchmark the analytics against networkx in the same run: ``python -m bench.reach``.

Synthetic graphs come from :mod:`bench.graphgen` (power-law follower graphs). networkx runs in
full on the real graphs and on the small synthetic graph (100k accounts / 1M edges); at 1M / 10M
edges only graphsvc runs, and the ratio column is taken at the small size (per edge or per node,
as labelled). Every figure is the median of ``--runs`` runs. Writes ``bench/results/reach.json``
and ``bench/results/reach.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numba
import numpy as np

from bench.graphgen import power_law_edges
from graphsvc.analytics import _kernels
from graphsvc.analytics.advocates import best_advocate_set
from graphsvc.analytics.influence import pagerank
from graphsvc.analytics.projection import Projection, build_projection, build_projection_from_codes
from graphsvc.analytics.reach import all_reach, peer_reach
from graphsvc.model import AccountIds, FollowBatch
from graphsvc.stores.sqlite import SqliteStore

RESULTS = Path(__file__).parent / "results"
Batches = list[list[tuple[str, str]]]
STRING_PAIRS_MAX = 2_000_000  # building from string pairs runs at ~0.3M edges/s: larger graphs skip it


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def fresh_batches(src: np.ndarray, dst: np.ndarray, batch: int = 100_000) -> Batches:
    """Edges as a database driver yields them: a new str object per endpoint, in batches."""
    out = []
    for lo in range(0, src.shape[0], batch):
        s = src[lo : lo + batch].tolist()
        d = dst[lo : lo + batch].tolist()
        out.append([(f"x:{a}", f"x:{b}") for a, b in zip(s, d, strict=True)])
    return out


def nx_graph(batches: Batches) -> nx.DiGraph:
    g = nx.DiGraph()
    for b in batches:
        g.add_edges_from(b)
    return g


def nx_reach2(rev: nx.DiGraph, node: str) -> int:
    seen = set(rev.successors(node))
    for u in list(seen):
        seen.update(rev.successors(u))
    seen.discard(node)
    return len(seen)


def p99_ms(fn: Callable[[str], object], nodes: list[str]) -> float:
    times = []
    for node in nodes:
        t = time.perf_counter()
        fn(node)
        times.append(time.perf_counter() - t)
    return float(np.percentile(times, 99) * 1000)


def top_decile(p: Projection, sample: int, rng: np.random.Generator) -> list[str]:
    deg = p.in_degree()
    top = np.argsort(deg)[::-1][: max(1, p.n_nodes // 10)]
    chosen = rng.choice(top, size=min(sample, top.shape[0]), replace=False)
    return [p.id_of(int(i)) for i in chosen]


def ours(batches: Batches, runs: int, rng: np.random.Generator) -> dict[str, Any]:
    edges_in = sum(len(b) for b in batches)
    r: dict[str, Any] = {"edges_in": edges_in}
    r["build_s"] = median_time(lambda: build_projection(batches), runs)
    p = build_projection(batches)
    r.update(nodes=p.n_nodes, edges=p.n_edges, bytes_per_edge=p.nbytes / max(p.n_edges, 1))
    r["build_edges_per_s"] = edges_in / r["build_s"]
    dst = np.repeat(np.arange(p.n_nodes, dtype=np.int32), p.in_degree())
    src = rng.permutation(p.indices)  # any order: the kernel sorts by followee itself
    r["csr_from_ints_edges_per_s"] = p.n_edges / median_time(
        lambda: _kernels.csr_from_edges(src, dst, p.n_nodes), runs
    )
    r["reach_all_s"] = median_time(lambda: all_reach(p), runs)
    r["pagerank_s"] = median_time(lambda: pagerank(p), runs)
    r["pagerank_iterations"] = int(_kernels.pagerank(p.indptr, p.indices, 0.85, 1e-6, 100)[1])
    sample = top_decile(p, 2000, rng)
    r["single_reach2_p99_ms"] = statistics.median(
        p99_ms(lambda n: peer_reach(p, n, 2), sample) for _ in range(runs)
    )
    table = all_reach(p)
    reach2 = table.reach2
    candidates = rng.choice(p.n_nodes, size=min(10_000, p.n_nodes), replace=False)

    def top_k(_: str) -> object:
        part = candidates[np.argpartition(reach2[candidates], -10)[-10:]]
        return part[np.argsort(reach2[part])[::-1]]

    r["topk_stored_p99_ms"] = statistics.median(p99_ms(top_k, sample[:500]) for _ in range(runs))
    advocates = [p.id_of(int(i)) for i in candidates[:1000]]
    r["advocate_set_k10_h1_ms"] = 1000 * median_time(lambda: best_advocate_set(p, advocates, 10, 1), runs)
    r["advocate_set_k10_h2_ms"] = 1000 * median_time(lambda: best_advocate_set(p, advocates, 10, 2), runs)
    return r


def from_store(batches: Batches, runs: int) -> dict[str, float]:
    """Projection build from a SQLite store holding the graph: account numbers
    (``iter_follow_codes``) and, up to ``STRING_PAIRS_MAX`` edges, string pairs (``iter_follows``,
    the old path) in the same run."""
    edges_in = sum(len(b) for b in batches)
    r: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(f"sqlite:///{tmp}/reach.db")
        try:
            ids = AccountIds()
            store.upsert_follow_batches([FollowBatch.of(b, ids=ids) for b in batches])
            list(store.iter_follow_codes(10))  # compile the parser outside the timing
            if edges_in <= STRING_PAIRS_MAX:
                strings = median_time(lambda: build_projection(store.iter_follows()), runs)
                r["build_from_store_strings_edges_per_s"] = edges_in / strings
            codes = median_time(lambda: build_projection_from_codes(store.iter_follow_codes()), runs)
            r["build_from_store_codes_edges_per_s"] = edges_in / codes
        finally:
            store.close()
    return r


def theirs(batches: Batches, runs: int, rng: np.random.Generator, p: Projection) -> dict[str, Any]:
    edges_in = sum(len(b) for b in batches)
    r: dict[str, Any] = {}
    r["build_s"] = median_time(lambda: nx_graph(batches), max(1, runs // 2))
    r["build_edges_per_s"] = edges_in / r["build_s"]
    part = batches[: max(1, len(batches) // 5)] if len(batches) > 1 else [batches[0][: len(batches[0]) // 5]]
    tracemalloc.start()
    g_part = nx_graph(part)
    r["bytes_per_edge"] = tracemalloc.get_traced_memory()[0] / g_part.number_of_edges()
    tracemalloc.stop()
    del g_part
    g = nx_graph(batches)
    rev = g.reverse(copy=False)
    nodes = list(g)
    sample = [nodes[i] for i in rng.choice(len(nodes), size=min(2000, len(nodes)), replace=False)]
    per_node = median_time(lambda: [nx_reach2(rev, n) for n in sample], 1) / len(sample)
    r["reach_all_s"] = per_node * len(nodes)  # extrapolated from a uniform sample of nodes
    r["reach_all_extrapolated"] = len(sample) < len(nodes)
    r["pagerank_s"] = median_time(lambda: nx.pagerank(g, tol=1e-6 / len(nodes)), max(1, runs // 2))
    top = top_decile(p, 300, rng)
    r["single_reach2_p99_ms"] = p99_ms(lambda n: nx_reach2(rev, n), top)
    reach = {n: nx_reach2(rev, n) for n in sample}
    keys = list(reach)
    r["topk_stored_p99_ms"] = p99_ms(lambda _: sorted(keys, key=reach.__getitem__)[-10:], top[:100])
    return r


def compile_seconds() -> dict[str, float]:
    """First-call cost in a fresh process: with an empty numba cache, and with the cache warm."""
    code = (
        "import time; t = time.perf_counter();"
        "from graphsvc.analytics import build_projection, all_reach, pagerank, peer_reach, best_advocate_set;"
        "from graphsvc.analytics.overlap import overlap_matrix;"
        "p = build_projection([[('x:1', 'x:2'), ('x:3', 'x:1')]]); all_reach(p); pagerank(p);"
        "peer_reach(p, 'x:2', 2); best_advocate_set(p, ['x:2'], 1, 2); overlap_matrix(p, ['x:1', 'x:2']);"
        "print(time.perf_counter() - t)"
    )
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for label in ("cold_compile_s", "warm_cache_s"):
            done = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            out[label] = float(done.stdout.strip().splitlines()[-1])
    return out


def real_batches() -> dict[str, Batches]:
    from tests.analytics_graphs import REAL_GRAPHS, real_graph

    found = {}
    for name in REAL_GRAPHS:
        try:
            edges = real_graph(name)
        except BaseException:  # pytest.skip when ../shared is absent
            continue
        found[name] = [edges]
    return found


ROWS = [
    ("build (edges/s)", "build_edges_per_s", True),
    ("build from store (edges/s)", "build_from_store_codes_edges_per_s", True),
    ("bytes per edge", "bytes_per_edge", False),
    ("all 2-hop reach (s)", "reach_all_s", False),
    ("PageRank (s)", "pagerank_s", False),
    ("1 reach2 p99, top 10% (ms)", "single_reach2_p99_ms", False),
    ("top-K stored p99 (ms)", "topk_stored_p99_ms", False),
]


def table(results: dict[str, Any]) -> str:
    lines = [
        "| graph | nodes | edges | measure | graphsvc | networkx | speed-up |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, res in results["graphs"].items():
        o, t = res["ours"], res.get("networkx")
        for label, key, higher_better in ROWS:
            if key not in o:
                continue
            ov = o[key]
            if key == "build_from_store_codes_edges_per_s" and "build_from_store_strings_edges_per_s" in o:
                # the same run's string-pair path stands in for networkx here
                tv_raw = o["build_from_store_strings_edges_per_s"]
                tv, ratio = f"{tv_raw:,.3g} (iter_follows)", f"{ov / tv_raw:,.2g}x"
            elif t is None:
                tv, ratio = "-", "-"
            else:
                tv_raw = t[key]
                tv = f"{tv_raw:,.3g}"
                ratio = f"{(ov / tv_raw if higher_better else tv_raw / ov):,.2g}x"
                if key == "reach_all_s" and t.get("reach_all_extrapolated"):
                    tv += " (est.)"
            lines.append(
                f"| {name} | {o['nodes']:,} | {o['edges']:,} | {label} | {ov:,.3g} | {tv} | {ratio} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--quick", action="store_true", help="100k accounts / 1M edges, no real graphs")
    args = parser.parse_args(argv)
    if args.quick:
        args.nodes, args.edges, args.skip_real = 100_000, 1_000_000, True
    rng = np.random.default_rng(7)
    results: dict[str, Any] = {
        "threads": numba.get_num_threads(),
        "cpus": os.cpu_count(),
        "runs": args.runs,
        "numba": compile_seconds(),
        "graphs": {},
    }
    print(f"numba first call: {results['numba']}", flush=True)
    graphs: dict[str, tuple[Batches, bool]] = {}
    if not args.skip_real:
        graphs.update({name: (b, True) for name, b in real_batches().items()})
    small_n, small_m = max(args.nodes // 10, 10), max(args.edges // 10, 10)
    graphs[f"power-law {small_n:,}/{small_m:,}"] = (
        fresh_batches(*power_law_edges(small_n, small_m, seed=1)),
        True,
    )
    for name, (batches, with_nx) in graphs.items():
        print(f"{name}: graphsvc", flush=True)
        o = ours(batches, args.runs, rng)
        if name.startswith("power-law"):
            print(f"{name}: from a SQLite store", flush=True)
            o.update(from_store(batches, args.runs))
        entry: dict[str, Any] = {"ours": o}
        if with_nx:
            print(f"{name}: networkx", flush=True)
            entry["networkx"] = theirs(batches, args.runs, rng, build_projection(batches))
        results["graphs"][name] = entry
    del graphs
    gc.collect()
    name = f"power-law {args.nodes:,}/{args.edges:,}"
    print(f"{name}: generating", flush=True)
    big = fresh_batches(*power_law_edges(args.nodes, args.edges, seed=2))
    print(f"{name}: graphsvc (networkx ratios: see the small power-law graph)", flush=True)
    results["graphs"][name] = {"ours": ours(big, args.runs, rng)}
    print(f"{name}: from a SQLite store", flush=True)
    results["graphs"][name]["ours"].update(from_store(big, args.runs))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reach.json").write_text(json.dumps(results, indent=2) + "\n")
    md = table(results)
    (RESULTS / "reach.md").write_text(md + "\n")
    print(md)
    for n, res in results["graphs"].items():
        o = res["ours"]
        print(
            f"{n}: CSR from int arrays {o['csr_from_ints_edges_per_s']:,.0f} edges/s; "
            f"PageRank {o['pagerank_iterations']} iterations; advocateSet k=10 over 1000 candidates "
            f"{o['advocate_set_k10_h1_ms']:.1f} ms (hops 1), {o['advocate_set_k10_h2_ms']:.1f} ms (hops 2)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
