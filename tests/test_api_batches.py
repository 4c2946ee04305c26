"""graphsvc.api.batches: one fetch per batch of keys, one future per batch, values read per key."""

from __future__ import annotations

import asyncio

import pytest

from graphsvc.api.batches import Loader, Mapped, run_now
from graphsvc.api.soon import then


def _plus_one(value: int) -> int:
    return value + 1


def _times_three(value: int) -> int:
    return value * 3


class Fetches:
    """A fetch that doubles its keys and records every batch it was asked for."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    async def __call__(self, keys: list[int]) -> list[int]:
        self.batches.append(list(keys))
        if 13 in keys:
            raise KeyError("unlucky")
        return [k * 2 for k in keys]


def test_api_batches_load_each_key_once_in_one_batch_per_turn() -> None:
    fetch = Fetches()

    async def go() -> tuple[list[int], int, list[int]]:
        loader = Loader(fetch)
        first = [loader.load(k) for k in (1, 2, 1, 3)]
        assert len({id(m.batch) for m in first}) == 1 and not first[0].done()
        values = [await m for m in first]
        again = await loader.load(2)  # known: no new batch
        later = await loader.load_many([3, 4, 5])  # only 4 and 5 are new
        return values, again, later

    assert asyncio.run(go()) == ([2, 4, 2, 6], 4, [6, 8, 10])
    assert fetch.batches == [[1, 2, 3], [4, 5]]


def test_api_batches_chain_functions_without_futures() -> None:
    async def go() -> None:
        loader = Loader(Fetches())
        pending = loader.load(5)
        chained = then(pending, _plus_one)
        assert isinstance(chained, Mapped) and chained.batch is pending.batch
        assert not chained.done()  # not loaded yet
        assert await chained == 11
        assert then(loader.load(5), _times_three) == 30  # loaded: answered at once
        assert loader.then(5, _times_three) == 30
        later = loader.then(6, _times_three)
        assert isinstance(later, Mapped) and await later == 36

    asyncio.run(go())


def test_api_batches_pass_a_failed_fetch_to_every_key_of_its_batch() -> None:
    fetch = Fetches()

    async def go() -> None:
        loader = Loader(fetch)
        bad, good = loader.load(13), loader.load(1).then(lambda v: 1 // (v - 2))
        with pytest.raises(KeyError, match="unlucky"):
            await bad
        with pytest.raises(KeyError, match="unlucky"):
            await good  # the same batch failed
        with pytest.raises(ZeroDivisionError):  # another batch: the chained function's own error
            await loader.load(3).then(lambda v: v).then(lambda v: 1 // (v - 6))

    asyncio.run(go())


def test_api_batches_prime_known_values_but_never_replace_loaded_ones() -> None:
    fetch = Fetches()

    async def go() -> tuple[int, int, int]:
        loader = Loader(fetch)
        assert await loader.load(1) == 2
        loader.prime_many({1: 100, 7: 70})
        loader.prime(8, 80)
        return await loader.load(1), await loader.load(7), await loader.load(8)

    assert asyncio.run(go()) == (2, 70, 80)
    assert fetch.batches == [[1]]


def test_api_batches_refuse_a_fetch_that_answers_the_wrong_number_of_values() -> None:
    async def short(keys: list[int]) -> list[int]:
        return keys[:-1]

    async def go() -> None:
        loader = Loader(short)
        loads = [loader.load(1), loader.load(2)]
        with pytest.raises(ValueError, match="a batch of 2 keys was loaded as 1 values"):
            await loads[1]

    asyncio.run(go())


def test_api_batches_of_an_inline_loader_run_in_the_waiting_task_and_take_no_keys_after() -> None:
    fetch = Fetches()
    tasks: list[asyncio.Task[object] | None] = []

    async def recorded(keys: list[int]) -> list[int]:
        tasks.append(asyncio.current_task())
        return await fetch(keys)

    async def go() -> None:
        loader = Loader(recorded, inline=True)
        loads = [loader.load(k) for k in (1, 2)]
        await run_now(loads[0].batch)  # no turn of the loop between the loads and the run
        assert [m.result() for m in loads] == [2, 4]
        assert tasks == [asyncio.current_task()]  # run here, not in a task of its own
        late = loader.load(3)  # the first batch started: a new one
        assert late.batch is not loads[0].batch
        await asyncio.sleep(0)  # nobody runs it: dispatched by the loop, as any loader's
        assert await late == 6 and tasks[-1] is not asyncio.current_task()

    asyncio.run(go())
    assert fetch.batches == [[1, 2], [3]]


def test_api_batches_then_many_waits_for_one_batch_without_a_coroutine() -> None:
    fetch = Fetches()

    async def go() -> None:
        loader = Loader(fetch)
        assert await loader.load(1) == 2
        both = loader.then_many([1, 2], sum)  # 1 is loaded, 2 is in a new batch
        assert isinstance(both, Mapped) and await both == 6
        assert loader.then_many([1, 2], sum) == 6  # all loaded: at once

    asyncio.run(go())
    assert fetch.batches == [[1], [2]]


def test_api_batches_await_what_a_chained_function_gives() -> None:
    async def go() -> None:
        numbers, others = Loader(Fetches()), Loader(Fetches())
        # a chained function may answer with another load: awaiting the first awaits both
        chained = numbers.load(2).then(lambda doubled: others.load(doubled))
        value: object = await chained  # typed as the inner load, awaited to its value
        assert value == 8

    asyncio.run(go())
