"""How a plan is compiled: graphql-core collects an operation's fields once, and each becomes a
:class:`~graphsvc.api.plan_outputs.PlanField` with its reader and its output.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from operator import attrgetter
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetails, collect_fields, collect_subfields
from graphql.execution.executor import Executor

from graphsvc.api.direct import direct_resolver
from graphsvc.api.plan_outputs import (
    ATTRIBUTE,
    DIRECT,
    RESOLVER,
    TYPENAME,
    AbstractOutput,
    EnumLeaf,
    GiveUp,
    IntLeaf,
    Leaf,
    ListOutput,
    ObjectOutput,
    Output,
    Plan,
    PlanField,
)


class Compiler:
    """The plan of an executor's operation; GiveUp where plans do not go (introspection, @defer...)."""

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
        return Plan(ObjectOutput(root_type, self.fields(root_type, collected.grouped_field_set)))

    def fields(self, parent: GraphQLObjectType, grouped: dict[str, list[FieldDetails]]) -> list[PlanField]:
        found: list[PlanField] = []
        for key, details in grouped.items():
            node = details[0].node
            name = node.name.value
            nodes = [d.node for d in details]
            if name == "__typename":
                found.append(
                    PlanField(key, TYPENAME, parent, None, details, nodes, str, Leaf(str), False, False)
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
                leaf = isinstance(output, Leaf)
                found.append(
                    PlanField(
                        key, ATTRIBUTE, parent, field_def, details, nodes, read, output, False, not leaf
                    )
                )
            elif (direct := direct_resolver(self.strawberry_schema, field_def)) is not None:
                found.append(
                    PlanField(key, DIRECT, parent, field_def, details, nodes, direct, output, has_args)
                )
                found[-1].strawberry_field = (field_def.extensions or {})["strawberry-definition"]

            else:
                resolve = field_def.resolve or self.executor.field_resolver
                found.append(
                    PlanField(key, RESOLVER, parent, field_def, details, nodes, resolve, output, has_args)
                )
            found[-1].literal = not _reads_variables(node)
        return found

    def output(self, type_: GraphQLOutputType, details: list[FieldDetails]) -> Output:
        if is_non_null_type(type_):
            assert isinstance(type_, GraphQLNonNull)
            inner = self.output(type_.of_type, details)  # made for this field alone
            inner.required = True
            return inner
        if is_list_type(type_):
            assert isinstance(type_, GraphQLList)
            return ListOutput(self.output(type_.of_type, details))
        if is_leaf_type(type_):
            return _leaf(type_)
        if is_object_type(type_):
            assert isinstance(type_, GraphQLObjectType)
            return self.object(type_, details)
        if is_abstract_type(type_):
            possible = self.schema.get_possible_types(type_)
            by_type = {t.name: self.object(t, details) for t in possible}
            return AbstractOutput(type_, self.schema, by_type)
        raise GiveUp

    def object(self, type_: GraphQLObjectType, details: list[FieldDetails]) -> ObjectOutput:
        ex = self.executor
        collected = collect_subfields(
            self.schema, ex.fragments, ex.variable_values, ex.operation, type_, details, ex.hide_suggestions
        )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise GiveUp
        return ObjectOutput(type_, self.fields(type_, collected.grouped_field_set))


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


def _leaf(type_: GraphQLOutputType) -> Leaf:
    """How to complete a scalar or enum: graphql-core's own coercion, with shortcuts for the values
    it hands back unchanged (a ``str`` as a String, an ``int`` in range as an Int...)."""
    coerce = type_.coerce_output_value  # type: ignore[union-attr]  # leaf types have it
    if type_ is GraphQLInt:
        return IntLeaf(coerce)
    if type_ in (GraphQLString, GraphQLID):
        return Leaf(coerce, str)
    if type_ is GraphQLBoolean:
        return Leaf(coerce, bool)
    wrapped = getattr(type_, "wrapped_cls", None)  # strawberry's enums: the Python Enum class
    if isinstance(type_, GraphQLEnumType) and isinstance(wrapped, type) and issubclass(wrapped, Enum):
        return EnumLeaf(coerce, wrapped)
    return Leaf(coerce)


def _attribute(field_def: GraphQLField) -> Callable[[Any], Any] | None:
    """A plain attribute reader for a strawberry field without resolver, permissions or extensions
    (what strawberry's own resolver for such a field reads); None for any other field."""
    if not getattr(field_def.resolve, "_is_default", False):
        return None
    definition = (field_def.extensions or {}).get("strawberry-definition")
    if definition is None or definition.default_resolver is not getattr:
        return None
    return attrgetter(definition.python_name)
