"""Strawberry resolvers called directly, as strawberry's own wrapper calls them, for the plans.

For every call strawberry's wrapper builds an ``Info``, converts the arguments, works out again
which of the resolver's parameters want the source or the info, and chains the field's
extensions; about 8 µs, most of a simple resolver's cost. For a field without extensions, or
with only its permission classes, and a schema without exception handlers,
:func:`direct_resolver` returns a function doing the same with what can be decided once: which
parameters are reserved and, within one request, the converted arguments when they are plain
values. A permission that does not grant the field makes the call raise :class:`NotPermitted`:
the plan gives up and the pipeline, running the field through strawberry, reports the refusal.

>>> direct_resolver(None, None) is None  # not a strawberry field: the plan calls its own resolver
True
"""

from __future__ import annotations

import datetime
import decimal
import enum
import inspect
import uuid
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLField
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info

# Converted argument values that no resolver can change: safe to hand to every item of a request.
_IMMUTABLE = (
    str,
    int,
    float,
    bool,
    type(None),
    enum.Enum,
    datetime.date,
    datetime.time,
    decimal.Decimal,
    uuid.UUID,
)

Resolve = Callable[[Any, Info, dict[Any, dict[str, Any]], dict[str, Any]], Any]


def direct_resolver(schema: strawberry.Schema | None, field_def: GraphQLField | None) -> Resolve | None:
    """``call(source, info, converted, raw_arguments)`` for a field strawberry would resolve with its
    plain wrapper, ``info`` being strawberry's ``Info`` for the call (the caller makes it: see
    graphsvc.api.plan_run) and ``converted`` a per-request dict the call may keep converted arguments
    in; None when the field has extensions other than its permission classes, strawberry's
    default resolver, a schema with an info class of its own, or anything unusual."""
    if schema is None or field_def is None or schema.config.info_class is not Info:
        return None
    field = (field_def.extensions or {}).get("strawberry-definition")
    if not isinstance(field, StrawberryField) or type(field).get_result is not StrawberryField.get_result:
        return None
    resolver = field.base_resolver
    if resolver is None or schema.schema_converter.exception_handlers:
        return None
    permissions = _permissions(field)
    if permissions is None:
        return None
    func = resolver.wrapped_func
    if not callable(func):
        return None
    pass_self = resolver.self_parameter is not None
    source_names = [p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None]
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    # the usual method, (self, info, arguments...): info passed by position, no dict per call
    params = list(inspect.signature(func).parameters.values())
    info_second = (
        pass_self
        and not source_names
        and len(params) > 1
        and params[1].name == info_name
        and params[1].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    )
    arguments = field.arguments
    registry = schema.schema_converter.scalar_registry
    config = schema.config

    def call(
        source: Any,
        strawberry_info: Info,
        converted: dict[Any, dict[str, Any]],
        raw: dict[str, Any],
    ) -> Any:
        kwargs = converted.get(call)
        if kwargs is None:
            kwargs = convert_arguments(
                raw, arguments, scalar_registry=registry, config=config, info=strawberry_info
            )
            if all(isinstance(v, _IMMUTABLE) for v in kwargs.values()):
                converted[call] = kwargs
        for permission in permissions:
            granted = permission.has_permission(source, strawberry_info, **kwargs)
            if granted is not True:  # False, or an awaitable only strawberry's wrapper waits for
                if inspect.iscoroutine(granted):
                    granted.close()
                raise NotPermitted  # the pipeline runs the field and reports the refusal
        if info_second:
            return func(source, strawberry_info, **kwargs)
        kwargs = dict(kwargs)
        for name in source_names:
            kwargs[name] = source
        if info_name is not None:
            kwargs[info_name] = strawberry_info
        return func(source, **kwargs) if pass_self else func(**kwargs)

    return call


class NotPermitted(Exception):
    """A permission class did not grant a field (the plan gives up; the pipeline reports it)."""


def _permissions(field: StrawberryField) -> list[BasePermission] | None:
    """The permission classes of a field whose only extension is strawberry's permission check
    (``permission_classes=``); [] for a field without extensions; None for any other."""
    if not field.extensions:
        return []
    if len(field.extensions) == 1 and type(field.extensions[0]) is PermissionExtension:
        return list(field.extensions[0].permissions)
    return None
