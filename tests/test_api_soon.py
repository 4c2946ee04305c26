"""graphsvc.api.soon: values at once when known, and a future (no coroutine, no task) chained to a
DataLoader's pending load."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graphsvc.api.soon import then


def _plus_one(x: int) -> int:
    return x + 1


def _inverse(x: int) -> int:
    return 1 // x


def _times_six(x: int) -> int:
    return x * 6


def test_api_soon_then_answers_known_values_and_settled_futures_at_once() -> None:
    async def go() -> None:
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        done.set_result(20)
        assert then(2, lambda x: x + 1) == 3
        assert then(done, _plus_one) == 21

    asyncio.run(go())


def test_api_soon_then_chains_a_pending_future_without_a_task() -> None:
    async def go() -> None:
        loop = asyncio.get_running_loop()
        pending: asyncio.Future[int] = loop.create_future()
        chained = then(pending, _plus_one)
        assert isinstance(chained, asyncio.Future) and not isinstance(chained, asyncio.Task)
        assert not chained.done()
        loop.call_soon(pending.set_result, 41)
        assert await chained == 42

    asyncio.run(go())


def test_api_soon_then_passes_on_errors_and_cancellation() -> None:
    async def go() -> None:
        loop = asyncio.get_running_loop()
        failing: asyncio.Future[int] = loop.create_future()
        chained: Any = then(failing, _plus_one)
        failing.set_exception(KeyError("gone"))
        with pytest.raises(KeyError, match="gone"):
            await chained
        raising: asyncio.Future[int] = loop.create_future()
        broken: Any = then(raising, _inverse)
        raising.set_result(0)
        with pytest.raises(ZeroDivisionError):
            await broken
        cancelled: asyncio.Future[int] = loop.create_future()
        follower: Any = then(cancelled, _plus_one)
        cancelled.cancel()
        await asyncio.sleep(0)
        assert isinstance(follower, asyncio.Future) and follower.cancelled()

    asyncio.run(go())


def test_api_soon_then_still_awaits_coroutines() -> None:
    async def seven() -> int:
        return 7

    async def go() -> int:
        value: Any = then(seven(), _times_six)
        assert not isinstance(value, int)
        answer: int = await value
        return answer

    assert asyncio.run(go()) == 42
