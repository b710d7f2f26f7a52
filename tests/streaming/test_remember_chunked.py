"""Chunked storage as properties: whatever the text, its cuts and the chunking, the stored chunks
hold all of it, in order; and a resumed stream too. Plus the store's de-duplication."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cml
from cml.streaming import (
    InMemoryResumeTokenStore,
    ReassemblyError,
    ResumableStreamError,
    StreamingOptions,
    reassemble,
)

from ._remember_support import ANSWER, FakeStore, source, words

TEXT = st.text(alphabet="ab cé.!?\n\t,", max_size=1500)
CUTS = st.lists(st.integers(min_value=1, max_value=120), max_size=60)


def cut(text: str, sizes: list[int]) -> list[str]:
    pieces, position = [], 0
    for size in sizes:
        if position >= len(text):
            break
        pieces.append(text[position : position + size])
        position += size
    if position < len(text):
        pieces.append(text[position:])
    return pieces


@st.composite
def chunking(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):  # automatic: the answer outgrows a (small) memory
        return {"max_single_memory_size": draw(st.integers(min_value=20, max_value=400))}
    strategy = draw(st.sampled_from(["token", "sentence", "paragraph", "fixed"]))
    size = draw(st.integers(min_value=1, max_value=40))
    return {
        "chunking_strategy": strategy,
        "chunk_size": size,
        "chunk_overlap": draw(st.integers(min_value=0, max_value=size - 1)),
        "preserve_boundaries": draw(st.booleans()),
        "max_single_memory_size": draw(st.sampled_from([None, 30, 200])),
    }


def check_chunks(store: FakeStore, result: Any, text: str) -> None:
    chunks = store.chunk_memories(result.stream_id)
    assert [str(c["id"]) for c in chunks] == [str(i) for i in result.chunk_memory_ids]
    end = 0
    for memory in chunks:
        info = memory["metadata"]["stream_chunk"]
        assert memory["text"] == text[info["start"] : info["end"]]  # offsets into the answer
        assert info["end"] > end  # order kept: every chunk brings new text
        end = info["end"]
    assert reassemble(store, result) == text  # no text lost
    if result.answer_memory_id is not None:
        assert reassemble(store, result.answer_memory_id) == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, sizes=CUTS, options=chunking())
def test_chunked_storage_loses_nothing_and_keeps_order(
    text: str, sizes: list[int], options: dict[str, Any]
) -> None:
    store = FakeStore()  # de-duplicating, like the real store: equal chunks must still be kept
    result = store.remember_stream(iter(cut(text, sizes)), options=options).consume()
    assert result.errors == ()
    assert result.total_length == len(text)
    if not text.strip():
        assert result.answer_memory_id is None  # nothing to remember
    elif result.chunked:
        check_chunks(store, result, text)
    else:
        assert len(text) <= (options.get("max_single_memory_size") or 100_000)
        assert reassemble(store, result) == text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, sizes=CUTS, options=chunking(), fail=st.integers(min_value=0, max_value=60))
def test_a_resumed_chunked_stream_loses_nothing(
    text: str, sizes: list[int], options: dict[str, Any], fail: int
) -> None:
    pieces = cut(text, sizes)
    fail = min(fail, len(pieces))
    store = FakeStore()
    tokens = InMemoryResumeTokenStore()
    settings_ = {**options, "generate_resume_token": True, "resume_store": tokens}
    stream = store.remember_stream(source(pieces, fail_at=fail), options=settings_)
    with pytest.raises(ResumableStreamError) as caught:
        stream.consume()
    result = store.remember_stream(
        iter(pieces[fail:]), options=settings_, resume_from=caught.value.resume_token
    ).consume()
    assert result.errors == ()
    assert result.total_length == len(text)
    assert len(tokens) == 0
    if not text.strip():
        assert result.answer_memory_id is None
    elif result.chunked:
        check_chunks(store, result, text)
    else:
        assert reassemble(store, result) == text


def test_sentences_longer_than_a_memory_are_split() -> None:
    store = FakeStore()
    text = "word " * 200 + ". Short one."
    result = store.remember_stream(
        iter(words(text)),
        options={"chunking_strategy": "sentence", "chunk_size": 1, "max_single_memory_size": 120},
    ).consume()
    assert all(len(m["text"]) <= 120 for m in store.chunk_memories(result.stream_id))
    check_chunks(store, result, text)


def test_equal_chunks_are_each_stored_not_merged() -> None:
    store = FakeStore(dedupe=True)
    text = "Same sentence. " * 6
    result = store.remember_stream(
        iter(words(text)), options={"chunking_strategy": "sentence", "chunk_size": 1}
    ).consume()
    assert len(result.chunk_memory_ids) == 6
    assert len(set(result.chunk_memory_ids)) == 6
    check_chunks(store, result, text)


def test_reassembly_refuses_a_damaged_answer() -> None:
    store = FakeStore()
    result = store.remember_stream(
        iter(words(ANSWER * 2)), options={"chunking_strategy": "sentence", "chunk_size": 1}
    ).consume()
    missing = attrs.evolve(
        result, chunk_memory_ids=result.chunk_memory_ids[:2] + result.chunk_memory_ids[3:]
    )
    with pytest.raises(ReassemblyError, match="missing"):
        reassemble(store, missing)
    store.memories[result.chunk_memory_ids[1]]["text"] += "!"
    with pytest.raises(ReassemblyError, match="changed"):
        reassemble(store, result.answer_memory_id)


def test_the_real_store_never_merges_a_streams_memory_into_another() -> None:
    with cml.EmbeddedCognitiveMemoryLayer(":memory:", embedder="none") as memory:
        options = StreamingOptions(
            store_partial_response=True, chunking_strategy="sentence", chunk_size=1
        )
        first = memory.remember_stream(iter(words()), user_message="q", options=options).consume()
        second = memory.remember_stream(iter(words()), user_message="q", options=options).consume()
        assert first.answer_memory_id != second.answer_memory_id
        assert not set(first.chunk_memory_ids) & set(second.chunk_memory_ids)
        assert reassemble(memory, first) == ANSWER
        assert reassemble(memory, second) == ANSWER
        # The user message is the same text: the store reinforced it, and the stream knows
        # that memory is not its own.
        assert first.user_memory_id == second.user_memory_id


def test_the_chunk_limit_is_reported_not_crashed(monkeypatch: pytest.MonkeyPatch) -> None:
    import cml.text.chunking

    monkeypatch.setattr(cml.text.chunking, "MAX_CHUNKS", 5)  # the guard is 100,000 chunks
    store = FakeStore()
    errors: list[Any] = []
    chunks = words(ANSWER * 2)
    stream = store.remember_stream(
        iter(chunks),
        options={"chunking_strategy": "sentence", "chunk_size": 1},
        hooks={"on_error": errors.append},
    )
    got = list(stream)  # the caller still gets every chunk
    result = stream.result
    assert got == chunks
    assert result.completed
    assert len(result.chunk_memory_ids) == 5
    assert [e.code for e in result.errors] == ["chunk_limit"]
    assert [e.code for e in errors] == ["chunk_limit"]
    assert "more than 5 chunks" in result.errors[0].message
    assert not result.ok
