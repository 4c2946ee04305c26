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

This module keeps the plans of recent documents and runs them as a strawberry extension; what a
plan is made of is in :mod:`graphsvc.api.plan_outputs`, how one is compiled in
:mod:`graphsvc.api.plan_compile`, how one runs in :mod:`graphsvc.api.plan_run`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)
from graphql.execution import ExecutionResult
from graphql.execution.executor import default_field_resolver, default_type_resolver
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from graphsvc.api.operation import Operation, PlanRequest
from graphsvc.api.plan_compile import Compiler
from graphsvc.api.plan_outputs import GiveUp, Plan
from graphsvc.api.plan_run import Run


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
            plan: Plan | None = Compiler(request.executor, schema).operation()
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
            data = await Run(request).execute(plan, root_value)
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
