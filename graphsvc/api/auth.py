"""Who is calling: the ``Authorization: Bearer <key>`` header checked against the stored key hashes.

Checked keys are remembered for ``settings.key_cache_seconds`` (default 5 s), so a busy client
does not cost a store lookup per request; a revoked key therefore stops working within that time.
"""

from __future__ import annotations

import time

from graphsvc.api.store_calls import StoreCalls
from graphsvc.errors import Unauthenticated
from graphsvc.keys import Principal, authenticate, hash_key

CACHE_MAX = 10_000


def bearer_token(header: str | None) -> str:
    if not header:
        raise Unauthenticated("no API key was sent; send `Authorization: Bearer <key>`")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be `Bearer <key>`")
    return token.strip()


class KeyAuth:
    def __init__(self, calls: StoreCalls, ttl: float) -> None:
        self.calls = calls
        self.ttl = ttl
        self._cache: dict[str, tuple[Principal, float]] = {}

    async def principal(self, header: str | None) -> Principal:
        """The caller a header names; raises :class:`Unauthenticated` for no, bad or revoked keys."""
        token = bearer_token(header)
        digest = hash_key(token)
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and cached[1] > now:
            return cached[0]
        principal = await self.calls(authenticate, self.calls.store, token)
        if self.ttl > 0:
            if len(self._cache) >= CACHE_MAX:
                self._cache.clear()
            self._cache[digest] = (principal, now + self.ttl)
        return principal
