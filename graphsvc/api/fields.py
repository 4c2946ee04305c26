"""Typed forms of ``strawberry.field``/``mutation``/``subscription`` used as decorators.

Called with arguments, strawberry's decorators are typed as returning ``Any``, which
``mypy --strict`` rejects as an untyped decorator; these keep the resolver's own signature.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import strawberry
from strawberry.permission import BasePermission

F = TypeVar("F", bound=Callable[..., Any])


def field(
    *,
    description: str,
    name: str | None = None,
    permission_classes: Sequence[type[BasePermission]] | None = None,
    graphql_type: Any | None = None,
) -> Callable[[F], F]:
    """``graphql_type`` names the field's type when the resolver is annotated with a
    :data:`~graphsvc.api.soon.Soon` (a value now, or an awaitable of it)."""
    return cast(
        "Callable[[F], F]",
        strawberry.field(
            description=description,
            name=name,
            permission_classes=list(permission_classes or []),
            graphql_type=graphql_type,
        ),
    )


def mutation(*, description: str, permission_classes: Sequence[type[BasePermission]]) -> Callable[[F], F]:
    return cast(
        "Callable[[F], F]",
        strawberry.mutation(description=description, permission_classes=list(permission_classes)),
    )


def subscription(*, description: str, permission_classes: Sequence[type[BasePermission]]) -> Callable[[F], F]:
    return cast(
        "Callable[[F], F]",
        strawberry.subscription(description=description, permission_classes=list(permission_classes)),
    )
