"""`RollingContextWindow`: the most recent characters of a text stream, in bounded memory."""

from __future__ import annotations

from collections import deque

__all__ = [
    "RollingContextWindow",
]


class RollingContextWindow:
    """
    The most recent `max_chars` characters of a text stream, in memory bounded by `max_chars`
    however long the stream runs (Cortex's "memory efficiency" promise, kept).

    Pieces are kept in a deque as given; characters that fell out of the window are dropped by
    popping whole pieces from the left and remembering an offset into the first one, so an
    append costs O(1) amortised (no re-slicing of a large piece for each small one). Many tiny
    pieces are joined now and then, keeping the per-piece overhead in proportion too.
    """

    __slots__ = ("_compact_at", "_head", "_max_chars", "_pieces", "_size", "_total")

    def __init__(self, max_chars: int) -> None:
        if max_chars < 1:
            raise ValueError(f"max_chars must be >= 1, not {max_chars}")
        self._max_chars = max_chars
        self._pieces: deque[str] = deque()
        self._head = 0  # characters of `_pieces[0]` already out of the window
        self._size = 0  # characters in the window
        self._total = 0
        # Joining costs O(max_chars); doing it every max_chars/16 pieces keeps it O(1) a piece.
        self._compact_at = max(64, max_chars // 16)

    @property
    def max_chars(self) -> int:
        return self._max_chars

    @property
    def total_chars(self) -> int:
        """Every character appended since creation or the last `clear()`."""
        return self._total

    @property
    def text(self) -> str:
        """The window: the last `max_chars` characters appended (fewer until that many came)."""
        self._compact()
        return self._pieces[0] if self._pieces else ""

    def __len__(self) -> int:
        return self._size

    def append(self, piece: str) -> None:
        """Add the next piece of text; the oldest characters leave the window as needed."""
        if not piece:
            return
        self._total += len(piece)
        if len(piece) >= self._max_chars:
            # It fills the window on its own: keep only its tail, never the whole piece.
            self._pieces.clear()
            self._pieces.append(piece[-self._max_chars :])
            self._head = 0
            self._size = self._max_chars
            return
        self._pieces.append(piece)
        self._size += len(piece)
        excess = self._size - self._max_chars
        while excess > 0:
            available = len(self._pieces[0]) - self._head
            if available <= excess:
                self._pieces.popleft()
                self._head = 0
                self._size -= available
                excess -= available
            else:
                self._head += excess
                self._size -= excess
                excess = 0
        if len(self._pieces) > self._compact_at:
            self._compact()

    def _compact(self) -> None:
        """Join the window into one piece (`text` then costs nothing until the next append)."""
        if len(self._pieces) != 1 or self._head:
            joined = "".join(self._pieces)[self._head :]
            self._pieces.clear()
            if joined:
                self._pieces.append(joined)
            self._head = 0

    def clear(self) -> None:
        """Empty the window and reset `total_chars`."""
        self._pieces.clear()
        self._head = self._size = self._total = 0

    def __repr__(self) -> str:
        return (
            f"RollingContextWindow(max_chars={self._max_chars}, size={self._size}, "
            f"total_chars={self._total})"
        )
