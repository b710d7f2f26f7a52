"""One scenario suite, four modes: embedded sync/async, and the HTTP clients against the real
local server on 127.0.0.1 (a real socket, uvicorn in a background thread)."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from local_server import LocalServer

import cml
from cml.embedded.embedders import Embedder, default_embedder
from cml.embedded.engine import Engine

USER_KEY = "user-key-0123456789"
ADMIN_KEY = "admin-key-9876543210"
MODES = ["embedded", "embedded-async", "http", "http-async"]


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default semantic embedder, loaded once for the whole run."""
    loaded = default_embedder()
    if loaded is None:
        pytest.fail("the default embedder could not be loaded: install py-cml[embeddings]")
    return loaded


@pytest.fixture
def local_server(tmp_path: Path, embedder: Embedder) -> Iterator[LocalServer]:
    engine = Engine(tmp_path / "server.db", embedder=embedder)
    with LocalServer.for_engine(engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY) as server:
        yield server
    engine.close()


class Memory:
    """Drives any client the same way: every method call is awaited, sync or not."""

    def __init__(self, client: Any, mode: str) -> None:
        self.client = client
        self.mode = mode

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)
        if not callable(method):
            return method

        async def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result

        return call

    async def collect(self, name: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Drain an iterator method (read_stream, iter_memories) into a list."""
        iterator = getattr(self.client, name)(*args, **kwargs)
        if hasattr(iterator, "__aiter__"):
            return [item async for item in iterator]
        return list(iterator)

    def with_namespace(self, namespace: str) -> Memory:
        return Memory(self.client.with_namespace(namespace), self.mode)


def _client(mode: str, tmp_path: Path, embedder: Embedder, server: LocalServer | None) -> Any:
    if mode == "embedded":
        return cml.EmbeddedCognitiveMemoryLayer(tmp_path / "memory.db", embedder=embedder)
    if mode == "embedded-async":
        return cml.AsyncEmbeddedCognitiveMemoryLayer(tmp_path / "memory.db", embedder=embedder)
    assert server is not None
    cls = cml.CognitiveMemoryLayer if mode == "http" else cml.AsyncCognitiveMemoryLayer
    return cls(api_key=USER_KEY, admin_api_key=ADMIN_KEY, base_url=server.url, max_retries=0)


@pytest.fixture(params=MODES)
async def memory(
    request: pytest.FixtureRequest, tmp_path: Path, embedder: Embedder, monkeypatch: Any
) -> AsyncIterator[Memory]:
    for name in ("CML_API_KEY", "CML_ADMIN_API_KEY", "CML_BASE_URL", "CML_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    mode = request.param
    server = request.getfixturevalue("local_server") if mode.startswith("http") else None
    client = _client(mode, tmp_path, embedder, server)
    try:
        yield Memory(client, mode)
    finally:
        closed = client.close()
        if inspect.isawaitable(closed):
            await closed
