"""1,000 writes through the fault proxy at a 20 % fault rate, with the sync and the async client.

Connection resets, answers dropped after the server committed, 429 / 502 / 503 and answers held
back past the client's timeout: the client retries each write with the same Idempotency-Key, so
every write is stored exactly once (none lost, none stored twice), and every read through the
same faults returns the memory that was written.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from fault_proxy import FaultProxy
from local_server import LocalServer

import cml

from ._support import USER_KEY, filler_text, query_for, stored_texts

pytestmark = pytest.mark.integration

WRITES = 1000
# Every READ_EVERY-th memory is read back through the proxy.
READ_EVERY = 4
ASYNC_CONCURRENCY = 10

FAULT_RATE = 0.20
# Each kind's share of all requests, in percent (they add up to the 20 % fault rate). Slow
# answers cost a client timeout each, so they are the smallest share.
WEIGHTS = {"reset": 4.0, "drop": 5.0, "429": 4.0, "502": 3.0, "503": 3.5, "slow": 0.5}
# The client gives up on an answer after this long; a call takes under 10 ms here.
TIMEOUT = 0.3
# Every fault kind is retryable and each attempt meets one with probability 0.2, independently.
# A call fails only if all 1 + MAX_RETRIES attempts do: 0.2**14 = 1.6e-10 per call, 4e-7 for
# the 2,500 calls of both runs, so a failure here is a bug, not bad luck.
MAX_RETRIES = 13
# Backoff base: 5 ms, 10 ms, 20 ms... (a 429 says `Retry-After: 0`, which the client honours:
# `parse_retry_after` caps it at 60 s, so larger values would only slow the run down).
RETRY_DELAY = 0.005
# Fixed seeds, so each run injects the same faults. With these, every kind is drawn at least
# six times within the first 1,200 requests (a run makes about 1,550), so the check that every
# kind was injected does not hang on how many requests a run happened to need.
SEEDS = {"sync": 3, "async": 4}


def _client_options(url: str) -> dict[str, Any]:
    return {
        "api_key": USER_KEY,
        "base_url": url,
        "timeout": TIMEOUT,
        "max_retries": MAX_RETRIES,
        "retry_delay": RETRY_DELAY,
    }


def _check_read(text: str, memory_id: UUID, result: cml.ReadResponse) -> str | None:
    """Why this read is wrong, or None: the memory written with `text` must come first."""
    if not result.memories:
        return f"{text!r}: empty result"
    top = result.memories[0]
    if top.id != memory_id or top.text != text:
        return f"{text!r}: got {top.text!r} ({top.id}), expected id {memory_id}"
    return None


def _run_sync(
    url: str, texts: list[str], read: Callable[[int], bool]
) -> tuple[dict[str, UUID], list[str]]:
    acked: dict[str, UUID] = {}
    wrong: list[str] = []
    with cml.CognitiveMemoryLayer(**_client_options(url)) as memory:
        for text in texts:
            response = memory.write(text)
            assert response.success, response
            assert response.memory_id is not None, response
            acked[text] = response.memory_id
        for index, text in enumerate(texts):
            if read(index):
                problem = _check_read(
                    text, acked[text], memory.read(query_for(text), max_results=1)
                )
                if problem:
                    wrong.append(problem)
    return acked, wrong


def _run_async(
    url: str, texts: list[str], read: Callable[[int], bool]
) -> tuple[dict[str, UUID], list[str]]:
    acked: dict[str, UUID] = {}
    wrong: list[str] = []

    async def scenario() -> None:
        async with cml.AsyncCognitiveMemoryLayer(**_client_options(url)) as memory:
            pending = iter(texts)

            async def writer() -> None:
                for text in pending:  # workers share the iterator: each text is written once
                    response = await memory.write(text)
                    assert response.success, response
                    assert response.memory_id is not None, response
                    acked[text] = response.memory_id

            await asyncio.gather(*(writer() for _ in range(ASYNC_CONCURRENCY)))
            to_read = iter([t for i, t in enumerate(texts) if read(i)])

            async def reader() -> None:
                for text in to_read:
                    result = await memory.read(query_for(text), max_results=1)
                    problem = _check_read(text, acked[text], result)
                    if problem:
                        wrong.append(problem)

            await asyncio.gather(*(reader() for _ in range(ASYNC_CONCURRENCY)))

    asyncio.run(scenario())
    return acked, wrong


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_writes_through_faults_are_stored_exactly_once(
    kind: str, server: LocalServer, figures: dict[str, dict[str, Any]]
) -> None:
    assert server.engine is not None
    texts = [filler_text(k, kind) for k in range(WRITES)]
    run = _run_sync if kind == "sync" else _run_async
    with FaultProxy(server.port, fault_rate=FAULT_RATE, weights=WEIGHTS, seed=SEEDS[kind]) as proxy:
        started = time.perf_counter()
        acked, wrong = run(proxy.url, texts, lambda index: index % READ_EVERY == 0)
        elapsed = time.perf_counter() - started
        counts = proxy.counts()

    stored = stored_texts(server.engine, kind)
    lost = [t for t in texts if t not in stored]
    duplicated = {t: ids for t, ids in stored.items() if len(ids) > 1}
    assert len(acked) == WRITES
    assert lost == []
    assert duplicated == {}
    assert len(stored) == WRITES
    # Each memory is the one its write acknowledged, even when the ack came from a replay.
    assert {t: ids[0] for t, ids in stored.items()} == {t: str(i) for t, i in acked.items()}
    assert server.engine.stats("default").total_memories == WRITES
    assert wrong == []
    # The drill really injected faults of every kind, and the server really replayed answers
    # (else "stored once" would prove nothing about idempotency).
    assert all(counts["faults"][k] > 0 for k in WEIGHTS), counts
    assert counts["replayed"] > 0, counts

    reads = len(range(0, WRITES, READ_EVERY))
    figures[f"faults ({kind} client)"] = {
        "writes acknowledged": len(acked),
        "memories stored": len(stored),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "reads checked": reads,
        "reads wrong": len(wrong),
        "requests seen by proxy": counts["requests"],
        "fault rate observed": round(sum(counts["faults"].values()) / counts["requests"], 4),
        **{f"faults {k}": v for k, v in counts["faults"].items()},
        "retries (same key resent)": counts["retries"],
        "answers replayed by server": counts["replayed"],
        "wall time s": round(elapsed, 2),
        "calls per s": round((WRITES + reads) / elapsed, 1),
    }
