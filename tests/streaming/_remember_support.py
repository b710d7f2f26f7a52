"""What the remember_stream tests share: the four client modes, sources, a fake clock, a fake
in-memory client for the pure-logic tests, and waiting helpers that fail (never pass) on timeout.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from scenarios.conftest import ADMIN_KEY, USER_KEY, LocalServer

import cml
from cml.engine.engine import Engine
from cml.models import UpdateResponse, WriteResponse
from cml.streaming import AsyncRememberStream, RememberStream, RememberStreamResult

MODES = ["embedded", "embedded-async", "http", "http-async"]

ANSWER = (
    "Paris is the capital of France. Alice lives in Paris. Alice works at Acme Corp. "
    "Bob likes sushi. The city has many museums, and the Louvre is the largest. "
    "Alice lives in Paris. "
)


def words(text: str = ANSWER) -> list[str]:
    """`text` as word chunks that join back to it exactly."""
    pieces = text.split(" ")
    return [p + " " for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])


class Boom(Exception):
    """The error the test sources raise."""


class FakeClock:
    """A monotonic clock the test moves by hand (seconds)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def source(
    chunks: Sequence[Any],
    *,
    fail_at: int | None = None,
    error: BaseException | None = None,
    delay: float = 0.0,
    before: Callable[[int], None] | None = None,
) -> Iterator[Any]:
    """Yield `chunks`; raise `error` (default `Boom`) instead of chunk `fail_at` (0-based)."""
    for index, chunk in enumerate(chunks):
        if fail_at is not None and index == fail_at:
            raise error or Boom(f"the model's connection dropped at chunk {index}")
        if before is not None:
            before(index)
        if delay:
            time.sleep(delay)
        yield chunk
    if fail_at is not None and fail_at >= len(chunks):
        raise error or Boom("the model's connection dropped at the end")


async def asource(
    chunks: Sequence[Any],
    *,
    fail_at: int | None = None,
    error: BaseException | None = None,
    delay: float = 0.0,
    before: Callable[[int], None] | None = None,
) -> AsyncIterator[Any]:
    for index, chunk in enumerate(chunks):
        if fail_at is not None and index == fail_at:
            raise error or Boom(f"the model's connection dropped at chunk {index}")
        if before is not None:
            before(index)
        if delay:
            await asyncio.sleep(delay)
        yield chunk
    if fail_at is not None and fail_at >= len(chunks):
        raise error or Boom("the model's connection dropped at the end")


class Env:
    """One client in one mode, driven the same way whether it is sync or async."""

    def __init__(
        self, client: Any, mode: str, engine: Engine, server: LocalServer | None, tmp: Path
    ) -> None:
        self.client = client
        self.mode = mode
        self.engine = engine
        self.server = server
        self.tmp = tmp

    @property
    def is_async(self) -> bool:
        return self.mode.endswith("async")

    @property
    def http(self) -> bool:
        return self.mode.startswith("http")

    def source(self, chunks: Sequence[Any], **kwargs: Any) -> Any:
        """A source of the mode's kind: async generator for async clients."""
        return asource(chunks, **kwargs) if self.is_async else source(chunks, **kwargs)

    async def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.client, name)(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    def open(self, stream: Any, **kwargs: Any) -> RememberStream[Any] | AsyncRememberStream[Any]:
        kwargs.setdefault("user_message", "Tell me about Alice.")
        return self.client.remember_stream(stream, **kwargs)

    async def drain(
        self,
        stream: RememberStream[Any] | AsyncRememberStream[Any],
        each: Callable[[int, Any], Any] | None = None,
    ) -> list[Any]:
        """Iterate `stream`; `each(i, chunk)` runs after each chunk (awaited if a coroutine)."""
        got: list[Any] = []
        if isinstance(stream, AsyncRememberStream):
            async for chunk in stream:
                got.append(chunk)
                if each is not None:
                    outcome = each(len(got) - 1, chunk)
                    if inspect.isawaitable(outcome):
                        await outcome
        else:
            for chunk in stream:
                got.append(chunk)
                if each is not None:
                    outcome = each(len(got) - 1, chunk)
                    if inspect.isawaitable(outcome):
                        await outcome
        return got

    async def run(
        self, chunks: Sequence[Any], **kwargs: Any
    ) -> tuple[list[Any], RememberStreamResult]:
        stream = self.open(self.source(chunks), **kwargs)
        got = await self.drain(stream)
        return got, stream.result

    async def run_failing(
        self, stream_source: Any, expected: type[BaseException], **kwargs: Any
    ) -> tuple[list[Any], BaseException, RememberStream[Any] | AsyncRememberStream[Any]]:
        """Run a stream that must raise `expected`; returns the chunks, the error, the stream."""
        stream = self.open(stream_source, **kwargs)
        got: list[Any] = []
        with pytest.raises(expected) as caught:
            await self.drain(stream, lambda _i, chunk: got.append(chunk))
        return got, caught.value, stream

    async def detail(self, memory_id: Any) -> dict[str, Any]:
        detail: dict[str, Any] = await self.call("dashboard_memory_detail", memory_id)
        return detail

    async def memories(self) -> list[cml.MemoryItem]:
        """Every active memory of the tenant."""
        iterator = self.client.iter_memories()
        if hasattr(iterator, "__aiter__"):
            return [item async for item in iterator]
        return list(iterator)

    async def stream_memories(self, stream_id: str) -> list[dict[str, Any]]:
        """Every active memory a stream stored, with metadata (details)."""
        found = []
        for item in await self.memories():
            detail = await self.detail(item.id)
            if (detail.get("metadata") or {}).get("stream_id") == stream_id:
                found.append(detail)
        return found

    def flaky(self, name: str, failures: int, error: Exception | None = None) -> list[int]:
        """Make the client's `name` method fail its first `failures` calls; returns the call
        counter (one entry per call)."""
        calls: list[int] = []
        original = getattr(self.client, name)
        problem = error or cml.ServerError("injected storage failure", status_code=503)

        if inspect.iscoroutinefunction(original):

            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                calls.append(1)
                if len(calls) <= failures:
                    raise problem
                return await original(*args, **kwargs)

            setattr(self.client, name, wrapper)
        else:

            def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
                calls.append(1)
                if len(calls) <= failures:
                    raise problem
                return original(*args, **kwargs)

            setattr(self.client, name, sync_wrapper)
        return calls

    async def close(self) -> None:
        closed = self.client.close()
        if inspect.isawaitable(closed):
            await closed


def make_client(mode: str, engine: Engine, server: LocalServer | None) -> Any:
    if mode == "embedded":
        return cml.EmbeddedCognitiveMemoryLayer(engine=engine)
    if mode == "embedded-async":
        return cml.AsyncEmbeddedCognitiveMemoryLayer(engine=engine)
    assert server is not None
    cls = cml.CognitiveMemoryLayer if mode == "http" else cml.AsyncCognitiveMemoryLayer
    return cls(api_key=USER_KEY, admin_api_key=ADMIN_KEY, base_url=server.url, max_retries=0)


def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CML_API_KEY", "CML_ADMIN_API_KEY", "CML_BASE_URL", "CML_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=MODES)
async def env(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Env]:
    """A client in each of the four modes over a fresh store (lexical search, no model)."""
    clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    mode: str = request.param
    engine = Engine(tmp_path / "memory.db", embedder="none")
    server = None
    if mode.startswith("http"):
        server = LocalServer.for_engine(
            engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY
        ).__enter__()
    environment = Env(make_client(mode, engine, server), mode, engine, server, tmp_path)
    try:
        yield environment
    finally:
        await environment.close()
        if server is not None:
            server.__exit__(None, None, None)
        engine.close()


async def wait_until(
    check: Callable[[], Any], *, within: float = 10.0, what: str = "condition"
) -> Any:
    """Poll `check` (sync or async) until it returns a truthy value; fail the test after
    `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.01)


# --- a fake client: the processor's logic without a store -----------------------------------


class FakeStore:
    """
    Memories in a dict, with the two behaviours of a real store that matter to streams: an
    equal text reinforces the existing memory (`chunks_created=0`) when `dedupe` is on, and
    metadata updates merge.
    """

    def __init__(self, *, dedupe: bool = True) -> None:
        self.memories: dict[uuid.UUID, dict[str, Any]] = {}
        self.dedupe = dedupe
        self.calls: list[tuple[str, Any]] = []
        self.tenant_id = "default"
        self.lock = threading.Lock()

    def write(self, content: str, **options: Any) -> WriteResponse:
        with self.lock:
            self.calls.append(("write", content))
            if self.dedupe:
                for memory_id, memory in self.memories.items():
                    if memory["text"] == content:
                        return WriteResponse(success=True, memory_id=memory_id, chunks_created=0)
            memory_id = uuid.uuid4()
            self.memories[memory_id] = {
                "id": str(memory_id),
                "text": content,
                "metadata": dict(options.get("metadata") or {}),
                "options": options,
            }
            return WriteResponse(success=True, memory_id=memory_id, chunks_created=1)

    def update(
        self, memory_id: uuid.UUID, *, text: str | None = None, metadata: Any = None
    ) -> UpdateResponse:
        with self.lock:
            self.calls.append(("update", memory_id))
            memory = self.memories[memory_id]
            if text is not None:
                memory["text"] = text
            if metadata is not None:
                memory["metadata"] = {**memory["metadata"], **metadata}
            return UpdateResponse(success=True, memory_id=memory_id, version=2)

    def forget(self, *, memory_ids: Iterable[uuid.UUID]) -> Any:
        with self.lock:
            for memory_id in memory_ids:
                self.memories.pop(memory_id, None)

    def dashboard_memory_detail(self, memory_id: uuid.UUID) -> dict[str, Any]:
        memory = self.memories[memory_id]
        return {"id": memory["id"], "text": memory["text"], "metadata": memory["metadata"]}

    def remember_stream(self, stream: Any, **kwargs: Any) -> Any:
        from cml.streaming._remember import open_remember_stream

        write = {
            k: kwargs.pop(k, None)
            for k in (
                "session_id",
                "context_tags",
                "memory_type",
                "namespace",
                "metadata",
                "turn_id",
                "agent_id",
                "timestamp",
            )
        }
        return open_remember_stream(
            self,
            stream,
            asynchronous=False,
            user_message=kwargs.pop("user_message", "question?"),
            options=kwargs.pop("options", None),
            hooks=kwargs.pop("hooks", None),
            graph=kwargs.pop("graph", None),
            resume_from=kwargs.pop("resume_from", None),
            write={**write, "eval_mode": False},
        )

    def chunk_memories(self, stream_id: str) -> list[dict[str, Any]]:
        """The chunk memories of a stream, by chunk index."""
        found = [
            m
            for m in self.memories.values()
            if m["metadata"].get("stream_id") == stream_id and "stream_chunk" in m["metadata"]
        ]
        return sorted(found, key=lambda m: m["metadata"]["stream_chunk"]["index"])
