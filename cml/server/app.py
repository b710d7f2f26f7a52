"""`cml serve`: the embedded engine behind the CML HTTP API, as a plain ASGI application.

No web framework: routing, validation and errors live in `_api.Api`, shared with embedded mode;
this module only moves bytes between ASGI and it. Run it with uvicorn (`py-cml[server]`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from .._exceptions import ConfigurationError
from .._releases import DEFAULT_RELEASE, get_release
from ..engine.engine import Engine
from ._api import Api, Reply, Request, check_keys
from ._guard import is_loopback_name
from ._routes import handlers
from ._schema import UNBOUNDED_ALLOWANCE

__all__ = ["DEFAULT_RATE_LIMIT", "UNBOUNDED_ALLOWANCE", "create_app", "serve"]

logger = logging.getLogger("cml.server")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

#: Requests a minute per key when keys are set (what the dashboard reports).
DEFAULT_RATE_LIMIT = 60


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
        method, path = scope["method"], scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if path == "/openapi.json" and method == "GET":
            await _send(send, _traced(Reply(200, self._spec), scope, started))
            return
        # Everything that can refuse a request without its body does so before it is read.
        length = headers.get("content-length", "")
        announced = int(length) if length.isdigit() else None
        has_body = bool(announced) or "transfer-encoding" in headers
        refused = self.api.check(method, path, headers, has_body)
        if refused is not None:
            await _send(send, refused)
            return
        limit = self.api.body_limit(method, path)
        body = bytearray()
        if announced is not None and announced > limit:
            await _send(send, _traced(_too_large(limit), scope, started))
            return
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > limit:
                await _send(send, _traced(_too_large(limit), scope, started))
                return
            if not message.get("more_body"):
                break
        request = Request(
            method=method,
            path=path,
            headers=headers,
            query=parse_qs(
                scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
            ),
            body=body,
        )
        # The engine is synchronous; keep the event loop free for other connections.
        reply = await asyncio.to_thread(self.api.handle, request, checked=True)
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


def _too_large(limit: int) -> Reply:
    detail = json.dumps({"detail": f"Request body too large (at most {limit} bytes here)"})
    return Reply(413, detail.encode(), {"Connection": "close"})


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
    return is_loopback_name(host.strip("[]").lower())


def create_app(
    db_path: str | Path | None = None,
    *,
    api_key: str | None = None,
    admin_api_key: str | None = None,
    embedder: Any = "default",
    engine: Engine | None = None,
    api_version: str | None = None,
    allowed_hosts: Sequence[str] = (),
    allowed_origins: Sequence[str] = (),
    rate_limit: int | None = None,
) -> App:
    """The ASGI app serving CML server release `api_version` (the newest by default).

    `rate_limit` is requests a minute per key (None: no limit; `serve` defaults to
    `DEFAULT_RATE_LIMIT`); without keys there is no limit."""
    release = api_version or DEFAULT_RELEASE
    get_release(release)  # an unsupported release fails here, before the store is opened
    check_keys(api_key, admin_api_key)  # before the engine opens the database
    owned = engine is None  # an engine passed in belongs to the caller, who closes it
    engine = engine or Engine(db_path, embedder=embedder)
    api = Api(
        handlers(engine, release),
        api_key=api_key,
        admin_api_key=admin_api_key,
        idempotency=engine.replies,
        allowed_hosts=allowed_hosts,
        allowed_origins=allowed_origins,
        rate_limit=rate_limit,
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
    allowed_hosts: Sequence[str] = (),
    allowed_origins: Sequence[str] = (),
    rate_limit: int | None = DEFAULT_RATE_LIMIT,
) -> None:
    """Run the server until interrupted. Refuses a non-loopback address without API keys.

    `allowed_hosts` / `allowed_origins`: `Host` names and browser origins accepted besides
    loopback ones and the server's own; `rate_limit`: requests a minute per key (0 or None:
    none), applied only when keys are set.
    """
    if not _is_loopback(host) and not (api_key or admin_api_key):
        raise ConfigurationError(
            f"refusing to listen on {host} without API keys: anyone who can reach it could read "
            "and erase every memory",
            hint="Set CML_API_KEY and CML_ADMIN_API_KEY (or --api-key/--admin-api-key), or bind "
            "to 127.0.0.1.",
        )
    import uvicorn

    from . import _uvicorn

    app = create_app(
        db_path,
        api_key=api_key,
        admin_api_key=admin_api_key,
        embedder=embedder,
        api_version=api_version,
        allowed_hosts=[host, *allowed_hosts],  # the name the server was started on
        allowed_origins=allowed_origins,
        rate_limit=rate_limit or None,
    )
    connections = _uvicorn.max_connections(_uvicorn.raise_fd_limit())
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        lifespan="on",
        http=_uvicorn.protocol(connections),
        limit_concurrency=connections + 16,  # the eviction keeps below this: 503 is a backstop
        timeout_keep_alive=_uvicorn.KEEP_ALIVE_TIMEOUT,
        h11_max_incomplete_event_size=_uvicorn.MAX_HEADER_BYTES,
        timeout_graceful_shutdown=30,
    )
    # After uvicorn's Config, which sets up its loggers.
    _uvicorn.quiet_logs()
    uvicorn.Server(config).run()
