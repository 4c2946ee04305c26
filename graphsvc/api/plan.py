"""Compiled execution plans: valid queries run without graphql-core's per-field bookkeeping.

graphql-core decides again for every field of every item what the field is, which arguments it
takes, how to complete its type and where errors go; for a page of ten customers with their
states that is most of a request. A :class:`Plan` makes those decisions once per document,
operation and value of the variables its ``@skip``/``@include`` read, and the
:class:`PlannedExecution` extension runs it: fields without a resolver are read as attributes,
fields with one go through the same strawberry resolver (permissions, argument conversion,
``Info``) as graphql-core would call, with the same ``GraphQLResolveInfo``.

Awaitables are gathered level by level, so loaders still batch every load of one level; a level
waits for each batch of loads once (graphsvc.api.batches), not for each key.

The plan handles the successful answer only. Anything else (an error anywhere, introspection, a
mutation, a value that does not fit its type) makes it give up, and graphql-core runs the operation
from the start instead, so error responses and their null propagation are graphql-core's own.
``tests/test_api_plan.py`` runs every test query both ways and compares the responses.
"""

from __future__ import annotations

import asyncio
import builtins
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from operator import attrgetter
from types import GeneratorType
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution import ExecutionResult
from graphql.execution.collect_fields import FieldDetails, collect_fields, collect_subfields
from graphql.execution.executor import Executor, default_field_resolver, default_type_resolver
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined, is_iterable
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import get_strawberry_type_cast

from graphsvc.api.batches import Batch, Mapped, run_now
from graphsvc.api.direct import direct_resolver
from graphsvc.api.operation import Operation, PlanRequest

# Types whose values were found not awaitable (awaitability is a matter of type, except for
# generators): asked once per type, not once per value.
_PLAIN: set[type] = {str, int, float, bool, type(None), list, tuple, dict}


def _awaitable(value: Any) -> bool:
    if type(value) is Mapped or optimized_is_awaitable(value):  # a load, the most usual
        return True
    if not isinstance(value, GeneratorType):
        _PLAIN.add(type(value))
    return False


class GiveUp(Exception):
    """The plan does not answer this request; graphql-core runs it instead."""


# -- the plan ------------------------------------------------------------------------------------


# Where a value is: its parent's place, its key (or list index) and the parent type's name; a
# plain tuple, made into graphql-core's Path (a named tuple, built by a Python call) only when
# a resolve info is built.
_At = tuple[Any, str | int, str | None] | None


def _path(at: _At) -> Path:
    assert at is not None
    parent, key, typename = at
    return Path(_path(parent) if parent is not None else None, key, typename)


class _Output:
    """How a resolved value is completed for the type a field returns. A null where the type is
    non-null (``required``) makes the plan give up: graphql-core reports it and propagates it."""

    required: bool

    def complete(self, run: _Run, value: Any, fld: _Field, path: _At) -> Any:
        raise NotImplementedError

    def null(self) -> None:
        if self.required:
            raise GiveUp


@dataclass(slots=True)
class _Leaf(_Output):
    coerce: Callable[[Any], Any]
    same: type | None = None  # values of exactly this type are their own output (String, ID, Boolean)
    required: bool = False

    def complete(self, run: _Run, value: Any, fld: _Field, path: _At) -> Any:
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
class _Int(_Leaf):
    """Python ints in GraphQL's 32-bit range are their own output, as graphql-core writes them."""

    def complete(self, run: _Run, value: Any, fld: _Field, path: _At) -> Any:
        if type(value) is int and -0x80000000 <= value <= 0x7FFFFFFF:
            return value
        return self.coerced(value)


@dataclass(slots=True)
class _Enum(_Leaf):
    """Members of the enum's Python class, each coerced once and then looked up by identity."""

    names: dict[int, Any] = field(default_factory=dict)

    def complete(self, run: _Run, value: Any, fld: _Field, path: _At) -> Any:
        if type(value) is self.same:
            # by id: members are singletons, and Enum.__hash__ is a Python call
            name = self.names.get(id(value))
            if name is None:
                name = self.names[id(value)] = self.coerced(value)
            return name
        return self.coerced(value)


@dataclass(slots=True)
class _List(_Output):
    item: _Output
    required: bool = False

    def complete(self, run: _Run, value: Any, fld: _Field, path: _At) -> Any:
        if value is None or value is Undefined:
            return self.null()
        if type(value) is not list and not is_iterable(value):
            raise GiveUp
        item = self.item
        completed: list[Any] = []
        for index, element in enumerate(value):
            at = (path, index, None)
            if type(element) not in _PLAIN and _awaitable(element):
                completed.append(None)
                run.later(element, item, completed, index, fld, at)
            else:
                completed.append(item.complete(run, element, fld, at))
        return completed


@dataclass(slots=True)
class _Object(_Output):
    type: GraphQLObjectType
    fields: list[_Field]
    is_type_of: Callable[..., Any] | None = None  # the type's, called with a _LazyInfo
    required: bool = False
    # The class whose instances (not cast to another type) strawberry's own is_type_of accepts,
    # when the type has no is_type_of of its own: they are accepted without calling it.
    origin: builtins.type | None = None  # (the field `type` shadows the builtin here)

    def __post_init__(self) -> None:
        self.is_type_of = self.type.is_type_of
        definition = (self.type.extensions or {}).get("strawberry-definition")
        if isinstance(definition, StrawberryObjectDefinition) and definition.is_type_of is None:
            self.origin = definition.origin

    def complete(self, run: _Run, value: Any, fld: _Field, path: _At) -> Any:
        if value is None or value is Undefined:
            return self.null()
        if self.is_type_of is not None and (
            type(value) is not self.origin or get_strawberry_type_cast(value) is not None
        ):
            accepted = self.is_type_of(value, _LazyInfo(run, fld, path))
            if accepted is not True:
                _discard([accepted])
                raise GiveUp  # False, or an awaitable that graphql-core knows how to wait for
        return run.fields(self, value, path)


@dataclass(slots=True)
class _Abstract(_Output):
    type: GraphQLAbstractType
    schema: GraphQLSchema
    by_type: dict[str, _Object]
    required: bool = False

    def complete(self, run: _Run, value: Any, fld: _Field, path: _At) -> Any:
        if value is None or value is Undefined:
            return self.null()
        resolve_type = self.type.resolve_type or run.request.executor.type_resolver
        name = resolve_type(value, run.info(fld, path), self.type)
        found = self.by_type.get(name) if isinstance(name, str) else None
        if found is None:
            _discard([name])
            raise GiveUp
        return found.complete(run, value, fld, path)


_TYPENAME, _ATTRIBUTE, _RESOLVER, _DIRECT = range(4)
_NO_ARGUMENTS: dict[str, Any] = {}  # read, never written


@dataclass(slots=True, eq=False)
class _Field:
    key: str
    kind: int
    parent: GraphQLObjectType
    field_def: GraphQLField | None  # None for __typename
    details: list[FieldDetails]
    nodes: list[FieldNode]
    read: Callable[..., Any]
    output: _Output
    has_args: bool
    needs_path: bool = True  # resolvers and objects below need their own path; leaves read do not
    # Arguments written out in the query (no variables) are the same for every request: coerced
    # once, and their converted values kept here (see graphsvc.api.direct) instead of per request.
    literal: bool = False
    literal_args: dict[str, Any] | None = None
    literal_converted: dict[Any, dict[str, Any]] = field(default_factory=dict)
    strawberry_field: Any = None  # of a direct resolver (_DIRECT): the _ResolverInfo needs it


@dataclass(slots=True)
class Plan:
    """The fields of one query operation, collected and typed once."""

    root: _Object


class _Compiler:
    def __init__(self, executor: Executor[Any], strawberry_schema: strawberry.Schema | None) -> None:
        self.executor = executor
        self.schema = executor.schema
        self.strawberry_schema = strawberry_schema

    def operation(self) -> Plan:
        ex = self.executor
        root_type = self.schema.query_type
        assert root_type is not None
        collected = collect_fields(
            self.schema, ex.fragments, ex.variable_values, root_type, ex.operation, ex.hide_suggestions
        )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise GiveUp
        return Plan(_Object(root_type, self.fields(root_type, collected.grouped_field_set)))

    def fields(self, parent: GraphQLObjectType, grouped: dict[str, list[FieldDetails]]) -> list[_Field]:
        found: list[_Field] = []
        for key, details in grouped.items():
            node = details[0].node
            name = node.name.value
            nodes = [d.node for d in details]
            if name == "__typename":
                found.append(
                    _Field(key, _TYPENAME, parent, None, details, nodes, str, _Leaf(str), False, False)
                )
                continue
            if name.startswith("__"):
                raise GiveUp  # introspection is graphql-core's
            field_def = self.schema.get_field(parent, name)
            if field_def is None:
                continue  # graphql-core leaves unknown fields out, too
            if any(d.fragment_variable_values for d in details):
                raise GiveUp
            output = self.output(field_def.type, details)
            has_args = bool(field_def.args or node.arguments)
            read = _attribute(field_def)
            if read is not None and not has_args:
                leaf = isinstance(output, _Leaf)
                found.append(
                    _Field(key, _ATTRIBUTE, parent, field_def, details, nodes, read, output, False, not leaf)
                )
            elif (direct := direct_resolver(self.strawberry_schema, field_def)) is not None:
                found.append(
                    _Field(key, _DIRECT, parent, field_def, details, nodes, direct, output, has_args)
                )
                found[-1].strawberry_field = (field_def.extensions or {})["strawberry-definition"]

            else:
                resolve = field_def.resolve or self.executor.field_resolver
                found.append(
                    _Field(key, _RESOLVER, parent, field_def, details, nodes, resolve, output, has_args)
                )
            found[-1].literal = not _reads_variables(node)
        return found

    def output(self, type_: GraphQLOutputType, details: list[FieldDetails]) -> _Output:
        if is_non_null_type(type_):
            assert isinstance(type_, GraphQLNonNull)
            inner = self.output(type_.of_type, details)  # made for this field alone
            inner.required = True
            return inner
        if is_list_type(type_):
            assert isinstance(type_, GraphQLList)
            return _List(self.output(type_.of_type, details))
        if is_leaf_type(type_):
            return _leaf(type_)
        if is_object_type(type_):
            assert isinstance(type_, GraphQLObjectType)
            return self.object(type_, details)
        if is_abstract_type(type_):
            possible = self.schema.get_possible_types(type_)
            by_type = {t.name: self.object(t, details) for t in possible}
            return _Abstract(type_, self.schema, by_type)
        raise GiveUp

    def object(self, type_: GraphQLObjectType, details: list[FieldDetails]) -> _Object:
        ex = self.executor
        collected = collect_subfields(
            self.schema, ex.fragments, ex.variable_values, ex.operation, type_, details, ex.hide_suggestions
        )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise GiveUp
        return _Object(type_, self.fields(type_, collected.grouped_field_set))


def _reads_variables(node: FieldNode) -> bool:
    """Whether any argument of a field is, or contains, a variable."""

    def reads(value: ValueNode) -> bool:
        if isinstance(value, VariableNode):
            return True
        if isinstance(value, ListValueNode):
            return any(reads(v) for v in value.values)
        if isinstance(value, ObjectValueNode):
            return any(reads(f.value) for f in value.fields)
        return False

    return any(reads(arg.value) for arg in node.arguments or ())


def _leaf(type_: GraphQLOutputType) -> _Leaf:
    """How to complete a scalar or enum: graphql-core's own coercion, with shortcuts for the values
    it hands back unchanged (a ``str`` as a String, an ``int`` in range as an Int...)."""
    coerce = type_.coerce_output_value  # type: ignore[union-attr]  # leaf types have it
    if type_ is GraphQLInt:
        return _Int(coerce)
    if type_ in (GraphQLString, GraphQLID):
        return _Leaf(coerce, str)
    if type_ is GraphQLBoolean:
        return _Leaf(coerce, bool)
    wrapped = getattr(type_, "wrapped_cls", None)  # strawberry's enums: the Python Enum class
    if isinstance(type_, GraphQLEnumType) and isinstance(wrapped, type) and issubclass(wrapped, Enum):
        return _Enum(coerce, wrapped)
    return _Leaf(coerce)


def _attribute(field_def: GraphQLField) -> Callable[[Any], Any] | None:
    """A plain attribute reader for a strawberry field without resolver, permissions or extensions
    (what strawberry's own resolver for such a field reads); None for any other field."""
    if not getattr(field_def.resolve, "_is_default", False):
        return None
    definition = (field_def.extensions or {}).get("strawberry-definition")
    if definition is None or definition.default_resolver is not getattr:
        return None
    return attrgetter(definition.python_name)


# -- running it ----------------------------------------------------------------------------------


class _Run:
    """One execution of a plan: the values resolved so far and the awaitables of the next level."""

    __slots__ = ("args", "converted", "pending", "request")

    def __init__(self, request: PlanRequest) -> None:
        self.request = request
        self.pending: list[tuple[Awaitable[Any], _Output, Any, Any, _Field, _At]] = []
        self.args: dict[_Field, dict[str, Any]] = {}
        self.converted: dict[Any, dict[str, Any]] = {}  # see graphsvc.api.direct

    def info(self, fld: _Field, path: _At) -> GraphQLResolveInfo[Any]:
        assert fld.field_def is not None and path is not None
        return self.request.executor.build_resolve_info(fld.field_def, fld.nodes, fld.parent, _path(path))

    def arguments(self, fld: _Field) -> dict[str, Any]:
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

    def later(
        self, pending: Awaitable[Any], output: _Output, into: Any, key: Any, fld: _Field, path: _At
    ) -> None:
        self.pending.append((pending, output, into, key, fld, path))

    def fields(self, obj: _Object, source: Any, path: _At) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for fld in obj.fields:
            key = fld.key
            kind = fld.kind
            if kind == _TYPENAME:
                result[key] = obj.type.name
                continue
            at = (path, key, obj.type.name) if fld.needs_path else path
            if kind == _ATTRIBUTE:
                value = fld.read(source)
            elif kind == _DIRECT:
                converted = fld.literal_converted if fld.literal else self.converted
                args = self.arguments(fld) if fld.has_args else _NO_ARGUMENTS
                value = fld.read(source, _ResolverInfo(self, fld, at), converted, args)
            elif fld.has_args:
                value = fld.read(source, self.info(fld, at), **self.arguments(fld))
            else:
                value = fld.read(source, self.info(fld, at))
            if type(value) not in _PLAIN and _awaitable(value):
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
                    if type(value) not in _PLAIN and _awaitable(value):
                        # a load whose chained function gave another awaitable (Mapped.then)
                        self.pending.append((value, output, into, key, fld, path))
                    else:
                        into[key] = output.complete(self, value, fld, path)
            return data
        except BaseException:
            _discard(p[0] for p in self.pending)
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


class _LazyInfo:
    """graphql-core's ``GraphQLResolveInfo`` for a type check, built on first use of anything but
    the context: strawberry's ``is_type_of`` reads nothing, this API's resolvers only
    ``info.context``, and building the info (a 14-field tuple) for each was a tenth of a plan's
    time."""

    __slots__ = ("_built", "_fld", "_path", "_run", "context")

    def __init__(self, run: _Run, fld: _Field, path: _At) -> None:
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


class _ResolverInfo(strawberry.Info):
    """strawberry's ``Info`` for a resolver a plan calls directly: the context at hand, and for
    anything else graphql-core's resolve info, built on first use (see :class:`_LazyInfo`). One
    object per call, not strawberry's Info around a _LazyInfo: half a microsecond less a call,
    sixteen calls in a customer's page."""

    context: Any = None  # an attribute set per call, not Info's property (resolvers read it)

    def __init__(self, run: _Run, fld: _Field, path: _At) -> None:
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


def _discard(pending: Iterable[Any]) -> None:
    """Close coroutines that will never be awaited now (graphql-core runs their fields again)."""
    for awaitable in pending:
        if inspect.iscoroutine(awaitable):
            awaitable.close()


# -- the cache of plans and the extension --------------------------------------------------------


def _directive_variables(document: DocumentNode) -> tuple[str, ...] | None:
    """The variables ``@skip``/``@include`` read anywhere in the document (the fields a plan
    collects depend on their values); None when the document has something plans do not handle."""
    found: dict[str, None] = {}

    def visit(selections: SelectionSetNode | None) -> None:
        for sel in selections.selections if selections else ():
            for directive in sel.directives or ():
                for arg in directive.arguments or ():
                    if isinstance(arg.value, VariableNode):
                        found[arg.value.name.value] = None
            if isinstance(sel, FieldNode | InlineFragmentNode):
                visit(sel.selection_set)

    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode) and definition.variable_definitions:
            return None
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            visit(definition.selection_set)
    return tuple(found)


@dataclass
class Plans:
    """The plans of documents seen recently (the parser cache hands back the same document object
    for the same query text), for one schema."""

    maxsize: int = 1024
    compiled: int = 0  # plans made (tests check it is one per document and directive values)
    answered: int = 0  # requests a plan answered
    _found: dict[tuple[Any, ...], tuple[DocumentNode, Plan | None]] = field(default_factory=dict)
    _variables: dict[int, tuple[DocumentNode, tuple[str, ...] | None]] = field(default_factory=dict)
    _accepted: dict[tuple[str, str | None], DocumentNode] = field(default_factory=dict)
    _operations: dict[tuple[int, str | None], tuple[DocumentNode, Operation | None]] = field(
        default_factory=dict
    )

    def plan(
        self, request: PlanRequest, document: DocumentNode, schema: strawberry.Schema | None = None
    ) -> Plan | None:
        """The plan for the operation of ``request``; None when graphql-core must run it."""
        seen = self._variables.get(id(document))
        if seen is None or seen[0] is not document:
            seen = (document, _directive_variables(document))
            self._remember(self._variables, id(document), seen)
        names = seen[1]
        if names is None:
            return None
        coerced = request.variable_values.coerced
        key = (id(document), id(request.operation), *(coerced.get(n) for n in names))
        hit = self._found.get(key)
        if hit is not None and hit[0] is document:
            return hit[1]
        self.compiled += 1
        try:
            plan: Plan | None = _Compiler(request.executor, schema).operation()
        except (GiveUp, GraphQLError):
            plan = None
        self._remember(self._found, key, (document, plan))
        return plan

    def _remember(self, cache: dict[Any, Any], key: Any, value: Any) -> None:
        if len(cache) >= self.maxsize:
            cache.clear()
        cache[key] = value

    def accepted(self, query: str, operation_name: str | None) -> DocumentNode | None:
        """The document of a query text (and operation) a plan has answered before, else None."""
        return self._accepted.get((query, operation_name))

    async def run(
        self,
        schema: strawberry.Schema,
        document: DocumentNode,
        *,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        root_value: Any = None,
        extensions: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """The data of a valid query run by its plan; None when graphql-core must run it."""
        if schema.config.enable_experimental_incremental_execution:
            return None
        request = self._request(schema, document, variables, operation_name, context, root_value, extensions)
        if request is None:
            return None  # variables that do not coerce: graphql-core reports them
        try:
            plan = self.plan(request, document, schema)
            if plan is None:
                return None
            data = await _Run(request).execute(plan, root_value)
        except Exception:  # a resolver failed: graphql-core runs the query again and reports it
            return None
        finally:
            request.close()
        self.answered += 1
        return data

    def _request(
        self,
        schema: strawberry.Schema,
        document: DocumentNode,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        root_value: Any,
        extensions: dict[str, Any] | None,
    ) -> PlanRequest | None:
        """The request with the executor graphql-core's ``build`` makes for it (None where it
        reports errors), looked up without going through the document again and, for variables
        it would hand back unchanged (an ID given as a string...), without coercing them: for a
        query with a variable or two, that was most of the build. Made so, the executor itself is
        made only if the plan needs it."""
        key = (id(document), operation_name)
        found = self._operations.get(key)
        if found is None or found[0] is not document:
            found = (document, Operation.find(schema._schema, document, operation_name))
            self._remember(self._operations, key, found)
        operation = found[1]
        values = operation.variable_values(variables or {}) if operation is not None else None
        cls = schema.execution_context_class
        if operation is None or values is None:
            built = cls.build(
                schema._schema,
                document,
                root_value=root_value,
                context_value=context,
                raw_variable_values=variables,
                operation_name=operation_name,
                is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]  # as strawberry passes it
                operation_extensions=extensions,
            )
            return None if isinstance(built, list) else PlanRequest.of(built)
        return PlanRequest(
            context,
            operation.definition,
            values,
            lambda: cls(
                schema._schema,
                operation.fragment_definitions,
                operation.fragments,
                root_value,
                context,
                operation.definition,
                values,
                default_field_resolver,
                default_type_resolver,
                default_field_resolver,
                is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]  # as strawberry passes it
                operation_extensions=extensions,  # type: ignore[call-arg]  # strawberry's executor takes it
            ),
        )

    async def execute(self, ctx: ExecutionContext) -> ExecutionResult | None:
        """The result of a valid query run by its plan; None when graphql-core must run it. A query
        text answered here is remembered as :meth:`accepted`."""
        document = ctx.graphql_document
        if document is None or ctx.operation_type.value != OperationType.QUERY.value:
            return None
        data = await self.run(
            ctx.schema,
            document,
            variables=ctx.variables,
            operation_name=ctx.operation_name,
            context=ctx.context,
            root_value=ctx.root_value,
            extensions=ctx.operation_extensions,
        )
        if data is None:
            return None
        if ctx.query is not None:
            self._remember(self._accepted, (ctx.query, ctx.operation_name), document)
        return ExecutionResult(data=data, errors=None)


class PlannedExecution(SchemaExtension):
    """Runs valid queries by their :class:`Plan`; graphql-core runs what a plan does not answer.

    Needs every other extension to leave field resolution alone (no ``resolve`` hook): a plan does
    not call them per field, so :func:`build_schema` refuses to combine them.
    """

    def __init__(self, plans: Plans) -> None:
        self.plans = plans

    @staticmethod
    def beside(
        others: Iterable[Callable[[], SchemaExtension]], plans: Plans
    ) -> Callable[[], SchemaExtension]:
        """The factory of the extension for a schema with ``others``; TypeError when one of them has
        a ``resolve`` hook."""
        for make in others:
            if type(make()).resolve is not SchemaExtension.resolve:
                raise TypeError(f"{type(make()).__name__} resolves fields: plans would not call it per field")
        return lambda: PlannedExecution(plans)

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        if ctx.result is None:
            result = await self.plans.execute(ctx)
            if result is not None:
                ctx.result = result
        yield
