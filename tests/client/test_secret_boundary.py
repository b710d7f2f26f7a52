"""Keys a server echoes never reach what the caller sees: the error, its traceback, its chain.

A loopback server (a real socket on 127.0.0.1) answers with the API key the client sent, put
where the parser chokes on it (a date field), into an error body and into the request id.
Whatever the caller catches is checked as a user would see it: `traceback.format_exception`,
`str`, `repr`, `__cause__` / `__context__`, and the `cml` log output. The transport unit (an
httpx failure that quotes the key) uses respx.
"""

from __future__ import annotations

import http.server
import json
import logging
import threading
import traceback
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

import cml

from ._support import ADMIN_KEY, API_KEY, BASE_URL, collect, memory_json, read_json, run

KEYS = (API_KEY, ADMIN_KEY)


class _EchoHandler(http.server.BaseHTTPRequestHandler):
    """Answers every route with the caller's own key where it does the most harm."""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test output is not the place for access lines."""

    def _reply(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        key = self.headers.get("X-API-Key", "")
        echoed = read_json(memories=[memory_json(timestamp=key)])
        if self.path == "/api/v1/memory/read":
            # A success whose date field holds the key: the parser refuses it, quoting it.
            self._reply(200, json.dumps(echoed).encode(), "application/json")
        elif self.path == "/api/v1/memory/read/stream":
            event = f"data: {json.dumps(memory_json(timestamp=key))}\n\n".encode()
            self._reply(200, event, "text/event-stream")
        else:
            body = {"detail": f"rejected key {key}", "created_at": key, key: [key]}
            self._reply(
                500, json.dumps(body).encode(), "application/json", X_Request_ID=f"req-{key}"
            )

    def do_GET(self) -> None:
        key = self.headers.get("X-API-Key", "")
        # `oldest_memory` is a date field of the stats answer.
        stats = {
            "total_memories": 1,
            "active_memories": 1,
            "silent_memories": 0,
            "archived_memories": 0,
            "by_type": {},
            "avg_confidence": 0.5,
            "avg_importance": 0.5,
            "estimated_size_mb": 0.1,
            "oldest_memory": key,
        }
        self._reply(200, json.dumps(stats).encode(), "application/json")


@pytest.fixture(scope="module")
def echo_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="cml")
    return caplog


def _chain(error: BaseException) -> list[BaseException]:
    """`error` and every exception reachable from it as cause or context."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def assert_no_key(error: BaseException, log: pytest.LogCaptureFixture) -> str:
    """Check everything the caller can see of `error`; return its printed traceback."""
    printed = "".join(traceback.format_exception(error))
    shown = [printed, str(error), repr(error), log.text]
    shown += [f"{e!s} {e!r} {getattr(e, 'body', '')!r}" for e in _chain(error)]
    for text in shown:
        for key in KEYS:
            assert key not in text
    assert error.__cause__ is None
    assert error.__context__ is None
    return printed


def _client(kind: str, base_url: str) -> Any:
    cls = cml.CognitiveMemoryLayer if kind == "sync" else cml.AsyncCognitiveMemoryLayer
    return cls(api_key=API_KEY, admin_api_key=ADMIN_KEY, base_url=base_url, max_retries=0)


async def test_a_key_echoed_into_a_date_field_stays_out_of_the_traceback(
    kind: str, echo_server: str, log: pytest.LogCaptureFixture
) -> None:
    client = _client(kind, echo_server)
    try:
        with pytest.raises(cml.CMLError) as info:
            await run(client.read("what does the user eat?"))
    finally:
        await run(client.close())
    printed = assert_no_key(info.value, log)
    # The useful part of the reason survives, masked: the parser's complaint and the request.
    assert "Invalid isoformat string: '***'" in printed
    assert "POST" in info.value.message
    assert "/api/v1/memory/read" in info.value.message
    assert info.value.status_code == 200


async def test_a_key_echoed_into_a_stats_date_field_stays_out(
    kind: str, echo_server: str, log: pytest.LogCaptureFixture
) -> None:
    client = _client(kind, echo_server)
    try:
        with pytest.raises(cml.CMLError) as info:
            await run(client.stats())
    finally:
        await run(client.close())
    assert_no_key(info.value, log)
    assert "does not match the API" in info.value.message


async def test_a_key_echoed_into_an_error_body_and_request_id_stays_out(
    kind: str, echo_server: str, log: pytest.LogCaptureFixture
) -> None:
    client = _client(kind, echo_server)
    try:
        with pytest.raises(cml.ServerError) as info:
            await run(client.write("hello"))
    finally:
        await run(client.close())
    assert_no_key(info.value, log)
    assert info.value.message == "rejected key ***"
    assert info.value.body == {"detail": "rejected key ***", "created_at": "***", "***": ["***"]}
    assert info.value.request_id == "***"
    # The attempt was logged (so the log check above looked at something).
    assert "/api/v1/memory/write" in log.text


async def test_a_key_echoed_into_a_streamed_memory_stays_out(
    kind: str, echo_server: str, log: pytest.LogCaptureFixture
) -> None:
    client = _client(kind, echo_server)
    try:
        with pytest.raises(cml.StreamError) as info:
            await collect(client.read_stream("what does the user eat?"))
    finally:
        await run(client.close())
    printed = assert_no_key(info.value, log)
    assert "malformed memory in the stream" in printed


async def test_a_transport_failure_quoting_the_key_stays_out(
    kind: str, log: pytest.LogCaptureFixture
) -> None:
    with respx.mock(base_url=BASE_URL) as api:
        api.post("/api/v1/memory/write").mock(
            side_effect=httpx.ConnectError(f"proxy refused X-API-Key {API_KEY} / {ADMIN_KEY}")
        )
        client = _client(kind, BASE_URL)
        try:
            with pytest.raises(cml.CMLConnectionError) as info:
                await run(client.write("hello"))
        finally:
            await run(client.close())
    assert_no_key(info.value, log)
    # The reason stays readable: the kind of failure, the request, the masked detail.
    assert "Could not connect to the server: POST" in info.value.message
    assert "proxy refused" in info.value.message


async def test_a_stream_broken_mid_way_quoting_the_key_stays_out(
    kind: str, log: pytest.LogCaptureFixture
) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        def chunks() -> Iterator[bytes]:
            yield f"data: {json.dumps(memory_json())}\n\n".encode()
            raise httpx.ReadError(f"reset by peer holding {API_KEY}")

        async def achunks() -> Any:
            for chunk in chunks():
                yield chunk

        stream: Any = achunks() if kind == "async" else chunks()
        return httpx.Response(200, headers={"Content-Type": "text/event-stream"}, stream=stream)

    with respx.mock(base_url=BASE_URL) as api:
        api.post("/api/v1/memory/read/stream").mock(side_effect=broken)
        client = _client(kind, BASE_URL)
        try:
            with pytest.raises(cml.CMLConnectionError) as info:
                await collect(client.read_stream("q"))
        finally:
            await run(client.close())
    assert_no_key(info.value, log)
    assert "reset by peer holding ***" in info.value.message


def test_the_check_sees_a_key_in_a_chained_cause(log: pytest.LogCaptureFixture) -> None:
    """The checker itself: an error chained to an unmasked cause fails it."""
    error = cml.CMLError("masked summary")
    error.__cause__ = ValueError(f"bad {API_KEY}")
    with pytest.raises(AssertionError):
        assert_no_key(error, log)
