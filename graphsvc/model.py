"""The domain model: immutable, strict records shared by loaders, stores, analytics and the API.

Ids are platform-qualified strings: ``x:123``, ``mastodon:@ana@mastodon.social``, ``twcs:115712``.
A brand's key is its lower-cased primary handle (``applesupport``); the accounts a brand posts from
are ordinary accounts whose ``brand`` field names that key.

>>> Account(id="x:1", handle="ana").platform
'x'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import chain

import numpy as np
import numpy.typing as npt


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


def handle_in_id(account_id: str) -> str | None:
    """The handle an account id spells, if it spells one; None for a numeric platform id.

    twcs ids of brand accounts, Mastodon ids and ``--brand x:AcmeHelp`` are handles; X ids are
    numbers, which people never write, so they are no brand's name.

    >>> [handle_in_id(i) for i in ("twcs:AppleSupport", "mastodon:@acme@acme.example", "x:12345")]
    ['AppleSupport', 'acme@acme.example', None]
    """
    handle = account_id.partition(":")[2].lstrip("@").strip()
    return None if not handle or handle.isdigit() else handle


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

    @property
    def names(self) -> frozenset[str]:
        """Every name the brand is looked up by: its key, its aliases and the handles its account
        ids spell (``x:12345`` spells none), each as a :func:`brand_key`."""
        spelled = (handle_in_id(h) for h in self.handles)
        names = {self.key, *map(brand_key, self.aliases), *(brand_key(h) for h in spelled if h)}
        return frozenset(name for name in names if name)


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


class AccountIds:
    """The account ids of a stream of follow batches, numbered 0, 1, 2, ... in the order first seen.

    The batches of one file (or of one read of a store's edges) share one, so an id is turned into
    a string, and later into a store's account number, once per stream rather than once per edge.
    It only grows: a batch's codes stay valid.
    """

    __slots__ = ("__weakref__", "_known", "names")

    def __init__(self) -> None:
        self.names: list[str] = []
        self._known: dict[str, int] | None = {}

    @classmethod
    def named(cls, names: list[str]) -> AccountIds:
        """Ids already numbered by their place in ``names`` (distinct ones, e.g. a store's
        accounts); the table that finds an id's code is only made if one is looked up.

        >>> ids = AccountIds.named(["x:a", "x:b"])
        >>> ids.codes(["x:b", "x:c"]).tolist(), ids.names
        ([1, 2], ['x:a', 'x:b', 'x:c'])
        """
        ids = cls()
        ids.names, ids._known = names, None
        return ids

    def __len__(self) -> int:
        return len(self.names)

    @property
    def _codes(self) -> dict[str, int]:
        if self._known is None:
            self._known = {name: code for code, name in enumerate(self.names)}
        return self._known

    def codes(self, ids: Iterable[str]) -> npt.NDArray[np.int64]:
        """The code of each of ``ids``, numbering the ones not seen before."""
        codes, names = self._codes, self.names

        def code(name: str) -> int:
            found = codes.get(name)
            if found is None:
                found = codes[name] = len(names)
                names.append(name)
            return found

        return np.fromiter(map(code, ids), dtype=np.int64)

    def knows_any(self, ids: Iterable[str]) -> bool:
        return any(map(self._codes.__contains__, ids))

    def extend(self, new: Sequence[str]) -> None:
        """Number ``new`` (none known: see :meth:`knows_any`) in order without looking each up."""
        self._codes.update(zip(new, range(len(self.names), len(self.names) + len(new)), strict=True))
        self.names.extend(new)


@dataclass(frozen=True, slots=True, eq=False)
class FollowBatch:
    """Many follow edges at once, as columns: follower files hold millions, and an object (or even
    a tuple of two strings) per edge is too slow.

    Edge ``i`` is ``ids.names[src[i]]`` follows ``ids.names[dst[i]]`` (qualified ids);
    ``first_line`` is where the batch began in ``file``.
    """

    ids: AccountIds
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    file: str = ""
    first_line: int = 0

    @classmethod
    def of(
        cls,
        edges: Iterable[tuple[str, str]],
        file: str = "",
        first_line: int = 0,
        ids: AccountIds | None = None,
    ) -> FollowBatch:
        """A batch of (follower, followee) pairs, numbered in ``ids`` (a new one by default)."""
        ids = AccountIds() if ids is None else ids
        codes = ids.codes(chain.from_iterable(edges))
        return cls(ids, codes[0::2], codes[1::2], file, first_line)

    def __len__(self) -> int:
        return int(self.src.shape[0])

    @property
    def edges(self) -> list[tuple[str, str]]:
        """The (follower, followee) pairs: for tests and small batches, not for speed."""
        names = self.ids.names
        return [(names[s], names[d]) for s, d in zip(self.src.tolist(), self.dst.tolist(), strict=True)]


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

    def reach(self, hops: int) -> int:
        """The stored peer reach at ``hops`` (1 or 2)."""
        return self.reach1 if hops == 1 else self.reach2


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
