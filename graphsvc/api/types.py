"""The API's object types. Each wraps a domain record (kept private) and resolves relations
through the request's DataLoaders, so a list of N items costs one store call per relation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

import strawberry

from graphsvc.analytics import alert_priority, peer_reach
from graphsvc.api.connections import (
    AFTER_HELP,
    FIRST_HELP,
    Connection,
    connection,
    fetch_page,
    page_size,
    slice_connection,
)
from graphsvc.api.context import Info
from graphsvc.api.enums import CustomerOrder, CustomerType
from graphsvc.api.fields import field
from graphsvc.api.ids import NodeKind, node_id
from graphsvc.api.loaders import EngagedKey, PageKey
from graphsvc.api.permissions import SENSITIVE
from graphsvc.errors import BadUserInput, NotFound
from graphsvc.model import Account, Metrics
from graphsvc.model import Brand as DomainBrand
from graphsvc.model import Classification as DomainClassification
from graphsvc.model import CustomerState as DomainState
from graphsvc.model import Post as DomainPost
from graphsvc.model import Response as DomainResponse
from graphsvc.model import StateChange as DomainChange
from graphsvc.stores.base import CustomerFilter, Page


@strawberry.interface(
    description="An object with an id that is unique across kinds: `customer:<platform id>`, "
    "`post:<platform id>` or `brand:<brand key>`. `node(id:)` fetches any of them."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="The object's API id: its kind, a colon, its platform id or key."
    )


BrandName = Annotated[str, strawberry.argument(description="A brand key, handle or alias.")]


async def customer_by_id(info: Info, account_id: str) -> Customer | None:
    found = await info.context.loaders.accounts.load(account_id)
    return Customer.of(found) if found else None


async def post_by_id(info: Info, post_id: str) -> Post | None:
    found = await info.context.loaders.posts.load(post_id)
    return Post.of(found) if found else None


async def brand_by_key(info: Info, key: str) -> Brand | None:
    found = await info.context.loaders.brands.load(key)
    return Brand.of(found) if found else None


def check_hops(hops: int) -> int:
    if hops not in (1, 2):
        raise BadUserInput(f"hops must be 1 or 2, got {hops}")
    return hops


async def reach_of(info: Info, account_id: str, hops: int) -> int:
    """Peer reach: the stored number first; computed from the shared projection when it is missing
    or stale (new follow edges were written since the stored numbers were)."""
    return (await reaches_of(info, [account_id], hops))[0]


async def reaches_of(info: Info, account_ids: Sequence[str], hops: int) -> list[int]:
    """:func:`reach_of` for several accounts with one metrics load."""
    graph = info.context.services.graph
    stored: Sequence[Metrics | None] = [None] * len(account_ids)
    if not graph.metrics_stale:
        stored = await info.context.loaders.metrics.load_many(list(account_ids))
    if all(m is not None for m in stored):
        return [(m.reach1 if hops == 1 else m.reach2) if m else 0 for m in stored]
    p = await graph.projection()
    return [
        (m.reach1 if hops == 1 else m.reach2) if m else peer_reach(p, a, hops)
        for a, m in zip(account_ids, stored, strict=True)
    ]


async def brand_key_of(info: Info, name: str) -> str:
    """The key of the brand a key, handle or alias names; unknown names are NOT_FOUND."""
    brand = await info.context.loaders.brands.load(name)
    if brand is None:
        raise NotFound(f"brand {name!r} is not known; the `brands` query lists them")
    return brand.key


@strawberry.type(
    description="An account on a platform: a social customer, or one of the accounts a brand posts from "
    "(then `brand` is set)."
)
class Customer(Node):
    account: strawberry.Private[Account]

    @staticmethod
    def of(account: Account) -> Customer:
        return Customer(id=strawberry.ID(node_id(NodeKind.CUSTOMER, account.id)), account=account)

    @field(description="The platform-qualified id users know, e.g. `twcs:115712`.")
    def platform_id(self) -> str:
        return self.account.id

    @field(description="The platform the account is on, e.g. `twcs`, `x`, `mastodon`.")
    def platform(self) -> str:
        return self.account.platform

    @field(description="The account's handle (roles analyst, admin).", permission_classes=SENSITIVE)
    def handle(self) -> str | None:
        return self.account.handle

    @field(description="The display name (roles analyst, admin).", permission_classes=SENSITIVE)
    def name(self) -> str | None:
        return self.account.name

    @field(description="The follower count the platform reported, when known.")
    def follower_count(self) -> int | None:
        return self.account.followers

    @field(description="The brand this account belongs to; null for customers.")
    async def brand(self, info: Info) -> Brand | None:
        if self.account.brand is None:
            return None
        return await brand_by_key(info, self.account.brand)

    @field(
        description="Distinct accounts that can hear this customer through follower links (without "
        "themself): hops 1 = followers, hops 2 adds followers of followers. The stored number, or "
        "computed from the follower graph when none is stored yet or new follows made it stale."
    )
    async def peer_reach(
        self,
        info: Info,
        hops: Annotated[int, strawberry.argument(description="1 or 2.")] = 2,
    ) -> int:
        return await reach_of(info, self.account.id, check_hops(hops))

    @field(
        description="The stored influence score (PageRank on the follower graph: an account followed "
        "by well-followed accounts ranks higher; all scores sum to 1); null until computed."
    )
    async def influence(self, info: Info) -> float | None:
        metrics = await info.context.loaders.metrics.load(self.account.id)
        return metrics.influence if metrics else None

    @field(
        description="Of this customer's audience (peer reach at `hops`), how many accounts have "
        "themselves interacted with the brand: the part of the audience that already knows it."
    )
    async def engaged_reach(
        self,
        info: Info,
        brand: BrandName,
        hops: Annotated[int, strawberry.argument(description="1 or 2.")] = 1,
    ) -> int:
        key = await brand_key_of(info, brand)
        return await info.context.loaders.engaged.load(EngagedKey(self.account.id, key, check_hops(hops)))

    @field(description="The customer's current state toward one brand; null when they have none.")
    async def state_for(
        self,
        info: Info,
        brand: BrandName,
    ) -> CustomerState | None:
        key = await brand_key_of(info, brand)
        states = await info.context.loaders.states.load(self.account.id)
        return next((CustomerState(record=s) for s in states if s.brand == key), None)

    @field(description="The customer's current state toward every brand they have one for.")
    async def states(self, info: Info) -> list[CustomerState]:
        return [CustomerState(record=s) for s in await info.context.loaders.states.load(self.account.id)]

    @field(description="The customer's interactions (posts concerning brands), newest first.")
    async def interactions(
        self,
        info: Info,
        brand: Annotated[
            str | None, strawberry.argument(description="Only those concerning this brand.")
        ] = None,
        type: Annotated[
            CustomerType | None, strawberry.argument(description="Only those of this type.")
        ] = None,
        since: Annotated[
            datetime | None, strawberry.argument(description="Only those at or after this time.")
        ] = None,
        until: Annotated[
            datetime | None, strawberry.argument(description="Only those before this time.")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Connection[Post]:
        size = page_size(first, info.context.settings)
        key = await brand_key_of(info, brand) if brand else None
        domain_type = type.domain() if type else None

        async def fetch(n: int, cursor: str | None) -> Page[DomainPost]:
            k = PageKey(self.account.id, n, cursor, brand=key, type=domain_type, since=since, until=until)
            return await info.context.loaders.interactions.load(k)

        items, cursors, more = await fetch_page(fetch, size, after)
        return connection([Post.of(p) for p in items], cursors, more, after)

    @field(description="Accounts that follow this one, by id.")
    async def followers(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Connection[Customer]:
        size = page_size(first, info.context.settings)

        async def fetch(n: int, cursor: str | None) -> Page[Account]:
            return await info.context.loaders.followers.load(PageKey(self.account.id, n, cursor))

        items, cursors, more = await fetch_page(fetch, size, after)
        return connection([Customer.of(a) for a in items], cursors, more, after)

    @field(description="Accounts (customers and brands) this one follows, by id.")
    async def following(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Connection[Customer]:
        size = page_size(first, info.context.settings)

        async def fetch(n: int, cursor: str | None) -> Page[Account]:
            return await info.context.loaders.following.load(PageKey(self.account.id, n, cursor))

        items, cursors, more = await fetch_page(fetch, size, after)
        return connection([Customer.of(a) for a in items], cursors, more, after)


@strawberry.type(description="A brand: the accounts it posts from, and the customers who talk about it.")
class Brand(Node):
    brand: strawberry.Private[DomainBrand]

    @staticmethod
    def of(brand: DomainBrand) -> Brand:
        return Brand(id=strawberry.ID(node_id(NodeKind.BRAND, brand.key)), brand=brand)

    @field(description="The brand's key: its lower-cased primary handle, e.g. `applesupport`.")
    def key(self) -> str:
        return self.brand.key

    @field(description="The brand's display name.")
    def name(self) -> str:
        return self.brand.name

    @field(description="The platform-qualified ids of the accounts the brand posts from.")
    def handles(self) -> list[str]:
        return list(self.brand.handles)

    @field(description="Other names people use for the brand.")
    def aliases(self) -> list[str]:
        return list(self.brand.aliases)

    @field(description="Customers who interacted with the brand (optionally: in one state).")
    async def customers(
        self,
        info: Info,
        state: Annotated[
            CustomerType | None, strawberry.argument(description="Only customers in this state.")
        ] = None,
        order: Annotated[CustomerOrder, strawberry.argument(description="Sort order.")] = CustomerOrder.ID,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Connection[Customer]:
        size = page_size(first, info.context.settings)
        flt = CustomerFilter(
            brand=self.brand.key, state=state.domain() if state else None, order=order.domain()
        )
        calls = info.context.calls

        async def fetch(n: int, cursor: str | None) -> Page[Account]:
            return await calls(calls.store.list_customers, flt, n, cursor)

        items, cursors, more = await fetch_page(fetch, size, after)
        return connection([Customer.of(a) for a in items], cursors, more, after)


@strawberry.type(description="The first answer the brand gave to a post, and how long the author waited.")
class Response:
    response: strawberry.Private[DomainResponse]

    @field(description="When the brand answered.")
    def at(self) -> datetime:
        return self.response.at

    @field(description="Seconds between the post and the brand's first answer.")
    def delay(self) -> float:
        return self.response.delay.total_seconds()

    @field(description="The brand's reply; null when the post was marked responded by hand.")
    async def post(self, info: Info) -> Post | None:
        if self.response.post_id is None:
            return None
        return await post_by_id(info, self.response.post_id)


@strawberry.type(description="A post: an interaction of a customer with brands, or a brand's own reply.")
class Post(Node):
    post: strawberry.Private[DomainPost]

    @staticmethod
    def of(post: DomainPost) -> Post:
        return Post(id=strawberry.ID(node_id(NodeKind.POST, post.id)), post=post)

    @property
    def _label(self) -> DomainClassification | None:
        return self.post.classification

    @field(description="The platform-qualified id users know, e.g. `twcs:119237`.")
    def platform_id(self) -> str:
        return self.post.id

    @field(description="The post's text (roles analyst, admin).", permission_classes=SENSITIVE)
    def text(self) -> str | None:
        return self.post.text

    @field(description="The language the source gave, or the classifier detected.")
    def lang(self) -> str | None:
        return self.post.lang or (self._label.lang if self._label else None) or None

    @field(description="When the post was written.")
    def created_at(self) -> datetime:
        return self.post.created_at

    @field(description="True when a brand's account wrote the post.")
    def by_brand(self) -> bool:
        return self.post.by_brand

    @field(description="Who wrote the post.")
    async def author(self, info: Info) -> Customer | None:
        return await customer_by_id(info, self.post.author_id)

    @field(description="The brands the post concerns.")
    async def brands(self, info: Info) -> list[Brand]:
        found = await info.context.loaders.brands.load_many(list(self.post.brands))
        return [Brand.of(b) for b in found if b is not None]

    @field(description="The post this one replies to, when it is known.")
    async def in_reply_to(self, info: Info) -> Post | None:
        if self.post.in_reply_to is None:
            return None
        return await post_by_id(info, self.post.in_reply_to)

    @field(description="Direct replies to this post, oldest first.")
    async def replies(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Connection[Post]:
        size = page_size(first, info.context.settings)
        found = await info.context.loaders.replies.load(self.post.id)
        return slice_connection([Post.of(p) for p in found], size, after)

    @field(description="The classified type; null until the post is classified.")
    def type(self) -> CustomerType | None:
        return CustomerType.of(self._label.type) if self._label else None

    @field(description="How sure the classifier was, 0 to 1; null until classified.")
    def confidence(self) -> float | None:
        return self._label.confidence if self._label else None

    @field(description="The words and signals the classification rests on.")
    def cues(self) -> list[str]:
        return list(self._label.cues) if self._label else []

    @field(description="True when the type's playbook asks the brand to answer.")
    def needs_response(self) -> bool:
        return bool(self._label and self._label.needs_response)

    @field(description="Seconds the playbook allows for an answer; null when none is due.")
    def sla(self) -> float | None:
        return self._label.sla.total_seconds() if self._label and self._label.sla else None

    @field(description="When an answer is due (creation time plus SLA); null when none is due.")
    def due_at(self) -> datetime | None:
        if self._label is None or not self._label.needs_response or self._label.sla is None:
            return None
        return self.post.created_at + self._label.sla

    @field(description="The brand's first answer and its delay; null while unanswered.")
    def response(self) -> Response | None:
        return Response(response=self.post.response) if self.post.response else None


async def _customer_of(root: CustomerState | StateChange, info: Info) -> Customer | None:
    return await customer_by_id(info, root.record.customer_id)


async def _brand_of(root: CustomerState | StateChange, info: Info) -> Brand | None:
    return await brand_by_key(info, root.record.brand)


async def _post_of(root: CustomerState | StateChange, info: Info) -> Post | None:
    return await post_by_id(info, root.record.post_id)


# CustomerState and StateChange both say who, toward which brand, and which post: one resolver each.


@strawberry.type(description="A customer's current state toward one brand, since when, and why.")
class CustomerState:
    record: strawberry.Private[DomainState]
    customer: Customer | None = strawberry.field(resolver=_customer_of, description="The customer.")
    brand: Brand | None = strawberry.field(resolver=_brand_of, description="The brand.")
    post: Post | None = strawberry.field(
        resolver=_post_of, description="The post that put the customer in this state."
    )

    @field(description="The state: the type of the latest classified interaction.")
    def type(self) -> CustomerType:
        return CustomerType.of(self.record.type)

    @field(description="When the customer entered this state.")
    def since(self) -> datetime:
        return self.record.since


@strawberry.type(description="A customer's state toward a brand changed because of a post.")
class StateChange:
    record: strawberry.Private[DomainChange]
    customer: Customer | None = strawberry.field(
        resolver=_customer_of, description="The customer whose state changed."
    )
    brand: Brand | None = strawberry.field(resolver=_brand_of, description="The brand the state is toward.")
    post: Post | None = strawberry.field(resolver=_post_of, description="The post that changed the state.")

    @field(name="from", description="The state before; null for the customer's first state.")
    def from_(self) -> CustomerType | None:
        return CustomerType.of(self.record.from_type) if self.record.from_type else None

    @field(description="The state after.")
    def to(self) -> CustomerType:
        return CustomerType.of(self.record.to_type)

    @field(description="When it changed: the time of the post that changed it.")
    def at(self) -> datetime:
        return self.record.at

    @field(
        description="How urgent this change is as an alert: the new state's urgency times "
        "1 + log10(1 + the customer's 2-hop peer reach), doubled for an advocate who turned USED_TO_BE."
    )
    async def priority(self, info: Info) -> float:
        reach = await reach_of(info, self.record.customer_id, 2)
        return alert_priority(self.record.from_type, self.record.to_type, reach)


@strawberry.type(description="What the classifier says about a text, and why.")
class Classification:
    label: strawberry.Private[DomainClassification]

    @field(description="The type.")
    def type(self) -> CustomerType:
        return CustomerType.of(self.label.type)

    @field(description="How sure the classifier is, 0 to 1.")
    def confidence(self) -> float:
        return self.label.confidence

    @field(description="The words and signals the classification rests on.")
    def cues(self) -> list[str]:
        return list(self.label.cues)

    @field(description="True when the type's playbook asks the brand to answer.")
    def needs_response(self) -> bool:
        return self.label.needs_response

    @field(description="The language the classifier read the text as.")
    def lang(self) -> str:
        return self.label.lang

    @field(description="Seconds the playbook allows for an answer; null when none is due.")
    def sla(self) -> float | None:
        return self.label.sla.total_seconds() if self.label.sla else None

    @field(description="The classifier's version.")
    def version(self) -> str:
        return self.label.version
