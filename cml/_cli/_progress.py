"""Progress for long commands (import, export) on stderr, drawn by rich (`py-cml[cli]`).

rich measures the rate and the time left and redraws at its own pace; we only report counts.
Without rich (a core install) there is no bar: `open_progress` says once how to get one and
returns None, and the command's summary line still reports the counts.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any, TextIO

__all__ = ["ProgressBar", "open_progress", "rich_available"]

NO_RICH = "cml: progress bars need rich: pip install 'py-cml[cli]'"


def rich_available() -> bool:
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


class ProgressBar:
    """One task of a rich progress display: `update` as work is done, `finish` at the end.

    `total` is in the unit of `done` (bytes of the input for import); None when unknown (stdin,
    export), which shows the count and rate without a bar or time left. `unit` names what
    `count` (the per-second rate shown) counts.
    """

    def __init__(self, stream: TextIO, *, label: str, total: int | None, unit: str) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns: list[Any] = [TextColumn("{task.description}")]
        if total:
            columns += [BarColumn(), TaskProgressColumn(), TimeRemainingColumn()]
        else:
            columns += [TimeElapsedColumn()]
        columns += [TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[detail]}")]
        # Forced to a terminal: `--progress` asks for the bar even when stderr is not one.
        console = Console(file=stream, force_terminal=True, highlight=False)
        self._progress = Progress(*columns, console=console, transient=False)
        self._unit = unit
        self._started = time.monotonic()
        self._task = self._progress.add_task(label, total=total or None, rate="", detail="")
        self._progress.start()

    def update(self, done: int, detail: str, *, count: int = 0) -> None:
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = f"{count / elapsed:,.0f} {self._unit}/s" if count else ""
        self._progress.update(self._task, completed=done, rate=rate, detail=detail)

    def finish(self, done: int, detail: str, *, count: int = 0) -> None:
        self.update(done, detail, count=count)
        self._progress.stop()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()  # idempotent: after finish() it does nothing


def open_progress(
    stream: TextIO, *, wanted: bool | None, label: str, total: int | None, unit: str
) -> ProgressBar | None:
    """A bar when `wanted` (None: when `stream` is a terminal) and rich is installed."""
    show = stream.isatty() if wanted is None else wanted
    if not show:
        return None
    if not rich_available():
        if wanted:  # asked for explicitly: say why there is none
            print(NO_RICH, file=stream)
        return None
    return ProgressBar(stream, label=label, total=total, unit=unit)
