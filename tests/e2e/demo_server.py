"""Serve the real app on the demo data for the browser tests: ``python tests/e2e/demo_server.py PORT DIR``.

Loads the demo into a fresh SQLite store in DIR, creates an admin key, and serves ``create_app`` with
GraphiQL on and the key injected as ``demo_key`` (what ``graphsvc demo`` does), printing one line
``READY <url>`` once it listens. The app serves the pages itself, so the tests exercise the real app.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from graphsvc.api.app import create_app
from graphsvc.config import Settings
from graphsvc.demo import prepare_demo
from graphsvc.keys import create_key
from graphsvc.stores import open_store


def main(port: int, folder: Path) -> None:
    url = f"sqlite:///{folder / 'demo.db'}"
    prepare_demo(url)
    store = open_store(url)
    try:
        _, key = create_key(store, "admin")
    finally:
        store.close()
    settings = Settings(
        store=url, host="127.0.0.1", port=port, graphiql=True, introspection=True, demo_key=key
    )
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    original = server.startup

    async def startup(sockets: object = None) -> None:
        await original(sockets)  # type: ignore[arg-type]
        print(f"READY http://127.0.0.1:{port}", flush=True)

    server.startup = startup  # type: ignore[method-assign]
    server.run()


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
