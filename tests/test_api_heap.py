"""graphsvc.api.heap: a served app's startup heap is frozen; apps a test process builds are not."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
from pathlib import Path

import httpx

from graphsvc.api.app import create_app
from graphsvc.api.heap import YOUNG_THRESHOLD
from graphsvc.config import Settings


def test_api_heap_settle_freezes_the_heap_and_raises_the_young_threshold() -> None:
    # in a child process: frozen objects are never collected, so the test process must not freeze
    code = (
        "import gc; import graphsvc.api.app; from graphsvc.api.heap import settle; settle(); "
        "print(gc.get_freeze_count() > 10_000, gc.get_threshold()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", str(YOUNG_THRESHOLD)]


def test_api_heap_is_left_alone_by_apps_that_do_not_own_their_process(tmp_path: Path) -> None:
    frozen = gc.get_freeze_count()
    app = create_app(Settings(store=f"sqlite:///{tmp_path / 'heap.db'}"))

    async def ask() -> int:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return (await client.get("/healthz")).status_code

    assert asyncio.run(ask()) == 200
    assert gc.get_freeze_count() == frozen
