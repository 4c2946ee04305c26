"""Batched loads whose waits cost one future per batch, not one per key.

Strawberry's DataLoader gives every key a future of its own (with a done-callback), and
``load_many`` gathers them; a page of ten customers with their states and brands made a few
hundred futures and callbacks per request. A :class:`Loader` keeps its keys in one
:class:`Batch` per turn of the event loop (dispatched the way strawberry's are, so the same loads
land in the same batch), loads it with one call, and ``load`` hands back a :class:`Mapped`: the
batch and the key, read when the batch is done, through the functions chained onto it with
:meth:`Mapped.then`. A plan waits for each batch once, not for each key.

>>> async def double(keys: list[int]) -> list[int]:
...     return [k * 2 for k in keys]
>>> async def ask() -> tuple[int, list[int]]:
...     loader = Loader(double)
...     one = loader.load(1).then(lambda v: v + 1)
...     return await one, await loader.load_many([2, 3])
>>> asyncio.run(ask())
(3, [4, 6])
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator, Hashable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
R = TypeVar("R")


class Batch(Generic[K, V]):
    """Keys loaded by one call; ``future`` is done once ``found`` (or ``error``) is set."""

    __slots__ = ("error", "found", "future", "keys", "task")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.keys: list[K] = []
        self.found: dict[K, V] = {}
        self.error: BaseException | None = None
        self.future: asyncio.Future[None] = loop.create_future()
        self.task: asyncio.Task[None] | None = None  # the load under way (a reference keeps it alive)


class Mapped(Awaitable[V]):
    """The value of one key of a batch, passed through the functions chained onto it."""

    __slots__ = ("batch", "fns", "key")

    def __init__(self, batch: Batch[Any, Any], key: Any, fns: tuple[Callable[[Any], Any], ...] = ()) -> None:
        self.batch = batch
        self.key = key
        self.fns = fns

    def done(self) -> bool:
        return self.batch.future.done()

    def result(self) -> V:
        """The value (raises the load's or a chained function's error); only once :meth:`done`."""
        batch = self.batch
        if batch.error is not None:
            raise batch.error
        value = batch.found[self.key]
        for fn in self.fns:
            value = fn(value)
        result: V = value
        return result

    def then(self, fn: Callable[[V], R]) -> Mapped[R]:
        """``fn`` of the value, as another :class:`Mapped` of the same batch (no future, no task)."""
        return Mapped(self.batch, self.key, (*self.fns, fn))

    def __await__(self) -> Generator[Any, None, V]:
        future = self.batch.future
        if not future.done():
            yield from future.__await__()
        return self.result()


class Loader(Generic[K, V]):
    """Loads keys in batches with ``fetch`` (values in the order of the keys), each key once."""

    def __init__(self, fetch: Callable[[list[K]], Awaitable[Sequence[V]]]) -> None:
        self.fetch = fetch
        self._of: dict[K, Batch[K, V]] = {}  # the batch each key was loaded (or primed) in
        self._collecting: Batch[K, V] | None = None
        self._primed: Batch[K, V] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _batch(self) -> Batch[K, V]:
        batch = self._collecting
        if batch is None:
            loop = self._loop = self._loop or asyncio.get_running_loop()
            batch = self._collecting = Batch(loop)
            loop.call_soon(self._dispatch, batch)  # as strawberry's DataLoader: the same batches
        return batch

    def _dispatch(self, batch: Batch[K, V]) -> None:
        self._collecting = None
        batch.task = asyncio.get_running_loop().create_task(self._run(batch))

    async def _run(self, batch: Batch[K, V]) -> None:
        try:
            values = await self.fetch(batch.keys)
            if len(values) != len(batch.keys):
                raise ValueError(f"a batch of {len(batch.keys)} keys was loaded as {len(values)} values")
            batch.found.update(zip(batch.keys, values, strict=True))
        except Exception as exc:  # every key of the batch fails with it, as with strawberry's loaders
            batch.error = exc
        if not batch.future.done():
            batch.future.set_result(None)

    def load(self, key: K) -> Mapped[V]:
        batch = self._of.get(key)
        if batch is None:
            batch = self._of[key] = self._batch()
            batch.keys.append(key)
        return Mapped(batch, key)

    def then(self, key: K, fn: Callable[[V], R]) -> R | Mapped[R]:
        """``fn`` of the value of ``key``: at once when it is loaded (or primed), else a load of it
        chained with ``fn``."""
        batch = self._of.get(key)
        if batch is not None and batch.future.done() and batch.error is None:
            return fn(batch.found[key])
        return self.load(key).then(fn)

    def load_many(self, keys: Iterable[K]) -> Awaitable[list[V]]:
        return _all([self.load(k) for k in keys])

    def __contains__(self, key: K) -> bool:
        """Whether ``key`` was loaded, is being loaded, or was primed."""
        return key in self._of

    def prime(self, key: K, value: V) -> None:
        """Know ``value`` for ``key`` without loading it (unless it is loaded already)."""
        if key in self._of:
            return
        primed = self._primed
        if primed is None:
            primed = self._primed = Batch(self._loop or asyncio.get_running_loop())
            primed.future.set_result(None)
        self._of[key] = primed
        primed.found[key] = value

    def prime_many(self, values: Mapping[K, V]) -> None:
        for key, value in values.items():
            self.prime(key, value)


async def _all(loads: list[Mapped[V]]) -> list[V]:
    for load in loads:
        if not load.done():
            await load.batch.future
    return [load.result() for load in loads]
