"""Reads and writes as the store grows to 1,000,000 memories (python -m benchmarks scale).

One store is filled through `Engine.write_batch` (500 memories a batch, the API's limit), with a
cheap deterministic embedder (words hashed into 384 dimensions, MiniLM's width) so the figures
are the engine's, not the model's: the bulk-load rate of each stretch (to 1k, 10k, 100k, 1M) is
measured on the batches alone. At each checkpoint size the benchmark measures reads (p50/p95,
query embedding included), the recall@10 of the approximate vector index against exact search
on the same vectors, where the planted needles rank (read, exact dense, approximate dense), and
the database's size on disk and the process's resident memory.

`batch_write_default` then measures `write_batch` with the default embedder (MiniLM) in a store
of 100,000 memories filled in bulk from cached vectors (see latency.py), as memories/s.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cml.engine.engine import Engine

from . import latency, synthetic
from ._common import resolve, results_dir, summary_ms

SIZES = (100_000, 1_000_000)
STRETCHES = (1_000, 10_000, 100_000, 1_000_000)
BATCH = 500
READS = 200
TENANT = "scale"


class HashingEmbedder:
    """Words hashed into 384 dimensions: deterministic, nearly free, close for shared words."""

    name = "hashing-384"
    dim = 384

    def __init__(self) -> None:
        self._slots: dict[str, int] = {}

    def _slot(self, word: str) -> int:
        slot = self._slots.get(word)
        if slot is None:
            digest = hashlib.md5(word.encode("utf-8")).digest()
            slot = self._slots[word] = int.from_bytes(digest[:4], "little") % self.dim
        return slot

    def embed(self, texts: Sequence[str]) -> Any:
        import numpy as np

        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, self._slot(word)] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        result = vectors / np.where(norms == 0, 1.0, norms)
        return result


def resident_mb() -> dict[str, float]:
    """The process's resident memory now and at its peak (Linux /proc), in MB."""
    found: dict[str, float] = {}
    try:
        lines = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
    except OSError:
        return found
    for line in lines:
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = round(
                int(value.split()[0]) / 1024, 1
            )
    return found


def recall_at_10(engine: Engine, queries: Sequence[str]) -> dict[str, Any]:
    """How many of exact search's top 10 the index's own search returns (ties count as found:
    the hashing embedder gives many memories the same vector)."""
    import numpy as np

    index = engine.backend.vectors
    vectors = engine.backend.embed(list(queries))
    approximate = index.search_many(vectors, TENANT, 10)
    exact = index.search_many(vectors, TENANT, 10, exact=True)
    shares = []
    for found, truth in zip(approximate, exact, strict=True):
        if not truth:
            continue
        tenth = truth[-1][1]
        shares.append(sum(score >= tenth - 1e-6 for _, score in found) / len(truth))
    return {
        "recall_at_10": round(float(np.mean(shares)), 4),
        "queries": len(shares),
        "approximate": index.approximate_size(TENANT) > 0,
    }


def needles_found(engine: Engine, needles: dict[str, str]) -> dict[str, Any]:
    """Needles in the top 5: of the read, of exact dense search, of the index's dense search."""
    rowids = {
        str(row["id"]): int(row["rowid"])
        for row in engine.store.execute(
            f"SELECT rowid, id FROM memories WHERE id IN ({', '.join('?' * len(needles))})",
            list(needles),
        )
    }
    index = engine.backend.vectors
    read = exact = approximate = 0
    for memory_id, question in needles.items():
        found = engine.read(TENANT, question, max_results=5)
        read += memory_id in [str(item.id) for item in found.memories]
        vector = engine.backend.embed([question])
        rowid = rowids.get(memory_id)
        exact += rowid in [r for r, _ in index.search_many(vector, TENANT, 5, exact=True)[0]]
        approximate += rowid in [r for r, _ in index.search_many(vector, TENANT, 5)[0]]
    total = len(needles)
    return {
        "needles": total,
        "read_found@5": round(read / total, 4),
        "exact_dense_found@5": round(exact / total, 4),
        "approximate_dense_found@5": round(approximate / total, 4),
    }


def _reads(engine: Engine, queries: Sequence[str]) -> dict[str, Any]:
    for query in queries[:10]:
        engine.read(TENANT, query)
    seconds = []
    for query in queries:
        started = time.perf_counter()
        engine.read(TENANT, query)
        seconds.append(time.perf_counter() - started)
    return summary_ms(seconds)


def bulk(
    *,
    sizes: Sequence[int] = SIZES,
    stretches: Sequence[int] = STRETCHES,
    reads: int = READS,
    batches: int = 4,
    embedder: Any = None,
) -> dict[str, Any]:
    """Grow one store through `stretches`: at each size, `batches` write_batch calls of 500 new
    memories (their rate), and at `sizes` also reads, recall, needles, disk and memory.

    Between sizes the store is filled in bulk (latency.BulkLoader: rows copied in one
    transaction, the vector index catching up on the next read, timed as `catch_up_seconds`).
    """
    model = embedder or HashingEmbedder()
    goals = sorted(set(stretches) | set(sizes))
    # Enough for the bulk rows and every stretch's measured batches, whatever the sizes.
    texts = synthetic.sentences(max(goals) + len(goals) * batches * BATCH, seed=11)
    queries = synthetic.questions(reads, seed=8)
    report: dict[str, Any] = {"embedder": model.name, "batch": BATCH, "stretches": {}, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="cml-scale-") as folder:
        path = Path(folder) / "scale.db"
        with Engine(path, embedder=model) as engine:
            loader = latency.BulkLoader(engine, TENANT, texts[0])
            needles = {}
            for memory, question in synthetic.NEEDLES:
                written = engine.write(TENANT, memory, timestamp=datetime.now(UTC))
                needles[str(written.memory_id)] = question
            position = 1
            for goal in goals:
                count = engine.stats(TENANT).total_memories
                filler = max(0, goal - count - batches * BATCH)
                for start in range(position, position + filler, 50_000):
                    part = texts[start : min(start + 50_000, position + filler)]
                    loader.add(part, model.embed(part))
                position += filler
                started = time.perf_counter()
                engine.read(TENANT, "warm up")
                catch_up = time.perf_counter() - started
                moment = datetime.now(UTC) - timedelta(days=30)
                seconds, written_count = 0.0, 0
                for _ in range(batches):
                    part = texts[position : position + BATCH]
                    position += len(part)
                    turns = [{"content": t, "timestamp": moment} for t in part]
                    started = time.perf_counter()
                    done = engine.write_batch(TENANT, turns)
                    seconds += time.perf_counter() - started
                    written_count += done.chunks_created
                count = engine.stats(TENANT).total_memories
                report["stretches"][str(goal)] = {
                    "memories": count,
                    "catch_up_seconds": round(catch_up, 2),
                    "memories_per_s": round(written_count / seconds, 1),
                }
                if goal in sizes:
                    engine.read(TENANT, "warm up")
                    report["sizes"][str(goal)] = {
                        "memories": count,
                        "read": _reads(engine, queries),
                        **recall_at_10(engine, queries[:100]),
                        **needles_found(engine, needles),
                        **latency.bytes_per_memory(engine, count),
                        **resident_mb(),
                        "approximate_vectors": engine.backend.vectors.approximate_size(TENANT),
                    }
        report["reopen_first_read_seconds"] = _reopen_seconds(path, model)
    return report


def _reopen_seconds(path: Path, model: Any) -> float:
    """A second engine's first read on the same file: the index loaded beside the database."""
    started = time.perf_counter()
    with Engine(path, embedder=model) as engine:
        engine.read(TENANT, "warm up")
    return round(time.perf_counter() - started, 3)


def batch_write_default(*, size: int = 100_000, batches: int = 4) -> dict[str, Any]:
    """write_batch with the default embedder in a store of `size` memories (memories/s)."""
    model = resolve("default")
    texts = synthetic.sentences(size - len(synthetic.NEEDLES), seed=7)
    vectors = latency.cached_vectors(model, texts, results_dir())
    fresh = latency.new_texts(batches * BATCH, texts, seed=12)
    with (
        tempfile.TemporaryDirectory(prefix="cml-scale-") as folder,
        Engine(Path(folder) / "default.db", embedder=model) as engine,
    ):
        loader = latency.BulkLoader(engine, TENANT, texts[0])
        needles = {}
        for memory, question in synthetic.NEEDLES:
            written = engine.write(TENANT, memory, timestamp=datetime.now(UTC))
            needles[str(written.memory_id)] = question
        loader.add(texts[1:], vectors[1:])
        engine.read(TENANT, "warm up")
        reads = _reads(engine, synthetic.questions(READS, seed=8))
        found = needles_found(engine, needles)
        seconds = 0.0
        for start in range(0, len(fresh), BATCH):
            turns = [{"content": t} for t in fresh[start : start + BATCH]]
            started = time.perf_counter()
            engine.write_batch(TENANT, turns)
            seconds += time.perf_counter() - started
        # The model alone on the same texts, in the same batches: the ceiling for write_batch.
        started = time.perf_counter()
        for start in range(0, len(fresh), BATCH):
            model.embed(fresh[start : start + BATCH])
        embedding = time.perf_counter() - started
    return {
        "embedder": model.name,
        "memories": size,
        "read": reads,
        **found,
        "batch_write_per_s": round(len(fresh) / seconds, 1),
        "model_alone_per_s": round(len(fresh) / embedding, 1),
    }


def run(*, sizes: Sequence[int] = SIZES, default_too: bool = True) -> dict[str, Any]:
    report: dict[str, Any] = {
        "bulk": bulk(
            sizes=sizes, stretches=sorted({s for s in STRETCHES if s < max(sizes)} | {*sizes})
        )
    }
    if default_too:
        report["default_embedder"] = batch_write_default()
    return report
