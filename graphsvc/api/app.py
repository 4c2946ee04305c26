"""``create_app(settings)``: the starlette app serving the API, its pages, health checks and metrics.

Nothing is global: every app owns its store, schema, caches, key cache and metrics registry.
``graphsvc serve --workers N`` runs :func:`app_from_env` in each worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from graphsvc.api import heap
from graphsvc.api.auth import KeyAuth
from graphsvc.api.context import Services
from graphsvc.api.http import GraphQLHTTP
from graphsvc.api.metrics import ApiMetrics
from graphsvc.api.middleware import BodyLimit, Endpoint
from graphsvc.api.schema import build_schema
from graphsvc.api.store_calls import StoreCalls
from graphsvc.api.ws import GraphQLWebSocket
from graphsvc.config import Settings
from graphsvc.errors import StoreUnavailable
from graphsvc.stores import open_store
from graphsvc.stores.base import Store
from graphsvc.web.pages import page_routes


def create_app(settings: Settings, store: Store | None = None, *, settle_heap: bool = False) -> Starlette:
    """The app for ``settings``; pass ``store`` to serve an already open store (it is not closed).
    ``settle_heap``: the app owns its process (``graphsvc serve``), so at startup it takes its
    long-lived heap out of the garbage collector's way (:func:`graphsvc.api.heap.settle`)."""
    owned = store is None
    opened = open_store(settings.store) if store is None else store
    calls = StoreCalls(opened)
    services = Services(settings, calls)
    schema = build_schema(settings)
    auth = KeyAuth(calls, settings.key_cache_seconds)
    metrics = ApiMetrics(calls, services.watch)
    graphql = GraphQLHTTP(schema, services, auth, metrics)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await calls(opened.ping)
        except StoreUnavailable:
            return JSONResponse(
                {
                    "status": "unavailable",
                    "code": "STORE_UNAVAILABLE",
                    "message": "the store does not answer",
                },
                status_code=503,
            )
        return JSONResponse({"status": "ready"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await services.graph.stored.read()  # before the watch: its first poll finds them current
        watching = asyncio.create_task(services.watch.run(), name="graphsvc-store-watch")
        if settle_heap:
            heap.settle()
        try:
            yield
        finally:
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
            await services.graph.close()
            if owned:
                opened.close()

    middleware = [Middleware(BodyLimit, max_bytes=settings.max_body_bytes)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Accept"],
                max_age=600,
            )
        )
    middleware.append(Middleware(Endpoint, path="/graphql", endpoint=graphql))
    app = Starlette(
        routes=[
            *page_routes(settings),
            # HTTP requests for /graphql reach the endpoint through the Endpoint middleware, before
            # any routing; the route stays for the router's own use (url_for, trailing slashes)
            Route("/graphql", graphql, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
            WebSocketRoute("/graphql", GraphQLWebSocket(schema, services, auth)),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics.endpoint, methods=["GET"]),
        ],
        middleware=middleware,
        lifespan=lifespan,
        debug=False,
    )
    app.state.services = services
    app.state.schema = schema
    return app


def app_from_env() -> Starlette:
    """The app for ``GRAPHSVC_*`` settings (uvicorn factory for several workers)."""
    return create_app(Settings.from_env(), settle_heap=True)
