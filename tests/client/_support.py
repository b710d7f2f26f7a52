"""Helpers shared by the transport-level tests of the HTTP clients.

Every test here (fixtures in `conftest.py`) runs against respx at `BASE_URL`, with the
environment cleared of `CML_*` variables, the working directory moved to a temporary one (so no
`.env` leaks in), and the clients' sleep replaced by a recorder (so retries cost nothing and their
delays can be checked).
Tests parametrized with the `kind` fixture run once with the sync client and once with the async
one; `run()` awaits a result only when it is awaitable, so one test body serves both.
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

import cml

BASE_URL = "http://cml.test"
API_KEY = "sk-normal-SECRET-0123456789"
ADMIN_KEY = "sk-admin-SECRET-9876543210"

_real_async_sleep = asyncio.sleep

Client = cml.CognitiveMemoryLayer | cml.AsyncCognitiveMemoryLayer


async def run(value: Any) -> Any:
    """`value` itself from the sync client, awaited from the async one."""
    if inspect.isawaitable(value):
        return await value
    return value


async def collect(stream: Iterator[Any] | AsyncIterator[Any]) -> list[Any]:
    """Every item of a sync or async iterator."""
    if hasattr(stream, "__aiter__"):
        return [item async for item in stream]
    return list(stream)


async def real_sleep(seconds: float) -> None:
    """Sleep for real (the clients' own sleep is patched)."""
    await _real_async_sleep(seconds)


# -- wire payloads ---------------------------------------------------------------------------


def memory_json(
    text: str = "User is vegetarian",
    *,
    memory_id: str | None = None,
    type_: str = "semantic_fact",
    timestamp: str = "2026-11-21T19:22:08.356677",
    confidence: float = 0.9,
    relevance: float = 0.8,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": memory_id or str(uuid.uuid4()),
        "text": text,
        "type": type_,
        "confidence": confidence,
        "relevance": relevance,
        "timestamp": timestamp,
    }
    if metadata is not None:
        item["metadata"] = metadata
    return item


def read_json(
    query: str = "q",
    memories: list[dict[str, Any]] | None = None,
    *,
    llm_context: str | None = None,
) -> dict[str, Any]:
    memories = [memory_json()] if memories is None else memories
    body: dict[str, Any] = {
        "query": query,
        "memories": memories,
        "facts": [m for m in memories if m["type"] == "semantic_fact"],
        "preferences": [],
        "episodes": [],
        "constraints": [],
        "total_count": len(memories),
        "elapsed_ms": 12.5,
    }
    if llm_context is not None:
        body["llm_context"] = llm_context
    return body


def write_json(memory_id: str | None = None) -> dict[str, Any]:
    return {
        "success": True,
        "memory_id": memory_id or str(uuid.uuid4()),
        "chunks_created": 1,
        "message": "stored",
    }


def ok(payload: Any, *, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=payload, headers=headers)
