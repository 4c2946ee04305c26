"""WriteBehind: one job at a time in a background thread, errors and follow-ups in the caller's."""

from __future__ import annotations

import functools
import threading

import pytest

from graphsvc.writebehind import WriteBehind


def test_writebehind_runs_jobs_in_order_one_at_a_time_and_then_in_the_callers_thread() -> None:
    seen: list[tuple[str, int, bool]] = []
    running = threading.Lock()

    def job(n: int) -> None:
        assert running.acquire(blocking=False), "two jobs at once"
        seen.append(("job", n, threading.current_thread() is threading.main_thread()))
        running.release()

    def then(n: int) -> None:
        seen.append(("then", n, threading.current_thread() is threading.main_thread()))

    with WriteBehind() as writer:
        for n in range(3):
            writer.submit(functools.partial(job, n), then=functools.partial(then, n))
    assert seen == [(kind, n, kind == "then") for n in range(3) for kind in ("job", "then")]


def test_writebehind_raises_a_jobs_error_at_the_next_wait_and_skips_its_then() -> None:
    thens: list[int] = []
    writer = WriteBehind()

    def fail() -> None:
        raise ValueError("disk full")

    writer.submit(fail, then=lambda: thens.append(1))
    with pytest.raises(ValueError, match="disk full"):
        writer.submit(lambda: None)
    writer.close()  # the failed job is not raised twice
    assert thens == []


def test_writebehind_close_waits_for_the_job_in_flight() -> None:
    started, release = threading.Event(), threading.Event()
    done: list[str] = []

    def slow() -> None:
        started.set()
        release.wait(5)
        done.append("written")

    writer = WriteBehind()
    writer.submit(slow)
    started.wait(5)
    threading.Timer(0.05, release.set).start()
    writer.close()
    assert done == ["written"]


def test_writebehind_without_jobs_starts_no_thread() -> None:
    before = threading.active_count()
    with WriteBehind() as writer:
        writer.wait()
        assert threading.active_count() == before
