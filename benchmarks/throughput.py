"""Write throughput of the embedded engine: one memory per `write`, and `write_batch` of 500.

Every write goes through the whole pipeline (validation, classification, near-duplicate check,
entity and fact extraction, FTS and vector indexing, one committed transaction), into a SQLite
file. With the default embedder, embedding dominates: the same texts are also embedded alone to
show it. With embedder="none" what is left is the storage cost. Loops are bounded by a count and a
time budget, whichever ends first.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cml.engine.engine import Engine

from . import synthetic
from ._common import resolve
from .latency import bytes_per_memory

TENANT = "bench"
BATCH = 500
#: (max single writes, max batches, seconds for each of the two loops)
LIMITS = {"default": (1000, 6, 60.0), "none": (5000, 20, 30.0)}


def _bounded(items: list[Any], limit: int, seconds: float) -> Iterator[Any]:
    """At most `limit` items, and none started after `seconds` (at least one)."""
    deadline = time.perf_counter() + seconds
    for index, item in enumerate(items[:limit]):
        if index and time.perf_counter() > deadline:
            return
        yield item


def measure(embedder: Any, *, singles: int, batches: int, seconds: float) -> dict[str, Any]:
    model = resolve(embedder)
    texts = synthetic.sentences(singles + batches * BATCH, seed=3)
    single_texts = texts[:singles]
    batch_texts = [texts[singles + i * BATCH : singles + (i + 1) * BATCH] for i in range(batches)]
    with (
        tempfile.TemporaryDirectory(prefix="cml-bench-") as folder,
        Engine(Path(folder) / "throughput.db", embedder=model) as engine,
    ):
        engine.write(TENANT, "warm up the engine")  # first-write costs are not throughput
        written = 0
        started = time.perf_counter()
        for text in _bounded(single_texts, singles, seconds):
            engine.write(TENANT, text)
            written += 1
        single_seconds = time.perf_counter() - started
        batched = 0
        started = time.perf_counter()
        for batch in _bounded(batch_texts, batches, seconds):
            engine.write_batch(TENANT, [{"content": t} for t in batch])
            batched += len(batch)
        batch_seconds = time.perf_counter() - started
        stored = engine.stats(TENANT).total_memories
        report: dict[str, Any] = {
            "embedder": engine.embedder.name if engine.embedder else "none",
            "single_writes": written,
            "single_writes_per_s": round(written / single_seconds, 1),
            "batch_size": BATCH,
            "batch_memories": batched,
            "batch_memories_per_s": round(batched / batch_seconds, 1),
            "batch_vs_single": round((batched / batch_seconds) / (written / single_seconds), 2),
            "memories_stored": stored,
            "merged_as_duplicates": written + batched + 1 - stored,
            **bytes_per_memory(engine, stored),
        }
    if engine.embedder is not None:
        # The same batches again, embedding only: the share of a batch write that is embedding.
        started = time.perf_counter()
        for batch in batch_texts[: batched // BATCH]:
            engine.embedder.embed(batch)
        embed_rate = batched / (time.perf_counter() - started)
        report["embedding_only_per_s"] = round(embed_rate, 1)
        report["embedding_share_of_batch_write"] = round((batched / batch_seconds) / embed_rate, 2)
    return report


def run(*, embedders: tuple[str, ...] = ("default", "none")) -> dict[str, Any]:
    by_embedder = {}
    for embedder in embedders:
        singles, batches, seconds = LIMITS[embedder]
        by_embedder[embedder] = measure(embedder, singles=singles, batches=batches, seconds=seconds)
    return {"by_embedder": by_embedder}
