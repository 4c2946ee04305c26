"""What a plan needs of graphql-core's executor for one request, found cheaply.

graphql-core's ``Executor.build`` looks through the document for the operation and its fragments,
and coerces every variable, for every request; the executor it makes (an IncrementalExecutor,
with its maps and helpers) was a tenth of a small query. :class:`Operation` keeps what ``build``
looks up in a document, once per document, and takes variables graphql-core would hand back
unchanged as they are; :class:`PlanRequest` holds what a plan reads (context, operation,
variables) and makes the executor only when something needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLBoolean,
    GraphQLError,
    GraphQLID,
    GraphQLInt,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    is_non_null_type,
)
from graphql.execution.collect_fields import FragmentDetails
from graphql.execution.executor import Executor
from graphql.execution.get_variable_signature import GraphQLVariableSignature, get_variable_signature
from graphql.execution.values import VariableValues, VariableValueSource
from graphql.pyutils import Undefined

# Input types that hand back a value of exactly one Python type unchanged (an Int in 32 bits):
# a variable of one of them, given such a value, needs no coercion.
_SAME_INPUT: dict[Any, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool, GraphQLInt: int}
_INT32 = range(-0x80000000, 0x80000000)


@dataclass(slots=True)
class Operation:
    """What graphql-core's ``Executor.build`` looks up in a document for an operation name (the
    operation, the fragments, the variables' signatures), looked up once per document."""

    definition: OperationDefinitionNode
    fragment_definitions: dict[str, FragmentDefinitionNode]
    fragments: dict[str, FragmentDetails]
    # each variable, with the Python type whose values it takes unchanged (None: every value
    # goes through graphql-core's coercion)
    variables: list[tuple[GraphQLVariableSignature, type | None]]

    @staticmethod
    def find(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> Operation | None:
        """None when graphql-core must build the executor: no single such operation, fragments
        with variables, a variable of an unknown type."""
        operations = [
            d
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
            and (operation_name is None or (d.name is not None and d.name.value == operation_name))
        ]
        if len(operations) != 1:
            return None
        definitions: dict[str, FragmentDefinitionNode] = {}
        for d in document.definitions:
            if isinstance(d, FragmentDefinitionNode):
                if d.variable_definitions:
                    return None
                definitions[d.name.value] = d
        variables: list[tuple[GraphQLVariableSignature, type | None]] = []
        for variable in operations[0].variable_definitions or ():
            signature = get_variable_signature(schema, variable)
            if isinstance(signature, GraphQLError):
                return None
            named = signature.type.of_type if is_non_null_type(signature.type) else signature.type
            variables.append((signature, _SAME_INPUT.get(named)))
        fragments = {name: FragmentDetails(d) for name, d in definitions.items()}
        return Operation(operations[0], definitions, fragments, variables)

    def variable_values(self, raw: dict[str, Any]) -> VariableValues | None:
        """The variables as graphql-core coerces them, when each is a value it hands back
        unchanged; else None."""
        sources: dict[str, VariableValueSource] = {}
        coerced: dict[str, Any] = {}
        for signature, same in self.variables:
            value: Any = raw.get(signature.name, Undefined)
            if type(value) is not same or (same is int and value not in _INT32):
                return None
            sources[signature.name] = VariableValueSource(signature, value)
            coerced[signature.name] = value
        return VariableValues(sources, coerced)


class PlanRequest:
    """What a plan reads of graphql-core's executor for a request: its context, operation and
    variables. The executor itself (making it was a tenth of a small query) is made when something
    needs it: a resolve info, an abstract type's resolver, a plan to compile."""

    __slots__ = ("_executor", "_make", "context_value", "operation", "variable_values")

    def __init__(
        self,
        context_value: Any,
        operation: OperationDefinitionNode,
        variable_values: VariableValues,
        make: Callable[[], Executor[Any]],
    ) -> None:
        self.context_value = context_value
        self.operation = operation
        self.variable_values = variable_values
        self._make: Callable[[], Executor[Any]] | None = make
        self._executor: Executor[Any] | None = None

    @staticmethod
    def of(executor: Executor[Any]) -> PlanRequest:
        request = PlanRequest(
            executor.context_value, executor.operation, executor.variable_values, lambda: executor
        )
        request._executor, request._make = executor, None  # made already
        return request

    @property
    def executor(self) -> Executor[Any]:
        if self._executor is None:
            assert self._make is not None, "the request is closed"
            self._executor = self._make()
            self._make = None
        return self._executor

    def close(self) -> None:
        """Let go of the executor: it refers to itself (async_helpers holds two of its bound
        methods), and left so, it and the request's context would be freed by the cycle
        collector only, not when the request ends."""
        if self._executor is not None:
            del self._executor.async_helpers
        self._make = None
