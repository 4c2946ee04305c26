"""Per-request loaders (:class:`~graphsvc.api.batches.Loader`), one per relation, so a query costs one store call per level, not per item.

Loaders are created lazily: a request that never touches posts never builds the post loader.
Paged relations (followers, following, interactions) use the store's ``*_many`` methods: one call
per page size, cursor and filter, which for a list of N customers is one call per relation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from graphsvc.analytics import Projection, engaged_mask, engaged_reach_many, peer_reach
from graphsvc.api.batches import Fetch, Loader, Mapped
from graphsvc.api.cache import MISSING, ReadCache
from graphsvc.api.graph import FollowerGraph
from graphsvc.api.store_calls import StoreCalls
from graphsvc.model import Account, Brand, CustomerState, CustomerType, Metrics, Post
from graphsvc.stores.base import InteractionFilter, Page

K = TypeVar("K")
G = TypeVar("G")
V = TypeVar("V")


class per_request(Generic[V]):  # a decorator, like functools.cached_property
    """``functools.cached_property`` without its lock (Python 3.11 takes one on every first read,
    and a request builds each loader it uses once, on one thread)."""

    def __init__(self, make: Callable[[Any], V]) -> None:
        self.make = make
        self.name = make.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> V:
        value = instance.__dict__[self.name] = self.make(instance)  # read from there from now on
        return value


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


@dataclass(frozen=True, slots=True)
class EngagedKey:
    """Engaged reach of one account toward one brand (a brand key) at 1 or 2 hops."""

    account_id: str
    brand: str
    hops: int


class Loaders:
    """The loaders of one request."""

    def __init__(self, calls: StoreCalls, graph: FollowerGraph, cache: ReadCache) -> None:
        self.calls = calls
        self.store = calls.store
        self.graph = graph
        self.cache = cache

    def brand(self, name: str) -> Mapped[Brand | None]:
        """The brand a key, handle or alias names; settled at once when the app's read cache has it."""
        return self.brands_knowing(name).load(name)

    def brands_knowing(self, *names: str) -> Loader[str, Brand | None]:
        """The brand loader, primed with ``names`` from the app's read cache where it has them."""
        brands = self.brands
        for name in names:
            if name not in brands:
                cached = self.cache.get(("brand", name))
                if cached is not MISSING:
                    brands.prime(name, cached)
        return brands

    def _loader(self, fetch: Fetch[K, V]) -> Loader[K, V]:
        return Loader(fetch, inline=self.calls.inline)

    # The fetches close over what they use, never over ``self``: a loader held by its Loaders and
    # holding it back would be a reference cycle, and everything a request loaded would wait for
    # the cycle collector instead of being freed when the request ends.

    @per_request
    def accounts(self) -> Loader[str, Account | None]:
        return self._loader(_keyed(self.calls, self.store.get_accounts, None))

    @per_request
    def brands(self) -> Loader[str, Brand | None]:
        calls, store, cache = self.calls, self.store, self.cache

        async def load(keys: list[str]) -> Sequence[Brand | None]:
            found = await calls(store.get_brands, keys)
            for key in keys:
                cache.put(("brand", key), found.get(key))
            return [found.get(k) for k in keys]

        return self._loader(load)

    @per_request
    def posts(self) -> Loader[str, Post | None]:
        return self._loader(_keyed(self.calls, self.store.get_posts, None))

    @per_request
    def replies(self) -> Loader[str, tuple[Post, ...]]:
        return self._loader(_keyed(self.calls, self.store.replies_to, ()))

    @per_request
    def states(self) -> Loader[str, tuple[CustomerState, ...]]:
        return self._loader(_keyed(self.calls, self.store.states_for, ()))

    @per_request
    def metrics(self) -> Loader[str, Metrics | None]:
        """Stored metrics: from the app's table in memory while it is current, else the store."""
        stored, from_store = self.graph.stored, _keyed(self.calls, self.store.get_metrics, None)

        async def load(ids: list[str]) -> Sequence[Metrics | None]:
            table = stored.table
            if table is None:
                return await from_store(ids)
            return [table.get(i) for i in ids]

        return self._loader(load)

    @per_request
    def reach(self) -> Loader[tuple[str, int], int]:
        """Peer reach by (account, hops): the stored number, else computed from the projection."""
        metrics, graph = self.metrics, self.graph

        async def load(keys: list[tuple[str, int]]) -> Sequence[int]:
            stored = await metrics.load_many_now([account for account, _ in keys])
            p = await graph.projection() if None in stored else None
            return [_reach(m, hops, p, account) for (account, hops), m in zip(keys, stored, strict=True)]

        return self._loader(load)

    @per_request
    def followers(self) -> Loader[PageKey, Page[Account]]:
        return self._loader(_paged(self.calls, self.store.list_followers_many))

    @per_request
    def following(self) -> Loader[PageKey, Page[Account]]:
        return self._loader(_paged(self.calls, self.store.list_following_many))

    @per_request
    def interactions(self) -> Loader[PageKey, Page[Post]]:
        """Pages of interactions; their posts are known to the post loader from then on (a
        customer's state rests on a post that is mostly one of their latest interactions)."""
        calls, store, posts = self.calls, self.store, self.posts

        async def load(keys: list[PageKey]) -> Sequence[Page[Post]]:
            found: dict[PageKey, Page[Post]] = {}
            for (first, after, brand, kind, since, until), group in _grouped(
                keys, lambda k: (k.first, k.after, k.brand, k.type, k.since, k.until)
            ).items():
                flt = InteractionFilter(brand=brand, type=kind, since=since, until=until)
                pages = await calls(store.list_interactions_many, [k.owner for k in group], flt, first, after)
                found.update((k, pages[k.owner]) for k in group)
            for page in found.values():
                for post in page.items:
                    posts.prime(post.id, post)
            return [found[k] for k in keys]

        return self._loader(load)

    @per_request
    def engaged(self) -> Loader[EngagedKey, int]:
        """Engaged reach: one ``customer_ids_for_brand`` call and one mask per brand per request."""
        calls, store, graph = self.calls, self.store, self.graph

        async def load(keys: list[EngagedKey]) -> Sequence[int]:
            p = await graph.projection()
            found: dict[EngagedKey, int] = {}
            for (brand, hops), group in _grouped(keys, lambda k: (k.brand, k.hops)).items():
                engaged = await calls(store.customer_ids_for_brand, brand)
                counts = engaged_reach_many(p, [k.account_id for k in group], engaged_mask(p, engaged), hops)
                found.update(zip(group, counts, strict=True))
            return [found[k] for k in keys]

        return self._loader(load)


def _keyed(
    calls: StoreCalls, method: Callable[[list[str]], Mapping[str, V]], missing: V
) -> Callable[[list[str]], Awaitable[Sequence[V]]]:
    """A fetch through a store method that answers a dict by id: values in the order of the ids,
    ``missing`` for ids the store does not know."""

    async def load(ids: list[str]) -> Sequence[V]:
        found = await calls(method, ids)
        return [found.get(i, missing) for i in ids]

    return load


def _paged(
    calls: StoreCalls, many: Callable[[list[str], int, str | None], dict[str, Page[Account]]]
) -> Callable[[list[PageKey]], Awaitable[Sequence[Page[Account]]]]:
    """A fetch of follower or following pages: one store call per page size and cursor."""

    async def load(keys: list[PageKey]) -> Sequence[Page[Account]]:
        found: dict[PageKey, Page[Account]] = {}
        for (first, after), group in _grouped(keys, lambda k: (k.first, k.after)).items():
            pages = await calls(many, [k.owner for k in group], first, after)
            found.update((k, pages[k.owner]) for k in group)
        return [found[k] for k in keys]

    return load


def _reach(stored: Metrics | None, hops: int, p: Projection | None, account: str) -> int:
    if stored is not None:
        return stored.reach(hops)
    assert p is not None  # loaded whenever a number is missing
    return peer_reach(p, account, hops)


def _grouped(keys: Iterable[K], by: Callable[[K], G]) -> dict[G, list[K]]:
    """Keys grouped by what one batched store call must share (page size, cursor, filter)."""
    groups: dict[G, list[K]] = {}
    for key in keys:
        groups.setdefault(by(key), []).append(key)
    return groups
