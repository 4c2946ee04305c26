"""``graphsvc serve``, ``graphsvc demo`` and ``graphsvc export-schema``."""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from graphsvc.cli.options import add_store_option
from graphsvc.config import Settings

DEFAULT_SCHEMA_PATH = Path("schema/schema.graphql")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser("serve", help="serve the GraphQL API")
    _add_server_options(serve, demo=False)
    serve.set_defaults(handler=run_serve)

    demo = subparsers.add_parser("demo", help="load the demo data into a fresh store and serve it")
    _add_server_options(demo, demo=True)
    demo.set_defaults(handler=run_demo)

    export = subparsers.add_parser("export-schema", help="write the GraphQL SDL (schema/schema.graphql)")
    export.add_argument(
        "--output", type=Path, default=DEFAULT_SCHEMA_PATH, help="where to write (default: %(default)s)"
    )
    export.add_argument("--check", action="store_true", help="write nothing; exit 1 when the file differs")
    export.set_defaults(handler=run_export_schema)


def _add_server_options(parser: argparse.ArgumentParser, *, demo: bool) -> None:
    add_store_option(parser)
    if demo:
        parser.description = (
            "Loads the demo data into the store (a fresh file by default), prints the URL "
            "and an admin key, and serves with GraphiQL and introspection on."
        )
    parser.add_argument("--host", default=None, help="address to bind (default: $GRAPHSVC_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default: $GRAPHSVC_PORT or 8000)")
    on = "on" if demo else "off"
    if not demo:
        parser.add_argument("--workers", type=int, default=None, help="worker processes (default: 1)")
    parser.add_argument(
        "--graphiql",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"serve GraphiQL at GET /graphql (default: {on}; env GRAPHSVC_GRAPHIQL)",
    )
    parser.add_argument(
        "--introspection",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"allow schema introspection (default: {on}; env GRAPHSVC_INTROSPECTION)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=None,
        help="show unexpected errors' details to clients (never on by default; env GRAPHSVC_DEBUG)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=None,
        metavar="ORIGIN",
        help="allow browser pages on this origin (repeatable; env GRAPHSVC_CORS_ORIGINS, comma-separated)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")


def settings_from_args(
    args: argparse.Namespace, *, demo: bool = False, env: dict[str, str] | None = None
) -> Settings:
    environ = dict(os.environ) if env is None else env
    overrides: dict[str, Any] = {
        "store": args.store,
        "host": args.host,
        "port": args.port,
        "workers": getattr(args, "workers", None),
        "graphiql": args.graphiql,
        "introspection": args.introspection,
        "debug": args.debug,
        "cors_origins": tuple(args.cors_origin) if args.cors_origin else None,
    }
    if demo:
        for name in ("graphiql", "introspection"):
            if overrides[name] is None and f"GRAPHSVC_{name.upper()}" not in environ:
                overrides[name] = True
    return Settings.from_env(environ, **overrides)


def settings_env(settings: Settings) -> dict[str, str]:
    """``GRAPHSVC_*`` variables that rebuild ``settings`` in a worker process."""
    env: dict[str, str] = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        if value is None:
            continue
        if isinstance(value, bool):
            text = "1" if value else "0"
        elif isinstance(value, tuple):
            text = ",".join(value)
        else:
            text = str(value)
        env[f"GRAPHSVC_{f.name.upper()}"] = text
    return env


def serve(settings: Settings, *, access_log: bool = False) -> None:
    import uvicorn

    from graphsvc.api.app import create_app

    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "access_log": access_log,
        "log_level": "info",
        "ws": "websockets-sansio",
        "timeout_graceful_shutdown": 5,
    }
    if settings.workers > 1:
        os.environ.update(settings_env(settings))
        uvicorn.run("graphsvc.api.app:app_from_env", factory=True, workers=settings.workers, **options)
    else:
        uvicorn.run(create_app(settings, settle_heap=True), **options)


def _url(settings: Settings) -> str:
    host = settings.host
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/"


def run_serve(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    print(
        f"graphsvc serving {settings.store} at {_url(settings)} (GraphQL at {_url(settings)}graphql)",
        flush=True,
    )
    serve(settings, access_log=args.access_log)
    return 0


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run_demo(args: argparse.Namespace) -> int:
    from graphsvc.demo import prepare_demo
    from graphsvc.keys import create_key
    from graphsvc.stores import open_store

    settings = settings_from_args(args, demo=True)
    if args.store is None and "GRAPHSVC_STORE" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="graphsvc-demo-"))
        settings = settings.replace(store=f"sqlite:///{folder / 'demo.db'}")
    print(f"loading the demo data into {settings.store} ...", flush=True)
    info = prepare_demo(settings.store)
    store = open_store(settings.store)
    try:
        _, key = create_key(store, "admin")
    finally:
        store.close()
    settings = settings.replace(demo_key=key)
    stats = info.stats
    print(
        f"loaded {stats.customers} customers, {stats.brands} brands, {stats.posts} posts, "
        f"{stats.follows} follows, {stats.state_changes} state changes",
        flush=True,
    )
    if not _is_loopback(settings.host):
        print(
            f"warning: the explorer is pre-authorised with an admin key and {settings.host} is not a "
            "loopback address: anyone who can reach it can use the key",
            file=sys.stderr,
        )
    print(f"open {_url(settings)} (GraphQL at {_url(settings)}graphql)")
    print("admin key (send as `Authorization: Bearer <key>`):")
    print(key, flush=True)
    serve(settings, access_log=args.access_log)
    return 0


def run_export_schema(args: argparse.Namespace) -> int:
    from graphsvc.api.schema import export_sdl

    sdl = export_sdl()
    path: Path = args.output
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != sdl:
            print(f"{path} is out of date; run `graphsvc export-schema`", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sdl, encoding="utf-8")
    print(f"wrote {path}")
    return 0
