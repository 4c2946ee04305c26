"""Strawberry permission classes for the API's roles (see :mod:`graphsvc.keys`).

A request without a valid key never reaches the schema over HTTP (401), but a websocket can, so
every check still tells "no key" (UNAUTHENTICATED) from "wrong role" (FORBIDDEN).
"""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission

from graphsvc.api.context import Info
from graphsvc.errors import Forbidden, Unauthenticated
from graphsvc.keys import PERMISSIONS, Permission, Role


def roles_with(permission: Permission) -> str:
    return ", ".join(r.value for r in Role if permission in PERMISSIONS[r])


def require(info: Info, permission: Permission, what: str) -> None:
    principal = info.context.principal
    if principal is None:
        raise Unauthenticated("no API key was sent; send `Authorization: Bearer <key>`")
    if not principal.can(permission):
        raise Forbidden(
            f"role {principal.role.value} may not {what}; it needs a key with role {roles_with(permission)}"
        )


class _RolePermission(BasePermission):
    permission: ClassVar[Permission]
    what: ClassVar[str]

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        require(info, self.permission, self.what)
        return True


class CanRead(_RolePermission):
    permission = Permission.READ
    what = "run queries"


class CanSeeSensitive(_RolePermission):
    permission = Permission.SENSITIVE
    what = "see post texts, handles or names"


class CanWrite(_RolePermission):
    permission = Permission.WRITE
    what = "run mutations"


# Typed lists for ``permission_classes=`` (a list literal would be inferred too narrowly).
READ: list[type[BasePermission]] = [CanRead]
SENSITIVE: list[type[BasePermission]] = [CanSeeSensitive]
WRITE: list[type[BasePermission]] = [CanWrite]
