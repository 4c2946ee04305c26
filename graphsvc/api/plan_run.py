"""How a plan runs: the fields of each object read or resolved in order, the awaitables they give
gathered level by level, and each level's batches of loads waited for once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from operator import attrgetter
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo
from graphql.execution.values import get_argument_values

from graphsvc.api.batches import Batch, Mapped, run_now
from graphsvc.api.operation import PlanRequest
from graphsvc.api.plan_outputs import (
    ATTRIBUTE,
    DIRECT,
    NO_ARGUMENTS,
    PLAIN,
    TYPENAME,
    At,
    GiveUp,
    ObjectOutput,
    Output,
    Plan,
    PlanField,
    discard,
    is_awaitable,
    path_of,
)


class Run:
    """One execution of a plan: the values resolved so far and the awaitables of the next level."""

    __slots__ = ("args", "converted", "pending", "request")

    def __init__(self, request: PlanRequest) -> None:
        self.request = request
        self.pending: list[tuple[Awaitable[Any], Output, Any, Any, PlanField, At]] = []
        self.args: dict[PlanField, dict[str, Any]] = {}
        self.converted: dict[Any, dict[str, Any]] = {}  # see graphsvc.api.direct

    def info(self, fld: PlanField, path: At) -> GraphQLResolveInfo[Any]:
        assert fld.field_def is not None and path is not None
        return self.request.executor.build_resolve_info(fld.field_def, fld.nodes, fld.parent, path_of(path))

    def arguments(self, fld: PlanField) -> dict[str, Any]:
        # variables are the same for the whole request: coerce each field's arguments once (the
        # resolvers get them as keyword arguments, never this dict itself)
        if not fld.has_args:
            return {}
        found = fld.literal_args if fld.literal else self.args.get(fld)
        if found is None:
            assert fld.field_def is not None
            found = get_argument_values(fld.field_def, fld.nodes[0], self.request.variable_values)
            if fld.literal:
                fld.literal_args = found
            else:
                self.args[fld] = found
        return found

    def lazy_info(self, fld: PlanField, path: At) -> LazyInfo:
        """The resolve info for a type check (an object type's ``is_type_of``)."""
        return LazyInfo(self, fld, path)

    def later(
        self, pending: Awaitable[Any], output: Output, into: Any, key: Any, fld: PlanField, path: At
    ) -> None:
        self.pending.append((pending, output, into, key, fld, path))

    def fields(self, obj: ObjectOutput, source: Any, path: At) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for fld in obj.fields:
            key = fld.key
            kind = fld.kind
            if kind == TYPENAME:
                result[key] = obj.type.name
                continue
            at = (path, key, obj.type.name) if fld.needs_path else path
            if kind == ATTRIBUTE:
                value = fld.read(source)
            elif kind == DIRECT:
                converted = fld.literal_converted if fld.literal else self.converted
                args = self.arguments(fld) if fld.has_args else NO_ARGUMENTS
                value = fld.read(source, ResolverInfo(self, fld, at), converted, args)
            elif fld.has_args:
                value = fld.read(source, self.info(fld, at), **self.arguments(fld))
            else:
                value = fld.read(source, self.info(fld, at))
            if type(value) not in PLAIN and is_awaitable(value):
                result[key] = None
                self.pending.append((value, fld.output, result, key, fld, at))
            else:
                result[key] = fld.output.complete(self, value, fld, at)
        return result

    async def execute(self, plan: Plan, root: Any) -> dict[str, Any]:
        try:
            data = self.fields(plan.root, root, None)
            while self.pending:
                level, self.pending = self.pending, []
                values = await _settle([p[0] for p in level])
                # Inline loads never give the event loop a turn (graphsvc.api.batches): give it one
                # per level, where a request timeout can stop the query, and where the levels of
                # concurrent requests interleave (16 at once ran ~10% faster so than each one
                # through: the same code and tables, warm).
                await asyncio.sleep(0)
                for (_, output, into, key, fld, path), value in zip(level, values, strict=True):
                    if isinstance(value, BaseException):
                        raise GiveUp from value
                    if type(value) not in PLAIN and is_awaitable(value):
                        # a load whose chained function gave another awaitable (Mapped.then)
                        self.pending.append((value, output, into, key, fld, path))
                    else:
                        into[key] = output.complete(self, value, fld, path)
            return data
        except BaseException:
            discard(p[0] for p in self.pending)
            raise


async def _settle(awaitables: list[Any]) -> list[Any]:
    """What each awaitable gives (its exception, for a failure), the loads among them waited for
    once per batch (an inline loader's batches run here, see graphsvc.api.batches), the rest
    gathered as graphql-core would (a single one is awaited in this task: nothing runs beside it
    whose loads it could batch with)."""
    others: list[Any] = []
    batches: dict[Batch[Any, Any], None] = {}
    for awaitable in awaitables:
        if type(awaitable) is Mapped:
            batch = awaitable.batch
            if not batch.future.done():
                batches[batch] = None
        else:
            others.append(awaitable)
    gathered: Iterator[Any] = iter(())
    if len(others) == 1 and not batches:
        gathered = iter([await _outcome(others[0])])
    elif others:
        gathered = iter(await asyncio.gather(*others, return_exceptions=True))
    # the older batches first: a fetch that loads from another loader mostly asks for keys the
    # same resolvers asked for just before, in an older batch, which is then done already
    for batch in sorted(batches, key=attrgetter("order")) if len(batches) > 1 else batches:
        await run_now(batch)
    return [_result(a) if type(a) is Mapped else next(gathered) for a in awaitables]


async def _outcome(awaitable: Awaitable[Any]) -> Any:
    try:
        return await awaitable
    except Exception as exc:
        return exc


def _result(load: Mapped[Any]) -> Any:
    try:
        return load.result()
    except Exception as exc:
        return exc


class LazyInfo:
    """graphql-core's ``GraphQLResolveInfo`` for a type check, built on first use of anything but
    the context: strawberry's ``is_type_of`` reads nothing, this API's resolvers only
    ``info.context``, and building the info (a 14-field tuple) for each was a tenth of a plan's
    time."""

    __slots__ = ("_built", "_fld", "_path", "_run", "context")

    def __init__(self, run: Run, fld: PlanField, path: At) -> None:
        self._run = run
        self._fld = fld
        self._path = path
        self._built: GraphQLResolveInfo[Any] | None = None
        self.context = run.request.context_value

    def __getattr__(self, name: str) -> Any:
        built = self._built
        if built is None:
            built = self._built = self._run.info(self._fld, self._path)
        return getattr(built, name)


class ResolverInfo(strawberry.Info):
    """strawberry's ``Info`` for a resolver a plan calls directly: the context at hand, and for
    anything else graphql-core's resolve info, built on first use (see :class:`LazyInfo`). One
    object per call, not strawberry's Info around a LazyInfo: half a microsecond less a call,
    sixteen calls in a customer's page."""

    context: Any = None  # an attribute set per call, not Info's property (resolvers read it)

    def __init__(self, run: Run, fld: PlanField, path: At) -> None:
        self.context = run.request.context_value
        self._field = fld.strawberry_field
        self._lazy = (run, fld, path)

    @property  # Info's field, read here only when something asks
    def _raw_info(self) -> GraphQLResolveInfo[Any]:  # type: ignore[override]
        built: GraphQLResolveInfo[Any] | None = self.__dict__.get("_built")
        if built is None:
            run, fld, path = self._lazy
            built = self.__dict__["_built"] = run.info(fld, path)
        return built
