"""The schema documents itself: every type, field, argument and enum value has a description."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from graphsvc.api.schema import build_schema
from graphsvc.config import Settings


def test_api_schema_describes_every_type_field_and_argument() -> None:
    schema = build_schema(Settings())._schema
    missing: list[str] = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({a})" for a, arg in field.args.items() if not arg.description
                ]
        if isinstance(kind, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in kind.fields.items() if not field.description]
        if isinstance(kind, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in kind.values.items() if not value.description]
    assert missing == []


def test_api_schema_customer_brand_and_post_are_nodes() -> None:
    schema = build_schema(Settings())._schema
    node = schema.get_type("Node")
    assert node is not None
    for name in ("Customer", "Brand", "Post"):
        kind = schema.get_type(name)
        assert isinstance(kind, GraphQLObjectType) and node in kind.interfaces
