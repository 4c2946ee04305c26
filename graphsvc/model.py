"""The domain model: immutable, strict records shared by loaders, stores, analytics and the API.

Ids are platform-qualified strings: ``x:123``, ``mastodon:@ana@mastodon.social``, ``twcs:115712``.
A brand's key is its lower-cased primary handle (``applesupport``); the accounts a brand posts from
are ordinary accounts whose ``brand`` field names that key.

>>> Account(id="x:1", handle="ana").platform
'x'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class CustomerType(StrEnum):
    """The six social-customer types, plus OTHER for everything else."""

    VENTING = "VENTING"
    PASSIVE = "PASSIVE"
    USED_TO_BE = "USED_TO_BE"
    COLLABORATIVE = "COLLABORATIVE"
    ADVOCATE = "ADVOCATE"
    FUTURE = "FUTURE"
    OTHER = "OTHER"


def platform_of(qualified_id: str) -> str:
    """The platform prefix of a qualified id: ``platform_of("x:12") == "x"``."""
    platform, sep, _ = qualified_id.partition(":")
    if not sep or not platform:
        raise ValueError(f"id {qualified_id!r} is not platform-qualified (expected 'platform:id')")
    return platform


def brand_key(handle: str) -> str:
    """The canonical key of a brand handle: no ``@``, no platform, lower case."""
    bare = handle.rsplit(":", 1)[-1] if ":" in handle and not handle.startswith("@") else handle
    return bare.lstrip("@").strip().lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """A platform account: a customer, or one of the accounts a brand posts from."""

    id: str
    handle: str | None = None
    name: str | None = None
    followers: int | None = None
    brand: str | None = None  # the brand key when this account belongs to a brand

    @property
    def platform(self) -> str:
        return platform_of(self.id)

    @property
    def is_brand(self) -> bool:
        return self.brand is not None


# A customer is an account that belongs to no brand; the type alias keeps signatures readable.
Customer = Account


@dataclass(frozen=True, slots=True, kw_only=True)
class Brand:
    """A brand: its key, display name, the accounts it posts from and other names people use."""

    key: str
    name: str
    handles: tuple[str, ...] = ()  # qualified account ids, e.g. ("twcs:AppleSupport",)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    """What the classifier said about one interaction, and why."""

    type: CustomerType
    confidence: float
    lang: str
    cues: tuple[str, ...] = ()
    needs_response: bool = False
    sla: timedelta | None = None  # time allowed for a response, from the type's playbook
    version: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """The first answer a brand gave to a post, and how long the author waited for it."""

    at: datetime
    delay: timedelta
    post_id: str | None = None  # None when marked responded by hand


@dataclass(frozen=True, slots=True, kw_only=True)
class Post:
    """A post as stored: who wrote it, what it replies to, which brands it concerns."""

    id: str
    text: str
    created_at: datetime
    author_id: str
    lang: str | None = None
    in_reply_to: str | None = None
    brands: tuple[str, ...] = ()  # brand keys
    by_brand: bool = False
    classification: Classification | None = None
    response: Response | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """One record a loader read: a post with its author as the source described them."""

    id: str
    author: Account
    text: str
    created_at: datetime
    lang: str | None = None
    in_reply_to: str | None = None
    brand: str | None = None  # brand named by the record itself (a column, a field)
    mentions: tuple[str, ...] = ()  # @handles as written, without '@'
    author_is_brand: bool = False


@dataclass(frozen=True, slots=True)
class Follow:
    """``follower`` follows ``followee``; both are qualified account ids."""

    follower: str
    followee: str


@dataclass(frozen=True, slots=True)
class FollowBatch:
    """Many follow edges at once: follower files hold millions, and one object per edge is too slow.

    ``edges`` are (follower, followee) qualified ids; ``first_line`` is where the batch began."""

    edges: list[tuple[str, str]]
    file: str = ""
    first_line: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class StateChange:
    """A customer's state toward a brand changed because of a post."""

    customer_id: str
    brand: str
    from_type: CustomerType | None
    to_type: CustomerType
    at: datetime
    post_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerState:
    """A customer's current state toward one brand and since when."""

    customer_id: str
    brand: str
    type: CustomerType
    since: datetime
    post_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Metrics:
    """Precomputed per-account numbers that ranking queries read instead of recomputing."""

    account_id: str
    reach1: int = 0
    reach2: int = 0
    influence: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKey:
    """An API key as stored: only its hash, never the key itself."""

    id: str
    role: str
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Stats:
    """Counts for ``graphsvc stats``."""

    customers: int
    brands: int
    posts: int
    follows: int
    state_changes: int
    by_type: dict[str, int] = field(default_factory=dict)
    by_brand: dict[str, dict[str, int]] = field(default_factory=dict)
