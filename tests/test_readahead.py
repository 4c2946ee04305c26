"""Records read on a second thread: same order, errors where they happened, no stray reader."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from graphsvc.readahead import read_ahead


def test_read_ahead_keeps_order_across_chunks() -> None:
    assert list(read_ahead(iter(range(10_001)), chunk=7, ahead=2)) == list(range(10_001))
    assert list(read_ahead([])) == []


def test_read_ahead_hands_a_big_record_over_without_waiting_for_more() -> None:
    released = threading.Event()

    def records() -> Iterator[list[int]]:
        yield [0] * 5
        released.wait(10)  # the next record is slow to come
        yield [0]

    reader = read_ahead(records(), size=len, chunk=5)
    started = time.monotonic()
    assert len(next(reader)) == 5
    assert time.monotonic() - started < 5  # not held back until the chunk filled up
    released.set()
    assert [len(r) for r in reader] == [1]


def test_read_ahead_raises_the_readers_error_after_the_records_before_it() -> None:
    def records() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("line 3 is broken")

    seen: list[int] = []
    with pytest.raises(ValueError, match="line 3"):
        for record in read_ahead(records(), chunk=1):
            seen.append(record)
    assert seen == [1, 2]


def test_read_ahead_closed_early_stops_its_reader() -> None:
    def endless() -> Iterator[int]:
        n = 0
        while True:
            yield n
            n += 1

    reader = read_ahead(endless(), chunk=10, ahead=2)
    assert next(reader) == 0
    reader.close()
    assert not [t for t in threading.enumerate() if t.name == "graphsvc-read-ahead"]
