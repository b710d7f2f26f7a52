"""Read and write latency at 1,000, 10,000 and 100,000 memories, bytes on disk, needle recall.

Embedding 100,000 texts one write at a time would take most of an hour on a laptop, so the store
is filled in bulk: synthetic sentences (see synthetic.py) are embedded in large batches (vectors
cached in bench-results/, keyed by the embedder and the text set) and inserted as copies of a row
the engine itself wrote, in one transaction (the FTS index is kept by the engine's triggers, the
vector index reloads on the next read). The needles are written through `Engine.write`, and every
measured read embeds its query, as a real read does. At each size a few memories are also
written through `Engine.write` (one at a time: embedding, near-duplicate check against the whole
store, extraction, indexing) and stay in the store, counted in its size.
"""

from __future__ import annotations

import hashlib
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cml.engine.engine import Engine

from . import synthetic
from ._common import resolve, results_dir, summary_ms

SIZES = (1_000, 10_000, 100_000)
READS = 200
WRITES = 50
WARMUP = 10
MAX_RESULTS = 10
AIM_P50_MS = 25.0
TENANT = "bench"
_EMBED_CHUNK = 4096


def cached_vectors(embedder: Any, texts: list[str], cache: Path | None) -> Any:
    """Vectors of `texts`, from `cache` when this embedder already embedded this text set."""
    import numpy as np

    path = None
    if cache is not None:
        path = cache / f"vectors-{embedder.name}-{synthetic.digest(texts)}.npy"
        if path.exists():
            vectors = np.load(path)
            if vectors.shape == (len(texts), embedder.dim):
                return vectors
    parts = []
    started = time.perf_counter()
    for start in range(0, len(texts), _EMBED_CHUNK):
        parts.append(embedder.embed(texts[start : start + _EMBED_CHUNK]))
        done = start + len(parts[-1])
        if len(texts) > _EMBED_CHUNK:
            rate = done / (time.perf_counter() - started)
            print(f"  embedded {done:,}/{len(texts):,} ({rate:.0f}/s)", file=sys.stderr)
    vectors = np.concatenate(parts).astype(np.float32)
    if path is not None:
        np.save(path, vectors)
    return vectors


class BulkLoader:
    """Inserts rows shaped like one the engine wrote (schema-agnostic: it copies that row)."""

    def __init__(self, engine: Engine, tenant: str, first_text: str, *, seed: int = 0) -> None:
        self.engine = engine
        self.tenant = tenant
        self._rng = random.Random(seed)
        self._now = datetime.now(UTC)
        written = engine.write(tenant, first_text, timestamp=self._moment())
        row = engine.store.execute(
            "SELECT * FROM memories WHERE id = ?", (str(written.memory_id),)
        ).fetchone()
        names = row.keys()  # a sqlite3.Row iterates over values, not names
        self._template = {k: row[k] for k in names if k != "rowid"}
        self.count = 1

    def _moment(self) -> datetime:
        return self._now - timedelta(seconds=self._rng.uniform(0, 365 * 86400))

    def add(self, texts: Sequence[str], vectors: Any) -> None:
        columns = list(self._template)
        sql = (
            f"INSERT INTO memories ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        rows = []
        for text, vector in zip(texts, vectors, strict=True):
            moment = self._moment().isoformat(timespec="microseconds")
            row = dict(self._template)
            row.update(
                id=str(uuid.uuid4()),
                text=text,
                content_hash=hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest(),
                embedding=vector.astype("float32").tobytes(),
                timestamp=moment,
                written_at=moment,
                updated_at=moment,
            )
            rows.append([row[c] for c in columns])
        with self.engine.store.write() as db:
            db.executemany(sql, rows)
        self.count += len(rows)


def bytes_per_memory(engine: Engine, count: int) -> dict[str, float]:
    """Database file plus WAL, after a checkpoint, divided by the number of memories."""
    engine.store.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    path = Path(engine.store.path)
    wal = path.with_name(path.name + "-wal")
    size = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    return {"file_bytes": size, "bytes_per_memory": round(size / count, 1)}


def measure_reads(engine: Engine, queries: Sequence[str], embedder: Any) -> dict[str, Any]:
    """Read latency (query embedding included), and the embedding alone for the same queries."""
    for query in queries[:WARMUP]:
        engine.read(TENANT, query, max_results=MAX_RESULTS)
    reads, embeds = [], []
    for query in queries:
        started = time.perf_counter()
        engine.read(TENANT, query, max_results=MAX_RESULTS)
        reads.append(time.perf_counter() - started)
        if embedder is not None:
            started = time.perf_counter()
            embedder.embed([query])
            embeds.append(time.perf_counter() - started)
    out: dict[str, Any] = {"read": summary_ms(reads)}
    if embeds:
        out["query_embedding"] = summary_ms(embeds)
    return out


def measure_writes(engine: Engine, texts: Sequence[str]) -> dict[str, Any]:
    """Latency of one `Engine.write` each (each text new to the store)."""
    seconds = []
    for text in texts:
        started = time.perf_counter()
        engine.write(TENANT, text)
        seconds.append(time.perf_counter() - started)
    return {"write": summary_ms(seconds)}


def new_texts(count: int, known: Sequence[str], *, seed: int) -> list[str]:
    """`count` sentences in the benchmark's vocabulary that are not among `known`."""
    taken = set(known)
    fresh = [t for t in synthetic.sentences(count * 2 + 100, seed=seed) if t not in taken]
    if len(fresh) < count:
        raise ValueError(f"only {len(fresh)} new sentences, not {count}")
    return fresh[:count]


def needle_recall(engine: Engine, needles: dict[str, str]) -> dict[str, Any]:
    """For each planted memory, its rank in the read of its question (None when not in the top),
    and how many exact dense search (the same vectors, cosine alone) finds in its top 5."""
    ranks: dict[str, int | None] = {}
    dense_top5 = 0
    rowids = {
        str(row["id"]): int(row["rowid"])
        for row in engine.store.execute(
            f"SELECT rowid, id FROM memories WHERE id IN ({', '.join('?' * len(needles))})",
            list(needles),
        )
    }
    for memory_id, question in needles.items():
        found = engine.read(TENANT, question, max_results=MAX_RESULTS)
        ids = [str(item.id) for item in found.memories]
        ranks[question] = ids.index(memory_id) + 1 if memory_id in ids else None
        if engine.backend.vectors is not None and engine.embedder is not None:
            vector = engine.embedder.embed([question])[0]
            top = [rowid for rowid, _ in engine.backend.vectors.search(vector, TENANT, 5)]
            dense_top5 += rowids.get(memory_id) in top
    total = len(ranks)
    return {
        "needles": total,
        "found@1": sum(r == 1 for r in ranks.values()) / total,
        "found@5": sum(r is not None and r <= 5 for r in ranks.values()) / total,
        "found@10": sum(r is not None for r in ranks.values()) / total,
        "dense_found@5": dense_top5 / total,
        "ranks": ranks,
    }


def run(
    *,
    sizes: Sequence[int] = SIZES,
    reads: int = READS,
    writes: int = WRITES,
    embedder: Any = "default",
    cache: Path | None = None,
    lexical_too: bool = True,
) -> dict[str, Any]:
    """Grow one store through `sizes`, measuring at each size."""
    model = resolve(embedder)
    if cache is None and embedder == "default":
        cache = results_dir()
    texts = synthetic.sentences(max(sizes) - len(synthetic.NEEDLES), seed=7)
    queries = synthetic.questions(reads, seed=8)
    # Not part of the cached text set: the cache key stays that of the bulk rows alone.
    to_write = new_texts(writes * len(sizes), texts, seed=10)
    started = time.perf_counter()
    vectors = cached_vectors(model, texts, cache)
    report: dict[str, Any] = {
        "embedder": model.name,
        "reads_per_size": reads,
        "writes_per_size": writes,
        "max_results": MAX_RESULTS,
        "aim_p50_ms": AIM_P50_MS,
        "vectors_seconds": round(time.perf_counter() - started, 1),
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="cml-bench-") as folder:
        path = Path(folder) / "latency.db"
        with Engine(path, embedder=model) as engine:
            loader = BulkLoader(engine, TENANT, texts[0])
            rng = random.Random(9)
            needles = {}
            for memory, question in synthetic.NEEDLES:
                moment = datetime.now(UTC) - timedelta(days=rng.uniform(0, 365))
                written = engine.write(TENANT, memory, timestamp=moment)
                needles[str(written.memory_id)] = question
            position = 1  # bulk rows so far (the loader wrote texts[0] itself)
            planted = len(needles)  # memories written through Engine.write so far
            for step, size in enumerate(sorted(sizes)):
                target = size - planted
                started = time.perf_counter()
                loader.add(texts[position:target], vectors[position:target])
                position = target
                load_seconds = time.perf_counter() - started
                count = position + planted
                started = time.perf_counter()
                engine.read(TENANT, "warm up the vector index", max_results=1)
                first_read = time.perf_counter() - started
                entry: dict[str, Any] = {
                    "memories": count,
                    "bulk_insert_seconds": round(load_seconds, 2),
                    "first_read_seconds": round(first_read, 3),
                    **measure_reads(engine, queries, model),
                    "needles": needle_recall(engine, needles),
                    **bytes_per_memory(engine, count),
                }
                entry["meets_aim"] = entry["read"]["p50_ms"] < AIM_P50_MS
                if lexical_too:
                    with Engine(path, embedder="none") as lexical:
                        entry["lexical_only"] = measure_reads(lexical, queries, None)
                if writes:  # last: the writes grow the store
                    batch = to_write[step * writes : (step + 1) * writes]
                    entry.update(measure_writes(engine, batch))
                    # A write can be merged into a near-duplicate: count what was stored.
                    planted = engine.stats(TENANT).total_memories - position
                report["sizes"][str(count)] = entry
    return report
