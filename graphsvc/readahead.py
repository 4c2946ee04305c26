"""Reading a loader's records on a second thread while the caller writes the ones already read.

A load alternates parsing (Python, numpy, numba) and storing (SQLite). SQLite, numpy and the
compiled parsers let go of the GIL while they work, so on two cores the next records can be
parsed while the last batch is written. Records travel in chunks, not one by one: a queue
hand-over costs microseconds, as much as parsing a mention.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterable
from typing import TypeVar

T = TypeVar("T")

CHUNK = 2_000  # records (or their size) per hand-over
AHEAD = 4  # chunks read ahead of the caller at most


def read_ahead(
    records: Iterable[T], *, size: Callable[[T], int] = lambda _: 1, chunk: int = CHUNK, ahead: int = AHEAD
) -> Generator[T, None, None]:
    """``records``, in order, read by a worker thread up to ``ahead`` chunks before they are asked
    for; a chunk closes once the ``size`` of its records reaches ``chunk``. An exception in the
    reader is raised here, after the records read before it; closing this iterator early stops
    the reader.

    >>> list(read_ahead(range(5), chunk=2))
    [0, 1, 2, 3, 4]
    """
    chunks: queue.Queue[tuple[list[T], BaseException | None]] = queue.Queue(maxsize=ahead)
    stop = threading.Event()
    end: list[T] = []  # the last hand-over, told apart by identity

    def hand_over(items: list[T], error: BaseException | None = None) -> bool:
        while not stop.is_set():
            try:
                chunks.put((items, error), timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        items: list[T] = []
        filled = 0
        try:
            for record in records:
                items.append(record)
                filled += size(record)
                if filled >= chunk:
                    if not hand_over(items):
                        return
                    items, filled = [], 0
        except BaseException as exc:  # re-raised in the caller's thread
            hand_over(items, exc)
            return
        hand_over(items) and hand_over(end)

    reader = threading.Thread(target=read, name="graphsvc-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            items, error = chunks.get()
            if items is end:
                return
            yield from items
            if error is not None:
                raise error
    finally:
        stop.set()
        reader.join()
