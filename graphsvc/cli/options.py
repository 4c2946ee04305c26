"""Options several commands share, defined once."""

from __future__ import annotations

import argparse

from graphsvc.config import Settings
from graphsvc.stores import open_store
from graphsvc.stores.base import Store


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="URL",
        default=None,
        help="store URL: sqlite:///path.db or neo4j://user:pass@host:7687 "
        "(default: $GRAPHSVC_STORE or sqlite:///graphsvc.db)",
    )


def store_from_args(args: argparse.Namespace) -> Store:
    return open_store(Settings.from_env(store=args.store).store)
