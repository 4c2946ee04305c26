"""Load progress: a rich progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from graphsvc.ingest import IngestReport


class LoadProgress:
    """Shows records per file as they commit; messages go to stderr either way."""

    def __init__(self, *, enabled: bool) -> None:
        self.console = Console(stderr=True)
        self._progress = (
            Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(bar_width=None),
                TextColumn("{task.fields[detail]}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
            )
            if enabled
            else None
        )

    def __enter__(self) -> LoadProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def message(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr if text.startswith("rejected") else sys.stdout, flush=True)

    def start(self, path: Path, fmt: str) -> _Task:
        task = None
        if self._progress is not None:
            task = self._progress.add_task(f"{path.name} ({fmt})", total=None, detail="")
        return _Task(self._progress, task)


class _Task:
    def __init__(self, progress: Progress | None, task: TaskID | None) -> None:
        self._progress = progress
        self._task = task

    def __call__(self, report: IngestReport) -> None:
        if self._progress is not None and self._task is not None:
            detail = f"{report.loaded:,} loaded, {report.rejected:,} rejected, {report.rate():,.0f}/s"
            self._progress.update(self._task, detail=detail)
