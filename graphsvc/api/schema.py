"""The schema: root types, extensions (limits, caches, error codes) and the exported SDL.

>>> "type Query" in export_sdl()
True
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from graphsvc.api.errors import ErrorCodes, log_errors
from graphsvc.api.limits import ComplexityLimit, MeasureCache
from graphsvc.api.mutation import Mutation
from graphsvc.api.plan import PlannedExecution, Plans
from graphsvc.api.query import Query
from graphsvc.api.ranking import Advocate, TriageItem
from graphsvc.api.scalars import UTC_DATETIME
from graphsvc.api.shortcut import Shortcut
from graphsvc.api.subscription import Subscription
from graphsvc.api.types import Brand, Customer, Post
from graphsvc.config import Settings

CACHE_SIZE = 1024


class GraphsvcSchema(strawberry.Schema):
    """A strawberry schema that logs only unexpected errors (expected ones are the client's), with
    the :class:`Shortcut` its HTTP endpoint tries first (None when plans are off)."""

    shortcut: Shortcut | None = None

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors)


class OperationChosen(SchemaExtension):
    """A document with several operations needs ``operationName`` (GraphQL spec, GetOperation):
    strawberry would run the first one instead."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        # the name the client gave: strawberry's operation_name falls back to the first operation's
        given = getattr(ctx, "_provided_operation_name", ctx.operation_name)
        if not ctx.pre_execution_errors and document is not None and given is None:
            names = [
                d.name.value if d.name else "(unnamed)"
                for d in document.definitions
                if isinstance(d, OperationDefinitionNode)
            ]
            if len(names) > 1:
                ctx.pre_execution_errors = [
                    GraphQLError(
                        f"the document has {len(names)} operations ({', '.join(names)}); pass "
                        "operationName to say which one to run",
                        extensions={"code": "BAD_USER_INPUT"},
                    )
                ]
        yield


def build_schema(settings: Settings, *, plans: bool = True) -> GraphsvcSchema:
    """The API's schema; ``plans=False`` leaves every operation to graphql-core's executor (the
    differential tests compare the two)."""
    # Validation rules are built once so the validation cache can key on them.
    introspection_rules: list[Any] = []
    if not settings.introspection:
        from graphql.validation import NoSchemaIntrospectionCustomRule

        introspection_rules.append(NoSchemaIntrospectionCustomRule)
    measured = MeasureCache(CACHE_SIZE)
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=CACHE_SIZE),
    ]
    if introspection_rules:
        extensions.append(lambda: AddValidationRules(introspection_rules))
    extensions += [
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        OperationChosen,
        lambda: ComplexityLimit(settings, measured),
        lambda: ErrorCodes(debug=settings.debug),
    ]
    planned = Plans(CACHE_SIZE)
    if plans:
        extensions.append(PlannedExecution.beside(extensions, planned))
    schema = GraphsvcSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Customer, Brand, Post, Advocate, TriageItem],
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not settings.introspection),
        scalar_overrides={datetime: UTC_DATETIME},
    )
    if plans:
        schema.shortcut = Shortcut(schema, planned, measured, settings)
    return schema


def export_sdl() -> str:
    """The schema in SDL, as committed to ``schema/schema.graphql``."""
    return build_schema(Settings()).as_str() + "\n"


__all__ = ["SchemaExtension", "build_schema", "export_sdl"]
