"""What a compiled plan is made of: for each field, how to read it and how to complete the value
it gives for the type it returns (graphsvc.api.plan_compile builds them, graphsvc.api.plan_run
runs them; graphsvc.api.plan says why plans exist).
"""

from __future__ import annotations

import builtins
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import GeneratorType
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    GraphQLAbstractType,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.pyutils import Path, Undefined, is_iterable
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import get_strawberry_type_cast

from graphsvc.api.batches import Mapped

if TYPE_CHECKING:
    from graphsvc.api.plan_run import Run

# Types whose values were found not awaitable (awaitability is a matter of type, except for
# generators): asked once per type, not once per value.
PLAIN: set[type] = {str, int, float, bool, type(None), list, tuple, dict}


def is_awaitable(value: Any) -> bool:
    if type(value) is Mapped or optimized_is_awaitable(value):  # a load, the most usual
        return True
    if not isinstance(value, GeneratorType):
        PLAIN.add(type(value))
    return False


class GiveUp(Exception):
    """The plan does not answer this request; graphql-core runs it instead."""


def discard(pending: Iterable[Any]) -> None:
    """Close coroutines that will never be awaited now (graphql-core runs their fields again)."""
    for awaitable in pending:
        if inspect.iscoroutine(awaitable):
            awaitable.close()


# Where a value is: its parent's place, its key (or list index) and the parent type's name; a
# plain tuple, made into graphql-core's Path (a named tuple, built by a Python call) only when
# a resolve info is built.
At = tuple[Any, str | int, str | None] | None


def path_of(at: At) -> Path:
    assert at is not None
    parent, key, typename = at
    return Path(path_of(parent) if parent is not None else None, key, typename)


class Output:
    """How a resolved value is completed for the type a field returns. A null where the type is
    non-null (``required``) makes the plan give up: graphql-core reports it and propagates it."""

    required: bool

    def complete(self, run: Run, value: Any, fld: PlanField, path: At) -> Any:
        raise NotImplementedError

    def null(self) -> None:
        if self.required:
            raise GiveUp


@dataclass(slots=True)
class Leaf(Output):
    coerce: Callable[[Any], Any]
    same: type | None = None  # values of exactly this type are their own output (String, ID, Boolean)
    required: bool = False

    def complete(self, run: Run, value: Any, fld: PlanField, path: At) -> Any:
        if type(value) is self.same:
            return value
        return self.coerced(value)

    def coerced(self, value: Any) -> Any:
        if value is None or value is Undefined:
            return self.null()
        coerced = self.coerce(value)
        if coerced is None or coerced is Undefined:
            raise GiveUp
        return coerced


@dataclass(slots=True)
class IntLeaf(Leaf):
    """Python ints in GraphQL's 32-bit range are their own output, as graphql-core writes them."""

    def complete(self, run: Run, value: Any, fld: PlanField, path: At) -> Any:
        if type(value) is int and -0x80000000 <= value <= 0x7FFFFFFF:
            return value
        return self.coerced(value)


@dataclass(slots=True)
class EnumLeaf(Leaf):
    """Members of the enum's Python class, each coerced once and then looked up by identity."""

    names: dict[int, Any] = field(default_factory=dict)

    def complete(self, run: Run, value: Any, fld: PlanField, path: At) -> Any:
        if type(value) is self.same:
            # by id: members are singletons, and Enum.__hash__ is a Python call
            name = self.names.get(id(value))
            if name is None:
                name = self.names[id(value)] = self.coerced(value)
            return name
        return self.coerced(value)


@dataclass(slots=True)
class ListOutput(Output):
    item: Output
    required: bool = False

    def complete(self, run: Run, value: Any, fld: PlanField, path: At) -> Any:
        if value is None or value is Undefined:
            return self.null()
        if type(value) is not list and not is_iterable(value):
            raise GiveUp
        item = self.item
        completed: list[Any] = []
        for index, element in enumerate(value):
            at = (path, index, None)
            if type(element) not in PLAIN and is_awaitable(element):
                completed.append(None)
                run.later(element, item, completed, index, fld, at)
            else:
                completed.append(item.complete(run, element, fld, at))
        return completed


@dataclass(slots=True)
class ObjectOutput(Output):
    type: GraphQLObjectType
    fields: list[PlanField]
    is_type_of: Callable[..., Any] | None = None  # the type's, called with a LazyInfo
    required: bool = False
    # The class whose instances (not cast to another type) strawberry's own is_type_of accepts,
    # when the type has no is_type_of of its own: they are accepted without calling it.
    origin: builtins.type | None = None  # (the field `type` shadows the builtin here)

    def __post_init__(self) -> None:
        self.is_type_of = self.type.is_type_of
        definition = (self.type.extensions or {}).get("strawberry-definition")
        if isinstance(definition, StrawberryObjectDefinition) and definition.is_type_of is None:
            self.origin = definition.origin

    def complete(self, run: Run, value: Any, fld: PlanField, path: At) -> Any:
        if value is None or value is Undefined:
            return self.null()
        if self.is_type_of is not None and (
            type(value) is not self.origin or get_strawberry_type_cast(value) is not None
        ):
            accepted = self.is_type_of(value, run.lazy_info(fld, path))
            if accepted is not True:
                discard([accepted])
                raise GiveUp  # False, or an awaitable that graphql-core knows how to wait for
        return run.fields(self, value, path)


@dataclass(slots=True)
class AbstractOutput(Output):
    type: GraphQLAbstractType
    schema: GraphQLSchema
    by_type: dict[str, ObjectOutput]
    required: bool = False

    def complete(self, run: Run, value: Any, fld: PlanField, path: At) -> Any:
        if value is None or value is Undefined:
            return self.null()
        resolve_type = self.type.resolve_type or run.request.executor.type_resolver
        name = resolve_type(value, run.info(fld, path), self.type)
        found = self.by_type.get(name) if isinstance(name, str) else None
        if found is None:
            discard([name])
            raise GiveUp
        return found.complete(run, value, fld, path)


# How a field is read: its type's name, a plain attribute, graphql-core's resolver with a resolve
# info, or a strawberry resolver called directly (graphsvc.api.direct).
TYPENAME, ATTRIBUTE, RESOLVER, DIRECT = range(4)
NO_ARGUMENTS: dict[str, Any] = {}  # read, never written


@dataclass(slots=True, eq=False)
class PlanField:
    """One field of an object type's selection: under which key, how it is read, how its value
    is completed."""

    key: str
    kind: int
    parent: GraphQLObjectType
    field_def: GraphQLField | None  # None for __typename
    details: list[FieldDetails]
    nodes: list[FieldNode]
    read: Callable[..., Any]
    output: Output
    has_args: bool
    needs_path: bool = True  # resolvers and objects below need their own path; leaves read do not
    # Arguments written out in the query (no variables) are the same for every request: coerced
    # once, and their converted values kept here (see graphsvc.api.direct) instead of per request.
    literal: bool = False
    literal_args: dict[str, Any] | None = None
    literal_converted: dict[Any, dict[str, Any]] = field(default_factory=dict)
    strawberry_field: Any = None  # of a direct resolver (DIRECT): the ResolverInfo needs it


@dataclass(slots=True)
class Plan:
    """The fields of one query operation, collected and typed once."""

    root: ObjectOutput
