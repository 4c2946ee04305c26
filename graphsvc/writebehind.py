"""One write at a time in a background thread, so that the caller prepares the next meanwhile.

The sqlite3 module lets go of the GIL while SQLite runs a statement, so a load that parses and
prepares batch n + 1 in one thread while another commits batch n uses two cores for much of
the time. At most one job is in flight, and none waits behind it: :meth:`WriteBehind.submit`
first waits for the one before, so the caller always knows the store is idle after
:meth:`WriteBehind.wait` (it may then open its own transaction without waiting on the job's).

>>> done = []
>>> with WriteBehind() as writer:
...     writer.submit(lambda: done.append("written"), then=lambda: done.append("reported"))
...     writer.wait()
>>> done
['written', 'reported']
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

__all__ = ["WriteBehind"]


class WriteBehind:
    """Runs submitted jobs one at a time, in order, in one background thread started on demand."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._job: Future[None] | None = None
        self._then: Callable[[], None] | None = None

    def submit(self, job: Callable[[], None], *, then: Callable[[], None] | None = None) -> None:
        """Wait for the job in flight, then start ``job``; ``then`` runs in the caller's thread once
        ``job`` is done (at the next ``submit`` or ``wait``)."""
        self.wait()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="write-behind")
        self._job, self._then = self._pool.submit(job), then

    def wait(self) -> None:
        """Until the job in flight is done; raises what it raised, else runs its ``then``."""
        job, then = self._job, self._then
        self._job = self._then = None
        if job is not None:
            job.result()
            if then is not None:
                then()

    def close(self) -> None:
        """Wait for the job in flight (raising what it raised) and stop the thread."""
        try:
            self.wait()
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
