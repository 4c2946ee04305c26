"""Per-request DataLoaders, one per relation, so a query costs one store call per level, not per item.

Loaders are created lazily: a request that never touches posts never builds the post loader.
Paged relations (followers, following, interactions) have no batched store method, so their loaders
only de-duplicate identical requests; the cost limit bounds how many a query can make.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from strawberry.dataloader import DataLoader

from graphsvc.api.store_calls import StoreCalls
from graphsvc.model import Account, Brand, CustomerState, CustomerType, Metrics, Post
from graphsvc.stores.base import InteractionFilter, Page


@dataclass(frozen=True, slots=True)
class PageKey:
    """One page request of a per-item list: whose list, how many, after which store cursor."""

    owner: str
    first: int
    after: str | None
    brand: str | None = None
    type: CustomerType | None = None
    since: datetime | None = None
    until: datetime | None = None


class Loaders:
    """The DataLoaders of one request."""

    def __init__(self, calls: StoreCalls) -> None:
        self.calls = calls
        self.store = calls.store

    @cached_property
    def accounts(self) -> DataLoader[str, Account | None]:
        async def load(ids: list[str]) -> Sequence[Account | None]:
            found = await self.calls(self.store.get_accounts, ids)
            return [found.get(i) for i in ids]

        return DataLoader(load)

    @cached_property
    def brands(self) -> DataLoader[str, Brand | None]:
        async def load(keys: list[str]) -> Sequence[Brand | None]:
            found = await self.calls(self.store.get_brands, keys)
            return [found.get(k) for k in keys]

        return DataLoader(load)

    @cached_property
    def posts(self) -> DataLoader[str, Post | None]:
        async def load(ids: list[str]) -> Sequence[Post | None]:
            found = await self.calls(self.store.get_posts, ids)
            return [found.get(i) for i in ids]

        return DataLoader(load)

    @cached_property
    def replies(self) -> DataLoader[str, tuple[Post, ...]]:
        async def load(ids: list[str]) -> Sequence[tuple[Post, ...]]:
            found = await self.calls(self.store.replies_to, ids)
            return [found.get(i, ()) for i in ids]

        return DataLoader(load)

    @cached_property
    def states(self) -> DataLoader[str, tuple[CustomerState, ...]]:
        async def load(ids: list[str]) -> Sequence[tuple[CustomerState, ...]]:
            found = await self.calls(self.store.states_for, ids)
            return [found.get(i, ()) for i in ids]

        return DataLoader(load)

    @cached_property
    def metrics(self) -> DataLoader[str, Metrics | None]:
        async def load(ids: list[str]) -> Sequence[Metrics | None]:
            found = await self.calls(self.store.get_metrics, ids)
            return [found.get(i) for i in ids]

        return DataLoader(load)

    @cached_property
    def followers(self) -> DataLoader[PageKey, Page[Account]]:
        async def load(keys: list[PageKey]) -> Sequence[Page[Account]]:
            return [await self.calls(self.store.list_followers, k.owner, k.first, k.after) for k in keys]

        return DataLoader(load)

    @cached_property
    def following(self) -> DataLoader[PageKey, Page[Account]]:
        async def load(keys: list[PageKey]) -> Sequence[Page[Account]]:
            return [await self.calls(self.store.list_following, k.owner, k.first, k.after) for k in keys]

        return DataLoader(load)

    @cached_property
    def interactions(self) -> DataLoader[PageKey, Page[Post]]:
        async def load(keys: list[PageKey]) -> Sequence[Page[Post]]:
            pages = []
            for k in keys:
                flt = InteractionFilter(
                    customer_id=k.owner, brand=k.brand, type=k.type, since=k.since, until=k.until
                )
                pages.append(await self.calls(self.store.list_interactions, flt, k.first, k.after))
            return pages

        return DataLoader(load)
