"""
The streamed answer's text as the storage side holds it: whole while it fits in one memory,
else cut into chunk pieces as it arrives, keeping only what the next piece still needs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import attrs

from ..text.chunking import Chunk, Chunker, ChunkingConfig, ChunkLimitError
from ._ops import PREVIEW_CHARS
from ._options import StreamingOptions

__all__ = ["AnswerText", "ChunkPiece"]


@attrs.frozen
class ChunkPiece:
    """A chunk memory to store: `text == answer[start:end]`, after `gap` (from the previous
    piece's end to `start`, when they do not overlap)."""

    index: int
    text: str
    start: int
    end: int
    gap: str


def _windows(start: int, end: int, size: int) -> Iterator[tuple[int, int]]:
    while start < end:
        yield start, min(start + size, end)
        start += size


class AnswerText:
    """
    The answer so far: `length`, a `preview` of its start, and either its whole text (`parts`)
    or, once `chunked`, the chunker and the recent text the next pieces are cut from. `add`
    and `finish` return the chunk pieces that became ready; they raise the chunker's
    `ChunkLimitError` once, after which chunking stops.
    """

    def __init__(self, options: StreamingOptions) -> None:
        self._options = options
        self.limit = options.single_memory_limit
        self.length = 0
        self.preview = ""
        self._parts: list[str] = []
        # chunked storage
        self.chunked = False
        self.config: ChunkingConfig | None = None
        self._chunker: Chunker | None = None
        self._offset = 0  # where in the answer the chunker's text begins
        self._fed = 0
        self._recent: list[str] = []  # the answer from `_recent_base` on
        self._recent_base = 0
        self.last_end = 0  # where the last stored piece ends
        self.next_index = 0
        self.stopped = False
        self.trailing = ""  # whitespace after the last piece, kept with the answer memory
        if options.chunked_from_start:
            self.start_chunking(options.chunking_config(), offset=0)

    def start_chunking(self, config: ChunkingConfig, *, offset: int) -> None:
        self.chunked = True
        self.config = config
        self._chunker = Chunker(config)
        self._offset = offset
        self._fed = 0
        self._recent = []
        self._recent_base = offset

    def add(self, piece: str) -> list[ChunkPiece]:
        """Take the next piece of text (storable already)."""
        if len(self.preview) < PREVIEW_CHARS:
            self.preview = (self.preview + piece)[:PREVIEW_CHARS]
        self.length += len(piece)
        if self.chunked:
            return self.feed(piece)
        self._parts.append(piece)
        if self.length <= self.limit:
            return []
        # The answer outgrew one memory: from now on it is stored in chunks.
        text = "".join(self._parts)
        self._parts = []
        self.start_chunking(self._options.chunking_config(), offset=0)
        return self.feed(text)

    def feed(self, piece: str) -> list[ChunkPiece]:
        """Give `piece` to the chunker (without counting it: a resumed stream's saved text)."""
        if self._chunker is None or self.stopped or not piece:
            return []
        self._recent.append(piece)
        self._fed += len(piece)
        try:
            chunks = self._chunker.feed(piece)
        except ChunkLimitError:
            self.stopped = True
            raise
        return self._pieces(chunks) if chunks else []

    def finish(self) -> list[ChunkPiece]:
        """The answer ended (or failed): the pieces the chunker still held."""
        if self._chunker is None or self.stopped:
            return []
        try:
            chunks = self._chunker.finish()
        except ChunkLimitError:
            self.stopped = True
            raise
        return self._pieces(chunks, final=True)

    def _pieces(self, chunks: Sequence[Chunk], *, final: bool = False) -> list[ChunkPiece]:
        recent = "".join(self._recent)
        base = self._recent_base
        pieces = []
        for chunk in chunks:
            start, end = chunk.start + self._offset, chunk.end + self._offset
            for s, e in _windows(start, end, self.limit):
                if e <= self.last_end:
                    continue  # already stored whole (an overlap repeated after a resume)
                text = recent[s - base : e - base]
                if not text.strip():
                    continue  # whitespace only: it travels as the next piece's gap
                gap = recent[self.last_end - base : s - base] if s > self.last_end else ""
                pieces.append(ChunkPiece(self.next_index, text, s, e, gap))
                self.next_index += 1
                self.last_end = e
        if final:
            self.trailing = recent[self.last_end - base :]
        assert self._chunker is not None
        keep = min(self.last_end, self._offset + self._fed - self._chunker.buffered)
        if keep > base:
            recent = recent[keep - base :]
            base = keep
        self._recent = [recent] if recent else []
        self._recent_base = base
        return pieces

    def whole(self) -> str:
        """The whole text of an unchunked answer."""
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    def restore_whole(self, text: str) -> None:
        self._parts = [text] if text else []

    def render(self, *, partial: bool, stored_chunks: int, stream_id: str) -> str | None:
        """The answer memory's text: the answer itself, or for a chunked one a head that
        names its chunks; None while there is nothing but whitespace."""
        if not self.chunked:
            text = self.whole()
            return text if text.strip() else None
        if not self.length or (self.next_index == 0 and not self.preview.strip()):
            return None
        so_far = " so far" if partial else ""
        preview = self.preview.strip() or "(whitespace)"
        return (
            f"{preview}…\n\n[A long answer: {self.length:,} characters{so_far}, stored in "
            f"{stored_chunks} chunk memories (stream {stream_id}).]"
        )

    def graph_text(self) -> str:
        return self.preview if self.chunked else self.whole()

    def unstored(self) -> tuple[str, int]:
        """A chunked answer's text not yet in chunk memories, and where in the answer it
        begins: what a resume token keeps."""
        recent = "".join(self._recent)
        return recent[self.last_end - self._recent_base :], self.last_end
