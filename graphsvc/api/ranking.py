"""Ranked lists: top advocates by stored peer reach, the triage queue (see :mod:`graphsvc.api.triage`)
and state-change alerts by reach-aware priority (:func:`graphsvc.analytics.alert_priority`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import strawberry

from graphsvc.analytics import alert_priority
from graphsvc.api.cache import MISSING
from graphsvc.api.context import Info
from graphsvc.api.enums import CustomerType
from graphsvc.api.fields import field
from graphsvc.api.soon import Soon
from graphsvc.api.triage import rank
from graphsvc.api.types import Customer, Post, StateChange, customer_by_id, reaches_of
from graphsvc.model import Account
from graphsvc.model import CustomerType as DomainType
from graphsvc.stores.base import (
    CustomerFilter,
    CustomerOrder,
    InteractionFilter,
    InteractionOrder,
    Page,
    StateChangeFilter,
)

T = TypeVar("T")
F = TypeVar("F")

# Triage ranks every waiting interaction of a brand; beyond this many it ranks the most overdue.
TRIAGE_SCAN_MAX = 10_000
# Alerts rank the newest state changes that match; beyond this many the older ones are left out.
ALERT_SCAN_MAX = 10_000
_SCAN_PAGE = 1_000


@strawberry.type(description="An advocate of a brand with their peer reach and rank.")
class Advocate:
    customer: Customer = strawberry.field(description="The advocate.")
    reach: int = strawberry.field(description="Their de-duplicated peer reach at the hops asked for.")
    rank: int = strawberry.field(description="1 for the widest reach; ties are broken by id.")


@strawberry.type(description="An unanswered interaction that needs a response, with how urgent it is.")
class TriageItem:
    post: Post = strawberry.field(description="The interaction.")
    type: CustomerType = strawberry.field(description="Its classified type.")
    due_at: datetime = strawberry.field(description="When the answer is due: post time plus the type's SLA.")
    overdue: bool = strawberry.field(description="True when the due time has passed.")
    waiting: float = strawberry.field(description="Seconds since the post.")
    reach: int = strawberry.field(
        description="The author's 2-hop peer reach used in the ranking (0 if unknown)."
    )
    urgency: float = strawberry.field(description="The urgency score; higher is more urgent.")
    rank: int = strawberry.field(description="1 for the most urgent.")

    @field(description="The author.", graphql_type=Customer | None)
    def customer(self, info: Info) -> Soon[Customer | None]:
        return customer_by_id(info, self.post.post.author_id)


async def scan(info: Info, method: Callable[[F, int, str | None], Page[T]], flt: F, limit: int) -> list[T]:
    """Up to ``limit`` items of a store list, read page by page, in the store's order."""
    calls = info.context.calls
    found: list[T] = []
    after: str | None = None
    while len(found) < limit:
        page = await calls(method, flt, _SCAN_PAGE, after)
        found += page.items
        if not page.has_next:
            break
        after = page.end_cursor
    return found[:limit]


async def top_advocates(info: Info, brand: str, hops: int, limit: int) -> list[Advocate]:
    """The first ``limit`` advocates of ``brand`` by stored reach (one list call, one metrics call;
    none while the app's read cache holds the answer)."""
    cache = info.context.services.cache
    key = ("topAdvocates", brand, hops, limit)
    cached = cache.get(key)
    if cached is MISSING:
        calls = info.context.calls
        order = CustomerOrder.REACH2 if hops == 2 else CustomerOrder.REACH1
        flt = CustomerFilter(brand=brand, state=DomainType.ADVOCATE, order=order)
        page = await calls(calls.store.list_customers, flt, limit)
        metrics = await info.context.loaders.metrics.load_many([a.id for a in page.items])
        cached = (page.items, metrics)
        cache.put(key, cached)
    else:
        info.context.loaders.metrics.prime_many({a.id: m for a, m in zip(*cached, strict=True) if m})
    accounts: tuple[Account, ...] = cached[0]
    metrics = cached[1]
    return [
        Advocate(
            customer=Customer.of(account),
            reach=m.reach(hops) if m else 0,  # hops is 1 or 2 (checked by the query)
            rank=i + 1,
        )
        for i, (account, m) in enumerate(zip(accounts, metrics, strict=True))
    ]


async def triage_items(info: Info, brand: str, now: datetime) -> list[TriageItem]:
    calls = info.context.calls
    flt = InteractionFilter(brand=brand, answered=False, needs_response=True, order=InteractionOrder.DUE)
    waiting = await scan(info, calls.store.list_interactions, flt, TRIAGE_SCAN_MAX)
    authors = sorted({p.author_id for p in waiting})
    reach = dict(zip(authors, await reaches_of(info, authors, 2), strict=True))
    return [
        TriageItem(
            post=Post.of(e.post),
            type=CustomerType.of(e.type),
            due_at=e.due_at,
            overdue=e.overdue(now),
            waiting=e.waiting,
            reach=e.reach,
            urgency=e.urgency,
            rank=i + 1,
        )
        for i, e in enumerate(rank(waiting, reach, now))
    ]


async def alerts(info: Info, brand: str | None, since: datetime | None) -> list[StateChange]:
    """State changes (newest first, up to :data:`ALERT_SCAN_MAX`) ranked by alert priority, highest
    first; ties go to the newer change, then the customer id."""
    calls = info.context.calls
    flt = StateChangeFilter(brand=brand, since=since)
    changes = await scan(info, calls.store.list_state_changes, flt, ALERT_SCAN_MAX)
    customers = list(dict.fromkeys(c.customer_id for c in changes))
    reach = dict(zip(customers, await reaches_of(info, customers, 2), strict=True))
    ranked = sorted(
        changes,
        key=lambda c: (
            -alert_priority(c.from_type, c.to_type, reach[c.customer_id]),
            -c.at.timestamp(),
            c.customer_id,
        ),
    )
    return [StateChange.of(c) for c in ranked]


__all__ = ["Advocate", "TriageItem", "alerts", "top_advocates", "triage_items"]
