"""The Query root: lookups, lists, rankings and the classifier."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from graphsvc.api.audience import (
    AdvocateSet,
    AudienceOverlap,
    advocate_set,
    audience_overlap,
    reach_of_set,
)
from graphsvc.api.connections import (
    AFTER_HELP,
    FIRST_HELP,
    Connection,
    decode_api_cursor,
    fetch_connection,
    page_size,
    slice_connection,
)
from graphsvc.api.context import Info
from graphsvc.api.enums import CustomerOrder, CustomerType
from graphsvc.api.fields import field
from graphsvc.api.ids import NodeKind, parse_node_id, platform_id
from graphsvc.api.permissions import READ, require
from graphsvc.api.ranking import Advocate, TriageItem, alerts, top_advocates, triage_items
from graphsvc.api.soon import Soon
from graphsvc.api.types import (
    Brand,
    BrandName,
    Classification,
    Customer,
    Node,
    Post,
    StateChange,
    brand_key_of,
    check_hops,
    customer_by_id,
    customers_connection,
    post_by_id,
)
from graphsvc.errors import BadUserInput
from graphsvc.keys import Permission
from graphsvc.model import StateChange as DomainChange
from graphsvc.stores.base import CustomerFilter, Page, StateChangeFilter

ChangesBrand = Annotated[str | None, strawberry.argument(description="Only changes toward this brand.")]
ChangesSince = Annotated[
    datetime | None, strawberry.argument(description="Only changes at or after this time.")
]


@strawberry.input(name="CustomerFilter", description="Which customers `customers` returns.")
class CustomerFilterInput:
    brand: str | None = strawberry.field(
        default=None, description="Only customers who interacted with this brand."
    )
    state: CustomerType | None = strawberry.field(
        default=None, description="Only customers whose current state toward `brand` is this (needs `brand`)."
    )
    handle_prefix: str | None = strawberry.field(
        default=None, description="Only handles starting with this (case-insensitive; roles analyst, admin)."
    )
    order: CustomerOrder = strawberry.field(default=CustomerOrder.ID, description="Sort order.")


@strawberry.type(description="Read the customer graph. Every field needs an API key (any role).")
class Query:
    @field(
        description="Any object by its API id (`customer:…`, `post:…`, `brand:…`).", permission_classes=READ
    )
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="An API id.")]
    ) -> Node | None:
        kind, raw = parse_node_id(id)
        loaders = info.context.loaders
        if kind is NodeKind.CUSTOMER:
            account = await loaders.accounts.load(raw)
            return Customer.of(account) if account else None
        if kind is NodeKind.POST:
            post = await loaders.posts.load(raw)
            return Post.of(post) if post else None
        brand = await loaders.brands.load(raw)
        return Brand.of(brand) if brand and brand.key == raw else None

    @field(
        description="A customer (or brand account) by API id or platform id; null when unknown.",
        permission_classes=READ,
        graphql_type=Customer | None,
    )
    def customer(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="`customer:twcs:115712` or `twcs:115712`.")
        ],
    ) -> Soon[Customer | None]:
        return customer_by_id(info, platform_id(id, NodeKind.CUSTOMER))

    @field(
        description="A post by API id or platform id; null when unknown.",
        permission_classes=READ,
        graphql_type=Post | None,
    )
    def post(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="`post:twcs:119237` or `twcs:119237`.")],
    ) -> Soon[Post | None]:
        return post_by_id(info, platform_id(id, NodeKind.POST))

    @field(
        description="A brand by key, handle (`@AppleSupport`) or alias; null when unknown.",
        permission_classes=READ,
    )
    async def brand(
        self, info: Info, handle: Annotated[str, strawberry.argument(description="Key, handle or alias.")]
    ) -> Brand | None:
        found = await info.context.loaders.brands.load(handle)
        return Brand.of(found) if found else None

    @field(description="Every brand, by key.", permission_classes=READ)
    async def brands(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Connection[Brand]:
        size = page_size(first, info.context.settings)
        calls = info.context.calls
        brands = sorted(await calls(calls.store.list_brands), key=lambda b: b.key)
        return slice_connection([Brand.of(b) for b in brands], size, after)

    @field(description="Customers, optionally filtered and sorted.", permission_classes=READ)
    async def customers(
        self,
        info: Info,
        filter: Annotated[
            CustomerFilterInput | None, strawberry.argument(description="Which customers.")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Connection[Customer]:
        size = page_size(first, info.context.settings)
        given = filter or CustomerFilterInput()
        if given.state is not None and given.brand is None:
            raise BadUserInput("filter.state needs filter.brand: a state is always toward one brand")
        if given.handle_prefix:
            require(info, Permission.SENSITIVE, "filter by handle")
        flt = CustomerFilter(
            brand=await brand_key_of(info, given.brand) if given.brand else None,
            state=given.state.domain() if given.state else None,
            handle_prefix=given.handle_prefix,
            order=given.order.domain(),
        )
        return await customers_connection(info, flt, size, after)

    @field(
        description="Customers whose current state toward the brand is ADVOCATE, ranked by de-duplicated "
        "peer reach (largest first, ties by id), each with its reach and rank.",
        permission_classes=READ,
    )
    async def top_advocates(
        self,
        info: Info,
        brand: BrandName,
        first: Annotated[
            int, strawberry.argument(description="How many advocates (at most the maximum page size).")
        ] = 10,
        hops: Annotated[int, strawberry.argument(description="Rank by reach at 1 or 2 hops.")] = 2,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Connection[Advocate]:
        size = page_size(first, info.context.settings)
        check_hops(hops)
        key = await brand_key_of(info, brand)
        _, start = decode_api_cursor(after)
        ranked = await top_advocates(info, key, hops, start + size + 1)
        return slice_connection(ranked, size, after)

    @field(description="State changes, newest first.", permission_classes=READ)
    async def state_changes(
        self,
        info: Info,
        brand: ChangesBrand = None,
        since: ChangesSince = None,
        until: Annotated[
            datetime | None, strawberry.argument(description="Only changes before this time.")
        ] = None,
        from_: Annotated[
            CustomerType | None, strawberry.argument(name="from", description="Only changes from this state.")
        ] = None,
        to: Annotated[
            CustomerType | None, strawberry.argument(description="Only changes to this state.")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Connection[StateChange]:
        size = page_size(first, info.context.settings)
        flt = StateChangeFilter(
            brand=await brand_key_of(info, brand) if brand else None,
            since=since,
            until=until,
            from_type=from_.domain() if from_ else None,
            to_type=to.domain() if to else None,
        )
        calls = info.context.calls

        async def fetch(n: int, cursor: str | None) -> Page[DomainChange]:
            return await calls(calls.store.list_state_changes, flt, n, cursor)

        return await fetch_connection(fetch, size, after, StateChange.of)

    @field(
        description="Unanswered interactions with the brand that need a response, most urgent first: "
        "urgency = the type's urgency x (1 + log10(1 + the author's 2-hop reach)) x (1 + SLAs overdue).",
        permission_classes=READ,
    )
    async def triage(
        self,
        info: Info,
        brand: BrandName,
        first: Annotated[
            int, strawberry.argument(description="How many items (at most the maximum page size).")
        ] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
        at: Annotated[
            datetime | None,
            strawberry.argument(description="Judge waiting times as of this time (default: now)."),
        ] = None,
    ) -> Connection[TriageItem]:
        size = page_size(first, info.context.settings)
        key = await brand_key_of(info, brand)
        items = await triage_items(info, key, at or datetime.now(UTC))
        return slice_connection(items, size, after)

    @field(
        description="Recent state changes ranked as alerts, most important first: by `priority` (the new "
        "state's urgency, weighted by the customer's 2-hop reach, doubled for an advocate who turned "
        "USED_TO_BE), then newest. Ranks the newest 10,000 changes that match.",
        permission_classes=READ,
    )
    async def alerts(
        self,
        info: Info,
        brand: ChangesBrand = None,
        since: ChangesSince = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST_HELP)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_HELP)] = None,
    ) -> Connection[StateChange]:
        size = page_size(first, info.context.settings)
        key = await brand_key_of(info, brand) if brand else None
        return slice_connection(await alerts(info, key, since), size, after)

    @field(
        description="The k current advocates of the brand whose combined, de-duplicated peer reach is "
        "largest (greedy maximum coverage), with what each one adds.",
        permission_classes=READ,
    )
    async def advocate_set(
        self,
        info: Info,
        brand: BrandName,
        k: Annotated[int, strawberry.argument(description="How many advocates to pick, 1 to 100.")],
        hops: Annotated[int, strawberry.argument(description="Reach at 1 or 2 hops.")] = 1,
    ) -> AdvocateSet:
        check_hops(hops)
        return await advocate_set(info, await brand_key_of(info, brand), k, hops)

    @field(
        description="Every pair of the given customers with their shared audience and Jaccard "
        "similarity (pairs in input order; repeated ids count once).",
        permission_classes=READ,
    )
    async def audience_overlap(
        self,
        info: Info,
        customers: Annotated[
            list[strawberry.ID],
            strawberry.argument(description="2 to 64 customer ids (`customer:x:1` or `x:1`)."),
        ],
        hops: Annotated[int, strawberry.argument(description="Audiences at 1 or 2 hops.")] = 1,
    ) -> list[AudienceOverlap]:
        return await audience_overlap(info, customers, check_hops(hops))

    @field(
        description="The de-duplicated peer reach of a set of customers: accounts that can hear at "
        "least one of them (a member followed by another member counts, once).",
        permission_classes=READ,
    )
    async def reach(
        self,
        info: Info,
        customers: Annotated[
            list[strawberry.ID],
            strawberry.argument(description="1 to 1,000 customer ids (`customer:x:1` or `x:1`)."),
        ],
        hops: Annotated[int, strawberry.argument(description="1 or 2.")] = 1,
    ) -> int:
        return await reach_of_set(info, customers, check_hops(hops))

    @field(description="Classify a text as the service would classify a post.", permission_classes=READ)
    async def classify(
        self,
        info: Info,
        text: Annotated[str, strawberry.argument(description="The text, as a customer would post it.")],
        lang: Annotated[
            str | None, strawberry.argument(description="Its language (ISO 639-1), if known.")
        ] = None,
    ) -> Classification:
        if len(text) > 10_000:
            raise BadUserInput("text is longer than 10,000 characters; classify one post at a time")
        services = info.context.services
        label = await services.calls.blocking(lambda: services.classifier.classify(text, lang=lang))
        return Classification.of(label)
