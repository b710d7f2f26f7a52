"""A one-line progress bar on stderr, for long imports (no dependency)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["ProgressBar"]

_WIDTH = 28
# A redraw per batch could be thousands of writes a second on a fast store; a terminal needs ~10.
_INTERVAL_S = 0.1


class ProgressBar:
    """Redraws one line (`\\r`) at most every `interval` seconds, and always at the end.

    `total` is in the same unit as `done` (bytes of the input file); None when unknown (stdin),
    which shows the counts without a bar.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        label: str,
        total: int | None,
        interval: float = _INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._label = label
        self._total = total if total else None
        self._interval = interval
        self._clock = clock
        self._last_draw: float | None = None
        self._last_width = 0
        self.draws = 0

    def update(self, done: int, detail: str) -> None:
        now = self._clock()
        if self._last_draw is not None and now - self._last_draw < self._interval:
            return
        self._last_draw = now
        self._draw(done, detail)

    def finish(self, done: int, detail: str) -> None:
        """Draw the final state and end the line."""
        self._draw(done, detail)
        self._stream.write("\n")
        self._stream.flush()

    def _draw(self, done: int, detail: str) -> None:
        if self._total is None:
            line = f"{self._label}  {detail}"
        else:
            fraction = min(max(done / self._total, 0.0), 1.0)
            filled = int(fraction * _WIDTH)
            bar = "#" * filled + "-" * (_WIDTH - filled)
            line = f"{self._label} [{bar}] {fraction:4.0%}  {detail}"
        # Pad over what a longer previous line left behind.
        self._stream.write("\r" + line.ljust(self._last_width))
        self._stream.flush()
        self._last_width = len(line)
        self.draws += 1
