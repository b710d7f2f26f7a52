"""What concurrency buys through the async clients: throughput with N calls in flight vs one.

HTTP: `AsyncCognitiveMemoryLayer` against `cml serve` in a child process (as it is deployed: the
server does not share the client's GIL), on 127.0.0.1. Embedded: `AsyncEmbeddedCognitiveMemoryLayer`
(its engine calls run in worker threads). For reads and for writes, the same number of calls is
made awaiting each in turn (sequential), then with at most N in flight (`asyncio.gather` under a
semaphore) for several N. Levels run in turn, in reverse order every other round, and each level
keeps the best of its rounds. The store holds 1,000 memories and is lexical (embedder="none"), as
in overhead.py: the server's work per call is small, so what the client does with concurrency
shows.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import cml
from cml.engine.engine import Engine

from . import synthetic
from ._servers import server_process

LEVELS = (1, 2, 4, 8, 16)
TABLE_LEVELS = (4, 16)
CALLS = 100
ROUNDS = 3
PRELOAD = 1_000
API_KEY = "bench-user-key-0123456789"
TENANT = "default"

Call = Callable[[int], Awaitable[Any]]


async def timed(call: Call, indices: Sequence[int], in_flight: int) -> float:
    """Seconds to make `call(i)` for every index, awaiting each in turn when `in_flight` is 1."""
    started = time.perf_counter()
    if in_flight == 1:
        for i in indices:
            await call(i)
    else:
        gate = asyncio.Semaphore(in_flight)

        async def one(i: int) -> None:
            async with gate:
                await call(i)

        await asyncio.gather(*(one(i) for i in indices))
    return time.perf_counter() - started


async def curve(call: Call, *, levels: Sequence[int], calls: int, rounds: int) -> dict[str, float]:
    """Calls/s at each level of concurrency, the best of `rounds`; call indices never repeat."""
    best: dict[str, float] = {}
    next_index = 0
    for round_ in range(rounds):
        for level in levels if round_ % 2 == 0 else reversed(levels):
            indices = range(next_index, next_index + calls)
            next_index += calls
            rate = calls / await timed(call, indices, level)
            best[str(level)] = max(rate, best.get(str(level), 0.0))
    return {str(level): round(best[str(level)], 1) for level in levels}


async def measure(
    memory: cml.AsyncCognitiveMemoryLayer, *, levels: Sequence[int], calls: int, rounds: int
) -> dict[str, Any]:
    needed = len(levels) * rounds * calls
    queries = synthetic.questions(needed, seed=31)
    texts = synthetic.sentences(needed, seed=32)  # new to the store: seed differs from preload

    async def read(i: int) -> None:
        await memory.read(queries[i])

    async def write(i: int) -> None:
        result = await memory.write(texts[i])
        if not result.success:
            raise RuntimeError(f"write failed: {result.message}")

    await memory.read("warm up the client and the store")
    reads = await curve(read, levels=levels, calls=calls, rounds=rounds)
    writes = await curve(write, levels=levels, calls=calls, rounds=rounds)
    stored = (await memory.stats()).total_memories  # every write landed, once
    return {"reads": reads, "writes": writes, "memories_after": stored}


def preload(path: Path, count: int) -> None:
    texts = synthetic.sentences(count, seed=30)
    with Engine(path, embedder="none") as engine:
        for start in range(0, len(texts), 500):
            engine.write_batch(TENANT, [{"content": t} for t in texts[start : start + 500]])


async def _http(url: str, **options: Any) -> dict[str, Any]:
    async with cml.AsyncCognitiveMemoryLayer(api_key=API_KEY, base_url=url, max_retries=0) as m:
        return await measure(m, **options)


async def _embedded(path: Path, **options: Any) -> dict[str, Any]:
    async with cml.AsyncEmbeddedCognitiveMemoryLayer(path, embedder="none") as memory:
        return await measure(memory, **options)


def run(
    *,
    levels: Sequence[int] = LEVELS,
    calls: int = CALLS,
    rounds: int = ROUNDS,
    store: int = PRELOAD,
    modes: Sequence[str] = ("http", "embedded"),
) -> dict[str, Any]:
    if levels[0] != 1:
        raise ValueError("the first level is 1: the sequential baseline")
    options = {"levels": levels, "calls": calls, "rounds": rounds}
    report: dict[str, Any] = {
        "embedder": "none",
        "store_memories": store,
        "calls_per_level": calls,
        "rounds": rounds,
        "table_levels": [level for level in TABLE_LEVELS if level in levels] or [levels[-1]],
        "by_mode": {},
    }
    labels = {
        "http": "AsyncCognitiveMemoryLayer to cml serve",
        "embedded": "AsyncEmbeddedCognitiveMemoryLayer",
    }
    with tempfile.TemporaryDirectory(prefix="cml-bench-") as folder:
        for mode in modes:
            path = Path(folder) / f"{mode}.db"
            preload(path, store)
            if mode == "http":
                with server_process(path, api_key=API_KEY) as url:
                    measured = asyncio.run(_http(url, **options))
            else:
                measured = asyncio.run(_embedded(path, **options))
            report.setdefault("memories_after", {})[mode] = measured["memories_after"]
            for kind in ("reads", "writes"):
                report["by_mode"][f"{mode} {kind}"] = {
                    "what": f"{labels[mode]}: {kind}",
                    "ops_per_s": measured[kind],
                }
    return report
