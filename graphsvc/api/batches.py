"""Batched loads whose waits cost one future per batch, not one per key.

Strawberry's DataLoader gives every key a future of its own (with a done-callback), and
``load_many`` gathers them; a page of ten customers with their states and brands made a few
hundred futures and callbacks per request. A :class:`Loader` keeps its keys in one
:class:`Batch` per turn of the event loop (dispatched the way strawberry's are, so the same loads
land in the same batch), loads it with one call, and ``load`` hands back a :class:`Mapped`: the
batch and the key, read when the batch is done, through the functions chained onto it with
:meth:`Mapped.then`. A plan waits for each batch once, not for each key.

A loader over an inline store (SQLite: calls answer in microseconds, see
graphsvc.api.store_calls) lets whoever waits for a batch run it in its own task with
:func:`run_now`: a plan that has resolved a whole level runs that level's batches one after the
other, with no task, no future callback and no turn of the event loop per batch. Batches nobody
runs so are dispatched as before.

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
import inspect
import itertools
from collections.abc import Awaitable, Callable, Generator, Hashable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
R = TypeVar("R")


Fetch = Callable[[list[K]], Awaitable[Sequence[V]]]

_created = itertools.count()  # batches in the order they were made


class Batch(Generic[K, V]):
    """Keys loaded by one call; ``future`` is done once ``found`` (or ``error``) is set."""

    __slots__ = ("error", "fetch", "found", "future", "keys", "order", "started", "task")

    def __init__(self, loop: asyncio.AbstractEventLoop, fetch: Fetch[K, V] | None = None) -> None:
        self.keys: list[K] = []
        self.found: dict[K, V] = {}
        self.error: BaseException | None = None
        self.future: asyncio.Future[None] = loop.create_future()
        self.task: asyncio.Task[None] | None = None  # the load under way (a reference keeps it alive)
        self.started = False  # takes no more keys
        self.order = next(_created)
        # The loader's fetch, until the batch starts, when a waiter may run it (see run_now); the
        # fetch, never the loader: a loader holds its batches, and a batch holding it back would
        # be a reference cycle.
        self.fetch = fetch


async def run_now(batch: Batch[Any, Any]) -> None:
    """Load ``batch`` in the calling task when it is an inline loader's and not started yet; in
    any case return once it is done."""
    fetch = batch.fetch
    if fetch is not None and not batch.started:
        batch.started = True
        batch.fetch = None
        await _load(batch, fetch)
    if not batch.future.done():
        await batch.future


async def _load(batch: Batch[K, V], fetch: Fetch[K, V]) -> None:
    try:
        values = await fetch(batch.keys)
        if len(values) != len(batch.keys):
            raise ValueError(f"a batch of {len(batch.keys)} keys was loaded as {len(values)} values")
        batch.found.update(zip(batch.keys, values, strict=True))
    except Exception as exc:  # every key of the batch fails with it, as with strawberry's loaders
        batch.error = exc
    if not batch.future.done():
        batch.future.set_result(None)


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
        """``fn`` of the value, as another :class:`Mapped` of the same batch (no future, no task).
        ``fn`` may give an awaitable (a load of another loader, say): awaiting the Mapped awaits it
        too, and a plan waits for it at the next level."""
        return Mapped(self.batch, self.key, (*self.fns, fn))

    def __await__(self) -> Generator[Any, None, V]:
        future = self.batch.future
        if not future.done():
            yield from future.__await__()
        value: Any = self.result()
        if inspect.isawaitable(value):  # a chained function gave an awaitable: its value is meant
            value = yield from value.__await__()
        result: V = value
        return result


class Loader(Generic[K, V]):
    """Loads keys in batches with ``fetch`` (values in the order of the keys), each key once;
    ``inline``: a waiter may run a batch itself (:func:`run_now`)."""

    def __init__(self, fetch: Fetch[K, V], *, inline: bool = False) -> None:
        self.fetch = fetch
        self.inline = inline
        self._of: dict[K, Batch[K, V]] = {}  # the batch each key was loaded (or primed) in
        self._collecting: Batch[K, V] | None = None
        self._primed: Batch[K, V] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _batch(self) -> Batch[K, V]:
        batch = self._collecting
        if batch is None or batch.started:
            loop = self._loop = self._loop or asyncio.get_running_loop()
            batch = self._collecting = Batch(loop, self.fetch if self.inline else None)
            loop.call_soon(self._dispatch, batch)  # as strawberry's DataLoader: the same batches
        return batch

    def _dispatch(self, batch: Batch[K, V]) -> None:
        if self._collecting is batch:
            self._collecting = None
        if not batch.started:  # else a waiter ran it (run_now)
            batch.started = True
            batch.fetch = None
            batch.task = asyncio.get_running_loop().create_task(_load(batch, self.fetch))

    def load(self, key: K) -> Mapped[V]:
        return Mapped(self._batch_of(key), key)

    def _batch_of(self, key: K) -> Batch[K, V]:
        """The batch ``key`` is loaded (or primed) in; the collecting one for a key never asked for."""
        batch = self._of.get(key)
        if batch is None:
            batch = self._of[key] = self._batch()
            batch.keys.append(key)
        return batch

    def then(self, key: K, fn: Callable[[V], R]) -> R | Mapped[R]:
        """``fn`` of the value of ``key``: at once when it is loaded (or primed), else a load of it
        chained with ``fn``."""
        batch = self._batch_of(key)
        if batch.future.done() and batch.error is None:
            return fn(batch.found[key])
        return Mapped(batch, key, (fn,))  # load(key).then(fn), without the Mapped in between

    def load_many(self, keys: Iterable[K]) -> Awaitable[list[V]]:
        return _all([self.load(k) for k in keys])

    async def load_many_now(self, keys: Iterable[K]) -> list[V]:
        """:meth:`load_many`, running the batches it waits for in this task when they are inline
        (see :func:`run_now`): for a fetch that needs another loader's values for keys the same
        resolvers asked for just before (they are in a batch that is complete, only not run)."""
        loads = [self.load(k) for k in keys]
        for load in loads:
            if not load.done():
                await run_now(load.batch)
        return [load.result() for load in loads]

    def then_many(self, keys: Iterable[K], fn: Callable[[list[V]], R]) -> R | Awaitable[R]:
        """``fn`` of the values of ``keys``: at once when all are loaded, else chained onto the
        batch they wait for (no coroutine: the usual case, keys asked for in one turn of the loop),
        else after all of them."""
        loads = [self.load(k) for k in keys]
        pending = {id(load.batch): load for load in loads if not load.done()}
        if not pending:
            return fn([load.result() for load in loads])
        if len(pending) == 1:
            (waiting,) = pending.values()
            # the value of that load is not needed, only that its batch, the last one, is done
            return waiting.then(lambda _: fn([load.result() for load in loads]))
        return _then(_all(loads), fn)

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


async def _then(values: Awaitable[list[V]], fn: Callable[[list[V]], R]) -> R:
    return fn(await values)


async def _all(loads: list[Mapped[V]]) -> list[V]:
    for load in loads:
        if not load.done():
            await load.batch.future
    return [load.result() for load in loads]
