"""The Subscription root: state changes as they happen (graphql-transport-ws).

A subscriber that reconnects passes the ``cursor`` of the last event it received as ``after``:
the changes recorded since are read from the store's change feed first, then live ones follow,
each once and in feed order (the live queue is open before the store is read, and what the
replay already sent is skipped).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from graphsvc.api.context import Info
from graphsvc.api.enums import CustomerType
from graphsvc.api.events import wanted
from graphsvc.api.fields import subscription
from graphsvc.api.permissions import READ
from graphsvc.api.types import StateChange, feed_position
from graphsvc.api.watch import PAGE
from graphsvc.errors import BadUserInput
from graphsvc.model import brand_key

MAX_REPLAY = 10_000  # changes a reconnecting subscriber may be behind


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
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The `cursor` of the last event received: first the changes recorded "
                f"since then (at most {MAX_REPLAY:,} behind), then live ones."
            ),
        ] = None,
    ) -> AsyncGenerator[StateChange, None]:
        key = None
        if brand:
            # A brand may appear after the subscription starts: fall back to its canonical key.
            known = await info.context.loaders.brands.load(brand)
            key = known.key if known else brand_key(brand)
        state = to.domain() if to else None
        services = info.context.services
        listener = services.hub.listen()
        try:
            sent = -1  # the feed position of the last change sent (or skipped by the filters)
            if after is not None:
                sent = feed_position(after)
                calls = services.calls
                newest = (await calls(calls.store.feed_marks)).state_changes
                if newest - sent > MAX_REPLAY:
                    raise BadUserInput(
                        f"{newest - sent:,} changes were recorded since that cursor, more than "
                        f"{MAX_REPLAY:,}; read them with the stateChanges query, then subscribe without `after`"
                    )
                while page := await calls(calls.store.state_changes_after, sent, PAGE):
                    for position, change in page:
                        if wanted(change, key, state):
                            yield StateChange.of(change, position)
                    sent = page[-1][0]
            async for position, change in listener.changes():
                if position > sent and wanted(change, key, state):
                    # each event reads fresh data, not the first event's
                    info.context.__dict__.pop("loaders", None)
                    yield StateChange.of(change, position)
        finally:
            listener.close()
