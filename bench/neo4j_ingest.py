"""Neo4j ingest benchmark: packing cost here, rows/s against a real server.

Two measurements:

* ``packing`` (runs anywhere, no server): how long the driver takes to turn one batch of
  ``UNWIND $rows`` parameters (10k post rows, 10k follow rows) into Bolt PackStream bytes, with the
  ``neo4j-rust-ext`` packer and with the driver's pure-Python one. Both packers are called in one
  process through the driver's ``Packer`` (a private class: pin the driver version you read
  figures from). The bytes are checked to be identical.
* ``ingest`` (needs ``--url``): posts and follow edges per second through :class:`Neo4jStore` for
  several batch sizes. It writes ``bench:``-prefixed posts and accounts and never deletes
  anything: point it at a scratch database, e.g. ``docker compose up -d neo4j``.

::

    python bench/neo4j_ingest.py                     # packing only
    python bench/neo4j_ingest.py --url neo4j://neo4j:change-me-please@localhost:7687 --rows 50000
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from neo4j._codec.packstream import v1 as _packstream

from graphsvc.model import Post
from graphsvc.stores import neo4j as neo4j_store
from graphsvc.stores.neo4j_rows import follow_rows, post_row

T0 = datetime(2026, 3, 1, tzinfo=UTC)
# The driver's private, untyped packers: the Rust one is None without neo4j-rust-ext.
packstream: Any = _packstream
Packer: Any = packstream.Packer
_rust_pack: Any = packstream._rust_pack


def synthetic_posts(n: int, seed: int = 0, prefix: str = "bench") -> list[Post]:
    rng = random.Random(seed)
    words = [
        "the",
        "order",
        "never",
        "arrived",
        "again",
        "please",
        "help",
        "thanks",
        "love",
        "new",
        "phone",
        "upgrade",
        "switching",
    ]
    return [
        Post(
            id=f"{prefix}:p{i}",
            text=" ".join(rng.choice(words) for _ in range(rng.randint(5, 30))),
            created_at=T0 + timedelta(seconds=i),
            author_id=f"{prefix}:u{rng.randrange(n // 4 + 1)}",
            lang="en",
            in_reply_to=f"{prefix}:p{rng.randrange(i)}" if i and rng.random() < 0.3 else None,
            brands=("acme",),
        )
        for i in range(n)
    ]


def synthetic_follows(n: int, seed: int = 0, prefix: str = "bench") -> list[list[str]]:
    rng = random.Random(seed)
    accounts = max(10, n // 10)
    edges: set[tuple[str, str]] = set()
    while len(edges) < n:
        edges.add(
            (f"{prefix}:u{rng.randrange(accounts)}", f"{prefix}:u{int(rng.paretovariate(1.2)) % accounts}")
        )
    return follow_rows(edges)[:n]


class _Sink:
    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(bytes(data))


def _best_of(repeats: int, fn: Callable[[], bytes]) -> tuple[float, bytes]:
    best, out = float("inf"), b""
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def pack_seconds(params: dict[str, Any], repeats: int = 5) -> dict[str, float]:
    """Best-of-``repeats`` seconds to pack ``params`` with the Rust and the Python packer."""

    def python() -> bytes:
        sink = _Sink()
        packer = Packer(sink)
        packer._py_pack(params, Packer._inject_hooks())
        return b"".join(sink.parts)

    def rust() -> bytes:
        return bytes(_rust_pack(params, Packer._inject_hooks()))

    py_time, py_bytes = _best_of(repeats, python)
    result = {"python_ms": py_time * 1000, "bytes": float(len(py_bytes))}
    if _rust_pack is not None:
        rust_time, rust_bytes = _best_of(repeats, rust)
        if rust_bytes != py_bytes:
            raise AssertionError("the Rust and Python packers disagree")
        result |= {"rust_ms": rust_time * 1000, "speedup": py_time / rust_time}
    return result


def packing(rows: int) -> dict[str, Any]:
    return {
        "rust_ext_installed": _rust_pack is not None,
        "posts": pack_seconds({"rows": [post_row(p) for p in synthetic_posts(rows)]}),
        "follows": pack_seconds({"rows": synthetic_follows(rows)}),
    }


def ingest(url: str, rows: int, batch_sizes: list[int]) -> list[dict[str, Any]]:
    results = []
    store = neo4j_store.Neo4jStore(url)
    try:
        store.ping()
        for size in batch_sizes:
            prefix = f"bench{size}"
            neo4j_store.WRITE_BATCH = neo4j_store.FOLLOW_BATCH = size
            posts = synthetic_posts(rows, prefix=prefix)
            follows = synthetic_follows(rows, prefix=prefix)
            start = time.perf_counter()
            store.upsert_posts(posts)
            post_time = time.perf_counter() - start
            start = time.perf_counter()
            store.upsert_follows([(a, b) for a, b in follows])
            follow_time = time.perf_counter() - start
            results.append(
                {
                    "batch": size,
                    "posts_per_s": rows / post_time,
                    "follows_per_s": rows / follow_time,
                }
            )
    finally:
        store.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a Neo4j store URL to measure ingest against (writes bench: data)")
    parser.add_argument("--rows", type=int, default=10_000, help="rows per measurement (default: 10000)")
    parser.add_argument(
        "--batch", type=int, action="append", help="batch sizes to try (default: 1000 2000 5000 10000 20000)"
    )
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"packing": packing(args.rows)}
    if args.url:
        report["ingest"] = ingest(args.url, args.rows, args.batch or [1000, 2000, 5000, 10000, 20000])
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
