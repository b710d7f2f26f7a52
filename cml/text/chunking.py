"""
Splitting long text into chunks, in one go (`chunk_text`) or as it streams in (`Chunker`).

The embedded engine stores long content as several linked memories, and the streaming layer
stores long LLM answers the same way. Both must cut identically, so the batch function and the
streaming chunker share one set of resumable scanners: a boundary is only decided once the text
that decides it has arrived, which is why feeding a text in any pieces gives the chunks that
`chunk_text` gives for the whole.

Chunks carry offsets into the original text (`text == source[start:end]`), end on a
non-whitespace character, and together hold every non-whitespace character: only whitespace is
ever left between two chunks.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Iterator
from typing import Literal, Protocol, get_args

import attrs

__all__ = [
    "CHARS_PER_TOKEN",
    "MAX_CHUNKS",
    "Chunk",
    "ChunkLimitError",
    "Chunker",
    "ChunkingConfig",
    "ChunkingConfigError",
    "ChunkingStrategy",
    "chunk_text",
    "split_paragraphs",
    "split_sentences",
]

ChunkingStrategy = Literal["token", "sentence", "paragraph", "fixed"]

#: The `token` strategy's estimate: a token is this many characters.
CHARS_PER_TOKEN = 4

#: No text is cut into more chunks than this; past it `ChunkLimitError` is raised.
MAX_CHUNKS = 100_000

_STRATEGIES: frozenset[str] = frozenset(get_args(ChunkingStrategy))


class ChunkingConfigError(ValueError):
    """A `ChunkingConfig` that cannot work: bad sizes or an unknown strategy."""


class ChunkLimitError(ValueError):
    """The text would be cut into more than `MAX_CHUNKS` chunks."""


@attrs.frozen(slots=True)
class Chunk:
    """
    One piece of a text: `text == source[start:end]`, the `index`-th of `total` chunks.

    Chunks from a `Chunker` (streaming) have `total == -1`: the count is unknown while the
    stream flows. Their offsets count from the start of the whole stream.
    """

    text: str
    index: int
    start: int
    end: int
    total: int


@attrs.frozen
class ChunkingConfig:
    """
    How to cut. `max_chunk_size` and `overlap_size` are in the strategy's unit:

    - `token`: tokens of `CHARS_PER_TOKEN` characters;
    - `sentence`: sentences (see `split_sentences`);
    - `paragraph`: paragraphs, separated by blank lines;
    - `fixed`: characters.

    For token and fixed, a chunk never exceeds `max_chunk_size` units. The next chunk starts
    `overlap_size` units before the previous one ends, except after a run of whitespace too
    long to fit beside the overlap (at least size minus overlap): there it starts afresh.

    `preserve_boundaries` (token and fixed only) keeps words whole: each chunk ends at the last
    word end in its window, and the overlap starts at the first word start inside it (or, when
    it lies within one word, at that word's start), so the overlap is `overlap_size` rounded
    to whole words. A word is cut only when no word end leaves room for new text beyond the
    overlap (in particular, a word longer than the window). With `preserve_boundaries=False`
    the overlap is exact and cuts fall anywhere.
    """

    strategy: ChunkingStrategy = "sentence"
    max_chunk_size: int = 1000
    overlap_size: int = 0
    preserve_boundaries: bool = True

    def __attrs_post_init__(self) -> None:
        if self.strategy not in _STRATEGIES:
            raise ChunkingConfigError(
                f"unknown chunking strategy {self.strategy!r}; "
                f"expected one of {', '.join(sorted(_STRATEGIES))}"
            )
        for name in ("max_chunk_size", "overlap_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ChunkingConfigError(f"{name} must be an int, not {type(value).__name__}")
        if self.max_chunk_size <= 0:
            raise ChunkingConfigError(f"max_chunk_size must be > 0, got {self.max_chunk_size}")
        if not 0 <= self.overlap_size < self.max_chunk_size:
            raise ChunkingConfigError(
                f"overlap_size must be >= 0 and < max_chunk_size ({self.max_chunk_size}), "
                f"got {self.overlap_size}"
            )

    @property
    def unit_chars(self) -> int:
        """Characters per unit for the character strategies (1 for fixed, 4 for token)."""
        return CHARS_PER_TOKEN if self.strategy == "token" else 1


# --- scanning helpers -------------------------------------------------------------------------

_NONSPACE = re.compile(r"\S")
_WORD_START = re.compile(r"(?<!\S)\S")
_SENTENCE_MARK = re.compile(r"[.!?…\n]")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_TERMINATORS = frozenset(".!?…")
_CLOSERS = frozenset("\"')]}»”’")
_OPENERS = "\"'([{«“‘"
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")

# A period after these never ends a sentence ("Dr. Smith", "e.g. tea").
_NEVER_END = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "vs", "e.g", "i.e", "cf", "fig"})
# A period after these ends a sentence only when a capitalised word follows ("Acme Inc. It").
_MAYBE_END = frozenset({"etc", "inc", "ltd", "co", "corp", "jr", "sr", "al", "approx"})


def _next_nonspace(text: str, pos: int) -> int:
    """Index of the first non-whitespace character at or after `pos`, else `len(text)`."""
    found = _NONSPACE.search(text, pos)
    return len(text) if found is None else found.start()


def _rstrip_end(text: str, start: int, end: int) -> int:
    """`end` moved back over whitespace, not past `start`."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _terminator(text: str, start: int, i: int, at_end: bool) -> tuple[bool | None, int]:
    """
    Whether the terminator run at `i` ends the sentence begun at `start`, and where it stops.

    `None` means the answer depends on text not yet seen. Every decision reads only from the
    sentence start to the first non-whitespace character after the run, so it never changes
    once made: that is what lets a stream be cut exactly like the whole text.
    """
    n = len(text)
    j = i
    while j < n and text[j] in _TERMINATORS:
        j += 1
    run = text[i:j]
    while j < n and text[j] in _CLOSERS:
        j += 1
    if j == n and not at_end:
        return None, i
    if j < n and not text[j].isspace():
        return False, j  # 3.14, example.com, "?!x"
    if "!" in run or "?" in run:
        return True, j
    if run == ".":
        k = i
        while k > start and not text[k - 1].isspace():
            k -= 1
        word = text[k:i].lstrip(_OPENERS)
        lowered = word.lower()
        if lowered in _NEVER_END or (len(word) == 1 and word.isupper()):
            return False, j  # "Dr. Who", "J. K. Rowling"
        if word.isdigit() and k == start:
            return False, j  # a numbered list item: "2. Add the flour."
        if lowered not in _MAYBE_END and not _INITIALISM.fullmatch(word):
            return True, j
    # An ellipsis or an abbreviation that may end a sentence: the next word decides.
    k = _next_nonspace(text, j)
    if k == n:
        return (True, j) if at_end else (None, i)
    return not text[k].islower(), j


class _Scanner(Protocol):
    def scan(self, text: str, at_end: bool) -> Iterator[tuple[int, int]]: ...

    def needed_from(self) -> int: ...

    def shift(self, by: int) -> None: ...


class _SentenceScanner:
    """Resumable sentence finder: yields each sentence span once its end is certain."""

    __slots__ = ("_pos", "_start")

    def __init__(self) -> None:
        self._pos = 0
        self._start: int | None = None

    def scan(self, text: str, at_end: bool) -> Iterator[tuple[int, int]]:
        n = len(text)
        i, start = self._pos, self._start
        try:
            while True:
                if start is None:
                    i = start = _next_nonspace(text, i)
                    if i == n:
                        start = None
                        break
                found = _SENTENCE_MARK.search(text, i)
                if found is None:
                    i = n
                    if at_end:
                        yield start, _rstrip_end(text, start, n)
                        start = None
                    break
                i = found.start()
                if text[i] == "\n":
                    span = (start, _rstrip_end(text, start, i))
                    i, start = i + 1, None
                    yield span
                    continue
                ends, i = _terminator(text, start, i, at_end)
                if ends is None:
                    break
                if ends:
                    span = (start, i)
                    start = None
                    yield span
        finally:
            self._pos, self._start = i, start

    def needed_from(self) -> int:
        return self._pos if self._start is None else self._start

    def shift(self, by: int) -> None:
        self._pos -= by
        if self._start is not None:
            self._start -= by


class _ParagraphScanner:
    """Resumable paragraph finder: paragraphs are separated by blank lines."""

    __slots__ = ("_pos", "_start")

    def __init__(self) -> None:
        self._pos = 0
        self._start: int | None = None

    def scan(self, text: str, at_end: bool) -> Iterator[tuple[int, int]]:
        n = len(text)
        i, start = self._pos, self._start
        try:
            while True:
                if start is None:
                    i = start = _next_nonspace(text, i)
                    if i == n:
                        start = None
                        break
                found = _BLANK_LINE.search(text, i)
                if found is None:
                    tail = _rstrip_end(text, start, n)
                    if at_end:
                        i = n
                        yield start, tail
                        start = None
                    else:
                        i = max(i, tail)  # a blank line may yet form in the trailing space
                    break
                span = (start, _rstrip_end(text, start, found.start()))
                i, start = found.end(), None
                yield span
        finally:
            self._pos, self._start = i, start

    def needed_from(self) -> int:
        return self._pos if self._start is None else self._start

    def shift(self, by: int) -> None:
        self._pos -= by
        if self._start is not None:
            self._start -= by


def split_sentences(text: str) -> list[tuple[int, int]]:
    """
    `(start, end)` spans of the sentences in `text`, without the whitespace around them.

    A sentence ends at `.`, `!`, `?` or an ellipsis (with any closing quotes or brackets)
    followed by whitespace or the end, and at every line break. Not at: decimals (`3.14`),
    titles and Latin abbreviations (`Dr.`, `e.g.`, `i.e.`), initials (`J. K.`), list numbers
    at a sentence start (`2. Stir`); after `etc.`, `Inc.`, `a.m.` or an ellipsis, only when
    the next word is not lowercase.
    """
    return list(_SentenceScanner().scan(text, at_end=True))


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """`(start, end)` spans of the paragraphs in `text` (separated by blank lines), trimmed."""
    return list(_ParagraphScanner().scan(text, at_end=True))


# --- chunk engines ----------------------------------------------------------------------------


class _UnitEngine:
    """Groups sentences or paragraphs: `size` units per chunk, the last `overlap` repeated."""

    __slots__ = ("_covered", "_overlap", "_scanner", "_size", "_units")

    def __init__(self, scanner: _Scanner, size: int, overlap: int) -> None:
        self._scanner = scanner
        self._size = size
        self._overlap = overlap
        # Units (stream offsets) from the next chunk's first on; the first `_covered` of them
        # are already in the last chunk given out.
        self._units: deque[tuple[int, int]] = deque()
        self._covered = 0

    def run(self, text: str, base: int, at_end: bool) -> Iterator[tuple[int, int]]:
        units, size = self._units, self._size
        for start, end in self._scanner.scan(text, at_end):
            units.append((start + base, end + base))
            if len(units) == size:
                yield units[0][0], units[-1][1]
                for _ in range(size - self._overlap):
                    units.popleft()
                self._covered = self._overlap
        if at_end and len(units) > self._covered:
            yield units[0][0], units[-1][1]
            units.clear()
            self._covered = 0

    def needed_from(self, base: int) -> int:
        """The first buffer index still needed (`base` is the buffer's stream offset)."""
        scanner_needs = self._scanner.needed_from()
        return min(self._units[0][0] - base, scanner_needs) if self._units else scanner_needs

    def shift(self, by: int) -> None:
        self._scanner.shift(by)


class _CharEngine:
    """Windows of `width` characters, the next starting `overlap` before the previous end."""

    __slots__ = ("_fresh", "_overlap", "_preserve", "_start", "_width")

    def __init__(self, width: int, overlap: int, preserve: bool) -> None:
        self._width = width
        self._overlap = overlap
        self._preserve = preserve
        self._start: int | None = None  # the next chunk's start when it overlaps the last
        self._fresh = 0  # where text not yet in any chunk begins

    def run(self, text: str, base: int, at_end: bool) -> Iterator[tuple[int, int]]:
        n, width = len(text), self._width
        while True:
            first_new = _next_nonspace(text, self._fresh)
            if first_new == n:
                return
            start = self._start
            if start is None or first_new >= start + width:
                # No overlap to carry, or the gap after it is too wide to fit beside it.
                start = first_new
            limit = start + width
            if limit >= n or _next_nonspace(text, limit) == n:
                if not at_end:
                    return  # whether this is the last chunk is not known yet
                end = _rstrip_end(text, start, n)
            else:
                end = self._cut(text, start, limit)
            yield start + base, end + base
            self._fresh = end
            self._start = self._overlap_start(text, start, end)

    def _cut(self, text: str, start: int, limit: int) -> int:
        """Where a chunk that cannot reach the end of the text stops."""
        if self._preserve:
            # The last word end in the window that leaves new text beyond the overlap.
            low = max(start + self._overlap, self._fresh)
            e = limit
            while e > low:
                if text[e].isspace() and not text[e - 1].isspace():
                    return e
                e -= 1
        return _rstrip_end(text, start, limit)

    def _overlap_start(self, text: str, start: int, end: int) -> int | None:
        """Where the chunk after `text[start:end]` starts, or `None` when it does not overlap."""
        exact = end - self._overlap
        if not self._overlap or exact <= start:
            return None  # a chunk no longer than the overlap: only whitespace follows it
        if not self._preserve:
            return exact
        # Start at a word: the first one inside the overlap, else the one the overlap begins in
        # (unless that word begins the previous chunk too).
        word = _WORD_START.search(text, exact, end)
        if word is not None:
            return word.start()
        pos = exact
        while pos > start and not text[pos - 1].isspace():
            pos -= 1
        return pos if pos > start else exact

    def needed_from(self, base: int) -> int:
        """The first buffer index still needed."""
        return self._fresh if self._start is None else self._start

    def shift(self, by: int) -> None:
        self._fresh -= by
        if self._start is not None:
            self._start -= by


def _engine(config: ChunkingConfig) -> _UnitEngine | _CharEngine:
    if config.strategy == "sentence":
        return _UnitEngine(_SentenceScanner(), config.max_chunk_size, config.overlap_size)
    if config.strategy == "paragraph":
        return _UnitEngine(_ParagraphScanner(), config.max_chunk_size, config.overlap_size)
    unit = config.unit_chars
    return _CharEngine(
        config.max_chunk_size * unit, config.overlap_size * unit, config.preserve_boundaries
    )


def _too_many() -> ChunkLimitError:
    return ChunkLimitError(
        f"the text would be cut into more than {MAX_CHUNKS:,} chunks; "
        "raise max_chunk_size or chunk a shorter text"
    )


def chunk_text(text: str, config: ChunkingConfig | None = None) -> list[Chunk]:
    """
    Cut `text` into chunks per `config` (default: sentences, 1000 per chunk).

    Empty or all-whitespace text gives `[]`. Raises `ChunkLimitError` when more than
    `MAX_CHUNKS` chunks would be needed, without building them first.
    """
    config = ChunkingConfig() if config is None else config
    if config.strategy in ("token", "fixed"):
        # Each chunk holds at most `width` non-whitespace characters: a cheap lower bound.
        width = config.max_chunk_size * config.unit_chars
        if math.ceil(len("".join(text.split())) / width) > MAX_CHUNKS:
            raise _too_many()
    spans: list[tuple[int, int]] = []
    for span in _engine(config).run(text, 0, at_end=True):
        if len(spans) == MAX_CHUNKS:
            raise _too_many()
        spans.append(span)
    total = len(spans)
    return [Chunk(text[s:e], index, s, e, total) for index, (s, e) in enumerate(spans)]


class Chunker:
    """
    Cuts a text that arrives in pieces, giving each chunk as soon as it is final.

    `feed(piece)` returns the chunks completed so far, `finish()` the rest. The chunks are
    exactly those `chunk_text` gives for the whole text, except that `total` is -1 (unknown
    while streaming); offsets count from the start of the stream. Only the unfinished tail is
    kept (from the start of the chunk being built, overlap included), so memory does not grow
    with the length of the stream. Raises `ChunkLimitError` on the chunk past `MAX_CHUNKS`.
    """

    __slots__ = ("_base", "_buffer", "_config", "_count", "_engine", "_finished")

    def __init__(self, config: ChunkingConfig | None = None) -> None:
        self._config = ChunkingConfig() if config is None else config
        self._engine = _engine(self._config)
        self._buffer = ""
        self._base = 0  # stream offset of `_buffer[0]`
        self._count = 0
        self._finished = False

    @property
    def config(self) -> ChunkingConfig:
        return self._config

    @property
    def buffered(self) -> int:
        """Characters held back: the unfinished tail of the stream."""
        return len(self._buffer)

    def feed(self, piece: str) -> list[Chunk]:
        """Add the next piece of the stream; return the chunks it completes."""
        if self._finished:
            raise RuntimeError("Chunker.feed() after finish()")
        if not piece:
            return []
        self._buffer += piece
        return self._drain(at_end=False)

    def finish(self) -> list[Chunk]:
        """End the stream: return the remaining chunks. Calling it again returns `[]`."""
        if self._finished:
            return []
        self._finished = True
        chunks = self._drain(at_end=True)
        self._buffer = ""
        return chunks

    def _drain(self, at_end: bool) -> list[Chunk]:
        buffer, base = self._buffer, self._base
        chunks = []
        for start, end in self._engine.run(buffer, base, at_end):
            if self._count == MAX_CHUNKS:
                self._finished = True
                raise _too_many()
            chunks.append(Chunk(buffer[start - base : end - base], self._count, start, end, -1))
            self._count += 1
        keep = self._engine.needed_from(base)
        if keep > 0:
            self._buffer = buffer[keep:]
            self._base += keep
            self._engine.shift(keep)
        return chunks
