"""``graphsvc migrate``: bring a store's schema up to date.

The embedded store migrates itself whenever it is opened; the Neo4j store applies its constraints
and indexes (``graphsvc/stores/neo4j_schema/*.cypher``, idempotent) on first use, or here, on
demand: the way to prepare a database as an admin before the service runs as a less privileged user.
"""

from __future__ import annotations

import argparse

from graphsvc.cli.options import add_store_option, store_from_args


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("migrate", help="create or update the store's schema (idempotent)")
    add_store_option(parser)
    parser.set_defaults(handler=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    store = store_from_args(args)
    try:
        found = store.migrate()
        print(f"graphsvc: schema of {_shown(store.url)} is up to date (was version {found})")
    finally:
        store.close()
    return 0


def _shown(url: str) -> str:
    """The URL without a password: ``neo4j://user:secret@host`` -> ``neo4j://user@host``."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    return f"{scheme}{sep}{userinfo.split(':', 1)[0]}{at}{host}" if at else url
