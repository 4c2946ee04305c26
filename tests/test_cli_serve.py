"""``graphsvc serve``, ``demo`` and ``export-schema`` over the real CLI (subprocesses) and real HTTP,
including the GraphQL-over-HTTP audit (npm graphql-http)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.api_fixtures import REPO, CliServer, run_cli

NODE_DIR = REPO / "tests" / "node"
# The audits whose queries use __type: with introspection off they fail by design.
TYPE_AUDITS = {"2EA1", "28B9", "D6D5", "6A70"}


def new_key(store: str, role: str = "admin") -> str:
    created = run_cli("keys", "create", "--role", role, "--store", store)
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


def audit(url: str, key: str) -> list[dict[str, str]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node is not installed: the GraphQL-over-HTTP audit needs it")
    if not (NODE_DIR / "node_modules" / "graphql-http").exists():
        pytest.fail("run `npm ci --prefix tests/node` first: graphql-http is not installed")
    done = subprocess.run(
        [node, str(NODE_DIR / "audit.mjs"), f"{url}/graphql", key],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    results: list[dict[str, str]] = json.loads(done.stdout)
    assert len(results) > 50
    return results


@pytest.fixture
def store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'serve.db'}"


def test_cli_serve_passes_the_graphql_over_http_audit_in_default_settings(store: str) -> None:
    key = new_key(store, "reader")
    with CliServer(["serve", "--store", store]) as server:
        results = audit(server.url, key)
    failed = {r["id"]: r for r in results if r["status"] != "ok"}
    assert not [r for r in results if r["status"] == "error" and r["id"] not in TYPE_AUDITS], failed
    assert set(failed) <= TYPE_AUDITS, failed


def test_cli_serve_passes_every_audit_with_introspection_on(store: str) -> None:
    # The audits that query __type are run here, against --introspection.
    key = new_key(store, "reader")
    with CliServer(["serve", "--store", store, "--introspection"]) as server:
        results = audit(server.url, key)
    assert [r for r in results if r["status"] != "ok"] == []


def introspect(url: str, key: str) -> httpx.Response:
    return httpx.post(
        f"{url}/graphql",
        json={"query": "{ __schema { queryType { name } } }"},
        headers={"authorization": f"Bearer {key}"},
    )


def test_cli_serve_defaults_are_production_safe(store: str) -> None:
    key = new_key(store)
    with CliServer(["serve", "--store", store]) as server:
        assert "errors" in introspect(server.url, key).json()
        assert httpx.get(f"{server.url}/graphql", headers={"accept": "text/html"}).status_code == 404
        page = httpx.get(f"{server.url}/")
        assert page.status_code == 200 and '"demoKey": null' in page.text
        assert httpx.get(f"{server.url}/readyz").status_code == 200
        assert "127.0.0.1" in "".join(server.output)


def test_cli_serve_switches_and_environment_turn_features_on(store: str) -> None:
    key = new_key(store)
    with CliServer(["serve", "--store", store, "--graphiql", "--introspection"]) as server:
        assert introspect(server.url, key).json()["data"]["__schema"]["queryType"]["name"] == "Query"
        assert "graphiql" in httpx.get(f"{server.url}/graphql", headers={"accept": "text/html"}).text.lower()
    env = {"GRAPHSVC_INTROSPECTION": "1", "GRAPHSVC_GRAPHIQL": "true", "GRAPHSVC_STORE": store}
    with CliServer(["serve"], env=env) as server:
        assert "data" in introspect(server.url, key).json()
        assert httpx.get(f"{server.url}/graphql", headers={"accept": "text/html"}).status_code == 200


def test_cli_serve_runs_several_workers(store: str) -> None:
    key = new_key(store)
    with CliServer(["serve", "--store", store, "--workers", "2"]) as server:
        for _ in range(6):
            response = httpx.post(
                f"{server.url}/graphql",
                json={"query": "{ __typename }"},
                headers={"authorization": f"Bearer {key}"},
            )
            assert response.json() == {"data": {"__typename": "Query"}}


def test_cli_demo_prints_url_and_key_and_serves_data_at_once(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'demo.db'}"
    with CliServer(["demo", "--store", store]) as server:
        output = "".join(server.output)
        lines = output.splitlines()
        key = lines[next(i for i, line in enumerate(lines) if line.startswith("admin key")) + 1]
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", key)
        assert f"http://127.0.0.1:{server.port}/" in output
        page = httpx.get(f"{server.url}/").text
        assert json.dumps(key) in page  # the explorer is pre-authorised
        data = httpx.post(
            f"{server.url}/graphql",
            json={
                "query": '{ topAdvocates(brand: "novatelecom", first: 3) { edges { node { rank customer { id } } } } }'
            },
            headers={"authorization": f"Bearer {key}"},
        ).json()
        assert len(data["data"]["topAdvocates"]["edges"]) == 3
        assert "data" in introspect(server.url, key).json()
        assert httpx.get(f"{server.url}/graphql", headers={"accept": "text/html"}).status_code == 200


def test_cli_export_schema_matches_the_committed_sdl(tmp_path: Path) -> None:
    from graphsvc.api.schema import export_sdl

    committed = (REPO / "schema" / "schema.graphql").read_text(encoding="utf-8")
    assert committed == export_sdl(), "schema/schema.graphql drifted: run `graphsvc export-schema`"
    out = tmp_path / "schema.graphql"
    assert run_cli("export-schema", "--output", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == committed
    assert run_cli("export-schema", "--output", str(out), "--check").returncode == 0
    out.write_text("type Query { stale: Int }\n", encoding="utf-8")
    assert run_cli("export-schema", "--output", str(out), "--check").returncode == 1
