import itertools
import time

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cml.text.chunking import (
    CHARS_PER_TOKEN,
    MAX_CHUNKS,
    Chunk,
    Chunker,
    ChunkingConfig,
    ChunkingConfigError,
    ChunkLimitError,
    chunk_text,
    split_paragraphs,
    split_sentences,
)

# --- text generators --------------------------------------------------------------------------

# Pieces that exercise every rule of the scanners: abbreviations, decimals, ellipses, list
# numbers, quotes, blank lines, runs of whitespace and words longer than small windows.
PIECES = [
    "Hello",
    "world",
    "a",
    "Dr.",
    "e.g.",
    "etc.",
    "Acme Inc.",
    "J.",
    "3.14",
    "2.",
    "...",
    "…",
    "?",
    "!",
    ".",
    '"',
    ")",
    ",",
    "x" * 23,
    "Supercalifragilistic",
    " ",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    " \n \n ",
    ". ",
    "? ",
    "! ",
    ". The",
    "... and",
]

texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.text(alphabet=st.sampled_from(list("ab Z.!?\n\t3'\"…")), max_size=200),
)


ALL = ("token", "sentence", "paragraph", "fixed")


@st.composite
def configs(
    draw: st.DrawFn, strategies: tuple[str, ...] = ALL, preserve: bool | None = None
) -> ChunkingConfig:
    size = draw(st.integers(min_value=1, max_value=12))
    return ChunkingConfig(
        strategy=draw(st.sampled_from(strategies)),
        max_chunk_size=size,
        overlap_size=draw(st.integers(min_value=0, max_value=size - 1)),
        preserve_boundaries=draw(st.booleans()) if preserve is None else preserve,
    )


# --- helpers ----------------------------------------------------------------------------------


def units_of(text: str, config: ChunkingConfig) -> list[tuple[int, int]]:
    return split_sentences(text) if config.strategy == "sentence" else split_paragraphs(text)


def units_in(chunk: Chunk, units: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [u for u in units if chunk.start <= u[0] and u[1] <= chunk.end]


def width(config: ChunkingConfig) -> int:
    return config.max_chunk_size * config.unit_chars


def overlap_chars(config: ChunkingConfig) -> int:
    return config.overlap_size * config.unit_chars


def is_word_start(text: str, i: int) -> bool:
    return not text[i].isspace() and (i == 0 or text[i - 1].isspace())


def streamed(text: str, config: ChunkingConfig, cuts: list[int]) -> list[Chunk]:
    chunker = Chunker(config)
    chunks: list[Chunk] = []
    previous = 0
    for cut in [*sorted(cuts), len(text)]:
        chunks += chunker.feed(text[previous:cut])
        previous = cut
    return chunks + chunker.finish()


# --- properties -------------------------------------------------------------------------------


@given(text=texts, config=configs())
def test_offsets_are_exact(text: str, config: ChunkingConfig) -> None:
    chunks = chunk_text(text, config)
    for index, chunk in enumerate(chunks):
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.index == index
        assert chunk.total == len(chunks)


@given(text=texts, config=configs())
def test_no_text_is_lost(text: str, config: ChunkingConfig) -> None:
    chunks = chunk_text(text, config)
    if not text.strip():
        assert chunks == []
        return
    for chunk in chunks:
        assert chunk.text.strip(), "a chunk of only whitespace"
        assert not chunk.text[-1].isspace()
    assert not text[: chunks[0].start].strip()
    assert not text[chunks[-1].end :].strip()
    for before, after in itertools.pairwise(chunks):
        assert after.start > before.start
        assert after.end > before.end
        assert not text[before.end : after.start].strip(), "text lost between chunks"


@given(text=texts, config=configs())
def test_chunk_sizes_are_respected(text: str, config: ChunkingConfig) -> None:
    chunks = chunk_text(text, config)
    if config.strategy in ("token", "fixed"):
        assert all(len(c.text) <= width(config) for c in chunks)
        return
    units = units_of(text, config)
    for chunk in chunks:
        inside = units_in(chunk, units)
        assert 1 <= len(inside) <= config.max_chunk_size
        # A chunk is whole units: it starts at one and ends at one.
        assert (chunk.start, chunk.end) == (inside[0][0], inside[-1][1])


@given(text=texts, config=configs(("sentence", "paragraph")))
def test_unit_overlap_is_exact(text: str, config: ChunkingConfig) -> None:
    chunks = chunk_text(text, config)
    units = units_of(text, config)
    for before, after in itertools.pairwise(chunks):
        shared = set(units_in(before, units)) & set(units_in(after, units))
        assert len(shared) == config.overlap_size
        # The earlier chunk is full: only the last chunk may fall short.
        assert len(units_in(before, units)) == config.max_chunk_size


def overlap_start(text: str, chunk: Chunk, config: ChunkingConfig) -> int | None:
    """Where the chunk after `chunk` should start when it overlaps it (the documented rule)."""
    overlap = overlap_chars(config)
    exact = chunk.end - overlap
    if not overlap or exact <= chunk.start:
        return None
    if not config.preserve_boundaries:
        return exact
    starts = [i for i in range(exact, chunk.end) if is_word_start(text, i)]
    if starts:
        return starts[0]  # the first word inside the overlap
    word = exact
    while word > chunk.start and not text[word - 1].isspace():
        word -= 1
    return word if word > chunk.start else exact  # the whole word the overlap begins in


@given(text=texts, config=configs(("token", "fixed")))
def test_character_overlap(text: str, config: ChunkingConfig) -> None:
    chunks = chunk_text(text, config)
    size, overlap = width(config), overlap_chars(config)
    for before, after in itertools.pairwise(chunks):
        expected = overlap_start(text, before, config)
        if after.start < before.end:
            assert after.start == expected
            if not config.preserve_boundaries:
                assert before.end - after.start == overlap
            continue
        # No overlap: none asked, or a whitespace run too wide to fit beside it.
        gap = text[before.end : after.start]
        assert not gap.strip()
        assert not text[after.start].isspace()
        if expected is not None:
            assert after.start >= expected + size
        elif overlap:
            assert len(gap) >= size - overlap


@given(text=texts, config=configs(("token", "fixed"), preserve=True))
def test_preserved_boundaries_cut_no_word_needlessly(text: str, config: ChunkingConfig) -> None:
    chunks = chunk_text(text, config)
    size, overlap = width(config), overlap_chars(config)
    for position, chunk in enumerate(chunks[:-1]):
        if text[chunk.end].isspace():
            continue
        # A mid-word cut: the window is full and held no usable word end.
        assert chunk.end - chunk.start == size
        previous = chunks[position - 1] if position else None
        fresh = previous.end if previous and chunk.start < previous.end else chunk.start
        low = max(chunk.start + overlap, fresh)
        assert not any(
            text[e].isspace() and not text[e - 1].isspace() for e in range(low + 1, chunk.end)
        )


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    text=texts,
    config=configs(),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=30),
)
def test_streaming_gives_the_batch_chunks(
    text: str, config: ChunkingConfig, cuts: list[int]
) -> None:
    cuts = [min(c, len(text)) for c in cuts]
    expected = [attrs.evolve(c, total=-1) for c in chunk_text(text, config)]
    assert streamed(text, config, cuts) == expected


@given(text=texts, config=configs())
def test_streaming_one_character_at_a_time(text: str, config: ChunkingConfig) -> None:
    expected = [attrs.evolve(c, total=-1) for c in chunk_text(text, config)]
    assert streamed(text, config, list(range(len(text)))) == expected


# --- examples ---------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_split_sentences_basic() -> None:
    assert sentences("One. Two! Three? Four") == ["One.", "Two!", "Three?", "Four"]
    assert sentences("  Padded.   Twice.  ") == ["Padded.", "Twice."]
    assert sentences("") == []
    assert sentences(" \n\t ") == []


def test_split_sentences_offsets() -> None:
    text = "  Hi there.  Bye.\n"
    assert split_sentences(text) == [(2, 11), (13, 17)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Smith met Mr. Jones. They talked.", ["Dr. Smith met Mr. Jones.", "They talked."]),
        ("Bring fruit, e.g. apples, i.e. red ones. Thanks.", None),
        ("Pi is 3.14 roughly. Next.", ["Pi is 3.14 roughly.", "Next."]),
        ("It costs $3.50. Okay.", ["It costs $3.50.", "Okay."]),
        ("Wait... what happened? Nothing.", ["Wait... what happened?", "Nothing."]),
        ("I waited... Then I left.", ["I waited...", "Then I left."]),
        ("Hmm… Fine.", ["Hmm…", "Fine."]),
        ("We sell apples, pears, etc. and more.", ["We sell apples, pears, etc. and more."]),
        ("We sell apples, pears, etc. Come by.", ["We sell apples, pears, etc.", "Come by."]),
        ("She works at Acme Inc. It is big.", ["She works at Acme Inc.", "It is big."]),
        ("Meet at 5 p.m. Bring tea.", ["Meet at 5 p.m.", "Bring tea."]),
        ("J. K. Rowling wrote it. Yes.", ["J. K. Rowling wrote it.", "Yes."]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("Really?! Yes (mostly.) Done", ["Really?!", "Yes (mostly.)", "Done"]),
        ("See example.com for more. Done.", ["See example.com for more.", "Done."]),
        ("A line\nanother line\n\nthird.", ["A line", "another line", "third."]),
        ("Steps:\n1. Mix the flour.\n2. Bake it.", ["Steps:", "1. Mix the flour.", "2. Bake it."]),
        ("I have 3. You have 4.", ["I have 3.", "You have 4."]),
        ("no final punctuation", ["no final punctuation"]),
    ],
)
def test_split_sentences_rules(text: str, expected: list[str] | None) -> None:
    if expected is None:
        expected = ["Bring fruit, e.g. apples, i.e. red ones.", "Thanks."]
    assert sentences(text) == expected


def test_split_paragraphs() -> None:
    text = "First para\nstill first.\n\n  Second.\n \t\n\n\nThird.  \n"
    assert [text[s:e] for s, e in split_paragraphs(text)] == [
        "First para\nstill first.",
        "Second.",
        "Third.",
    ]
    assert split_paragraphs("\n\n  \n") == []


def test_empty_and_blank_text() -> None:
    for strategy in ("token", "sentence", "paragraph", "fixed"):
        config = ChunkingConfig(strategy=strategy, max_chunk_size=3)
        assert chunk_text("", config) == []
        assert chunk_text(" \n\n\t ", config) == []
        chunker = Chunker(config)
        assert chunker.feed("") == []
        assert chunker.feed("   ") == []
        assert chunker.finish() == []


def test_default_config_is_sentences() -> None:
    config = ChunkingConfig()
    assert (config.strategy, config.max_chunk_size, config.overlap_size) == ("sentence", 1000, 0)
    assert config.preserve_boundaries
    chunks = chunk_text("One. Two. Three.")
    assert chunks == [Chunk("One. Two. Three.", 0, 0, 16, 1)]


def test_sentence_chunks_with_overlap() -> None:
    text = "S1. S2. S3. S4. S5."
    config = ChunkingConfig(strategy="sentence", max_chunk_size=2, overlap_size=1)
    assert [c.text for c in chunk_text(text, config)] == [
        "S1. S2.",
        "S2. S3.",
        "S3. S4.",
        "S4. S5.",
    ]
    config = ChunkingConfig(strategy="sentence", max_chunk_size=2)
    assert [c.text for c in chunk_text(text, config)] == ["S1. S2.", "S3. S4.", "S5."]


def test_paragraph_chunks() -> None:
    text = "P1 line.\nmore.\n\nP2.\n\nP3.\n\n\nP4."
    config = ChunkingConfig(strategy="paragraph", max_chunk_size=2, overlap_size=1)
    assert [c.text for c in chunk_text(text, config)] == [
        "P1 line.\nmore.\n\nP2.",
        "P2.\n\nP3.",
        "P3.\n\n\nP4.",
    ]


def test_fixed_chunks_keep_words_whole() -> None:
    text = "The quick brown fox jumps over the lazy dog."
    config = ChunkingConfig(strategy="fixed", max_chunk_size=15)
    assert [c.text for c in chunk_text(text, config)] == [
        "The quick brown",
        "fox jumps over",
        "the lazy dog.",
    ]


def test_fixed_chunks_without_boundaries_cut_anywhere() -> None:
    text = "abcdefghij klmno"
    config = ChunkingConfig(strategy="fixed", max_chunk_size=4, preserve_boundaries=False)
    assert [c.text for c in chunk_text(text, config)] == ["abcd", "efgh", "ij k", "lmno"]
    config = ChunkingConfig(
        strategy="fixed", max_chunk_size=6, overlap_size=2, preserve_boundaries=False
    )
    assert [(c.start, c.end) for c in chunk_text(text, config)] == [
        (0, 6),
        (4, 10),
        (8, 14),
        (12, 16),
    ]


def test_fixed_overlap_starts_at_a_word() -> None:
    text = "Hello world, this is a test of fixed chunking with overlap."
    config = ChunkingConfig(strategy="fixed", max_chunk_size=20, overlap_size=5)
    assert [c.text for c in chunk_text(text, config)] == [
        "Hello world, this is",
        "is a test of fixed",
        "fixed chunking with",
        "with overlap.",
    ]


def test_a_word_longer_than_the_window_is_cut() -> None:
    text = "tiny " + "x" * 25 + " end"
    config = ChunkingConfig(strategy="fixed", max_chunk_size=10)
    assert [c.text for c in chunk_text(text, config)] == ["tiny", "x" * 10, "x" * 10, "xxxxx end"]


def test_token_strategy_counts_four_characters_a_token() -> None:
    assert CHARS_PER_TOKEN == 4
    text = "word " * 40
    config = ChunkingConfig(strategy="token", max_chunk_size=5, overlap_size=1)
    chunks = chunk_text(text, config)
    assert all(len(c.text) <= 20 for c in chunks)
    assert chunks[0].text == "word word word word"
    # One token of overlap (4 characters) rounds to the whole last word.
    assert all(b.start == a.end - 4 for a, b in itertools.pairwise(chunks))
    assert chunk_text(text, ChunkingConfig(strategy="fixed", max_chunk_size=20)) == chunk_text(
        text, ChunkingConfig(strategy="token", max_chunk_size=5)
    )


def test_overlap_is_dropped_across_a_wide_whitespace_gap() -> None:
    text = "alpha beta" + " " * 30 + "gamma"
    config = ChunkingConfig(strategy="fixed", max_chunk_size=12, overlap_size=4)
    assert [c.text for c in chunk_text(text, config)] == ["alpha beta", "gamma"]


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_chunk_size": 0}, "max_chunk_size must be > 0"),
        ({"max_chunk_size": -5}, "max_chunk_size must be > 0"),
        ({"max_chunk_size": 10, "overlap_size": 10}, "overlap_size must be >= 0 and < max"),
        ({"max_chunk_size": 10, "overlap_size": 11}, "overlap_size"),
        ({"overlap_size": -1}, "overlap_size must be >= 0"),
        ({"strategy": "words"}, "unknown chunking strategy 'words'"),
        ({"max_chunk_size": 2.5}, "max_chunk_size must be an int"),
        ({"overlap_size": True}, "overlap_size must be an int"),
    ],
)
def test_bad_configs_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ChunkingConfigError, match=message):
        ChunkingConfig(**kwargs)  # type: ignore[arg-type]
    assert issubclass(ChunkingConfigError, ValueError)


def test_config_is_frozen() -> None:
    config = ChunkingConfig()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.max_chunk_size = 3  # type: ignore[misc]


# --- the chunk-count guard --------------------------------------------------------------------


def test_guard_fires_fast_for_fixed() -> None:
    assert MAX_CHUNKS == 100_000
    started = time.perf_counter()
    with pytest.raises(ChunkLimitError, match="100,000 chunks"):
        chunk_text("a" * 200_001, ChunkingConfig(strategy="fixed", max_chunk_size=1))
    assert time.perf_counter() - started < 1.0
    assert issubclass(ChunkLimitError, ValueError)


def test_guard_fires_for_sentences() -> None:
    started = time.perf_counter()
    with pytest.raises(ChunkLimitError):
        chunk_text("Go. " * (MAX_CHUNKS + 1), ChunkingConfig(max_chunk_size=1))
    assert time.perf_counter() - started < 5.0


def test_guard_allows_exactly_the_limit() -> None:
    text = "a " * MAX_CHUNKS
    chunks = chunk_text(text, ChunkingConfig(strategy="fixed", max_chunk_size=1))
    assert len(chunks) == MAX_CHUNKS
    assert chunks[-1].total == MAX_CHUNKS


def test_guard_fires_while_streaming() -> None:
    chunker = Chunker(ChunkingConfig(strategy="fixed", max_chunk_size=1))
    emitted = sum(len(chunker.feed("a ")) for _ in range(MAX_CHUNKS + 1))
    assert emitted == MAX_CHUNKS  # the last "a" is not final until more text comes
    with pytest.raises(ChunkLimitError):
        chunker.feed("a ")


# --- the streaming chunker --------------------------------------------------------------------


def test_streamed_chunks_have_no_total_and_stream_offsets() -> None:
    chunker = Chunker(ChunkingConfig(strategy="sentence", max_chunk_size=1))
    assert chunker.feed("First one. Sec") == [Chunk("First one.", 0, 0, 10, -1)]
    assert chunker.feed("ond one. Thi") == [Chunk("Second one.", 1, 11, 22, -1)]
    assert chunker.feed("rd") == []
    assert chunker.finish() == [Chunk("Third", 2, 23, 28, -1)]
    assert chunker.finish() == []
    with pytest.raises(RuntimeError):
        chunker.feed("more")


def test_sentence_end_waits_for_the_next_word() -> None:
    chunker = Chunker(ChunkingConfig(strategy="sentence", max_chunk_size=1))
    assert chunker.feed("It is Acme Inc. ") == []  # "Inc." may or may not end the sentence
    assert chunker.feed("and") == []
    assert chunker.finish() == [Chunk("It is Acme Inc. and", 0, 0, 19, -1)]


@pytest.mark.parametrize(
    "config",
    [
        ChunkingConfig(strategy="fixed", max_chunk_size=100, overlap_size=20),
        ChunkingConfig(strategy="token", max_chunk_size=25, overlap_size=5),
        ChunkingConfig(strategy="sentence", max_chunk_size=3, overlap_size=1),
        ChunkingConfig(strategy="paragraph", max_chunk_size=2, overlap_size=1),
    ],
    ids=lambda c: c.strategy,
)
def test_streaming_memory_stays_bounded(config: ChunkingConfig) -> None:
    paragraph = "The user likes tea. She lives in Paris, e.g. near the river. Dr. Who? Yes.\n\n"
    chunker = Chunker(config)
    high_water = 0
    count = 0
    for _ in range(3000):  # about 230 KB in 7-character pieces
        for i in range(0, len(paragraph), 7):
            count += len(chunker.feed(paragraph[i : i + 7]))
            high_water = max(high_water, chunker.buffered)
    count += len(chunker.finish())
    assert count > 100
    assert high_water < 400


def test_chunker_default_config() -> None:
    chunker = Chunker()
    assert chunker.config == ChunkingConfig()
