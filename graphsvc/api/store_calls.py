"""The one place the API calls the store: inline for SQLite, on a worker thread for network stores.

SQLite answers in microseconds, so a thread hop would cost more than the call; a blocking network
driver (Neo4j) must not stall the event loop. Every call is also counted by method, so
``/metrics`` shows how many store round trips requests cause (and tests can prove there is no N+1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import ParamSpec, TypeVar

import anyio.to_thread

from graphsvc.errors import BadUserInput
from graphsvc.stores.base import Store
from graphsvc.surrogates import has_lone_surrogate

P = ParamSpec("P")
T = TypeVar("T")


class StoreCalls:
    """Runs store methods for the API; ``counts`` holds calls per method name since start."""

    def __init__(self, store: Store, *, inline: bool | None = None) -> None:
        self.store = store
        self.inline = store.url.startswith("sqlite:") if inline is None else inline
        self.counts: Counter[str] = Counter()

    async def __call__(self, method: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        self.counts[getattr(method, "__name__", "call")] += 1
        try:
            if self.inline:
                return method(*args, **kwargs)
            return await anyio.to_thread.run_sync(partial(method, *args, **kwargs))
        except UnicodeEncodeError as exc:
            # Only a client's string can hold half a surrogate pair (JSON can write one: "\ud83d";
            # the mutations replace or refuse them item by item); no driver can send it on.
            if not has_lone_surrogate(exc.object[exc.start : exc.end]):
                raise
            raise BadUserInput(
                "a string holds a lone UTF-16 surrogate (an escape like \\ud83d without its pair); "
                "send Unicode text"
            ) from exc

    async def blocking(self, work: Callable[[], T]) -> T:
        """Run CPU-heavy or many-call work off the event loop, so request timeouts can fire."""
        return await anyio.to_thread.run_sync(work)
