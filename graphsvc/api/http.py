"""GraphQL over HTTP (the GraphQL-over-HTTP spec): POST with JSON, GET for queries only.

Responses are ``application/graphql-response+json`` when the client accepts it (request errors
then get 4xx statuses) and ``application/json`` otherwise (GraphQL errors then come with 200).
Every refusal has a JSON body with ``errors[].extensions.code``, including the ones made before
GraphQL runs: no key (401), a batch (400), a mutation over GET (405), a timeout (504).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Hashable, Mapping
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from graphsvc.api.auth import KeyAuth
from graphsvc.api.cache import MISSING
from graphsvc.api.context import Context, Services
from graphsvc.api.errors import format_error
from graphsvc.api.metrics import ApiMetrics
from graphsvc.api.schema import GraphsvcSchema
from graphsvc.errors import ApiError
from graphsvc.web.pages import graphiql_response

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
_ALLOWED = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
}


class RequestError(Exception):
    """A request refused before GraphQL runs: an HTTP status, a message and a code."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str = "BAD_USER_INPUT",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.headers = dict(headers or {})


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when none we can send is acceptable."""
    if not accept or not accept.strip():
        return JSON
    best: tuple[float, int, str] | None = None
    for part in accept.split(","):
        media, _, params = part.partition(";")
        media = media.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        rank = {GRAPHQL_RESPONSE: 2, JSON: 1, "application/*": 0, "*/*": 0}.get(media)
        if rank is None or quality <= 0:
            continue
        choice = (quality, rank, GRAPHQL_RESPONSE if rank == 2 else JSON)
        if best is None or choice[:2] > best[:2]:
            best = choice
    return best[2] if best else None


def wants_html(accept: str | None) -> bool:
    return bool(accept) and "text/html" in (accept or "")


def _json_param(raw: str | None, name: str) -> Any:
    if raw is None or raw == "":
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise RequestError(400, f"the {name} parameter is not valid JSON") from None


async def read_params(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        q = request.query_params
        params: Any = {
            "query": q.get("query"),
            "operationName": q.get("operationName"),
            "variables": _json_param(q.get("variables"), "variables"),
            "extensions": _json_param(q.get("extensions"), "extensions"),
        }
    else:
        content_type = request.headers.get("content-type")
        if not content_type:
            raise RequestError(400, "send the body as JSON with `Content-Type: application/json`")
        if content_type.split(";")[0].strip().lower() != JSON:
            raise RequestError(415, f"Content-Type {content_type!r} is not supported; send application/json")
        body = await request.body()
        if not body.strip():
            raise RequestError(400, 'the request body is empty; send {"query": "..."}')
        params = _decode(body)
        if isinstance(params, list):
            raise RequestError(400, "batched requests are not supported; send one operation per request")
        if not isinstance(params, dict):
            raise RequestError(400, "the request body must be a JSON object with a `query`")
    query = params.get("query")
    if not isinstance(query, str) or not query.strip():
        raise RequestError(400, "no GraphQL query was sent; pass `query` as a string")
    for name, kind in (("variables", dict), ("extensions", dict), ("operationName", str)):
        if params.get(name) is not None and not isinstance(params[name], kind):
            raise RequestError(400, f"`{name}` must be {'an object' if kind is dict else 'a string'} or null")
    return dict(params)


def _decode(body: bytes) -> Any:
    """The JSON of a request body as the json module reads it: orjson (with the check for long
    numbers, a third of json's time on a usual query), or json for what orjson reads otherwise
    (it makes floats of integers past 64 bits: a run of 19 digits or more sends the body to json)
    or refuses (NaN, a lone surrogate like ``\\ud800``)."""
    if _DIGIT_RUN not in body.translate(_DIGITS_AS_ZERO):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(body)
    except ValueError:
        raise RequestError(400, "the request body is not valid JSON") from None


# every digit made a 0, so that a run of 19 zeros is a run of 19 digits (a translate and a find
# take a tenth of the time of a regular expression's search)
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_DIGIT_RUN = b"0" * 19


def _encode(body: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON; orjson, or json for what orjson cannot write (integers past 64 bits, or
    a lone surrogate a client sent in a string that comes back in the answer: ``\\ud800``)."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body, separators=(",", ":")).encode("ascii")


class GraphQLHTTP:
    """The ``/graphql`` HTTP endpoint."""

    def __init__(
        self, schema: GraphsvcSchema, services: Services, auth: KeyAuth, metrics: ApiMetrics
    ) -> None:
        self.schema = schema
        self.services = services
        self.auth = auth
        self.metrics = metrics
        self._running: dict[Hashable, asyncio.Future[tuple[bytes, str] | None]] = {}

    def _respond(
        self, body: Mapping[str, Any], status: int, media: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        return Response(
            _encode(body),
            status_code=status,
            headers=dict(headers or {}),
            media_type=f"{media}; charset=utf-8",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The endpoint as an ASGI app (starlette's wrapper for request-response functions adds
        only its handling of HTTPException, which nothing here raises)."""
        response = await self.handle(Request(scope, receive, send))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        context = Context(self.services)
        response, codes = await self._handle(request, context)
        self.metrics.observe(context.operation, response.status_code, time.perf_counter() - started, codes)
        return response

    async def _handle(self, request: Request, context: Context) -> tuple[Response, list[str]]:
        accept = request.headers.get("accept")
        negotiated = negotiate(accept)
        media = negotiated or JSON
        try:
            if request.method not in _ALLOWED:
                raise RequestError(405, "use POST, or GET for queries", headers={"Allow": "GET, POST"})
            if request.method == "GET" and wants_html(accept) and "query" not in request.query_params:
                return graphiql_response(request, self.services.settings), []
            if negotiated is None:
                raise RequestError(
                    406, f"cannot answer with any of Accept: {accept}; accept {GRAPHQL_RESPONSE} or {JSON}"
                )
            try:
                context.principal = await self.auth.principal(request.headers.get("authorization"))
            except ApiError as exc:
                raise RequestError(
                    401, str(exc), exc.code, {"WWW-Authenticate": 'Bearer realm="graphsvc"'}
                ) from None
            params = await read_params(request)
            return await self._execute(request, context, params, media)
        except RequestError as exc:
            body = {"errors": [{"message": str(exc), "extensions": {"code": exc.code}}]}
            return self._respond(body, exc.status, media, exc.headers), [exc.code]

    async def _execute(
        self, request: Request, context: Context, params: dict[str, Any], media: str
    ) -> tuple[Response, list[str]]:
        # A query answered in the last moments is answered again from the app's read cache (see
        # graphsvc.api.cache): same text, operation, variables, role and media type; writes clear it.
        role = context.principal.role.value if context.principal else ""
        key = ("response", _encode(params), role, media)
        hit = self.services.cache.get(key)
        if hit is MISSING and key in self._running:
            # the same query is running: wait for its answer rather than run it again
            hit = await asyncio.shield(self._running[key])
        if hit is not MISSING and hit is not None:
            context.operation = hit[1]
            return Response(hit[0], media_type=f"{media}; charset=utf-8"), []
        running: asyncio.Future[tuple[bytes, str] | None] = asyncio.get_running_loop().create_future()
        self._running.setdefault(key, running)
        try:
            response, codes = await self._run(request, context, params, media)
            if not codes and context.operation.startswith("query:") and response.status_code == 200:
                self.services.cache.put(key, (bytes(response.body), context.operation))
                running.set_result((bytes(response.body), context.operation))
            return response, codes
        finally:
            if not running.done():
                running.set_result(None)  # waiters run the query themselves
            if self._running.get(key) is running:
                del self._running[key]

    async def _run(
        self, request: Request, context: Context, params: dict[str, Any], media: str
    ) -> tuple[Response, list[str]]:
        shortcut = self.schema.shortcut
        try:
            # asyncio.timeout runs the query in this task (wait_for would start another per request)
            async with asyncio.timeout(self.services.settings.request_timeout):
                if shortcut is not None:
                    data = await shortcut.execute(
                        params["query"],
                        variables=params.get("variables"),
                        operation_name=params.get("operationName"),
                        context=context,
                        extensions=params.get("extensions"),
                    )
                    if data is not None:
                        return self._respond({"data": data}, 200, media), []
                result = await self.schema.execute(
                    params["query"],
                    variable_values=params.get("variables"),
                    context_value=context,
                    operation_name=params.get("operationName"),
                    allowed_operation_types=_ALLOWED[request.method],
                    operation_extensions=params.get("extensions"),
                )
        except InvalidOperationTypeError as exc:
            if exc.operation_type is OperationType.MUTATION:
                raise RequestError(405, "mutations need POST", headers={"Allow": "POST"}) from None
            raise RequestError(
                400, "subscriptions run over a websocket (graphql-transport-ws) at /graphql"
            ) from None
        except CannotGetOperationTypeError as exc:
            raise RequestError(400, exc.as_http_error_reason()) from None
        except MissingQueryError:
            raise RequestError(400, "no GraphQL query was sent; pass `query` as a string") from None
        except TimeoutError:
            limit = self.services.settings.request_timeout
            raise RequestError(
                504, f"the query took longer than {limit:g} s and was stopped; ask for less", "TIMEOUT"
            ) from None
        body: dict[str, Any] = {}
        codes: list[str] = []
        if result.errors:
            # Errors raised while parsing escape the ErrorCodes extension; formatting twice is harmless.
            errors = [format_error(e, debug=self.services.settings.debug) for e in result.errors]
            body["errors"] = [e.formatted for e in errors]
            codes = [str((e.extensions or {}).get("code", "")) for e in errors]
        pre_execution = isinstance(result, PreExecutionError)
        if not pre_execution:
            body["data"] = result.data
        if result.extensions:
            body["extensions"] = result.extensions
        status = 200
        if "INTERNAL_SERVER_ERROR" in codes and pre_execution:
            status = 500
        elif pre_execution and media == GRAPHQL_RESPONSE:
            status = 400
        return self._respond(body, status, media), codes
