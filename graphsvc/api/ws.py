"""Subscriptions (and any operation) over a websocket at ``/graphql``, protocol graphql-transport-ws.

The key comes in the ``connection_init`` payload (``{"Authorization": "Bearer <key>"}``) or in the
handshake's Authorization header; without a valid one the server closes with 4403. A query or
mutation sent over the socket is stopped after the request timeout, as over HTTP (an error with
code TIMEOUT, then ``complete``); a subscription runs for as long as the client keeps it.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLError, GraphQLFormattedError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import CompleteMessage, NextMessage
from strawberry.types.execution import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from graphsvc.api.auth import KeyAuth
from graphsvc.api.context import Context, Services
from graphsvc.api.errors import format_error, log_errors
from graphsvc.errors import ApiError, Timeout

if TYPE_CHECKING:
    from strawberry.schema.schema import StreamResult


class TimedOperations(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with the request timeout on every operation but subscriptions, and
    every result's errors coded and masked as over HTTP (a subscription's errors, raised while it
    streams, never pass the schema extension that does it for single results)."""

    async def _send_result_stream(
        self, operation: Operation[Context, None], result_source: StreamResult
    ) -> None:
        async with aclosing(self._coded(result_source)) as results:
            await super()._send_result_stream(operation, results)

    async def _coded(self, results: StreamResult) -> StreamResult:
        debug = self.context.settings.debug
        async for result in results:
            if isinstance(result, ExecutionResult) and result.errors:
                log_errors(result.errors)
                result.errors = [format_error(e, debug=debug) for e in result.errors]
            yield result

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        if _subscribes(operation.query, operation.operation_name):
            await super().run_operation(operation)
            return
        limit = self.context.settings.request_timeout
        try:
            await asyncio.wait_for(super().run_operation(operation), limit)
        except TimeoutError:
            error: GraphQLFormattedError = {
                "message": f"the operation took longer than {limit:g} s and was stopped; ask for less",
                "extensions": {"code": Timeout.code},
            }
            stopped: NextMessage = {
                "id": operation.id,
                "type": "next",
                "payload": {"data": None, "errors": [error]},
            }
            await operation.send_operation_message(stopped)
            await operation.send_operation_message(CompleteMessage(id=operation.id, type="complete"))


def _subscribes(query: str, operation_name: str | None) -> bool:
    """Whether ``query`` runs a subscription (a query that does not parse does not: the schema
    reports its error)."""
    try:
        operation = get_operation_ast(parse(query), operation_name)
    except GraphQLError:
        return False
    return operation is not None and operation.operation is OperationType.SUBSCRIPTION


class GraphQLWebSocket(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TimedOperations

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
