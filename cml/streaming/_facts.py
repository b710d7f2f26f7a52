"""Progressive fact extraction: facts from the streamed text every N characters, each once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..text.extract import Fact

__all__ = ["FactTracker"]


class FactTracker:
    """
    Collects the text not yet read for facts, reads it when enough has come (or at the end),
    and returns only the facts not seen before in this stream (a resumed stream included).
    """

    def __init__(self) -> None:
        from ..text.extract import FactAccumulator

        self._accumulator = FactAccumulator()
        self._backlog: list[str] = []
        self._backlog_chars = 0
        #: Every fact key seen, in order (a dict: ordered, and O(1) to test).
        self.keys: dict[str, None] = {}

    def add(self, piece: str, threshold: int) -> bool:
        """Queue `piece`; True when `threshold` characters wait to be read."""
        self._backlog.append(piece)
        self._backlog_chars += len(piece)
        return self._backlog_chars >= threshold

    def extract(self, *, final: bool) -> list[Fact]:
        """The new facts in the queued text; `final` also reads the last, unfinished sentence."""
        text = "".join(self._backlog)
        self._backlog, self._backlog_chars = [], 0
        found = self._accumulator.add(text) if text else []
        if final:
            found += self._accumulator.flush()
        fresh = [fact for fact in found if fact.key not in self.keys]
        for fact in fresh:
            self.keys[fact.key] = None
        return fresh

    def restore(self, keys: Iterable[str], text: str) -> None:
        """Continue a resumed stream: its stored facts' keys, and its saved text re-read, so a
        sentence the failure cut is completed by the rest (its facts are already stored)."""
        self.keys = dict.fromkeys(keys)
        if text:
            for fact in self._accumulator.add(text):
                self.keys.setdefault(fact.key, None)
