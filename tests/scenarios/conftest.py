"""One scenario suite, four modes: embedded sync/async, and the HTTP clients against the real
local server on 127.0.0.1 (a real socket, uvicorn in a background thread); each mode once per
supported CML server release, the server and the client both pinned to it."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from local_server import LocalServer

import cml
from cml.engine.embedders import Embedder, default_embedder
from cml.engine.engine import Engine

USER_KEY = "user-key-0123456789"
ADMIN_KEY = "admin-key-9876543210"
MODES = ["embedded", "embedded-async", "http", "http-async"]
CASES = [f"{mode}-{release}" for release in cml.__api_versions__ for mode in MODES]


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default semantic embedder, loaded once for the whole run."""
    loaded = default_embedder()
    if loaded is None:
        pytest.fail("the default embedder could not be loaded: install py-cml[embeddings]")
    return loaded


def _served(tmp_path: Path, embedder: Embedder, release: str) -> Iterator[LocalServer]:
    engine = Engine(tmp_path / "server.db", embedder=embedder)
    with LocalServer.for_engine(
        engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY, api_version=release
    ) as server:
        yield server
    engine.close()


@pytest.fixture
def local_server(tmp_path: Path, embedder: Embedder) -> Iterator[LocalServer]:
    yield from _served(tmp_path, embedder, cml.__api_version__)


class Memory:
    """Drives any client the same way: every method call is awaited, sync or not."""

    def __init__(self, client: Any, mode: str, release: str) -> None:
        self.client = client
        self.mode = mode
        self.release = release

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
        return Memory(self.client.with_namespace(namespace), self.mode, self.release)


def _client(
    mode: str, release: str, tmp_path: Path, embedder: Embedder, server: LocalServer | None
) -> Any:
    if mode == "embedded":
        return cml.EmbeddedCognitiveMemoryLayer(
            tmp_path / "memory.db", embedder=embedder, api_version=release
        )
    if mode == "embedded-async":
        return cml.AsyncEmbeddedCognitiveMemoryLayer(
            tmp_path / "memory.db", embedder=embedder, api_version=release
        )
    assert server is not None
    cls = cml.CognitiveMemoryLayer if mode == "http" else cml.AsyncCognitiveMemoryLayer
    return cls(
        api_key=USER_KEY,
        admin_api_key=ADMIN_KEY,
        base_url=server.url,
        max_retries=0,
        api_version=release,
    )


@pytest.fixture(params=CASES)
async def memory(
    request: pytest.FixtureRequest, tmp_path: Path, embedder: Embedder, monkeypatch: Any
) -> AsyncIterator[Memory]:
    for name in ("CML_API_KEY", "CML_ADMIN_API_KEY", "CML_BASE_URL", "CML_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    mode, release = request.param.rsplit("-", 1)
    served = _served(tmp_path, embedder, release) if mode.startswith("http") else None
    server = next(served) if served is not None else None
    client = _client(mode, release, tmp_path, embedder, server)
    try:
        yield Memory(client, mode, release)
    finally:
        closed = client.close()
        if inspect.isawaitable(closed):
            await closed
        if served is not None:
            next(served, None)
