"""The ``graphsvc`` command line. Thin: every command calls library functions that tests also call.

Each command group lives in its own module exposing ``register(subparsers)``; a command's parser
sets ``handler`` to a function taking the parsed arguments and returning the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from graphsvc import __version__
from graphsvc.errors import GraphsvcError

# Command modules, in the order their commands appear in ``graphsvc --help``.
COMMAND_MODULES = (
    "graphsvc.cli.load",
    "graphsvc.cli.classify",
    "graphsvc.cli.analyze",
    "graphsvc.cli.serve",
    "graphsvc.cli.keys",
    "graphsvc.cli.migrate",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="graphsvc",
        description="A customer relationship graph service for brands' social customers.",
        epilog="Commands that use a store take --store URL (default: $GRAPHSVC_STORE or sqlite:///graphsvc.db).",
    )
    parser.add_argument("--version", action="version", version=f"graphsvc {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command group not built yet
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except GraphsvcError as exc:
        print(f"graphsvc: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``graphsvc stats | head``): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so exit's flush cannot fail
        return 141
    return status


if __name__ == "__main__":
    sys.exit(main())
