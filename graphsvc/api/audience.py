"""Audience questions answered from the shared follower projection: the best advocate set, the
reach of a set of customers, and how much of their audiences customers share.

Everything is de-duplicated, which summed follower counts cannot be: two advocates with the same
followers reach no more than one of them. The work runs on a worker thread (it is CPU-bound), so
the event loop keeps serving and the request timeout still applies.
"""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from graphsvc import analytics
from graphsvc.analytics import best_advocate_set, set_reach
from graphsvc.api.context import Info
from graphsvc.api.fields import field
from graphsvc.api.ids import NodeKind, platform_id
from graphsvc.api.soon import Soon
from graphsvc.api.types import Customer, customer_by_id
from graphsvc.errors import BadUserInput, NotFound
from graphsvc.model import CustomerType

MAX_K = 100
MAX_OVERLAP = 64  # one bit per customer in the overlap kernel's mask
MAX_SET = 1_000


@strawberry.type(description="One advocate of a best advocate set, in the order greedy chose them.")
class AdvocatePick:
    account_id: strawberry.Private[str]
    gain: int = strawberry.field(
        description="Accounts this advocate adds that the ones picked before do not already reach."
    )
    total: int = strawberry.field(description="The set's de-duplicated reach once this advocate is added.")

    @field(description="The advocate.", graphql_type=Customer | None)
    def customer(self, info: Info) -> Soon[Customer | None]:
        return customer_by_id(info, self.account_id)


@strawberry.type(
    description="The k advocates whose combined, de-duplicated peer reach is largest (greedy maximum "
    "coverage: at least 63% of the best possible), and what each adds."
)
class AdvocateSet:
    reach: int = strawberry.field(description="Distinct accounts the whole set reaches.")
    picks: list[AdvocatePick] = strawberry.field(
        description="The chosen advocates, largest gain first; fewer than k when nobody else adds anyone."
    )


@strawberry.type(description="How much two customers' audiences overlap.")
class AudienceOverlap:
    a_id: strawberry.Private[str]
    b_id: strawberry.Private[str]
    reach_a: int = strawberry.field(description="The first customer's peer reach.")
    reach_b: int = strawberry.field(description="The second customer's peer reach.")
    shared: int = strawberry.field(description="Accounts in both audiences.")
    jaccard: float = strawberry.field(
        description="shared / (accounts in either audience): 0 = disjoint, 1 = the same audience "
        "(0 when both are empty)."
    )

    @field(description="The first customer of the pair (in the order given).", graphql_type=Customer | None)
    def a(self, info: Info) -> Soon[Customer | None]:
        return customer_by_id(info, self.a_id)

    @field(description="The second customer of the pair.", graphql_type=Customer | None)
    def b(self, info: Info) -> Soon[Customer | None]:
        return customer_by_id(info, self.b_id)


async def known_customers(info: Info, ids: Sequence[str], limit: int) -> list[str]:
    """The platform ids of ``ids`` (API or platform ids), without repeats; unknown ids are NOT_FOUND."""
    if not ids:
        raise BadUserInput("customers is empty; pass at least one customer id")
    raw = list(dict.fromkeys(platform_id(i, NodeKind.CUSTOMER) for i in ids))
    if len(raw) > limit:
        raise BadUserInput(f"{len(raw)} customers given; pass at most {limit}")
    found = await info.context.loaders.accounts.load_many(raw)
    missing = [r for r, account in zip(raw, found, strict=True) if account is None]
    if missing:
        raise NotFound(f"customer {missing[0]!r} is not known; check the id (e.g. twcs:115712)")
    return raw


async def advocate_set(info: Info, brand: str, k: int, hops: int) -> AdvocateSet:
    """Greedy max coverage over the brand's current advocates."""
    if not 1 <= k <= MAX_K:
        raise BadUserInput(f"k must be between 1 and {MAX_K}, got {k}")
    calls = info.context.calls
    candidates = await calls(calls.store.customer_ids_for_brand, brand, CustomerType.ADVOCATE)
    p = await info.context.services.graph.projection()
    chosen = await calls.blocking(lambda: best_advocate_set(p, candidates, k, hops))
    return AdvocateSet(
        reach=chosen.reach,
        picks=[AdvocatePick(account_id=c.account_id, gain=c.gain, total=c.total) for c in chosen.picks],
    )


async def audience_overlap(info: Info, ids: Sequence[str], hops: int) -> list[AudienceOverlap]:
    """Every pair of the given customers, in input order, with shared audience and Jaccard."""
    members = await known_customers(info, ids, MAX_OVERLAP)
    p = await info.context.services.graph.projection()
    pairs = await info.context.calls.blocking(lambda: analytics.audience_overlap(p, members, hops))
    return [
        AudienceOverlap(
            a_id=o.a, b_id=o.b, reach_a=o.reach_a, reach_b=o.reach_b, shared=o.shared, jaccard=o.jaccard
        )
        for o in pairs
    ]


async def reach_of_set(info: Info, ids: Sequence[str], hops: int) -> int:
    members = await known_customers(info, ids, MAX_SET)
    p = await info.context.services.graph.projection()
    return await info.context.calls.blocking(lambda: set_reach(p, members, hops))
