"""Short-lived answers to repeated reads: ranking pages and brand lookups.

A busy dashboard asks the same ranking many times a second; the store's answer only changes when
something is written. Entries live ``settings.read_cache_seconds`` (default :data:`TTL_SECONDS`; 0 turns the cache off) at most, and every write made through this
server (``ingestMentions``, ``addFollows``, ``markResponded``) clears them all, so a client never
reads past its own write; a write by another process (``graphsvc load``) shows at the store
watch's next poll when it records state changes or edges (:mod:`graphsvc.api.watch`), else
within the TTL.

>>> cache = ReadCache(ttl=60)
>>> cache.put(("brand", "acme"), 1); cache.get(("brand", "acme"))
1
>>> cache.clear(); cache.get(("brand", "acme")) is MISSING
True
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any, Final

TTL_SECONDS = 2.0
MAX_ENTRIES = 4096


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


class ReadCache:
    """A dict with a time to live, cleared by writes; one per app."""

    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable) -> Any:
        """The cached value, or :data:`MISSING` when absent or expired."""
        found = self._entries.get(key)
        if found is None:
            return MISSING
        if found[0] < time.monotonic():
            del self._entries[key]
            return MISSING
        return found[1]

    def put(self, key: Hashable, value: Any) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        self._entries.clear()
