"""py-cml beside what users pick instead: mem0 (local `Memory`) and a raw numpy brute force.

Same synthetic memories, same vectors (the embedder's, cached as in latency.py), same queries,
one run. Each system runs in a child process of its own, so that its resident memory is its own:

* **py-cml**: an `Engine` on a SQLite file, filled in bulk as latency.py fills it (copies of a
  row the engine wrote, with the cached vectors); reads through `Engine.read`, batch writes
  through the embedded client's `batch_write`.
* **mem0**: mem0ai's `Memory` (pinned in the `bench` extra) with Qdrant's local mode in
  memory as its vector store, its history in SQLite on disk, the same embedder behind its
  embedding-model hook (the `embedding_model` every `add`/`search` calls), `infer=False` (no
  LLM is ever called), telemetry off. Filled in bulk
  through its vector store's `insert` with the payload `add` writes; reads through
  `Memory.search`, batch writes through `Memory.add` of many messages.
* **numpy**: the vectors as one float32 matrix; a read is the query's embedding, one matrix
  product and a partial sort for the top 10; a batch write embeds and appends.

Every read embeds its query; at each size `reads` queries, or fewer (at least 5) once they took
`READ_BUDGET_S` (mem0 searches every vector in Python: at 100,000 a read takes seconds). At each
size: read p50/p95 (ms), batch writes (memories/s, new
texts, embedding included), bytes on disk, and the resident memory the store adds (VmRSS after
the reads, minus the process's after loading the embedder). Nothing leaves the machine: the
children refuse any socket connection that is not to a loopback address.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from . import synthetic
from ._common import resolve, results_dir, summary_ms

SIZES = (1_000, 10_000, 100_000)
SYSTEMS = ("py-cml", "mem0", "numpy")
READS = 100
READ_BUDGET_S = 60.0
MIN_READS = 5
BATCH = 200
MAX_RESULTS = 10
TENANT = "bench"
_LOAD_CHUNK = 5_000


# -- the child's surroundings ----------------------------------------------------------------------


@contextlib.contextmanager
def loopback_only() -> Iterator[None]:
    """Every socket connection in this process refused unless it goes to a loopback address."""
    original = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else ""
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in (
            "127.0.0.1",
            "::1",
            "localhost",
        ):
            raise ConnectionRefusedError(
                f"benchmark children stay offline: not connecting to {host}"
            )
        return original(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


def _rss_mb() -> float:
    """This process's resident set now (VmRSS), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# -- the three systems -------------------------------------------------------------------------


class _System:
    """What the harness does with each system: load in bulk, read, write a batch."""

    name = ""
    #: Whether its vectors are on disk (else its disk figure leaves them out).
    persists_vectors = True

    def load(self, texts: Sequence[str], vectors: Any) -> None:
        raise NotImplementedError

    def read(self, query: str) -> list[str]:
        raise NotImplementedError

    def write_batch(self, texts: Sequence[str]) -> None:
        raise NotImplementedError

    def count(self) -> int:
        """Memories stored."""
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to release by default."""


class _PyCml(_System):
    name = "py-cml"

    def __init__(self, folder: Path, embedder: Any) -> None:
        import cml
        from cml.engine.engine import Engine

        self.engine = Engine(folder / "cml.db", embedder=embedder)
        self.client = cml.EmbeddedCognitiveMemoryLayer(engine=self.engine, tenant_id=TENANT)
        self._loader: Any = None

    def load(self, texts: Sequence[str], vectors: Any) -> None:
        from .latency import BulkLoader

        if self._loader is None:
            self._loader = BulkLoader(self.engine, TENANT, texts[0])
            texts, vectors = texts[1:], vectors[1:]
        self._loader.add(texts, vectors)
        self.engine.read(TENANT, "warm up the vector index", max_results=1)

    def read(self, query: str) -> list[str]:
        return [m.text for m in self.engine.read(TENANT, query, max_results=MAX_RESULTS).memories]

    def write_batch(self, texts: Sequence[str]) -> None:
        self.client.batch_write([{"content": t} for t in texts])

    def count(self) -> int:
        return self.engine.stats(TENANT).total_memories

    def close(self) -> None:
        self.client.close()
        self.engine.close()


class _Mem0Embedder:
    """Our embedder as mem0's embedding model: mem0 calls `embed(text, memory_action)`."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder

    def embed(self, text: str, memory_action: str | None = None) -> list[float]:
        return [float(x) for x in self.embedder.embed([text])[0]]

    def embed_batch(self, texts: list[str], memory_action: str = "add") -> list[list[float]]:
        return [[float(x) for x in row] for row in self.embedder.embed(texts)]


class _Mem0(_System):
    name = "mem0"
    user = "bench"

    def __init__(self, folder: Path, embedder: Any) -> None:
        # Read when mem0 is imported: no telemetry, and its home folder is this temporary one.
        os.environ["MEM0_TELEMETRY"] = "False"
        os.environ["MEM0_DIR"] = str(folder / "mem0-home")
        from mem0 import Memory
        from qdrant_client import QdrantClient

        unused = "offline-no-key"  # its OpenAI clients are built, never called (infer=False)
        # Qdrant's local mode in memory: on disk it commits every point on its own, which puts
        # 100,000 memories hours away here (about 25 ms a point on this disk).
        self.memory = Memory.from_config(
            {
                "vector_store": {
                    "provider": "qdrant",
                    "config": {
                        "collection_name": "bench",
                        "client": QdrantClient(location=":memory:"),
                        "embedding_model_dims": embedder.dim,
                    },
                },
                "embedder": {
                    "provider": "openai",
                    "config": {"api_key": unused, "embedding_dims": embedder.dim},
                },
                "llm": {"provider": "openai", "config": {"api_key": unused}},
                "history_db_path": str(folder / "history.db"),
            }
        )
        self.memory.embedding_model = _Mem0Embedder(embedder)

    def load(self, texts: Sequence[str], vectors: Any) -> None:
        # The payload `Memory.add(..., infer=False)` writes for one message, minus the history
        # row (which `search` never reads).
        now = datetime.now(UTC).isoformat()
        payloads = [
            {
                "user_id": self.user,
                "role": "user",
                "data": text,
                "hash": hashlib.md5(text.encode()).hexdigest(),  # mem0's own field
                "created_at": now,
                "updated_at": now,
                "text_lemmatized": text,
            }
            for text in texts
        ]
        for start in range(0, len(texts), _LOAD_CHUNK):
            end = start + _LOAD_CHUNK
            self.memory.vector_store.insert(
                vectors=[[float(x) for x in v] for v in vectors[start:end]],
                payloads=payloads[start:end],
                ids=[str(uuid.uuid4()) for _ in payloads[start:end]],
            )

    def read(self, query: str) -> list[str]:
        found = self.memory.search(query, top_k=MAX_RESULTS, filters={"user_id": self.user})
        return [item["memory"] for item in found["results"]]

    def write_batch(self, texts: Sequence[str]) -> None:
        messages = [{"role": "user", "content": t} for t in texts]
        self.memory.add(messages, user_id=self.user, infer=False)

    def count(self) -> int:
        return int(self.memory.vector_store.client.count("bench").count)

    persists_vectors = False  # Qdrant's local mode in memory: only the history is on disk

    def close(self) -> None:
        close = getattr(self.memory.vector_store.client, "close", None)
        if close is not None:
            close()


class _Numpy(_System):
    """The floor: exact cosine search over one matrix, nothing else."""

    name = "numpy"

    def __init__(self, folder: Path, embedder: Any) -> None:
        import numpy as np

        self.np = np
        self.embedder = embedder
        self.matrix = np.zeros((0, embedder.dim), dtype=np.float32)
        self.texts: list[str] = []
        self.folder = folder

    def _append(self, texts: Sequence[str], vectors: Any) -> None:
        self.matrix = self.np.concatenate([self.matrix, self.np.asarray(vectors, "float32")])
        self.texts.extend(texts)

    def load(self, texts: Sequence[str], vectors: Any) -> None:
        self._append(texts, vectors)
        self.np.save(self.folder / "vectors.npy", self.matrix)  # what it would keep on disk

    def read(self, query: str) -> list[str]:
        scores = self.matrix @ self.embedder.embed([query])[0]
        top = min(MAX_RESULTS, len(scores))
        best = self.np.argpartition(-scores, top - 1)[:top]
        return [self.texts[i] for i in best[self.np.argsort(-scores[best])]]

    def write_batch(self, texts: Sequence[str]) -> None:
        self._append(texts, self.embedder.embed(list(texts)))

    def count(self) -> int:
        return len(self.texts)


FACTORIES: dict[str, Callable[[Path, Any], _System]] = {
    "py-cml": _PyCml,
    "mem0": _Mem0,
    "numpy": _Numpy,
}


# -- one system, every size (runs in a child process) ------------------------------------------


def measure(
    system: str,
    sizes: Sequence[int],
    *,
    embedder: Any = "default",
    reads: int = READS,
    batch: int = BATCH,
    cache: Path | None = None,
) -> dict[str, Any]:
    """Grow one store of `system` through `sizes`, measuring at each."""
    try:
        return _measure(system, sizes, embedder=embedder, reads=reads, batch=batch, cache=cache)
    except Exception as exc:
        # Some libraries' exceptions cannot be rebuilt in the parent process: send the text.
        raise RuntimeError(f"{system}: {type(exc).__name__}: {exc}") from None


def _measure(
    system: str,
    sizes: Sequence[int],
    *,
    embedder: Any,
    reads: int,
    batch: int,
    cache: Path | None,
) -> dict[str, Any]:
    from .latency import cached_vectors, new_texts

    with loopback_only():
        model = resolve(embedder)
        model.embed(["warm up"])
        texts = synthetic.sentences(max(sizes), seed=7)
        vectors = cached_vectors(model, texts, cache)
        queries = synthetic.questions(reads, seed=8)
        fresh = new_texts(batch * len(sizes), texts, seed=21)
        # The model's memory grows with the largest batch it embedded: grown here, before the
        # baseline, it is not counted as the store's.
        model.embed(fresh[:batch])
        baseline_rss = _rss_mb()
        out: dict[str, Any] = {"system": system, "embedder": model.name, "sizes": {}}
        with tempfile.TemporaryDirectory(prefix=f"cml-compare-{system}-") as folder:
            store = FACTORIES[system](Path(folder), model)
            out["persists_vectors"] = store.persists_vectors
            try:
                loaded = 0
                for step, size in enumerate(sorted(sizes)):
                    started = time.perf_counter()
                    store.load(texts[loaded:size], vectors[loaded:size])
                    load_seconds = time.perf_counter() - started
                    added = size - loaded
                    loaded = size
                    store.read(queries[0])  # warm
                    seconds: list[float] = []
                    hits = 0
                    for query in queries:
                        if len(seconds) >= MIN_READS and sum(seconds) > READ_BUDGET_S:
                            break
                        started = time.perf_counter()
                        hits += len(store.read(query))
                        seconds.append(time.perf_counter() - started)
                    rss = _rss_mb()  # after the reads: what the store holds to answer them
                    new = fresh[step * batch : (step + 1) * batch]
                    started = time.perf_counter()
                    store.write_batch(new)
                    write_seconds = time.perf_counter() - started
                    out["sizes"][str(size)] = {
                        "read": summary_ms(seconds),
                        "results_per_read": round(hits / len(seconds), 2),
                        "bulk_load_per_s": round(added / load_seconds, 1),
                        "batch_write_per_s": round(len(new) / write_seconds, 1),
                        "rss_added_mb": round(rss - baseline_rss, 1),
                        "disk_bytes": _disk_bytes(Path(folder)),
                    }
                out["stored"] = store.count()
            finally:
                store.close()
    return out


def run(
    *,
    sizes: Sequence[int] = SIZES,
    systems: Sequence[str] = SYSTEMS,
    embedder: Any = "default",
    reads: int = READS,
    batch: int = BATCH,
    cache: Path | None = None,
) -> dict[str, Any]:
    """Every system, one child process each, one after the other (never side by side)."""
    if cache is None and embedder == "default":
        cache = results_dir()
    report: dict[str, Any] = {
        "sizes": sorted(sizes),
        "reads_per_size": reads,
        "batch": batch,
        "max_results": MAX_RESULTS,
        "by_system": {},
    }
    spawn = get_context("spawn")  # a fresh interpreter: nothing of this one in its memory
    for system in systems:
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            result = pool.submit(
                measure, system, sizes, embedder=embedder, reads=reads, batch=batch, cache=cache
            ).result()
        result["seconds"] = round(time.perf_counter() - started, 1)
        report["by_system"][system] = result
        print(f"  compare: {system} {result['seconds']:.0f} s", file=sys.stderr, flush=True)
    report["embedder"] = next(iter(report["by_system"].values()))["embedder"]
    return report
