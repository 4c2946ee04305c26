"""The pages end to end: the real app on the demo data, driven in headless Chromium.

``tests/e2e/demo_server.py`` serves ``create_app`` on the demo data (as ``graphsvc demo`` does) and
``tests/e2e/run.mjs`` drives Debian's Chromium through playwright-core, aborting and reporting any
request that is not to localhost. Screenshots go to ``test-output/screenshots/``; with
``GRAPHSVC_UPDATE_SCREENSHOTS=1`` they are also copied to ``docs/screenshots/`` for the README.
Skips only when Node.js or Chromium is missing; a missing ``npm ci`` is a failure that says so.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
E2E = REPO / "tests" / "e2e"
SCREENSHOTS = REPO / "test-output" / "screenshots"
DOCS_SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

CHECKS = (
    "advocates view loads the leaderboard",
    "advocates view shows the best advocate set",
    "brand picker switches brand",
    "triage view lists items most urgent first",
    'triage "mark responded" removes the item (keyboard)',
    "state changes view shows the feed and the per-day chart",
    "state changes filter ADVOCATE -> USED_TO_BE",
    "customer view shows profile, state timeline, interactions and the ego graph",
    "ego graph: pan/zoom and clicking a neighbour opens it",
    "customer view opens from a triage link",
    "keyboard: skip link and focus order",
    "serve mode: the explorer asks for a key and keeps it in sessionStorage only",
    "GraphiQL runs a query",
    "error state: a failing API shows an alert with Retry",
    "loading state is shown while the API answers",
)
VIEWS = (
    "advocates",
    "triage",
    "changes",
    "changes-advocate-to-used-to-be",
    "customer",
    "graphiql",
    "error-state",
    "key-form",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if shutil.which("node") is None:
        pytest.skip(
            "node is not installed: the browser tests drive Chromium from Node (apt-get install nodejs)"
        )
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) or set CHROMIUM"
        )
    if not (E2E / "node_modules" / "playwright-core").exists():
        pytest.fail("tests/e2e/node_modules is missing: run `npm ci --prefix tests/e2e` first")
    folder = tmp_path_factory.mktemp("demo")
    port = _free_port()
    with (
        (folder / "server.log").open("w") as log,
        subprocess.Popen(
            [sys.executable, str(E2E / "demo_server.py"), str(port), str(folder)],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            cwd=REPO,
        ) as server,
    ):
        try:
            assert server.stdout is not None
            line = server.stdout.readline()  # blocks until READY, or "" when the server died
            if not line.startswith("READY "):
                server.wait(timeout=10)
                pytest.fail(f"the demo server did not start:\n{(folder / 'server.log').read_text()[-4000:]}")
            yield line.split()[1]
        finally:
            server.terminate()
            server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser_report(demo_url: str) -> dict[str, Any]:
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    done = subprocess.run(
        ["node", str(E2E / "run.mjs"), "--base", demo_url, "--out", str(SCREENSHOTS), "--chromium", CHROMIUM],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    if done.returncode != 0 or not done.stdout.strip():
        pytest.fail(f"the browser run failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    if os.environ.get("GRAPHSVC_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for view in VIEWS:
            shutil.copyfile(SCREENSHOTS / f"{view}.png", DOCS_SCREENSHOTS / f"{view}.png")
    return report


@pytest.mark.slow
def test_pages_e2e_every_view_works_in_chromium(browser_report: dict[str, Any]) -> None:
    # One test for the whole run: the server and the browser start once, whatever xdist does.
    results = {c["name"]: c for c in browser_report["checks"]}
    missing = [name for name in CHECKS if name not in results]
    failed = [f"{c['name']}: {c['detail']}" for c in browser_report["checks"] if not c["ok"]]
    assert not missing, f"checks that did not run: {missing}"
    assert not failed, "failed in Chromium:\n" + "\n\n".join(failed)
    assert browser_report["offsite"] == [], f"requests left localhost: {browser_report['offsite']}"
    assert browser_report["consoleErrors"] == [], "errors in the browser console:\n" + "\n".join(
        browser_report["consoleErrors"]
    )
    assert browser_report["requests"] > 0, "the route guard saw no request: the offsite check checked nothing"
    for view in VIEWS:
        shot = SCREENSHOTS / f"{view}.png"
        assert shot.exists() and shot.stat().st_size > 10_000, f"no screenshot of {view}"
