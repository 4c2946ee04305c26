"""API keys: created once, shown once, stored only as a hash, looked up by that hash.

A key is 43 URL-safe characters (32 random bytes); the store keeps its SHA-256, which is safe
for a key with that much entropy (no salt or slow hash needed: nothing to guess).

>>> key = new_key()
>>> len(key) >= 32 and is_well_formed(key)
True
>>> hash_key(key) == hash_key(key)
True
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from graphsvc.errors import BadUserInput, NotFound, Unauthenticated
from graphsvc.model import ApiKey
from graphsvc.stores.base import Store

_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


class Role(StrEnum):
    """What a key may do. Each role lists its permissions in :data:`PERMISSIONS`."""

    READER = "reader"
    ANALYST = "analyst"
    WRITER = "writer"
    ADMIN = "admin"


class Permission(StrEnum):
    READ = "read"  # run queries and subscriptions
    SENSITIVE = "sensitive"  # see post texts, handles and display names
    WRITE = "write"  # run mutations


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.READER: frozenset({Permission.READ}),
    Role.ANALYST: frozenset({Permission.READ, Permission.SENSITIVE}),
    Role.WRITER: frozenset({Permission.READ, Permission.WRITE}),
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's id and role."""

    key_id: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in PERMISSIONS[self.role]


def parse_role(name: str) -> Role:
    try:
        return Role(name.strip().lower())
    except ValueError:
        raise BadUserInput(
            f"role {name!r} is unknown; use one of {', '.join(r.value for r in Role)}"
        ) from None


def new_key() -> str:
    return secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def is_well_formed(key: str) -> bool:
    return bool(_KEY_RE.match(key))


def create_key(store: Store, role: str, *, now: datetime | None = None) -> tuple[ApiKey, str]:
    """Store a new key for ``role``; returns the stored record and the key (shown only now)."""
    checked = parse_role(role)
    key = new_key()
    record = ApiKey(
        id=f"key_{secrets.token_hex(6)}",
        role=checked.value,
        key_hash=hash_key(key),
        created_at=now or datetime.now(UTC),
    )
    store.put_api_key(record)
    return record, key


def authenticate(store: Store, key: str) -> Principal:
    """The principal a presented key stands for; unknown, malformed or revoked keys are refused."""
    if not is_well_formed(key):
        raise Unauthenticated("the API key is malformed; pass the key `graphsvc keys create` printed")
    record = store.find_api_key(hash_key(key))
    if record is None:
        raise Unauthenticated("the API key is not known; create one with `graphsvc keys create --role ROLE`")
    if record.revoked_at is not None:
        raise Unauthenticated(f"API key {record.id} was revoked; create a new one")
    return Principal(key_id=record.id, role=parse_role(record.role))


def list_keys(store: Store) -> tuple[ApiKey, ...]:
    return store.list_api_keys()


def revoke_key(store: Store, key_id: str, *, now: datetime | None = None) -> None:
    if not store.revoke_api_key(key_id, now or datetime.now(UTC)):
        known = {k.id: k for k in store.list_api_keys()}
        if key_id in known:
            return  # already revoked: revoking again changes nothing
        raise NotFound(f"no API key has id {key_id!r}; `graphsvc keys list` shows the ids")
