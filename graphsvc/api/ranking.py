"""Ranked lists: top advocates by stored peer reach, and the triage queue (see :mod:`graphsvc.api.triage`)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graphsvc.api.context import Info
from graphsvc.api.enums import CustomerType
from graphsvc.api.fields import field
from graphsvc.api.triage import rank
from graphsvc.api.types import Customer, Post
from graphsvc.model import CustomerType as DomainType
from graphsvc.model import Post as DomainPost
from graphsvc.stores.base import CustomerFilter, CustomerOrder, InteractionFilter, InteractionOrder

# Triage ranks every waiting interaction of a brand; beyond this many it ranks the most overdue.
TRIAGE_SCAN_MAX = 10_000
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

    @field(description="The author.")
    async def customer(self, info: Info) -> Customer | None:
        found = await info.context.loaders.accounts.load(self.post.post.author_id)
        return Customer.of(found) if found else None


async def top_advocates(info: Info, brand: str, hops: int, limit: int) -> list[Advocate]:
    """The first ``limit`` advocates of ``brand`` by stored reach (one list call, one metrics call)."""
    calls = info.context.calls
    order = CustomerOrder.REACH2 if hops == 2 else CustomerOrder.REACH1
    page = await calls(
        calls.store.list_customers, CustomerFilter(brand=brand, state=DomainType.ADVOCATE, order=order), limit
    )
    metrics = await info.context.loaders.metrics.load_many([a.id for a in page.items])
    return [
        Advocate(
            customer=Customer.of(account),
            reach=(m.reach2 if hops == 2 else m.reach1) if m else 0,
            rank=i + 1,
        )
        for i, (account, m) in enumerate(zip(page.items, metrics, strict=True))
    ]


async def triage_items(info: Info, brand: str, now: datetime) -> list[TriageItem]:
    calls = info.context.calls
    flt = InteractionFilter(brand=brand, answered=False, needs_response=True, order=InteractionOrder.DUE)
    waiting: list[DomainPost] = []
    after: str | None = None
    while len(waiting) < TRIAGE_SCAN_MAX:
        page = await calls(calls.store.list_interactions, flt, _SCAN_PAGE, after)
        waiting += page.items
        if not page.has_next:
            break
        after = page.end_cursor
    authors = sorted({p.author_id for p in waiting})
    metrics = await info.context.loaders.metrics.load_many(authors)
    reach = {a: m.reach2 for a, m in zip(authors, metrics, strict=True) if m is not None}
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


__all__ = ["Advocate", "TriageItem", "top_advocates", "triage_items"]
