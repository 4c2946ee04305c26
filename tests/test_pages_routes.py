"""The pages' HTTP side: routes, the injected config, security headers, and assets served locally."""

from __future__ import annotations

import asyncio
import json
import re
from importlib import resources
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graphsvc.config import Settings
from graphsvc.web.pages import CONTENT_SECURITY_POLICY, graphiql_response, page_routes

STATIC = Path(str(resources.files("graphsvc.web").joinpath("static")))
TEMPLATES = Path(str(resources.files("graphsvc.web").joinpath("templates")))


class _Client:
    """GETs against an app with the pages mounted as the API mounts them (no server, no network)."""

    def __init__(self, settings: Settings) -> None:
        async def graphql_get(request: Request) -> Response:
            return graphiql_response(request, settings)

        routes = [*page_routes(settings), Route("/graphql", graphql_get, methods=["GET"])]
        self.app = Starlette(routes=routes)

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.get(path, headers=headers)

        return asyncio.run(go())


def _client(settings: Settings) -> _Client:
    return _Client(settings)


def _config(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="graphsvc-config">(.*?)</script>', html)
    assert match, "the page has no config block"
    value: dict[str, object] = json.loads(match.group(1))
    return value


def test_pages_explorer_asks_for_a_key_when_not_demo() -> None:
    response = _client(Settings()).get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert _config(response.text) == {"graphql": "/graphql", "demoKey": None}


def test_pages_explorer_carries_the_demo_key_escaped() -> None:
    key = "k</script><script>alert(1)</script>"
    response = _client(Settings(demo_key=key)).get("/")
    assert "</script><script>alert" not in response.text
    assert _config(response.text)["demoKey"] == key


def test_pages_send_a_same_origin_content_security_policy() -> None:
    client = _client(Settings(graphiql=True))
    for path in ("/", "/graphql"):
        headers = client.get(path, headers={"accept": "text/html"}).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert headers["x-content-type-options"] == "nosniff"
    assert "connect-src 'self'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY  # no inline or remote script


def test_pages_graphiql_is_404_with_a_hint_when_off() -> None:
    response = _client(Settings(graphiql=False)).get("/graphql")
    assert response.status_code == 404
    assert "--graphiql" in response.text


def test_pages_graphiql_page_loads_local_bundles() -> None:
    response = _client(Settings(graphiql=True)).get("/graphql")
    assert response.status_code == 200
    assert re.search(r'src="/static/graphiql/graphiql\.js\?v=[0-9a-f]{12}"', response.text)
    assert re.search(r'href="/static/graphiql/graphiql\.css\?v=[0-9a-f]{12}"', response.text)


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("explorer/explorer.js", "javascript"),
        ("explorer/explorer.css", "text/css"),
        ("explorer/LICENSES.txt", "text/plain"),
        ("graphiql/graphiql.js", "javascript"),
        ("graphiql/graphiql.css", "text/css"),
        ("graphiql/LICENSES.txt", "text/plain"),
    ],
)
def test_pages_static_assets_are_served(path: str, media: str) -> None:
    response = _client(Settings()).get(f"/static/{path}")
    assert response.status_code == 200
    assert media in response.headers["content-type"]
    assert len(response.content) == (STATIC / path).stat().st_size


def test_pages_templates_reference_only_this_origin() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), template.name


def test_pages_stylesheets_load_nothing_remote() -> None:
    for css in STATIC.glob("*/*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text, css.name
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
        assert all(u.startswith(("data:", "#")) for u in urls), [
            u[:40] for u in urls if not u.startswith("data:")
        ]


@pytest.mark.parametrize(
    ("bundle", "packages"),
    [
        (
            "graphiql",
            ["graphiql@3.9.0", "react@18.3.1", "react-dom@18.3.1", "graphql@16.15.0", "codemirror@5"],
        ),
        ("explorer", ["cytoscape@3.34.4", "chart.js@4.6.1"]),
    ],
)
def test_pages_bundles_ship_their_licences(bundle: str, packages: list[str]) -> None:
    text = (STATIC / bundle / "LICENSES.txt").read_text(encoding="utf-8")
    for package in packages:
        assert f"\n{package}" in text, package
    assert "has no licence" not in text
