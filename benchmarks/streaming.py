"""What `remember_stream` costs the caller: per chunk, to the first chunk, and in memory.

* Per chunk: 10,000 chunks through `remember_stream` (embedded, progressive storage on: a
  partial memory updated every 500 ms, facts extracted as it flows) beside iterating the same
  source bare. The source is paced like a model streaming tokens (a short sleep a chunk, which
  releases the GIL as network reads do); runs alternate, and the ratio compares medians. An
  unpaced source (a list) gives the absolute cost in microseconds a chunk.
* First chunk: the time from the first `next()` to the first chunk, bare and through the stream
  (the stream starts its worker thread then).
* Memory: the peak (tracemalloc) while a 50 MB answer is stored as chunk memories of 100,000
  characters, and how long that takes (the engine's indexing dominates).

Figures only: nothing here is asserted; they go into the one table (`python -m benchmarks
streaming` runs this alone).
"""

from __future__ import annotations

import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

import cml
from cml.streaming import StreamingOptions

CHUNKS = 10_000
PACE_S = 0.0005
ROUNDS = 3
FIRST_CHUNK_RUNS = 50
MEMORY_MB = 50
_WORDS = (
    "the",
    "model",
    "streams",
    "its",
    "answer",
    "one",
    "token",
    "at",
    "a",
    "time",
    "while",
    "memory",
    "keeps",
    "up",
)


def _tokens(n: int) -> list[str]:
    return [_WORDS[i % len(_WORDS)] + ("." if i % 17 == 16 else "") + " " for i in range(n)]


def _paced(tokens: list[str], pace: float) -> Iterator[str]:
    for token in tokens:
        time.sleep(pace)
        yield token


def _drain(iterator: Any, count: int) -> tuple[float, float]:
    """Seconds to the last of `count` chunks, and then to the end of the stream (for a
    remembering stream: waiting for the last storage steps)."""
    started = time.perf_counter()
    for seen, _ in enumerate(iterator, start=1):
        if seen == count:
            break
    delivered = time.perf_counter()
    for _ in iterator:
        pass
    return delivered - started, time.perf_counter() - delivered


def _ratio(
    memory: cml.EmbeddedCognitiveMemoryLayer,
    tokens: list[str],
    pace: float,
    options: StreamingOptions,
) -> dict[str, Any]:
    bare: list[float] = []
    remembered: list[float] = []
    ending: list[float] = []
    updates = 0
    for _ in range(ROUNDS):
        bare.append(_drain(_paced(tokens, pace), len(tokens))[0])
        stream = memory.remember_stream(
            _paced(tokens, pace), user_message="Explain.", options=options
        )
        delivered, end = _drain(stream, len(tokens))
        remembered.append(delivered)
        ending.append(end)
        assert stream.result.errors == (), stream.result.errors
        updates = stream.result.metrics.partial_updates
    return {
        "bare_s": [round(s, 3) for s in bare],
        "remembered_s": [round(s, 3) for s in remembered],
        "ratio": round(statistics.median(remembered) / statistics.median(bare), 4),
        "end_of_stream_wait_ms": round(statistics.median(ending) * 1000, 1),
        "partial_updates": updates,
    }


def per_chunk(
    memory: cml.EmbeddedCognitiveMemoryLayer, *, chunks: int, pace: float
) -> dict[str, Any]:
    tokens = _tokens(chunks)
    progressive = StreamingOptions(
        store_partial_response=True, progressive_fact_extraction=True, sync_to_graph=False
    )
    frequent = attrs.evolve(progressive, partial_update_interval=0.5)
    # Unpaced (a list): what the delivery path itself costs a chunk.
    unpaced_bare = min(_drain(iter(tokens), chunks)[0] for _ in range(ROUNDS))
    unpaced = []
    for _ in range(ROUNDS):
        stream = memory.remember_stream(iter(tokens), user_message="Explain.", options=progressive)
        unpaced.append(_drain(stream, chunks)[0])
    return {
        "chunks": chunks,
        "pace_ms": pace * 1000,
        "aim_ratio": 1.05,
        "default_interval": _ratio(memory, tokens, pace, progressive),
        "interval_500ms": _ratio(memory, tokens, pace, frequent),
        "unpaced_bare_us_per_chunk": round(unpaced_bare / chunks * 1e6, 3),
        "unpaced_us_per_chunk": round(min(unpaced) / chunks * 1e6, 3),
    }


def first_chunk(memory: cml.EmbeddedCognitiveMemoryLayer, *, runs: int) -> dict[str, Any]:
    tokens = _tokens(20)
    bare: list[float] = []
    remembered: list[float] = []
    options = StreamingOptions(store_partial_response=True, sync_to_graph=False)
    for _ in range(runs):
        source = iter(tokens)
        started = time.perf_counter()
        next(source)
        bare.append(time.perf_counter() - started)
        stream = memory.remember_stream(iter(tokens), user_message="Explain.", options=options)
        started = time.perf_counter()
        next(stream)
        remembered.append(time.perf_counter() - started)
        stream.consume()
    return {
        "runs": runs,
        "bare_p50_ms": round(statistics.median(bare) * 1000, 4),
        "remembered_p50_ms": round(statistics.median(remembered) * 1000, 4),
        "remembered_max_ms": round(max(remembered) * 1000, 4),
    }


def memory_peak(path: Path, *, megabytes: float) -> dict[str, Any]:
    piece = ("0123456789" * 6600)[: 64 * 1024]
    count = int(megabytes * 1024 * 1024) // len(piece)

    def source() -> Iterator[str]:
        for _ in range(count):
            yield piece

    with cml.EmbeddedCognitiveMemoryLayer(path, embedder="none") as memory:
        tracemalloc.start()
        started = time.perf_counter()
        try:
            result = memory.remember_stream(
                source(),
                user_message="Dump the log.",
                options=StreamingOptions(
                    chunking_strategy="fixed", chunk_size=100_000, sync_to_graph=False
                ),
            ).consume()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        seconds = time.perf_counter() - started
    return {
        "stream_mb": megabytes,
        "peak_mb": round(peak / 1024 / 1024, 2),
        "seconds": round(seconds, 1),
        "chunk_memories": len(result.chunk_memory_ids),
        "errors": len(result.errors),
    }


def run(
    *,
    chunks: int = CHUNKS,
    pace: float = PACE_S,
    megabytes: float = MEMORY_MB,
    first_chunk_runs: int = FIRST_CHUNK_RUNS,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        with cml.EmbeddedCognitiveMemoryLayer(Path(folder) / "bench.db", embedder="none") as memory:
            results: dict[str, Any] = {
                "per_chunk": per_chunk(memory, chunks=chunks, pace=pace),
                "first_chunk": first_chunk(memory, runs=first_chunk_runs),
            }
        results["memory"] = memory_peak(Path(folder) / "big.db", megabytes=megabytes)
    return results
