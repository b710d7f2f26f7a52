"""httpx transports that hand requests to an in-process `Api` instead of a socket.

Embedded mode is the HTTP client over one of these: the same methods, models, validation and
errors as client mode, with the engine in the calling process. `InProcessTransport.answer` is
the embedded clients' short way to the same `Api.handle`: it skips what only a network needs
(httpx's request and client machinery: URL merging, cookies, auth and redirect handling), never
what the server checks.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from urllib.parse import parse_qs, urlsplit

import httpx

from ._api import Api, Reply, Request

__all__ = ["AsyncInProcessTransport", "InProcessTransport", "in_process_request"]

# A path httpx would carry as it is: no quoted character, no dot segment.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/_-]*")


def _request(request: httpx.Request, body: bytes) -> Request:
    return Request(
        method=request.method,
        path=request.url.path,
        headers={k.lower(): v for k, v in request.headers.items()},
        query=parse_qs(request.url.query.decode("ascii"), keep_blank_values=True),
        body=body,
    )


def in_process_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    content: bytes | None = None,
    params: Mapping[str, object] | None = None,
) -> Request:
    """The `Request` that httpx would have carried to `Api.handle` for these client arguments.

    The `Host` header comes from the URL, as httpx sets it; query parameters are encoded by
    httpx's own rules (`true`/`false`, lists as repeated names), then parsed as on arrival.
    """
    parts = urlsplit(url)
    path = parts.path
    if not _PLAIN_PATH.fullmatch(path):
        # Quoted characters or dot segments: decoded and normalised by httpx's own rules.
        path = httpx.URL(url).path
    query = parts.query
    if params:
        encoded = str(httpx.QueryParams(params))  # type: ignore[arg-type]
        query = f"{query}&{encoded}" if query else encoded
    lowered = {"host": parts.netloc}
    lowered.update((k.lower(), v) for k, v in headers.items())
    return Request(
        method=method.upper(),
        path=path or "/",
        headers=lowered,
        query=parse_qs(query, keep_blank_values=True) if query else {},
        body=content or b"",
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

    def answer(self, request: Request) -> Reply:
        """`Api.handle`'s reply to `request` (see `in_process_request`)."""
        return self._api.handle(request)


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

    async def answer(self, request: Request) -> Reply:
        """`Api.handle`'s reply to `request`, from a worker thread (see `in_process_request`)."""
        return await asyncio.to_thread(self._api.handle, request)


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
