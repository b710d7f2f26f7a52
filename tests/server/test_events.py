"""The event log through every client (HTTP sync and async against the local server, embedded
sync and async) on release 1.5.1, the one that serves it: `get_events(since=...)` keeps the
events at or after `since`, in the server's order."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scenarios.conftest import MODES, Memory, _client, _served

from cml.engine.embedders import Embedder

RELEASE = "1.5.1"


@pytest.fixture(params=MODES)
async def memory(
    request: pytest.FixtureRequest, tmp_path: Path, embedder: Embedder, monkeypatch: Any
) -> AsyncIterator[Memory]:
    for name in ("CML_API_KEY", "CML_ADMIN_API_KEY", "CML_BASE_URL", "CML_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    mode = request.param
    served = _served(tmp_path, embedder, RELEASE) if mode.startswith("http") else None
    server = next(served) if served is not None else None
    client = _client(mode, RELEASE, tmp_path, embedder, server)
    try:
        yield Memory(client, mode, RELEASE)
    finally:
        closed = client.close()
        if inspect.isawaitable(closed):
            await closed
        if served is not None:
            next(served, None)


async def test_get_events_since(memory: Memory) -> None:
    texts = ["The boiler was serviced.", "The gutters were cleaned.", "The roof was inspected."]
    ids = [str((await memory.write(text)).memory_id) for text in texts]
    every = (await memory.get_events()).items
    writes = {str(e.memory_ids[0]): e for e in every if e.operation == "write"}
    assert sorted(writes) == sorted(ids)
    second = writes[ids[1]].created_at
    assert second is not None

    kept = (await memory.get_events(since=second)).items
    assert {str(e.memory_ids[0]) for e in kept if e.operation == "write"} == set(ids[1:])
    assert [e.id for e in kept] == [e.id for e in every if e.created_at >= second]
    # The same moment given naive (UTC) or in another offset keeps the same events.
    naive = second.astimezone(UTC).replace(tzinfo=None)
    assert [e.id for e in (await memory.get_events(since=naive)).items] == [e.id for e in kept]
    assert (await memory.get_events(since=datetime.now(UTC) + timedelta(hours=1))).items == ()
    long_ago = datetime.now(UTC) - timedelta(days=1)
    assert [e.id for e in (await memory.get_events(since=long_ago)).items] == [e.id for e in every]
