"""`cml serve`: the embedded engine behind the CML HTTP API, as a plain ASGI application.

No web framework: routing, validation and errors live in `_api.Api`, shared with embedded mode;
this module only moves bytes between ASGI and it. Run it with uvicorn (`py-cml[server]`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from .._exceptions import ConfigurationError
from .._releases import DEFAULT_RELEASE, get_release
from ..embedded.engine import Engine
from ._api import Api, Reply, Request
from ._routes import handlers

__all__ = ["create_app", "serve"]

logger = logging.getLogger("cml.server")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

# The largest legitimate body: a write_batch of 500 turns of 100,000 characters (as UTF-8).
MAX_BODY_BYTES = 200 * 1024 * 1024


class App:
    """ASGI application around an `Api`; also serves the spec at `/openapi.json`."""

    def __init__(self, api: Api, engine: Engine | None = None) -> None:
        self.api = api
        self.engine = engine
        self._spec = json.dumps(api.spec).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_BODY_BYTES:
                reply = Reply(413, b'{"detail": "Request body too large"}')
                await _send(send, _traced(reply, scope, started))
                return
            if not message.get("more_body"):
                break
        if scope["path"] == "/openapi.json" and scope["method"] == "GET":
            await _send(send, _traced(Reply(200, self._spec), scope, started))
            return
        request = Request(
            method=scope["method"],
            path=scope["path"],
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            query=parse_qs(
                scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
            ),
            body=bytes(body),
        )
        # The engine is synchronous; keep the event loop free for other connections.
        reply = await asyncio.to_thread(self.api.handle, request)
        await _send(send, reply)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.engine is not None:
                    self.engine.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _traced(reply: Reply, scope: Scope, started: float) -> Reply:
    """An answer given here rather than by the Api carries the same tracing headers."""
    sent = [v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"x-request-id"]
    reply.headers["X-Request-ID"] = (sent[0] if sent else "") or uuid.uuid4().hex
    reply.headers["X-Response-Time"] = f"{(time.perf_counter() - started) * 1000:.2f}ms"
    return reply


async def _send(send: Send, reply: Reply) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()]
    headers.append((b"content-type", reply.media_type.encode()))
    if isinstance(reply.body, bytes):
        headers.append((b"content-length", str(len(reply.body)).encode()))
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})
        return
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    chunks: Iterator[bytes] = reply.body
    try:
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(
    db_path: str | Path | None = None,
    *,
    api_key: str | None = None,
    admin_api_key: str | None = None,
    embedder: Any = "default",
    engine: Engine | None = None,
    api_version: str | None = None,
) -> App:
    """The ASGI app serving CML server release `api_version` (the newest by default)."""
    release = api_version or DEFAULT_RELEASE
    get_release(release)  # an unsupported release fails here, before the store is opened
    owned = engine is None  # an engine passed in belongs to the caller, who closes it
    engine = engine or Engine(db_path, embedder=embedder)
    api = Api(
        handlers(engine, release),
        api_key=api_key,
        admin_api_key=admin_api_key,
        idempotency=engine.replies,
        api_version=release,
    )
    return App(api, engine if owned else None)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    db_path: str | Path | None = None,
    api_key: str | None = None,
    admin_api_key: str | None = None,
    embedder: Any = "default",
    log_level: str = "info",
    api_version: str | None = None,
) -> None:
    """Run the server until interrupted. Refuses a non-loopback address without API keys."""
    if not _is_loopback(host) and not (api_key or admin_api_key):
        raise ConfigurationError(
            f"refusing to listen on {host} without API keys: anyone who can reach it could read "
            "and erase every memory",
            hint="Set CML_API_KEY and CML_ADMIN_API_KEY (or --api-key/--admin-api-key), or bind "
            "to 127.0.0.1.",
        )
    import uvicorn

    app = create_app(
        db_path,
        api_key=api_key,
        admin_api_key=admin_api_key,
        embedder=embedder,
        api_version=api_version,
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level, lifespan="on")
