"""The explorer at ``/``, GraphiQL at ``GET /graphql``, and their assets under ``/static``.

Both pages talk to the service only through ``POST /graphql`` with ``Authorization: Bearer``.
Every byte they load comes from this app: the bundles in ``static/`` are built from pinned npm
packages by ``web/build.mjs`` and committed with their licences, and a Content-Security-Policy
tells the browser to refuse anything from elsewhere. The HTML is a template per page; the page
configuration goes in as a JSON data block, never as code:

>>> json_for_html({"demoKey": "</script>"})
'{"demoKey": "\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from graphsvc.config import Settings

STATIC_PATH = "/static"
GRAPHQL_PATH = "/graphql"

# Only this origin; inline styles because React and Chart.js set style attributes; data: for the
# fonts and icons GraphiQL's CSS inlines; blob: for canvases exported as images.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # the demo page carries a key
}


def json_for_html(value: Any) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _template(name: str) -> Template:
    return Template(resources.files("graphsvc.web").joinpath("templates", name).read_text(encoding="utf-8"))


@cache
def asset_version(path: str) -> str:
    """A short content hash of a static asset, so a new build is never served from a stale cache."""
    data = resources.files("graphsvc.web").joinpath("static", *path.split("/")).read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


def _render(name: str, request: Request, settings: Settings) -> HTMLResponse:
    root = request.scope.get("root_path", "").rstrip("/")
    config = {"graphql": root + GRAPHQL_PATH, "demoKey": settings.demo_key}
    versions = {
        f"{bundle}_{kind}_version": asset_version(f"{bundle}/{bundle}.{kind}")
        for bundle in ("explorer", "graphiql")
        for kind in ("js", "css")
    }
    page = _template(name).substitute(
        static=root + STATIC_PATH, graphql=root + GRAPHQL_PATH, config=json_for_html(config), **versions
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


def explorer_response(request: Request, settings: Settings) -> Response:
    """The explorer page; in demo mode (``settings.demo_key``) it carries the key and needs no login."""
    return _render("explorer.html", request, settings)


def graphiql_response(request: Request, settings: Settings) -> Response:
    """GraphiQL for a browser's ``GET /graphql``; 404 with a hint when ``settings.graphiql`` is off."""
    if not settings.graphiql:
        return HTMLResponse(
            '<!doctype html><html lang="en"><title>GraphiQL is off</title><p>GraphiQL is off on this server; '
            'start it with <code>--graphiql</code>, or use the explorer at <a href="/">/</a>.</p></html>',
            status_code=404,
            headers=PAGE_HEADERS,
        )
    return _render("graphiql.html", request, settings)


def page_routes(settings: Settings) -> list[BaseRoute]:
    """``/`` (the explorer) and ``/static`` (both pages' assets), to mount before the API's routes."""

    async def explorer(request: Request) -> Response:
        return explorer_response(request, settings)

    return [
        Route("/", explorer, methods=["GET", "HEAD"], name="explorer"),
        Mount(STATIC_PATH, app=StaticFiles(packages=[("graphsvc.web", "static")]), name="static"),
    ]


__all__ = [
    "CONTENT_SECURITY_POLICY",
    "explorer_response",
    "graphiql_response",
    "json_for_html",
    "page_routes",
]
