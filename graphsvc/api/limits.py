"""Query limits beyond strawberry's own (tokens, parser): depth, aliases and a cost that counts lists.

Cost: every field costs 1, and a field that returns a page multiplies the cost of what is selected
inside it by the page size asked for (``first``, from the query, its variables or the schema
default); other lists multiply by :data:`LIST_GUESS`. Introspection fields are not counted.

>>> from graphql import build_schema, parse
>>> s = build_schema("type Q { a(first: Int = 5): [Q!]! b: Int } schema { query: Q }")
>>> measure(s, parse("{ a { a(first: 10) { b } } }"), None, {}, 20)
Complexity(depth=3, aliases=0, cost=105, operation='query:a')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql.utilities.coerce_input_value import coerce_default_value
from strawberry.extensions import SchemaExtension

from graphsvc.config import Settings

LIST_GUESS = 10  # assumed length of a plain list (a post's cues, a customer's states)


@dataclass(frozen=True, slots=True)
class Complexity:
    depth: int
    aliases: int
    cost: int
    operation: str  # "<operation type>:<first root field>", a bounded label for metrics


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return ops[0] if len(ops) == 1 else None
    return next((o for o in ops if o.name and o.name.value == name), None)


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        default_first: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_first = default_first
        self.aliases = 0
        self.read: set[str] = set()  # the variables the measurement depends on

    def fields(
        self, selections: SelectionSetNode, parent: GraphQLNamedType, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        for sel in selections.selections:
            if isinstance(sel, FieldNode):
                yield sel, parent
            elif isinstance(sel, InlineFragmentNode):
                cond = self.schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                yield from self.fields(sel.selection_set, cond or parent, seen)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
                frag = self.fragments.get(sel.name.value)
                if frag is not None:
                    cond = self.schema.get_type(frag.type_condition.name.value) or parent
                    yield from self.fields(frag.selection_set, cond, seen | {sel.name.value})

    def first_of(self, node: FieldNode, default: Any) -> int | None:
        for arg in node.arguments or ():
            if arg.name.value == "first":
                if isinstance(arg.value, IntValueNode):
                    return int(arg.value.value)
                if isinstance(arg.value, VariableNode):
                    self.read.add(arg.value.name.value)
                    value = self.variables.get(arg.value.name.value)
                    return value if isinstance(value, int) else self.default_first
                return self.default_first
        return default if isinstance(default, int) else self.default_first

    def measure(self, selections: SelectionSetNode | None, parent: GraphQLNamedType) -> tuple[int, int]:
        """(depth, cost) of a selection set under ``parent``."""
        if selections is None or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0, 0
        depth = cost = 0
        for node, owner in self.fields(selections, parent, frozenset()):
            if node.alias:
                self.aliases += 1
            name = node.name.value
            if name.startswith("__") or not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
                continue
            field = owner.fields.get(name)
            if field is None:
                continue
            inner_depth, inner_cost = self.measure(node.selection_set, get_named_type(field.type))
            multiplier = 1
            if "first" in field.args:
                multiplier = max(self.first_of(node, coerce_default_value(field.args["first"])) or 0, 1)
            elif isinstance(get_nullable_type(field.type), GraphQLList) and not (
                name == "edges" and owner.name.endswith("Connection")
            ):
                multiplier = LIST_GUESS
            depth = max(depth, 1 + inner_depth)
            cost += multiplier * (1 + inner_cost)
        return depth, cost


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
    default_first: int,
) -> Complexity:
    return _measure(schema, document, operation_name, variables, default_first)[0]


def _measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
    default_first: int,
) -> tuple[Complexity, frozenset[str]]:
    """The measurement and the names of the variables it read."""
    operation = _operation(document, operation_name)
    if operation is None:
        return Complexity(0, 0, 0, "unknown"), frozenset()
    root = schema.get_root_type(operation.operation)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walker = _Walker(schema, fragments, variables, default_first)
    depth, cost = walker.measure(operation.selection_set, root) if root else (0, 0)
    first_field = next(
        (s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)), ""
    )
    label = f"{operation.operation.value}:{first_field or 'fragment'}"
    return Complexity(depth, walker.aliases, cost, label), frozenset(walker.read)


def too_complex(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "QUERY_TOO_COMPLEX"})


def _ints(variables: Mapping[str, Any], names: tuple[str, ...]) -> list[int | None]:
    # a measurement reads a variable only as an integer (anything else counts as the default)
    return [v if isinstance(v := variables.get(n), int) else None for n in names]


class MeasureCache:
    """Measurements of documents seen before (the parser cache hands back the same document object
    for the same query text); keyed by the document, the operation and the values of the variables
    the measurement read (those given as ``first``), so other variables never cost a new one."""

    def __init__(self, maxsize: int = 1024) -> None:
        self.maxsize = maxsize
        self._reads: dict[tuple[int, str | None], tuple[DocumentNode, tuple[str, ...]]] = {}
        self._found: dict[tuple[Any, ...], tuple[DocumentNode, Complexity]] = {}

    def measure(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any],
        default_first: int,
    ) -> Complexity:
        reads = self._reads.get((id(document), operation_name))
        if reads is not None and reads[0] is document:
            key = (id(document), operation_name, *_ints(variables, reads[1]))
            hit = self._found.get(key)
            if hit is not None and hit[0] is document:
                return hit[1]
        found, read = _measure(schema, document, operation_name, variables, default_first)
        names = tuple(sorted(read))
        if len(self._found) >= self.maxsize:
            self._found.clear()
            self._reads.clear()
        self._reads[(id(document), operation_name)] = (document, names)
        self._found[(id(document), operation_name, *_ints(variables, names))] = (document, found)
        return found


def refusal(found: Complexity, settings: Settings) -> GraphQLError | None:
    """The error refusing an operation measured as ``found``; None when it is within the limits."""
    s = settings
    if found.depth > s.max_depth:
        return too_complex(f"the query is {found.depth} levels deep; at most {s.max_depth} are allowed")
    if found.aliases > s.max_aliases:
        return too_complex(f"the query uses {found.aliases} aliases; at most {s.max_aliases} are allowed")
    if found.cost > s.max_cost:
        return too_complex(
            f"the query could return about {found.cost} values (cost {found.cost}); at most "
            f"{s.max_cost} are allowed: ask for smaller pages (first) or fewer nested lists"
        )
    return None


class ComplexityLimit(SchemaExtension):
    """Refuses valid operations that are too deep, use too many aliases or cost too much."""

    def __init__(self, settings: Settings, cache: MeasureCache | None = None) -> None:
        self.settings = settings
        self.cache = cache or MeasureCache()

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if not ctx.pre_execution_errors and ctx.graphql_document is not None:
            s = self.settings
            found = self.cache.measure(
                ctx.schema._schema,
                ctx.graphql_document,
                ctx.operation_name,
                ctx.variables or {},
                s.page_size_default,
            )
            if hasattr(ctx.context, "operation"):
                ctx.context.operation = found.operation
            refused = refusal(found, s)
            if refused is not None:
                ctx.pre_execution_errors = [refused]
        yield
