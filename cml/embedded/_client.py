"""`EmbeddedCognitiveMemoryLayer` and its async twin: the memory system in this process.

They are the HTTP clients with an in-process transport in place of the network (see
`cml.server._transport`), so every method, parameter, model and error is the same in both modes.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import httpx

from .._async_client import AsyncCognitiveMemoryLayer
from .._client import CognitiveMemoryLayer
from .._config import CMLConfig
from .._constants import DEFAULT_TENANT_ID, IDEMPOTENCY_HEADER
from .._exceptions import ConfigurationError
from .._releases import DEFAULT_RELEASE
from ..embedded_config import EmbeddedConfig, check_upstream_arguments, embedded_options
from ..engine.engine import Engine
from ..models import MemoryType, ReadResponse, ResponseFormat
from ..server._api import Api, Reply, Request
from ..server._routes import handlers
from ..server._transport import AsyncInProcessTransport, InProcessTransport, in_process_request

__all__ = ["AsyncEmbeddedCognitiveMemoryLayer", "EmbeddedCognitiveMemoryLayer"]

_HOST = "embedded.cml.local"
_LOCAL = f"http://{_HOST}"
_RETRY_KEY = IDEMPOTENCY_HEADER.lower()


def _config(tenant_id: str | None, api_version: str | None) -> CMLConfig:
    # Nothing here comes from CML_* variables: those describe a remote server, not this one.
    return CMLConfig(
        base_url=_LOCAL,
        tenant_id=tenant_id or DEFAULT_TENANT_ID,
        max_retries=0,
        retry_delay=0.0,
        api_version=api_version or DEFAULT_RELEASE,
    )


def _api(engine: Engine, config: CMLConfig) -> Api:
    # The client's base URL names no machine; it is the only `Host` its requests carry.
    return Api(
        handlers(engine, config.api_version),
        idempotency=engine.replies,
        allowed_hosts=[_HOST],
        api_version=config.api_version,
    )


def _in_process(args: Mapping[str, Any]) -> Request:
    """The request of a call's arguments, for `Api.handle` in this process.

    Its `Idempotency-Key` is left out: the client adds one so that a retry after a lost
    connection is stored once, and in this process there is no connection to lose and no retry
    (`max_retries=0`). Keyed, every write would also record its answer in the database.
    """
    headers = {k: v for k, v in args["headers"].items() if k.lower() != _RETRY_KEY}
    return in_process_request(
        args["method"], args["url"], headers, args.get("content"), args.get("params")
    )


class _Answer(httpx.Response):
    """An in-process reply as the httpx response the client reads; the request it answers is
    built only when asked for (an error message names it), not on every call."""

    def __init__(self, reply: Reply, args: Mapping[str, Any]) -> None:
        body = reply.body if isinstance(reply.body, bytes) else b"".join(reply.body)
        headers = {**reply.headers, "Content-Type": reply.media_type}
        # Given as a stream, httpx does not read the body through its decoders: it is whole
        # already, and set as what `read()` would have gathered.
        super().__init__(reply.status, headers=headers, stream=httpx.ByteStream(body))
        self._content = body
        self._args = args

    @property
    def request(self) -> httpx.Request:
        if self._request is None:
            args = self._args
            self._request = httpx.Request(
                args["method"], args["url"], headers=args["headers"], content=args.get("content")
            )
        return self._request

    @request.setter
    def request(self, value: httpx.Request) -> None:
        self._request = value


def _from_config(
    config: EmbeddedConfig | None,
    db_path: str | Path | None,
    tenant_id: str | None,
    embedder: Any,
) -> tuple[str | Path | None, str | None, Any]:
    """db_path, tenant_id and embedder: the arguments, or upstream's `EmbeddedConfig` mapped."""
    if config is None:
        return db_path, tenant_id, embedder
    if db_path is not None or tenant_id is not None or embedder != "default":
        raise ConfigurationError(
            "pass either config= or db_path/tenant_id/embedder, not both",
            hint="Put the settings in the EmbeddedConfig, or drop it and pass them directly.",
        )
    options = embedded_options(config)
    return options["db_path"], options["tenant_id"], options["embedder"]


def _open(
    config: EmbeddedConfig | None,
    *,
    db_path: str | Path | None,
    tenant_id: str | None,
    embedder: Any,
    classifier: Any,
    engine: Engine | None,
    api_version: str | None,
    upstream: Mapping[str, Any],
) -> tuple[CMLConfig, Engine, bool]:
    """What both embedded clients start from: their settings, the engine, whether they own it.

    `upstream` holds the upstream SDK's constructor arguments: accepted where they mean what
    py-cml does, refused with a reason where they do not.
    """
    check_upstream_arguments(**upstream)
    db_path, tenant_id, embedder = _from_config(config, db_path, tenant_id, embedder)
    settings = _config(tenant_id, api_version)  # a bad setting fails before the store opens
    opened, owned = _engine(db_path, embedder, classifier, engine)
    return settings, opened, owned


def _engine(
    db_path: str | Path | None, embedder: Any, classifier: Any, engine: Engine | None
) -> tuple[Engine, bool]:
    if engine is not None:
        return engine, False
    return Engine(db_path, embedder=embedder, classifier=classifier), True


class EmbeddedCognitiveMemoryLayer(CognitiveMemoryLayer):
    """
    The whole memory system in-process, on SQLite: no server, nothing to set up.

    ```python
    from cml import EmbeddedCognitiveMemoryLayer

    with EmbeddedCognitiveMemoryLayer("memory.db") as memory:
        memory.write("User prefers vegetarian food and lives in Paris.")
        print(memory.read("What does the user eat?").context)
    ```

    **Parameters:**

    * **db_path** - *(optional)* the SQLite file; `":memory:"` for a throwaway store; by default
      `$CML_DB_PATH` or `~/.local/share/py-cml/memory.db`.
    * **embedder** - *(optional)* "default" (the bundled MiniLM model), a sentence-transformers
      model name or path, any callable from texts to vectors, or "none" for lexical search.
    * **classifier** - *(optional)* a callable text -> memory type (an LLM, say) tried before the
      built-in rules when a write names no type.
    * **engine** - *(optional)* an `Engine` to share between clients (not closed by `close()`).
    * **api_version** - *(optional)* the CML server release to behave as (its operations and
      fields); the newest supported one by default.
    * **config** - *(optional)* the upstream SDK's `EmbeddedConfig`, mapped onto the options
      above; a setting embedded mode cannot honour raises `ConfigurationError`. So do the
      upstream arguments `storage_mode` (only "lite"), `embedding_provider` (only "local"),
      `llm_api_key` and `models_dir`.

    This client is synchronous (`with`); `AsyncEmbeddedCognitiveMemoryLayer` is the one for
    `async with` and `await`, as upstream's embedded client was.
    """

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        tenant_id: str | None = None,
        embedder: Any = "default",
        classifier: Any = None,
        engine: Engine | None = None,
        api_version: str | None = None,
        config: EmbeddedConfig | None = None,
        storage_mode: str = "lite",
        embedding_provider: str = "local",
        llm_api_key: str | None = None,
        models_dir: str | None = None,
    ) -> None:
        settings, self.engine, self._owns_engine = _open(
            config,
            db_path=db_path,
            tenant_id=tenant_id,
            embedder=embedder,
            classifier=classifier,
            engine=engine,
            api_version=api_version,
            upstream={
                "storage_mode": storage_mode,
                "embedding_provider": embedding_provider,
                "llm_api_key": llm_api_key,
                "models_dir": models_dir,
            },
        )
        self._transport = InProcessTransport(_api(self.engine, settings))
        super().__init__(config=settings, http_client=httpx.Client(transport=self._transport))
        self._owns_http = True

    def _send_raw(self, args: dict[str, Any], *, stream: bool = False) -> httpx.Response:
        if stream:  # a read stream is answered chunk by chunk, through httpx
            return super()._send_raw(args, stream=True)
        started = time.perf_counter()
        response = _Answer(self._transport.answer(_in_process(args)), args)
        self._log(args, response, time.perf_counter() - started, 0)
        if response.status_code >= 400:
            raise self._status_error(response)
        return response

    # Upstream's embedded client was async-only: `async with` on this one gets told what to use
    # instead of Python's bare "does not support the asynchronous context manager protocol".
    async def __aenter__(self) -> NoReturn:
        self.close()
        raise TypeError(
            "EmbeddedCognitiveMemoryLayer is synchronous: use `with EmbeddedCognitiveMemoryLayer()"
            " as memory:`, or `async with AsyncEmbeddedCognitiveMemoryLayer() as memory:` with "
            "`await memory.write(...)` (upstream's async embedded client)"
        )

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the client, and its engine unless the engine was passed in as `engine`."""
        owner = self._owns_http
        super().close()
        if owner and self._owns_engine:
            self.engine.close()


class AsyncEmbeddedCognitiveMemoryLayer(AsyncCognitiveMemoryLayer):
    """The asyncio twin of `EmbeddedCognitiveMemoryLayer` (engine calls run in worker threads)."""

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        tenant_id: str | None = None,
        embedder: Any = "default",
        classifier: Any = None,
        engine: Engine | None = None,
        api_version: str | None = None,
        config: EmbeddedConfig | None = None,
        storage_mode: str = "lite",
        embedding_provider: str = "local",
        llm_api_key: str | None = None,
        models_dir: str | None = None,
    ) -> None:
        settings, self.engine, self._owns_engine = _open(
            config,
            db_path=db_path,
            tenant_id=tenant_id,
            embedder=embedder,
            classifier=classifier,
            engine=engine,
            api_version=api_version,
            upstream={
                "storage_mode": storage_mode,
                "embedding_provider": embedding_provider,
                "llm_api_key": llm_api_key,
                "models_dir": models_dir,
            },
        )
        self._transport = AsyncInProcessTransport(_api(self.engine, settings))
        super().__init__(config=settings, http_client=httpx.AsyncClient(transport=self._transport))
        self._owns_http = True

    async def _send_raw(self, args: dict[str, Any], *, stream: bool = False) -> httpx.Response:
        if stream:  # a read stream is answered chunk by chunk, through httpx
            return await super()._send_raw(args, stream=True)
        started = time.perf_counter()
        response = _Answer(await self._transport.answer(_in_process(args)), args)
        self._log(args, response, time.perf_counter() - started, 0)
        if response.status_code >= 400:
            raise self._status_error(response)
        return response

    async def read(
        self,
        query: str,
        *,
        max_results: int = 10,
        context_filter: list[str] | None = None,
        memory_types: list[MemoryType] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        response_format: ResponseFormat = "packet",
        user_timezone: str | None = None,
        format: ResponseFormat | None = None,
    ) -> ReadResponse:
        """`read` of the HTTP clients; `format=` is upstream's embedded name for
        `response_format=`."""
        return await super().read(
            query,
            max_results=max_results,
            context_filter=context_filter,
            memory_types=memory_types,
            since=since,
            until=until,
            response_format=format or response_format,
            user_timezone=user_timezone,
        )

    async def initialize(self) -> None:
        """Nothing to do: the client is ready when built. Kept for upstream code that awaits it."""

    async def close(self) -> None:
        """Close the client, and its engine unless the engine was passed in as `engine`."""
        owner = self._owns_http
        await super().close()
        if owner and self._owns_engine:
            self.engine.close()
