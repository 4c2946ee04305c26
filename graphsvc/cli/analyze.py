"""``graphsvc analyze``: recompute every account's peer reach and influence and store them."""

from __future__ import annotations

import argparse
from typing import Any

from graphsvc.analytics.refresh import analyze
from graphsvc.cli.options import add_store_option, store_from_args


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "analyze", help="recompute 1- and 2-hop peer reach and influence (PageRank) for every account"
    )
    add_store_option(p)
    p.add_argument("--batch-size", type=int, default=100_000, help="follow edges read per batch")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    store = store_from_args(args)
    try:
        report = analyze(store, batch_size=args.batch_size)
    finally:
        store.close()
    timings = ", ".join(f"{k} {v:.2f}s" for k, v in report.seconds.items())
    print(
        f"analyzed {report.accounts} accounts, {report.edges} follow edges; wrote {report.written} ({timings})"
    )
    return 0
