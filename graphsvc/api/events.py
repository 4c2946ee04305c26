"""In-process fan-out of state changes to ``stateChanged`` subscribers.

Changes are published, with their position in the store's change feed, by the app's
:class:`~graphsvc.api.watch.StoreWatch` as the feed shows them, whichever process (this one,
another worker, a ``graphsvc load``) recorded them. A slow subscriber's queue is bounded: when it
is full the oldest change is dropped rather than holding the watch back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from graphsvc.model import CustomerType, StateChange

QUEUE_SIZE = 1000

Positioned = tuple[int, StateChange]  # a change and its position in the store's feed


class Listener:
    """One subscriber's queue, registered from creation (so nothing published after it is
    missed while the subscriber replays older changes) until :meth:`close`."""

    def __init__(self, queues: set[asyncio.Queue[Positioned]]) -> None:
        self._queues = queues
        self.queue: asyncio.Queue[Positioned] = asyncio.Queue(QUEUE_SIZE)
        queues.add(self.queue)

    async def changes(self) -> AsyncIterator[Positioned]:
        while True:
            yield await self.queue.get()

    def close(self) -> None:
        self._queues.discard(self.queue)


class StateChangeHub:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Positioned]] = set()
        self.dropped = 0

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def publish(self, changes: Iterable[Positioned]) -> None:
        for change in changes:
            for queue in self._queues:
                if queue.full():
                    queue.get_nowait()
                    self.dropped += 1
                queue.put_nowait(change)

    def listen(self) -> Listener:
        return Listener(self._queues)


def wanted(change: StateChange, brand: str | None, to: CustomerType | None) -> bool:
    """Whether a subscriber filtering on ``brand`` and ``to`` (None: any) wants ``change``."""
    return (brand is None or change.brand == brand) and (to is None or change.to_type == to)
