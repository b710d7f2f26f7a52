"""`batch_write` of 5,000 memories beside a loop of 5,000 `write` calls, through the clients.

Over loopback (`CognitiveMemoryLayer` against the local server) and embedded
(`EmbeddedCognitiveMemoryLayer`). Each side writes the same new texts into a fresh store of its
own, so neither writes into a store the other has grown. Then write throughput against batch size:
1,000 memories written in `batch_write` calls of 1, 10, 100 and 500 items (the call's requests
carry up to 500 each), again each into a fresh store; twice, sizes in turn, the best of the two
kept (a short run on a busy machine is mostly slowed down, rarely sped up).

The stores are lexical (embedder="none"): what is compared is the cost of a call, which an
embedder would hide behind the same embedding work on both sides (the engine-level effect of
batching the embedding is in throughput.py).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import cml
from cml.engine.engine import Engine

from . import synthetic
from ._servers import local_server

ITEMS = 5_000
CURVE_ITEMS = 1_000
BATCH_SIZES = (1, 10, 100, 500)
CURVE_ROUNDS = 2
API_KEY = "bench-user-key-0123456789"
TENANT = "default"  # where a client with a non-admin key (and the embedded client) writes

Writer = Callable[[cml.CognitiveMemoryLayer, Sequence[str]], None]


@contextmanager
def client(mode: str, folder: Path, name: str) -> Iterator[tuple[cml.CognitiveMemoryLayer, Engine]]:
    """A client of `mode` ("loopback" or "embedded") over a fresh lexical store, and its engine."""
    with Engine(folder / f"{name}.db", embedder="none") as engine:
        if mode == "embedded":
            with cml.EmbeddedCognitiveMemoryLayer(engine=engine) as memory:
                yield memory, engine
        else:
            with (
                local_server(engine, api_key=API_KEY) as url,
                cml.CognitiveMemoryLayer(api_key=API_KEY, base_url=url, max_retries=0) as memory,
            ):
                yield memory, engine


def write_loop(memory: cml.CognitiveMemoryLayer, texts: Sequence[str]) -> None:
    for text in texts:
        memory.write(text)


def write_batches(size: int) -> Writer:
    """A writer calling `batch_write` with `size` items at a time (one call for all by default)."""

    def write(memory: cml.CognitiveMemoryLayer, texts: Sequence[str]) -> None:
        for start in range(0, len(texts), size):
            results = memory.batch_write([{"content": t} for t in texts[start : start + size]])
            failed = [r for r in results if not r.success]
            if failed:
                raise RuntimeError(f"batch_write failed: {failed[0].message}")

    return write


def timed_write(
    mode: str, folder: Path, name: str, writer: Writer, texts: Sequence[str]
) -> dict[str, Any]:
    """Seconds for `writer` to write `texts` into a fresh store; memories/s; memories stored."""
    with client(mode, folder, name) as (memory, engine):
        memory.write("warm up the client and the store")
        started = time.perf_counter()
        writer(memory, texts)
        seconds = time.perf_counter() - started
        stored = engine.stats(TENANT).total_memories - 1
    return {"seconds": round(seconds, 3), "per_s": round(len(texts) / seconds, 1), "stored": stored}


def compare(mode: str, folder: Path, texts: Sequence[str]) -> dict[str, Any]:
    loop = timed_write(mode, folder, f"{mode}-loop", write_loop, texts)
    batch = timed_write(mode, folder, f"{mode}-batch", write_batches(len(texts)), texts)
    return {
        "what": "over loopback" if mode == "loopback" else "embedded",
        "items": len(texts),
        "loop_seconds": loop["seconds"],
        "loop_per_s": loop["per_s"],
        "loop_stored": loop["stored"],
        "batch_seconds": batch["seconds"],
        "batch_per_s": batch["per_s"],
        "batch_stored": batch["stored"],
        "ratio": round(batch["per_s"] / loop["per_s"], 2),
    }


def curve(
    mode: str, folder: Path, texts: Sequence[str], sizes: Sequence[int], rounds: int
) -> dict[str, float]:
    """Memories/s by batch size, the best of `rounds` (sizes in turn, the order reversed every
    other round)."""
    best: dict[str, float] = {}
    for round_ in range(rounds):
        for size in sizes if round_ % 2 == 0 else reversed(sizes):
            name = f"{mode}-{size}-{round_}"
            rate = timed_write(mode, folder, name, write_batches(size), texts)["per_s"]
            best[str(size)] = max(rate, best.get(str(size), 0.0))
    return {str(size): best[str(size)] for size in sizes}


def run(
    *,
    items: int = ITEMS,
    curve_items: int = CURVE_ITEMS,
    batch_sizes: Sequence[int] = BATCH_SIZES,
    curve_rounds: int = CURVE_ROUNDS,
    modes: Sequence[str] = ("loopback", "embedded"),
) -> dict[str, Any]:
    texts = synthetic.sentences(items, seed=21)
    curve_texts = synthetic.sentences(curve_items, seed=22)
    report: dict[str, Any] = {"embedder": "none", "by_batch_size": {}}
    with tempfile.TemporaryDirectory(prefix="cml-bench-") as name:
        folder = Path(name)
        for mode in modes:
            report[mode] = compare(mode, folder, texts)
            report["by_batch_size"][mode] = curve(
                mode, folder, curve_texts, batch_sizes, curve_rounds
            )
    return report
