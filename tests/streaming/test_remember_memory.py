"""Bounded memory: a 50 MB answer streamed into chunk memories without holding it, chunk events
without the accumulated text, the rolling window, and text no memory can hold."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

import cml
from cml.streaming import ChunkEvent, StreamingOptions, reassemble

from ._remember_support import ANSWER, words

MB = 1024 * 1024
PIECE = ("0123456789" * 6600)[: 64 * 1024]  # cheap for the engine's extraction to read


def pieces(total_bytes: int) -> Iterator[str]:
    for _ in range(total_bytes // len(PIECE)):
        yield PIECE


def peak_of(
    memory: cml.EmbeddedCognitiveMemoryLayer, total_bytes: int
) -> tuple[int, cml.streaming.RememberStreamResult]:
    tracemalloc.start()
    try:
        result = memory.remember_stream(
            pieces(total_bytes),
            user_message="Dump the log.",
            options=StreamingOptions(
                chunking_strategy="fixed", chunk_size=100_000, sync_to_graph=False
            ),
        ).consume()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_50_mb_stream_runs_in_bounded_memory(tmp_path: Path) -> None:
    with cml.EmbeddedCognitiveMemoryLayer(tmp_path / "memory.db", embedder="none") as memory:
        small_peak, _small = peak_of(memory, 5 * MB)
        peak, result = peak_of(memory, 50 * MB)

        assert result.errors == ()
        assert result.completed
        assert result.metrics.total_bytes == 50 * MB
        assert result.full_response is None  # not kept: that is the point
        assert len(result.chunk_memory_ids) == 525  # 100,000 characters each
        assert peak < 10 * MB, f"peak {peak / MB:.1f} MB for a 50 MB stream"
        # Ten times the stream, about the same memory: it does not grow with the length.
        assert peak < 2 * small_peak + MB, (small_peak, peak)
        # Spot-check the stored text: first and last chunk memories hold the right text.
        first = memory.dashboard_memory_detail(result.chunk_memory_ids[0])
        last = memory.dashboard_memory_detail(result.chunk_memory_ids[-1])
        assert first["text"] == (PIECE * 2)[:100_000]
        assert last["metadata"]["stream_chunk"]["end"] == 50 * MB


def test_chunk_events_carry_the_accumulated_text_only_when_asked() -> None:
    with cml.EmbeddedCognitiveMemoryLayer(":memory:", embedder="none") as memory:
        plain: list[ChunkEvent] = []
        memory.remember_stream(
            iter(words()), user_message="q", hooks={"on_chunk": plain.append}
        ).consume()
        full: list[ChunkEvent] = []
        memory.remember_stream(
            iter(words()),
            user_message="q",
            hooks={"on_chunk": full.append},
            options={"include_accumulated_text": True},
        ).consume()
    assert plain
    assert all(e.accumulated is None for e in plain)
    assert [e.accumulated for e in full] == ["".join(words()[: i + 1]) for i in range(len(words()))]


def test_the_rolling_window_keeps_recent_text_in_bounded_memory() -> None:
    with cml.EmbeddedCognitiveMemoryLayer(":memory:", embedder="none") as memory:
        stream = memory.remember_stream(
            iter(words(ANSWER * 20)), user_message="q", options={"max_buffer_size": 64}
        )
        for _ in stream:
            assert len(stream.recent_text) <= 64
        assert (ANSWER * 20).endswith(stream.recent_text)
        assert len(stream.recent_text) == 64


def test_text_no_memory_can_hold_is_stored_replaced_one_for_one() -> None:
    text = "Alice\x00 lives in Paris \ud800 now."
    with cml.EmbeddedCognitiveMemoryLayer(":memory:", embedder="none") as memory:
        result = memory.remember_stream(iter([text[:8], text[8:]]), user_message="q").consume()
        assert result.errors == ()
        assert result.full_response == text  # the caller's text is untouched
        stored = reassemble(memory, result)
    assert stored == text.replace("\x00", "\ufffd").replace("\ud800", "\ufffd")


def test_an_abandoned_stream_still_keeps_what_arrived() -> None:
    import gc
    import threading

    with cml.EmbeddedCognitiveMemoryLayer(":memory:", embedder="none") as memory:
        before = set(threading.enumerate())
        stream = memory.remember_stream(iter(words()), user_message="q")
        taken = [next(stream) for _ in range(4)]
        # The stream's worker: started by the second chunk, the one thread this test added.
        new = set(threading.enumerate()) - before
        [worker] = [t for t in new if t.name == "cml-remember-stream"]
        del stream  # dropped without close(): the worker is told, and stores what arrived
        gc.collect()
        # It ends once what arrived is stored: wait for that, not for a deadline (a loaded
        # machine made a polling deadline fail once). A worker never told would hang here,
        # and pytest's timeout fails the test.
        worker.join()
        found = [m for m in memory.iter_memories() if m.text == "".join(taken)]
        assert found, "the abandoned stream's text was not stored"
        detail = memory.dashboard_memory_detail(found[0].id)
        assert detail["metadata"]["incomplete"] is True
        assert detail["metadata"]["error"]["type"] == "StreamCancelledError"
