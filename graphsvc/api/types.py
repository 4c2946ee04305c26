"""The API's object types. Each wraps a domain record (kept private) and resolves relations
through the request's DataLoaders, so a list of N items costs one store call per relation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Optional, TypeVar, cast

import strawberry

from graphsvc.analytics import alert_priority, peer_reach
from graphsvc.api.batches import Loader, Mapped
from graphsvc.api.connections import (
    AFTER_HELP,
    FIRST_HELP,
    Connection,
    fetch_connection,
    page_connection,
    page_size,
    slice_connection,
)
from graphsvc.api.context import Info
from graphsvc.api.enums import CustomerOrder, CustomerType
from graphsvc.api.fields import field
from graphsvc.api.ids import NodeKind, node_id
from graphsvc.api.loaders import EngagedKey, PageKey
from graphsvc.api.permissions import SENSITIVE
from graphsvc.api.soon import Soon, then
from graphsvc.errors import BadUserInput, NotFound
from graphsvc.model import Account, Metrics
from graphsvc.model import Brand as DomainBrand
from graphsvc.model import Classification as DomainClassification
from graphsvc.model import CustomerState as DomainState
from graphsvc.model import Post as DomainPost
from graphsvc.model import Response as DomainResponse
from graphsvc.model import StateChange as DomainChange
from graphsvc.stores.base import CustomerFilter, Page
from graphsvc.stores.paging import decode_cursor, encode_cursor

R = TypeVar("R")


@strawberry.interface(
    description="An object with an id that is unique across kinds: `customer:<platform id>`, "
    "`post:<platform id>` or `brand:<brand key>`. `node(id:)` fetches any of them."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="The object's API id: its kind, a colon, its platform id or key."
    )


BrandName = Annotated[str, strawberry.argument(description="A brand key, handle or alias.")]


def customer_by_id(info: Info, account_id: str) -> Soon[Customer | None]:
    return info.context.loaders.accounts.then(account_id, lambda a: Customer.of(a) if a else None)


def post_by_id(info: Info, post_id: str) -> Soon[Post | None]:
    return info.context.loaders.posts.then(post_id, lambda p: Post.of(p) if p else None)


def brand_by_key(info: Info, key: str) -> Soon[Brand | None]:
    return info.context.loaders.brands_knowing(key).then(key, lambda b: Brand.of(b) if b else None)


async def customers_connection(
    info: Info, flt: CustomerFilter, size: int, after: str | None
) -> Connection[Customer]:
    """The page of the store's customers ``flt`` picks, ``size`` of them after the API cursor ``after``."""
    calls = info.context.calls

    async def fetch(n: int, cursor: str | None) -> Page[Account]:
        return await calls(calls.store.list_customers, flt, n, cursor)

    return await fetch_connection(fetch, size, after, Customer.of)


def check_hops(hops: int) -> int:
    if hops not in (1, 2):
        raise BadUserInput(f"hops must be 1 or 2, got {hops}")
    return hops


def reach_of(info: Info, account_id: str, hops: int) -> Soon[int]:
    """Peer reach: the stored number first; computed from the shared projection when it is missing
    or stale (new follow edges were written since the stored numbers were). At once when the
    stored number is loaded already, else chained onto the load of it."""
    graph = info.context.services.graph
    if graph.metrics_stale:
        return graph.reach(account_id, hops)

    def known(stored: Metrics | None) -> Soon[int]:
        if stored is None:
            return graph.reach(account_id, hops)
        return stored.reach(hops)

    # awaiting a load whose function gives an awaitable awaits that too (Mapped.then)
    return cast("Soon[int]", stored_metrics(info, account_id, known))


def stored_metrics(info: Info, account_id: str, fn: Callable[[Metrics | None], R]) -> Soon[R]:
    """``fn`` of the account's stored metrics (None when it has none): at once from the app's
    table in memory while it is current (graphsvc.api.stored_metrics), else chained onto a load."""
    table = info.context.services.graph.stored.table
    if table is not None:
        return fn(table.get(account_id))
    return info.context.loaders.metrics.then(account_id, fn)


async def reaches_of(info: Info, account_ids: Sequence[str], hops: int) -> list[int]:
    """:func:`reach_of` for several accounts with one metrics load."""
    graph = info.context.services.graph
    if graph.metrics_stale:
        p = await graph.projection()
        return [peer_reach(p, a, hops) for a in account_ids]
    return await info.context.loaders.reach.load_many([(a, hops) for a in account_ids])


async def brand_key_of(info: Info, name: str) -> str:
    """The key of the brand a key, handle or alias names; unknown names are NOT_FOUND."""
    brand = await info.context.loaders.brand(name)
    if brand is None:
        raise NotFound(f"brand {name!r} is not known; the `brands` query lists them")
    return brand.key


@strawberry.type(
    description="An account on a platform: a social customer, or one of the accounts a brand posts from "
    "(then `brand` is set)."
)
class Customer(Node):
    account: strawberry.Private[Account]
    platform_id: str = strawberry.field(
        description="The platform-qualified id users know, e.g. `twcs:115712`."
    )
    platform: str = strawberry.field(
        description="The platform the account is on, e.g. `twcs`, `x`, `mastodon`."
    )
    follower_count: int | None = strawberry.field(
        description="The follower count the platform reported, when known."
    )

    @staticmethod
    def of(account: Account) -> Customer:
        return Customer(
            id=strawberry.ID(node_id(NodeKind.CUSTOMER, account.id)),
            account=account,
            platform_id=account.id,
            platform=account.platform,
            follower_count=account.followers,
        )

    @field(description="The account's handle (roles analyst, admin).", permission_classes=SENSITIVE)
    def handle(self) -> str | None:
        return self.account.handle

    @field(description="The display name (roles analyst, admin).", permission_classes=SENSITIVE)
    def name(self) -> str | None:
        return self.account.name

    @field(
        description="The brand this account belongs to; null for customers.",
        graphql_type=Optional["Brand"],
    )
    def brand(self, info: Info) -> Soon[Brand | None]:
        if self.account.brand is None:
            return None
        return brand_by_key(info, self.account.brand)

    @field(
        description="Distinct accounts that can hear this customer through follower links (without "
        "themself): hops 1 = followers, hops 2 adds followers of followers. The stored number, or "
        "computed from the follower graph when none is stored yet or new follows made it stale.",
        graphql_type=int,
    )
    def peer_reach(
        self,
        info: Info,
        hops: Annotated[int, strawberry.argument(description="1 or 2.")] = 2,
    ) -> Soon[int]:
        return reach_of(info, self.account.id, check_hops(hops))

    @field(
        description="The stored influence score (PageRank on the follower graph: an account followed "
        "by well-followed accounts ranks higher; all scores sum to 1); null until computed.",
        graphql_type=float | None,
    )
    def influence(self, info: Info) -> Soon[float | None]:
        return stored_metrics(info, self.account.id, lambda m: m.influence if m else None)

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
        return next((CustomerState.of(s) for s in states if s.brand == key), None)

    @field(
        description="The customer's current state toward every brand they have one for.",
        graphql_type=list["CustomerState"],
    )
    def states(self, info: Info) -> Soon[list[CustomerState]]:
        return info.context.loaders.states.then(
            self.account.id, lambda found: [CustomerState.of(s) for s in found]
        )

    @field(
        description="The customer's interactions (posts concerning brands), newest first.",
        graphql_type=Connection["Post"],
    )
    def interactions(
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
    ) -> Soon[Connection[Post]]:
        size = page_size(first, info.context.settings)
        owner, loader = self.account.id, info.context.loaders.interactions
        kind = type.domain() if type else None

        def load(key: str | None) -> Callable[[int, str | None], Mapped[Page[DomainPost]]]:
            return lambda n, cursor: loader.load(
                PageKey(owner, n, cursor, brand=key, type=kind, since=since, until=until)
            )

        if brand is None:
            return page_connection(load(None), size, after, Post.of)

        async def for_brand(name: str) -> Connection[Post]:
            return await fetch_connection(load(await brand_key_of(info, name)), size, after, Post.of)

        return for_brand(brand)

    @field(
        description="Accounts that follow this one, in a stable order (the embedded store: the order it first saw them).",
        graphql_type=Connection["Customer"],
    )
    def followers(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Soon[Connection[Customer]]:
        return self._neighbours(info.context.loaders.followers, info, first, after)

    @field(
        description="Accounts (customers and brands) this one follows, in a stable order (the embedded store: the order it first saw them).",
        graphql_type=Connection["Customer"],
    )
    def following(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Soon[Connection[Customer]]:
        return self._neighbours(info.context.loaders.following, info, first, after)

    def _neighbours(
        self, loader: Loader[PageKey, Page[Account]], info: Info, first: int | None, after: str | None
    ) -> Soon[Connection[Customer]]:
        """One page of followers or following, through the request's loader for it."""
        owner = self.account.id
        return page_connection(
            lambda n, cursor: loader.load(PageKey(owner, n, cursor)),
            page_size(first, info.context.settings),
            after,
            Customer.of,
        )


@strawberry.type(description="A brand: the accounts it posts from, and the customers who talk about it.")
class Brand(Node):
    brand: strawberry.Private[DomainBrand]
    key: str = strawberry.field(
        description="The brand's key: its lower-cased primary handle, e.g. `applesupport`."
    )
    name: str = strawberry.field(description="The brand's display name.")
    handles: list[str] = strawberry.field(
        description="The platform-qualified ids of the accounts the brand posts from."
    )
    aliases: list[str] = strawberry.field(description="Other names people use for the brand.")

    @staticmethod
    def of(brand: DomainBrand) -> Brand:
        return Brand(
            id=strawberry.ID(node_id(NodeKind.BRAND, brand.key)),
            brand=brand,
            key=brand.key,
            name=brand.name,
            handles=list(brand.handles),
            aliases=list(brand.aliases),
        )

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
        return await customers_connection(info, flt, size, after)


@strawberry.type(description="The first answer the brand gave to a post, and how long the author waited.")
class Response:
    response: strawberry.Private[DomainResponse]
    at: datetime = strawberry.field(description="When the brand answered.")
    delay: float = strawberry.field(description="Seconds between the post and the brand's first answer.")

    @staticmethod
    def of(response: DomainResponse) -> Response:
        return Response(response=response, at=response.at, delay=response.delay.total_seconds())

    @field(
        description="The brand's reply; null when the post was marked responded by hand.",
        graphql_type=Optional["Post"],
    )
    def post(self, info: Info) -> Soon[Post | None]:
        if self.response.post_id is None:
            return None
        return post_by_id(info, self.response.post_id)


@strawberry.type(description="A post: an interaction of a customer with brands, or a brand's own reply.")
class Post(Node):
    post: strawberry.Private[DomainPost]
    platform_id: str = strawberry.field(
        description="The platform-qualified id users know, e.g. `twcs:119237`."
    )
    lang: str | None = strawberry.field(
        description="The language the source gave, or the classifier detected."
    )
    created_at: datetime = strawberry.field(description="When the post was written.")
    by_brand: bool = strawberry.field(description="True when a brand's account wrote the post.")
    type: CustomerType | None = strawberry.field(
        description="The classified type; null until the post is classified."
    )
    confidence: float | None = strawberry.field(
        description="How sure the classifier was, 0 to 1; null until classified."
    )
    cues: list[str] = strawberry.field(description="The words and signals the classification rests on.")
    needs_response: bool = strawberry.field(
        description="True when the type's playbook asks the brand to answer."
    )
    sla: float | None = strawberry.field(
        description="Seconds the playbook allows for an answer; null when none is due."
    )
    due_at: datetime | None = strawberry.field(
        description="When an answer is due (creation time plus SLA); null when none is due."
    )
    response: Response | None = strawberry.field(
        description="The brand's first answer and its delay; null while unanswered."
    )

    @staticmethod
    def of(post: DomainPost) -> Post:
        label = post.classification
        due = label is not None and label.needs_response and label.sla is not None
        return Post(
            id=strawberry.ID(node_id(NodeKind.POST, post.id)),
            post=post,
            platform_id=post.id,
            lang=post.lang or (label.lang if label else None) or None,
            created_at=post.created_at,
            by_brand=post.by_brand,
            type=CustomerType.of(label.type) if label else None,
            confidence=label.confidence if label else None,
            cues=list(label.cues) if label else [],
            needs_response=bool(label and label.needs_response),
            sla=label.sla.total_seconds() if label and label.sla else None,
            due_at=post.created_at + label.sla if due and label and label.sla else None,
            response=Response.of(post.response) if post.response else None,
        )

    @field(description="The post's text (roles analyst, admin).", permission_classes=SENSITIVE)
    def text(self) -> str | None:
        return self.post.text

    @field(description="Who wrote the post.", graphql_type=Customer | None)
    def author(self, info: Info) -> Soon[Customer | None]:
        return customer_by_id(info, self.post.author_id)

    @field(description="The brands the post concerns.", graphql_type=list[Brand])
    def brands(self, info: Info) -> Soon[list[Brand]]:
        keys = self.post.brands
        return info.context.loaders.brands_knowing(*keys).then_many(
            keys, lambda found: [Brand.of(b) for b in found if b is not None]
        )

    @field(
        description="The post this one replies to, when it is known.",
        graphql_type=Optional["Post"],
    )
    def in_reply_to(self, info: Info) -> Soon[Post | None]:
        if self.post.in_reply_to is None:
            return None
        return post_by_id(info, self.post.in_reply_to)

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


def _customer_of(root: CustomerState | StateChange, info: Info) -> Soon[Customer | None]:
    return customer_by_id(info, root.record.customer_id)


def _brand_of(root: CustomerState | StateChange, info: Info) -> Soon[Brand | None]:
    return brand_by_key(info, root.record.brand)


def _post_of(root: CustomerState | StateChange, info: Info) -> Soon[Post | None]:
    return post_by_id(info, root.record.post_id)


# CustomerState and StateChange both say who, toward which brand, and which post: one resolver each.


@strawberry.type(description="A customer's current state toward one brand, since when, and why.")
class CustomerState:
    record: strawberry.Private[DomainState]
    type: CustomerType = strawberry.field(
        description="The state: the type of the latest classified interaction."
    )
    since: datetime = strawberry.field(description="When the customer entered this state.")
    customer = strawberry.field(
        resolver=_customer_of, description="The customer.", graphql_type=Customer | None
    )
    brand = strawberry.field(resolver=_brand_of, description="The brand.", graphql_type=Brand | None)
    post = strawberry.field(
        resolver=_post_of,
        description="The post that put the customer in this state.",
        graphql_type=Post | None,
    )

    @staticmethod
    def of(record: DomainState) -> CustomerState:
        return CustomerState(record=record, type=CustomerType.of(record.type), since=record.since)


@strawberry.type(description="A customer's state toward a brand changed because of a post.")
class StateChange:
    record: strawberry.Private[DomainChange]
    from_: CustomerType | None = strawberry.field(
        name="from", description="The state before; null for the customer's first state."
    )
    to: CustomerType = strawberry.field(description="The state after.")
    at: datetime = strawberry.field(description="When it changed: the time of the post that changed it.")
    customer = strawberry.field(
        resolver=_customer_of,
        description="The customer whose state changed.",
        graphql_type=Customer | None,
    )
    brand = strawberry.field(
        resolver=_brand_of, description="The brand the state is toward.", graphql_type=Brand | None
    )
    post = strawberry.field(
        resolver=_post_of, description="The post that changed the state.", graphql_type=Post | None
    )
    cursor: str | None = strawberry.field(
        default=None,
        description="In a `stateChanged` event: the change's place in the store's change feed. "
        "Subscribe again with `after` set to the last one received to miss nothing. Null elsewhere.",
    )

    @staticmethod
    def of(record: DomainChange, position: int | None = None) -> StateChange:
        return StateChange(
            record=record,
            from_=CustomerType.of(record.from_type) if record.from_type else None,
            to=CustomerType.of(record.to_type),
            at=record.at,
            cursor=feed_cursor(position) if position is not None else None,
        )

    @field(
        description="How urgent this change is as an alert: the new state's urgency times "
        "1 + log10(1 + the customer's 2-hop peer reach), doubled for an advocate who turned USED_TO_BE.",
        graphql_type=float,
    )
    def priority(self, info: Info) -> Soon[float]:
        change = self.record
        return then(
            reach_of(info, change.customer_id, 2),
            lambda reach: alert_priority(change.from_type, change.to_type, reach),
        )


@strawberry.type(description="What the classifier says about a text, and why.")
class Classification:
    type: CustomerType = strawberry.field(description="The type.")
    confidence: float = strawberry.field(description="How sure the classifier is, 0 to 1.")
    cues: list[str] = strawberry.field(description="The words and signals the classification rests on.")
    needs_response: bool = strawberry.field(
        description="True when the type's playbook asks the brand to answer."
    )
    lang: str = strawberry.field(description="The language the classifier read the text as.")
    sla: float | None = strawberry.field(
        description="Seconds the playbook allows for an answer; null when none is due."
    )
    version: str = strawberry.field(description="The classifier's version.")

    @staticmethod
    def of(label: DomainClassification) -> Classification:
        return Classification(
            type=CustomerType.of(label.type),
            confidence=label.confidence,
            cues=list(label.cues),
            needs_response=label.needs_response,
            lang=label.lang,
            sla=label.sla.total_seconds() if label.sla else None,
            version=label.version,
        )


def feed_cursor(position: int) -> str:
    """The opaque cursor of a position in the store's change feed."""
    return encode_cursor(["feed", position])


def feed_position(cursor: str) -> int:
    """The feed position in a cursor made by :func:`feed_cursor`; anything else is bad input."""
    wrong = BadUserInput(f"cursor {cursor!r} is not a stateChanged cursor; pass the cursor of an event")
    try:
        key = decode_cursor(cursor, 2)
    except BadUserInput:
        raise wrong from None
    if key[0] != "feed" or not isinstance(key[1], int) or key[1] < 0:
        raise wrong
    return key[1]
