"""read_stream: Server-Sent Events into MemoryItems, `done`, `error`, early end, early stop."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx

import cml

from ._support import API_KEY, BASE_URL, collect, memory_json, real_sleep

STREAM_PATH = "/api/v1/memory/read/stream"


def data(item: dict[str, Any]) -> str:
    return f"data: {json.dumps(item)}\n\n"


DONE = 'event: done\ndata: {"total_count": 2, "elapsed_ms": 3.5, "retrieval_meta": null}\n\n'


class TrackedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that counts the chunks read and records being closed."""

    def __init__(self, chunks: list[str]) -> None:
        self.chunks = [c.encode() for c in chunks]
        self.sent = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.sent += 1
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.sent += 1
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def sse(chunks: list[str] | TrackedStream) -> httpx.Response:
    stream = chunks if isinstance(chunks, TrackedStream) else TrackedStream(chunks)
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)


async def test_yields_memory_items_until_done(client: Any, api: respx.MockRouter) -> None:
    first = memory_json("User is vegetarian", type_="semantic_fact")
    second = memory_json(
        "User lives in Paris", type_="episodic_event", timestamp="2026-01-02T03:04:05Z"
    )
    after = memory_json("must not appear")
    route = api.post(STREAM_PATH).mock(
        return_value=sse([data(first), data(second), DONE, data(after)])
    )
    items = await collect(client.read_stream("where", max_results=5))
    assert [i.text for i in items] == ["User is vegetarian", "User lives in Paris"]
    assert all(isinstance(i, cml.MemoryItem) for i in items)
    assert str(items[0].id) == first["id"]
    assert items[0].type == cml.MemoryType.SEMANTIC_FACT
    assert all(i.timestamp.tzinfo is not None for i in items)
    body = json.loads(route.calls[0].request.content)
    assert body["query"] == "where"
    assert body["max_results"] == 5


async def test_events_split_across_chunks_and_crlf(client: Any, api: respx.MockRouter) -> None:
    item = memory_json("split\u2028text")  # U+2028 inside JSON must not split the line
    text = data(item).replace("\n", "\r\n") + DONE
    chunks = [text[i : i + 7] for i in range(0, len(text), 7)]
    api.post(STREAM_PATH).mock(return_value=sse([": comment\n\n", *chunks]))
    items = await collect(client.read_stream("q"))
    assert [i.text for i in items] == ["split\u2028text"]


async def test_empty_result_is_just_done(client: Any, api: respx.MockRouter) -> None:
    api.post(STREAM_PATH).mock(return_value=sse([DONE]))
    assert await collect(client.read_stream("q")) == []


async def test_error_event_raises_stream_error_after_the_items_before_it(
    client: Any, api: respx.MockRouter
) -> None:
    api.post(STREAM_PATH).mock(
        return_value=sse(
            [data(memory_json("kept")), 'event: error\ndata: {"detail": "index unavailable"}\n\n']
        )
    )
    seen: list[str] = []

    async def consume(stream: Any) -> None:
        if hasattr(stream, "__aiter__"):
            async for item in stream:
                seen.append(item.text)
        else:
            for item in stream:
                seen.append(item.text)

    with pytest.raises(cml.StreamError) as info:
        await consume(client.read_stream("q"))
    assert seen == ["kept"]
    assert "index unavailable" in str(info.value)
    assert info.value.body == "index unavailable"


async def test_error_event_with_text_data(client: Any, api: respx.MockRouter) -> None:
    api.post(STREAM_PATH).mock(return_value=sse(["event: error\ndata: plain failure\n\n"]))
    with pytest.raises(cml.StreamError, match="plain failure"):
        await collect(client.read_stream("q"))


async def test_stream_ending_without_done_is_a_connection_error(
    client: Any, api: respx.MockRouter
) -> None:
    api.post(STREAM_PATH).mock(return_value=sse([data(memory_json("a")), data(memory_json("b"))]))
    with pytest.raises(cml.CMLConnectionError) as info:
        await collect(client.read_stream("q"))
    assert not isinstance(info.value, cml.StreamError)
    assert "done" in str(info.value)


async def test_malformed_item_is_a_stream_error(client: Any, api: respx.MockRouter) -> None:
    api.post(STREAM_PATH).mock(return_value=sse(['data: {"id": "nope"}\n\n', DONE]))
    with pytest.raises(cml.StreamError, match="malformed"):
        await collect(client.read_stream("q"))


async def test_error_status_raises_the_mapped_error(
    make_client: Any, api: respx.MockRouter
) -> None:
    client = make_client(max_retries=0)
    api.post(STREAM_PATH).mock(
        return_value=httpx.Response(
            401, json={"detail": "Invalid API key"}, headers={"X-Request-ID": "r1"}
        )
    )
    with pytest.raises(cml.AuthenticationError) as info:
        await collect(client.read_stream("q"))
    assert info.value.request_id == "r1"
    assert info.value.message == "Invalid API key"


async def test_retried_failure_before_the_stream_is_closed_and_retried(
    client: Any, api: respx.MockRouter, sleeps: list[float]
) -> None:
    failed = TrackedStream(['{"detail": "busy"}'])
    route = api.post(STREAM_PATH).mock(
        side_effect=[
            httpx.Response(503, headers={"content-type": "application/json"}, stream=failed),
            sse([data(memory_json("a")), DONE]),
        ]
    )
    items = await collect(client.read_stream("q"))
    assert [i.text for i in items] == ["a"]
    assert route.call_count == 2
    assert len(sleeps) == 1
    assert failed.closed


async def test_connection_broken_mid_stream_is_a_connection_error(
    client: Any, api: respx.MockRouter
) -> None:
    class Broken(TrackedStream):
        def __iter__(self) -> Iterator[bytes]:
            yield data(memory_json("a")).encode()
            raise httpx.ReadError("connection reset")

        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield data(memory_json("a")).encode()
            raise httpx.ReadError("connection reset")

    body = Broken([])
    api.post(STREAM_PATH).mock(return_value=sse(body))
    with pytest.raises(cml.CMLConnectionError, match="connection reset"):
        await collect(client.read_stream("q"))
    assert body.closed


def _endless() -> TrackedStream:
    return TrackedStream([data(memory_json(f"m{i}")) for i in range(100)] + [DONE])


class TestEarlyStop:
    def test_break_closes_the_response_sync(self, api: respx.MockRouter) -> None:
        body = _endless()
        api.post(STREAM_PATH).mock(return_value=sse(body))
        with cml.CognitiveMemoryLayer(api_key=API_KEY, base_url=BASE_URL) as client:
            for item in client.read_stream("q"):
                if item.text == "m2":
                    break
            assert body.closed
            assert body.sent < 100

    def test_close_closes_the_response_sync(self, api: respx.MockRouter) -> None:
        body = _endless()
        api.post(STREAM_PATH).mock(return_value=sse(body))
        with cml.CognitiveMemoryLayer(api_key=API_KEY, base_url=BASE_URL) as client:
            stream = client.read_stream("q")
            assert next(stream).text == "m0"
            assert not body.closed
            stream.close()  # type: ignore[attr-defined]
            assert body.closed

    async def test_aclose_closes_the_response_async(self, api: respx.MockRouter) -> None:
        body = _endless()
        api.post(STREAM_PATH).mock(return_value=sse(body))
        async with cml.AsyncCognitiveMemoryLayer(api_key=API_KEY, base_url=BASE_URL) as client:
            stream = client.read_stream("q")
            assert (await anext(stream)).text == "m0"
            assert not body.closed
            await stream.aclose()  # type: ignore[attr-defined]
            assert body.closed
            assert body.sent < 100

    async def test_break_closes_the_response_async(self, api: respx.MockRouter) -> None:
        body = _endless()
        api.post(STREAM_PATH).mock(return_value=sse(body))
        async with cml.AsyncCognitiveMemoryLayer(api_key=API_KEY, base_url=BASE_URL) as client:
            async for item in client.read_stream("q"):
                if item.text == "m2":
                    break
            # An abandoned async generator is closed by the event loop's finalizer hook.
            for _ in range(10):
                if body.closed:
                    break
                await real_sleep(0)
            assert body.closed
            assert body.sent < 100
