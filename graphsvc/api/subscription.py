"""The Subscription root: state changes as they happen (graphql-transport-ws)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from graphsvc.api.context import Info
from graphsvc.api.enums import CustomerType
from graphsvc.api.fields import subscription
from graphsvc.api.permissions import READ
from graphsvc.api.types import StateChange
from graphsvc.model import brand_key


@strawberry.type(
    description="Live updates over websockets (graphql-transport-ws). Needs an API key (any role)."
)
class Subscription:
    @subscription(
        description="State changes as they are recorded, by this server or by any process writing to "
        "its store (a load, another worker): those within `GRAPHSVC_WATCH_SECONDS` (default 1 s).",
        permission_classes=READ,
    )
    async def state_changed(
        self,
        info: Info,
        brand: Annotated[
            str | None,
            strawberry.argument(
                description="Only changes toward this brand (key, handle or alias; it may be new)."
            ),
        ] = None,
        to: Annotated[
            CustomerType | None, strawberry.argument(description="Only changes to this state.")
        ] = None,
    ) -> AsyncGenerator[StateChange, None]:
        key = None
        if brand:
            # A brand may appear after the subscription starts: fall back to its canonical key.
            known = await info.context.loaders.brands.load(brand)
            key = known.key if known else brand_key(brand)
        async for change in info.context.services.hub.subscribe(key, to.domain() if to else None):
            info.context.__dict__.pop("loaders", None)  # each event reads fresh data, not the first event's
            yield StateChange.of(change)
