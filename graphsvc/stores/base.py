"""The store Protocol every backend implements, and the small value types its methods take.

Backends: :mod:`graphsvc.stores.sqlite` (embedded default) and :mod:`graphsvc.stores.neo4j`.
One contract suite (``tests/test_store_contract.py``) holds both to the same behaviour.
No backend type (``sqlite3.Row``, ``neo4j.Record``) ever leaves a store: only :mod:`graphsvc.model`.

Paging is keyset paging: a :class:`Page` carries an opaque ``end_cursor`` to pass back as ``after``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, Protocol, TypeVar, runtime_checkable

from graphsvc.model import (
    Account,
    ApiKey,
    Brand,
    Classification,
    CustomerState,
    CustomerType,
    Follow,
    FollowBatch,
    Metrics,
    Post,
    StateChange,
    Stats,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list; pass ``end_cursor`` as ``after`` for the next one."""

    items: tuple[T, ...]
    end_cursor: str | None
    has_next: bool


@dataclass(frozen=True, slots=True)
class FeedMarks:
    """Where the store stands, read cheaply: a server polls it to notice what other processes
    wrote. ``follows`` is the number of follow edges (edges are only ever added); ``state_changes``
    the feed position of the newest recorded state change (0 when none); ``metrics`` moves on each
    :meth:`Store.put_metrics` (0 before the first)."""

    follows: int
    state_changes: int
    metrics: int = 0


class CustomerOrder(StrEnum):
    """How :meth:`Store.list_customers` sorts: by id, or by a stored metric, largest first."""

    ID = "ID"
    REACH1 = "REACH1"
    REACH2 = "REACH2"
    INFLUENCE = "INFLUENCE"


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerFilter:
    """Which customers to list. ``brand`` keeps those who interacted with it;
    ``state`` (needs ``brand``) keeps those whose current state toward it is that type."""

    brand: str | None = None
    state: CustomerType | None = None
    handle_prefix: str | None = None
    order: CustomerOrder = CustomerOrder.ID


class InteractionOrder(StrEnum):
    NEWEST = "NEWEST"  # created_at descending
    DUE = "DUE"  # response due time ascending (most overdue first); unclassified last


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractionFilter:
    """Which interactions (customer-authored posts concerning a brand) to list."""

    customer_id: str | None = None
    brand: str | None = None
    type: CustomerType | None = None
    since: datetime | None = None
    until: datetime | None = None
    answered: bool | None = None
    needs_response: bool | None = None
    order: InteractionOrder = InteractionOrder.NEWEST


@dataclass(frozen=True, slots=True, kw_only=True)
class StateChangeFilter:
    """Which state changes to list (always newest first)."""

    brand: str | None = None
    customer_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    from_type: CustomerType | None = None
    to_type: CustomerType | None = None


@runtime_checkable
class Store(Protocol):
    """A graph store. Every write is an idempotent upsert keyed by platform ids."""

    url: str

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None: ...

    def batch(self) -> AbstractContextManager[None]:
        """Group the writes made inside into one atomic unit where the backend can
        (SQLite: one transaction; Neo4j: each write is its own transaction)."""

    def ping(self) -> None:
        """Raise :class:`~graphsvc.errors.StoreUnavailable` when the store cannot answer."""

    def migrate(self) -> int:
        """Bring the store's schema up to date (idempotent); returns the version found before."""

    # -- writes ----------------------------------------------------------------------------------
    def upsert_brands(self, brands: Iterable[Brand]) -> int:
        """Create or update brands; their handles become brand accounts."""

    def upsert_accounts(self, accounts: Iterable[Account]) -> int:
        """Create or update accounts. Known fields are never overwritten by ``None``."""

    def upsert_posts(self, posts: Iterable[Post]) -> int:
        """Create or update posts with their brand links.

        A reply whose parent is absent keeps its link pending; when the parent arrives (in this
        batch or a later one) the link resolves: a reply to a brand's post concerns that brand,
        and a brand's reply to a customer's post records the response and its delay.
        Classifications carried on posts are ignored here: use :meth:`record_classifications`.
        """

    def upsert_follows(self, follows: Iterable[Follow | tuple[str, str]]) -> int:
        """Add follow edges (endpoints become accounts if unknown); returns edges new to the store."""

    def upsert_follow_batches(self, batches: Sequence[FollowBatch]) -> int:
        """:meth:`upsert_follows` for the loaders' columnar batches, written together; the batches of one file share their :class:`~graphsvc.model.AccountIds`, so a backend can
        resolve each id once per file. Returns edges new to the store."""

    def record_classifications(self, labels: Iterable[tuple[str, Classification]]) -> tuple[StateChange, ...]:
        """Set the classification of posts by id and re-derive the state of every affected
        (customer, brand) pair; returns only the state changes that did not exist before."""

    def mark_responded(self, post_id: str, at: datetime) -> Post | None:
        """Record that the brand answered ``post_id`` at ``at`` (earliest answer wins)."""

    def put_metrics(self, metrics: Iterable[Metrics]) -> int: ...

    # -- reads -----------------------------------------------------------------------------------
    def get_accounts(self, ids: Sequence[str]) -> dict[str, Account]: ...

    def get_brands(self, keys: Sequence[str]) -> dict[str, Brand]:
        """Brands by key; a key may also be a handle (``@AppleSupport``) or an alias."""

    def list_brands(self) -> tuple[Brand, ...]: ...

    def get_posts(self, ids: Sequence[str]) -> dict[str, Post]: ...

    def replies_to(self, post_ids: Sequence[str]) -> dict[str, tuple[Post, ...]]:
        """Direct replies to each post, oldest first."""

    def list_customers(self, flt: CustomerFilter, first: int, after: str | None = None) -> Page[Account]: ...

    def list_interactions(
        self, flt: InteractionFilter, first: int, after: str | None = None
    ) -> Page[Post]: ...

    def list_interactions_many(
        self, customer_ids: Sequence[str], flt: InteractionFilter, first: int, after: str | None = None
    ) -> dict[str, Page[Post]]:
        """One page of interactions per customer, in one call (``flt.customer_id`` is ignored)."""

    def list_followers(self, account_id: str, first: int, after: str | None = None) -> Page[Account]:
        """The accounts following ``account_id``, paged in the backend's own stable order (SQLite:
        the order the store first saw each account, so a page costs the same for a hub; Neo4j: id)."""

    def list_followers_many(
        self, account_ids: Sequence[str], first: int, after: str | None = None
    ) -> dict[str, Page[Account]]:
        """The first page of followers of each account, in one call (for DataLoaders)."""

    def list_following_many(
        self, account_ids: Sequence[str], first: int, after: str | None = None
    ) -> dict[str, Page[Account]]: ...

    def list_following(self, account_id: str, first: int, after: str | None = None) -> Page[Account]: ...

    def list_state_changes(
        self, flt: StateChangeFilter, first: int, after: str | None = None
    ) -> Page[StateChange]: ...

    def states_for(self, customer_ids: Sequence[str]) -> dict[str, tuple[CustomerState, ...]]:
        """Current state of each customer toward every brand they have a state for."""

    def customer_ids_for_brand(self, brand: str, state: CustomerType | None = None) -> tuple[str, ...]:
        """Every customer who interacted with ``brand`` (optionally: whose state is ``state``)."""

    def iter_follows(self, batch_size: int = 100_000) -> Iterator[list[tuple[str, str]]]:
        """Every follow edge as (follower, followee), in batches, for building projections."""

    def iter_follow_codes(self, batch_size: int = 1_000_000) -> Iterator[FollowBatch]:
        """Every follow edge as integer arrays in batches of about ``batch_size``, all sharing one
        :class:`~graphsvc.model.AccountIds` (which may also name accounts without an edge): what
        projections are built from without one str per endpoint."""

    def get_metrics(self, ids: Sequence[str]) -> dict[str, Metrics]: ...

    def iter_metrics(self, batch_size: int = 10_000) -> Iterator[list[Metrics]]:
        """Every account's stored metrics, in batches of up to ``batch_size``, by account id."""

    def stats(self) -> Stats: ...

    # -- change feed -----------------------------------------------------------------------------
    def feed_marks(self) -> FeedMarks:
        """The follow edge count and the newest state change's feed position, in one cheap read."""

    def state_changes_after(self, seq: int, first: int) -> list[tuple[int, StateChange]]:
        """State changes recorded at feed positions after ``seq``, oldest first, at most ``first``,
        each with its position. Every change :meth:`record_classifications` returns gets the next
        position when its transaction commits, whichever process wrote it; a change re-derived
        differently gets a new one."""

    # -- load progress ---------------------------------------------------------------------------
    def get_checkpoint(self, source: str) -> int:
        """Records of ``source`` already committed (0 when never loaded)."""

    def set_checkpoint(self, source: str, done: int) -> None: ...

    # -- API keys --------------------------------------------------------------------------------
    def put_api_key(self, key: ApiKey) -> None: ...

    def find_api_key(self, key_hash: str) -> ApiKey | None: ...

    def list_api_keys(self) -> tuple[ApiKey, ...]: ...

    def revoke_api_key(self, key_id: str, at: datetime) -> bool: ...
