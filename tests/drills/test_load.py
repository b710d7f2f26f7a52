"""100 concurrent async reads, with writes in parallel, against `cml serve` holding 10,000
memories: each read returns the same memories, in the same order, as the same read issued alone,
or raises a typed error; never an empty 200 where the read alone found memories.

How the reads are made immune to the writes running beside them, so that any difference is a
bug and not a legitimate change:

* The parallel writes go to another tenant of the same server: the same SQLite file, write lock,
  full-text index and vector index, but no read of the default tenant may return them. (Keeping
  them in the reads' tenant would need a filter such as `until=` to exclude them, and a filtered
  read costs 20-30 ms at 10,000 memories against 5 unfiltered: most of the time budget.)
* Each query is one group word (`grp0042`) found in exactly five seeded memories of equal
  length (ten words). Their full-text scores are therefore equal, and the ranking divides each by
  the best one, so every lexical signal is exactly 1 or 0 however many rows the parallel writes
  add to the index statistics that scores depend on. Vector similarities do not depend on other
  rows, and the seeded memories share one timestamp, importance and confidence. Nothing in the
  ranking of a read can move, and a solo read repeated after the parallel writes must still give
  the same answer (checked below).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from local_server import LocalServer

import cml

from ._support import ADMIN_KEY, USER_KEY, filler_text, percentile, stored_texts

pytestmark = pytest.mark.integration

SEEDED = 10_000
GROUP_SIZE = 5
CONCURRENT_READS = 100
ROUNDS = 3
WRITES_PER_ROUND = 25
WRITES_TENANT = "drill-writes"
SEEDED_AT = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


def _group_word(group: int) -> str:
    return f"grp{group:04d}"


def _ids(result: cml.ReadResponse) -> list[str]:
    return [str(m.id) for m in result.memories]


def test_concurrent_reads_equal_solo_reads(
    server: LocalServer, figures: dict[str, dict[str, Any]]
) -> None:
    assert server.engine is not None
    groups = SEEDED // GROUP_SIZE
    queries = [_group_word(g) for g in range(0, groups, groups // CONCURRENT_READS)]
    assert len(queries) == CONCURRENT_READS
    outcome: dict[str, Any] = {}

    async def scenario() -> None:
        # No retries: a failure must show as the typed error it is, not be papered over.
        async with (
            cml.AsyncCognitiveMemoryLayer(
                api_key=USER_KEY, base_url=server.url, max_retries=0, timeout=60
            ) as memory,
            # The server honours X-Tenant-ID only with the admin key.
            cml.AsyncCognitiveMemoryLayer(
                admin_api_key=ADMIN_KEY,
                base_url=server.url,
                tenant_id=WRITES_TENANT,
                max_retries=0,
                timeout=60,
            ) as writer,
        ):
            started = time.perf_counter()
            seeded = await memory.batch_write(
                [
                    {
                        "content": filler_text(k, _group_word(k // GROUP_SIZE)),
                        "timestamp": SEEDED_AT,
                    }
                    for k in range(SEEDED)
                ]
            )
            outcome["seed seconds"] = time.perf_counter() - started
            assert all(r.success for r in seeded)

            async def read(query: str) -> list[str]:
                return _ids(await memory.read(query, max_results=5))

            solo_latencies: list[float] = []
            solo: dict[str, list[str]] = {}
            for query in queries:
                began = time.perf_counter()
                solo[query] = await read(query)
                solo_latencies.append(time.perf_counter() - began)

            latencies: list[float] = []
            results: list[tuple[str, list[str] | None]] = []
            errors: Counter[str] = Counter()
            acked_writes: list[str] = []
            write_errors: Counter[str] = Counter()

            async def timed_read(query: str) -> None:
                began = time.perf_counter()
                try:
                    ids = await read(query)
                except cml.CMLError as exc:  # the contract allows a typed error, nothing else
                    errors[type(exc).__name__] += 1
                    results.append((query, None))
                    return
                latencies.append(time.perf_counter() - began)
                results.append((query, ids))

            async def parallel_write(k: int) -> None:
                text = filler_text(k, "parallel")
                try:
                    await writer.write(text)
                except cml.CMLError as exc:
                    write_errors[type(exc).__name__] += 1
                else:
                    acked_writes.append(text)

            concurrent_seconds = 0.0
            for round_ in range(ROUNDS):
                order = random.Random(round_).sample(queries, len(queries))
                writes = range(round_ * WRITES_PER_ROUND, (round_ + 1) * WRITES_PER_ROUND)
                began = time.perf_counter()
                await asyncio.gather(
                    *(timed_read(q) for q in order), *(parallel_write(k) for k in writes)
                )
                concurrent_seconds += time.perf_counter() - began

            # The design says the parallel writes cannot change any answer: check it holds.
            after = {query: await read(query) for query in queries}
            outcome.update(
                solo=solo,
                after=after,
                results=results,
                errors=errors,
                latencies=latencies,
                solo_latencies=solo_latencies,
                concurrent_seconds=concurrent_seconds,
                acked_writes=acked_writes,
                write_errors=write_errors,
            )

    asyncio.run(scenario())
    solo, results = outcome["solo"], outcome["results"]
    assert all(len(ids) == 5 for ids in solo.values()), solo
    assert outcome["after"] == solo
    empty = [q for q, ids in results if ids == []]
    mismatched = [(q, ids, solo[q]) for q, ids in results if ids is not None and ids != solo[q]]
    assert empty == []
    assert mismatched == []
    assert len(results) == ROUNDS * CONCURRENT_READS
    compared = sum(ids is not None for _, ids in results)
    assert compared > 0, f"every concurrent read failed: {outcome['errors']}"

    # The parallel writes: each acknowledged one stored once, the failed ones at most once.
    parallel = stored_texts(server.engine, "parallel", tenant=WRITES_TENANT)
    assert all(len(parallel.get(text, [])) == 1 for text in outcome["acked_writes"])
    assert all(len(ids) == 1 for ids in parallel.values())
    assert server.engine.stats("default").total_memories == SEEDED
    assert server.engine.stats(WRITES_TENANT).total_memories == len(parallel)

    latencies = outcome["latencies"]
    figures["load (async client, 10,000 memories)"] = {
        "memories seeded": SEEDED,
        "seed seconds (batch_write)": round(outcome["seed seconds"], 2),
        "concurrent reads": len(results),
        "reads equal to solo": len(results) - len(mismatched) - sum(outcome["errors"].values()),
        "reads mismatched": len(mismatched),
        "empty 200s": len(empty),
        "typed errors": dict(outcome["errors"]),
        "parallel writes acked": len(outcome["acked_writes"]),
        "parallel write errors": dict(outcome["write_errors"]),
        "reads per s (concurrent)": round(len(latencies) / outcome["concurrent_seconds"], 1),
        "read p50 ms (concurrent)": round(percentile(latencies, 50) * 1000, 1),
        "read p95 ms (concurrent)": round(percentile(latencies, 95) * 1000, 1),
        "read p50 ms (solo)": round(percentile(outcome["solo_latencies"], 50) * 1000, 1),
        "read p95 ms (solo)": round(percentile(outcome["solo_latencies"], 95) * 1000, 1),
    }
