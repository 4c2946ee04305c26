"""The Docker set-up, checked for structure (no Docker engine runs here): compose, Dockerfile, env."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from graphsvc.stores.neo4j_url import parse_url

REPO = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    return loaded


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (REPO / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_compose_has_neo4j_5_with_auth_volume_healthcheck_and_ports() -> None:
    neo4j = compose()["services"]["neo4j"]
    assert str(neo4j["image"]).startswith("neo4j:5")
    assert neo4j["env_file"] == ".env" and "NEO4J_AUTH" in env_example()
    assert {"7687:7687", "7474:7474"} <= set(neo4j["ports"])
    volume = neo4j["volumes"][0].split(":")
    assert volume[1] == "/data" and volume[0] in compose()["volumes"]  # a named volume
    health = neo4j["healthcheck"]
    assert health["test"][0] == "CMD-SHELL" and "cypher-shell" in health["test"][1]
    assert "$${NEO4J_AUTH" in health["test"][1]  # escaped for compose, expanded by the shell
    assert int(health["retries"]) >= 10


def test_compose_graphsvc_builds_here_and_waits_for_a_healthy_neo4j() -> None:
    service = compose()["services"]["graphsvc"]
    assert service["build"] == "." and (REPO / "Dockerfile").is_file()
    assert service["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "8000:8000" in service["ports"]
    assert "/readyz" in " ".join(service["healthcheck"]["test"])
    env = service["environment"]
    assert env["GRAPHSVC_HOST"] == "0.0.0.0"
    settings = parse_url(env["GRAPHSVC_STORE"], env_example())
    assert settings.uri == "neo4j://neo4j:7687"  # the compose service name
    user, _, password = env_example()["NEO4J_AUTH"].partition("/")
    assert (settings.user, settings.password) == (user, password)
    assert len(password) >= 8  # Neo4j refuses shorter initial passwords


def test_compose_dockerfile_installs_the_package_and_serves() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "FROM python:3.11" in dockerfile
    assert "RUN pip install ." in dockerfile and "USER graphsvc" in dockerfile
    assert 'CMD ["graphsvc", "serve"]' in dockerfile and "EXPOSE 8000" in dockerfile
    for copied in ("pyproject.toml", "graphsvc", "loaders"):
        assert f"COPY {copied}" in dockerfile or f" {copied} " in dockerfile
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", "**/node_modules", ".git"} <= set(ignored)
