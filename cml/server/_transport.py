"""httpx transports that hand requests to an in-process `Api` instead of a socket.

Embedded mode is the HTTP client over one of these: the same methods, models, validation and
errors as client mode, with the engine in the calling process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs

import httpx

from ._api import Api, Reply, Request

__all__ = ["AsyncInProcessTransport", "InProcessTransport"]


def _request(request: httpx.Request, body: bytes) -> Request:
    return Request(
        method=request.method,
        path=request.url.path,
        headers={k.lower(): v for k, v in request.headers.items()},
        query=parse_qs(request.url.query.decode("ascii"), keep_blank_values=True),
        body=body,
    )


def _headers(reply: Reply) -> dict[str, str]:
    return {**reply.headers, "Content-Type": reply.media_type}


class InProcessTransport(httpx.BaseTransport):
    def __init__(self, api: Api) -> None:
        self._api = api

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        reply = self._api.handle(_request(request, request.read()))
        if isinstance(reply.body, bytes):
            return httpx.Response(reply.status, headers=_headers(reply), content=reply.body)
        return httpx.Response(reply.status, headers=_headers(reply), stream=_SyncStream(reply.body))


class _SyncStream(httpx.SyncByteStream):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


class AsyncInProcessTransport(httpx.AsyncBaseTransport):
    """The engine is synchronous: each request runs in a worker thread, off the event loop."""

    def __init__(self, api: Api) -> None:
        self._api = api

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        reply = await asyncio.to_thread(self._api.handle, _request(request, body))
        if isinstance(reply.body, bytes):
            return httpx.Response(reply.status, headers=_headers(reply), content=reply.body)
        return httpx.Response(
            reply.status, headers=_headers(reply), stream=_AsyncStream(reply.body)
        )


class _AsyncStream(httpx.AsyncByteStream):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            chunk = await asyncio.to_thread(next, self._chunks, None)
            if chunk is None:
                return
            yield chunk

    async def aclose(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
