"""Subscriptions (and any operation) over a websocket at ``/graphql``, protocol graphql-transport-ws.

The key comes in the ``connection_init`` payload (``{"Authorization": "Bearer <key>"}``) or in the
handshake's Authorization header; without a valid one the server closes with 4403.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from graphsvc.api.auth import KeyAuth
from graphsvc.api.context import Context, Services
from graphsvc.errors import ApiError


class GraphQLWebSocket(GraphQL[Context, None]):
    def __init__(self, schema: strawberry.Schema, services: Services, auth: KeyAuth) -> None:
        super().__init__(
            schema,
            graphql_ide=None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            allowed_origins=services.settings.cors_origins,
        )
        self.services = services
        self.auth = auth

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(self.services)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params: dict[str, Any] = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if header is None and isinstance(params.get("apiKey"), str):
            header = f"Bearer {params['apiKey']}"
        if header is None:
            header = context.handshake_authorization
        try:
            context.principal = await self.auth.principal(header if isinstance(header, str) else None)
        except ApiError as exc:
            raise ConnectionRejectionError({"message": str(exc), "code": exc.code}) from None
        unset: UnsetType = UNSET
        return unset

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if isinstance(request, WebSocket) and context is UNSET:
            context = Context(self.services)
            context.handshake_authorization = request.headers.get("authorization")
        return await super().run(request, context, root_value)
