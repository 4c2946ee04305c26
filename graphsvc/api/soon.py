"""Resolvers that answer at once when the data is already there.

graphql-core runs a resolver that returns a plain value inline, but one that returns an awaitable
costs a coroutine, a task and a gather per object. Most relations of a request are loaded by a
loader whose load is often already settled (the ranking preloaded it, or a sibling asked first),
so resolvers return a :data:`Soon`: the value when it is known, else an awaitable of it (for a
pending load, a :class:`~graphsvc.api.batches.Mapped` of its batch).

>>> then(2, lambda x: x + 1)
3
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeAlias, TypeVar

from graphsvc.api.batches import Mapped

V = TypeVar("V")
R = TypeVar("R")

Soon: TypeAlias = "V | Awaitable[V]"


def then(value: V | Awaitable[V], fn: Callable[[V], R]) -> R | Awaitable[R]:
    """``fn(value)`` now when ``value`` is known, else an awaitable of it: for a pending load the
    same batch's :class:`Mapped`, for a pending future another future set when it is; no coroutine
    and no task per item."""
    if type(value) is Mapped:
        if value.done():
            known: V = value.result()
            return fn(known)
        return value.then(fn)
    if isinstance(value, asyncio.Future):
        if value.done():
            done: V = value.result()
            return fn(done)
        return _chained(value, fn)
    if inspect.isawaitable(value):
        pending = value

        async def later() -> R:
            return fn(await pending)

        return later()
    return fn(value)


def _chained(source: asyncio.Future[V], fn: Callable[[V], R]) -> asyncio.Future[R]:
    result: asyncio.Future[R] = source.get_loop().create_future()

    def settle(source: asyncio.Future[V]) -> None:
        if result.done():
            return
        if source.cancelled():
            result.cancel()
            return
        error = source.exception()
        if error is not None:
            result.set_exception(error)
            return
        try:
            result.set_result(fn(source.result()))
        except Exception as exc:  # the resolver's error, as ``await`` would have raised it
            result.set_exception(exc)

    source.add_done_callback(settle)
    return result
