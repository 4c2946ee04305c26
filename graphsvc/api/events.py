"""In-process fan-out of state changes to ``stateChanged`` subscribers.

Changes are published by the app's :class:`~graphsvc.api.watch.StoreWatch` as the store's change
feed shows them, whichever process (this one, another worker, a ``graphsvc load``) recorded them.
A slow subscriber's queue is bounded: when it is full the oldest change is dropped rather than
holding the watch back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from graphsvc.model import CustomerType, StateChange

QUEUE_SIZE = 1000


class StateChangeHub:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[StateChange]] = set()
        self.dropped = 0

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def publish(self, changes: Iterable[StateChange]) -> None:
        for change in changes:
            for queue in self._queues:
                if queue.full():
                    queue.get_nowait()
                    self.dropped += 1
                queue.put_nowait(change)

    async def subscribe(
        self, brand: str | None = None, to: CustomerType | None = None
    ) -> AsyncIterator[StateChange]:
        queue: asyncio.Queue[StateChange] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            while True:
                change = await queue.get()
                if (brand is None or change.brand == brand) and (to is None or change.to_type == to):
                    yield change
        finally:
            self._queues.discard(queue)
