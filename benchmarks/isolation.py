"""What one tenant's data and one adversarial text cost everyone else (issue 11).

* noisy neighbour: a tenant's lexical read of "tea" (median of 20) while another tenant holds
  0 / 10,000 / 100,000 memories that match it. Full-text search is partitioned by tenant, so
  the figure should barely move; before, it grew with the other tenant's matches.
* adversarial text: fact extraction, classification and sentence splitting of 10 KB and 100 KB
  of "really really ..." (the run that made extraction quadratic), CPU seconds.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from cml.engine.engine import Engine
from cml.text.chunking import split_sentences
from cml.text.classify import classify
from cml.text.extract import extract

NEIGHBOUR_SIZES = (0, 10_000, 100_000)
READS = 20
TEXT_SIZES = (10_000, 100_000)

_INSERT = (
    "INSERT INTO memories (id, tenant_id, text, type, content_hash, timestamp, written_at, "
    "updated_at) VALUES (?, 'neighbour', ?, 'semantic_fact', ?, ?, ?, ?)"
)


def _neighbour(size: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        engine = Engine(Path(folder) / "isolation.db", embedder="none")
        try:
            moment = "2024-01-01T00:00:00+00:00"
            rows = [
                (f"n{i}", f"tea number {i} with milk", f"h{i}", moment, moment, moment)
                for i in range(size)
            ]
            with engine.store.write() as db:
                db.executemany(_INSERT, rows)
            engine.write("caller", "I like green tea in the morning.")
            times = []
            for _ in range(READS):
                started = time.perf_counter()
                engine.read("caller", "tea")
                times.append((time.perf_counter() - started) * 1000)
            return statistics.median(times)
        finally:
            engine.close()


def _cpu(run: Any, text: str) -> float:
    started = time.thread_time()
    run(text)
    return time.thread_time() - started


def run(
    neighbour_sizes: tuple[int, ...] = NEIGHBOUR_SIZES, text_sizes: tuple[int, ...] = TEXT_SIZES
) -> dict[str, Any]:
    neighbour = {str(size): _neighbour(size) for size in neighbour_sizes}
    adversarial: dict[str, dict[str, float]] = {}
    for name, function in (
        ("extract", extract),
        ("classify", classify),
        ("split_sentences", split_sentences),
    ):
        adversarial[name] = {
            str(size): _cpu(function, ("really " * (size // 7 + 1))[:size]) for size in text_sizes
        }
    return {"neighbour_read_ms": neighbour, "adversarial_cpu_s": adversarial}
