"""A fault-injecting HTTP proxy on 127.0.0.1, between a client and `cml serve`.

It speaks just enough HTTP/1.1 to see request boundaries (requests framed by Content-Length,
as the SDK sends them) and keeps client connections alive, so faults hit pooled connections as
they would behind a real load balancer. Each request is answered normally or with one fault,
chosen by a seeded `random.Random`, so a run injects the same sequence of faults every time:

* `reset`: the connection is reset (RST) before the request is forwarded; the server never sees it.
* `drop`: the request is forwarded and the server's whole answer read, then the client's
  connection is reset instead of answered: the write exists, the client never saw the ack.
* `429`: answered by the proxy with `Retry-After` (the server never sees it).
* `502`, `503`: answered by the proxy (the server never sees them).
* `slow`: forwarded and answered by the server, but the answer is held back until the client gives
  up (its timeout), and sent only if it is still waiting after `slow_seconds`.

Every decision is counted by kind, and so are requests that repeat an `Idempotency-Key` already
seen (retries) and answers the server marked as replayed.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["FAULT_KINDS", "FaultProxy"]

FAULT_KINDS = ("reset", "drop", "429", "502", "503", "slow")

_REASONS = {429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Unavailable"}


class _Request:
    """One HTTP request as read from the client: its head lines and body."""

    def __init__(self, lines: list[str], body: bytes) -> None:
        self.request_line = lines[0]
        self.header_lines = [line for line in lines[1:] if line]
        self.headers: dict[str, str] = {}
        for line in self.header_lines:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.body = body

    @property
    def path(self) -> str:
        parts = self.request_line.split(" ")
        return parts[1] if len(parts) > 1 else ""

    def upstream_bytes(self) -> bytes:
        """The request for the server, on a connection of its own that the server then closes."""
        kept = [line for line in self.header_lines if not line.lower().startswith("connection:")]
        head = "\r\n".join([self.request_line, *kept, "Connection: close", "", ""])
        return head.encode("latin-1") + self.body


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    """The next request on a kept-alive connection, or None when the client closed it."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise
        return None
    request = _Request(head.decode("latin-1").split("\r\n"), b"")
    if "chunked" in request.headers.get("transfer-encoding", "").lower():
        raise ValueError("chunked request bodies are not supported by this proxy")
    request.body = await reader.readexactly(int(request.headers.get("content-length", "0")))
    return request


def _status_reply(status: int, extra_headers: Mapping[str, str]) -> bytes:
    body = b'{"detail": "injected by the fault proxy"}'
    lines = [
        f"HTTP/1.1 {status} {_REASONS[status]}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in extra_headers.items()),
        "",
        "",
    ]
    return "\r\n".join(lines).encode("latin-1") + body


def _for_client(answer: bytes) -> tuple[bytes, bool]:
    """The server's answer without its `Connection: close` (the proxy keeps the client's
    connection open), and whether the server marked it as an idempotent replay."""
    head, separator, body = answer.partition(b"\r\n\r\n")
    if not separator:
        raise ConnectionError("the server closed the connection without a complete answer")
    lines = head.decode("latin-1").split("\r\n")
    kept = [line for line in lines if not line.lower().startswith("connection:")]
    replayed = any(line.lower().startswith("idempotent-replayed: true") for line in lines)
    return "\r\n".join(kept).encode("latin-1") + separator + body, replayed


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (linger 0), as a crashed peer or a load balancer would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """The proxy, served by its own event loop in a daemon thread. Use it as a context manager.

    **Parameters:**

    * **upstream_port** - the server's port on 127.0.0.1.
    * **fault_rate** - the share of requests that get a fault (0 to 1).
    * **weights** - the relative frequency of each fault kind (keys from `FAULT_KINDS`).
    * **seed** - seeds the decisions: the same seed gives the same sequence of faults.
    * **retry_after** - the `Retry-After` value sent with a 429.
    * **slow_seconds** - how long a `slow` answer is held back at most.
    """

    def __init__(
        self,
        upstream_port: int,
        *,
        fault_rate: float,
        weights: Mapping[str, float],
        seed: int,
        retry_after: str = "0",
        slow_seconds: float = 5.0,
    ) -> None:
        unknown = set(weights) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        self.upstream_port = upstream_port
        self.fault_rate = fault_rate
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self._kinds = list(weights)
        self._weights = [weights[k] for k in self._kinds]
        self._rng = random.Random(seed)
        self._forced: list[str | None] = []
        self.url = ""
        #: Faults injected, by kind.
        self.faults: Counter[str] = Counter()
        #: Requests received, forwarded to the server, carrying an already seen key, and
        #: answers the server gave as replays of an earlier one.
        self.requests = 0
        self.forwarded = 0
        self.retries = 0
        self.replayed = 0
        self._keys: set[str] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[Any]] = set()

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop
        )
        self._server = started.result(timeout=30)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            # Connections a client still holds open (its pool) end here, not at loop close.
            for task in list(self._handlers):
                task.cancel()
            await asyncio.gather(*self._handlers, return_exceptions=True)
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()

    # -- figures -----------------------------------------------------------------------------

    def counts(self) -> dict[str, Any]:
        """A snapshot of every counter (read it while no request is in flight)."""
        return {
            "requests": self.requests,
            "forwarded": self.forwarded,
            "retries": self.retries,
            "replayed": self.replayed,
            "faults": {kind: self.faults[kind] for kind in FAULT_KINDS},
        }

    def force(self, decisions: Iterable[str | None]) -> None:
        """Decide the next requests in this order (None: no fault), before the seeded draws."""
        queued = list(decisions)

        async def queue() -> None:
            self._forced.extend(queued)

        # Done on the proxy's loop, and finished before this returns: no request races it.
        asyncio.run_coroutine_threadsafe(queue(), self._loop).result(timeout=30)

    # -- serving -----------------------------------------------------------------------------

    def _decide(self) -> str | None:
        if self._forced:
            return self._forced.pop(0)
        if self._rng.random() >= self.fault_rate:
            return None
        return self._rng.choices(self._kinds, self._weights)[0]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            keep = True
            while keep:
                request = await _read_request(reader)
                if request is None:
                    break
                keep = await self._answer(request, reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError, asyncio.CancelledError):
            # A client that went away, a request this proxy cannot frame, or the proxy stopping:
            # the connection just ends.
            pass
        finally:
            self._handlers.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _answer(
        self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request (or fail it); whether the client connection stays usable."""
        self.requests += 1
        key = request.headers.get("idempotency-key")
        if key is not None:
            if key in self._keys:
                self.retries += 1
            self._keys.add(key)
        fault = self._decide()
        if fault is not None:
            self.faults[fault] += 1
        if fault == "reset":
            _reset(writer)
            return False
        if fault in ("429", "502", "503"):
            status = int(fault)
            headers = {"Retry-After": self.retry_after} if status == 429 else {}
            writer.write(_status_reply(status, headers))
            await writer.drain()
            return True
        answer, replayed = _for_client(await self._forward(request))
        self.replayed += replayed
        if fault == "drop":
            _reset(writer)
            return False
        if fault == "slow":
            # A client that timed out closes its connection: reading then ends at once.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reader.read(), self.slow_seconds)
            if reader.at_eof():
                return False
        writer.write(answer)
        await writer.drain()
        return True

    async def _forward(self, request: _Request) -> bytes:
        """Send `request` to the server and return its whole answer (read until it closes)."""
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            up_writer.write(request.upstream_bytes())
            await up_writer.drain()
            answer = await up_reader.read()
        finally:
            up_writer.close()
            with contextlib.suppress(ConnectionError):
                await up_writer.wait_closed()
        self.forwarded += 1
        return answer
