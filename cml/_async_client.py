"""`AsyncCognitiveMemoryLayer`: the asyncio HTTP client.

The source of both HTTP clients: the sync one, `_client.py`, is generated from this file
(`python generator/generate.py regen`, see generator/sync_client.py), so a method or parameter
is written here once. Where the two differ, this file calls a helper with a sync twin
(`_batch.arun_concurrently`, `_chat.areply_text`). Request building, retry decisions and error
mapping live in `_base_client.py`, the arguments of each operation in `_operations`. The
client inherits two API areas kept in their own modules, each with its generated sync twin:
the batch methods (`_async_batches.py`) and the maintenance and dashboard methods
(`_async_dashboard.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from time import perf_counter
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

import httpx

from . import _operations as ops
from ._async_batches import AsyncBatchMethods
from ._async_dashboard import AsyncDashboardMethods
from ._batch import batch_read_error
from ._chat import ChatResponse, areply_text, build_messages
from ._config import CMLConfig
from ._constants import FORGET_MIN_RELEVANCE, FORGET_QUERY_LIMIT
from ._exceptions import CMLError
from ._operations import PreparedOperation
from ._sse import aiter_sse, aiter_sse_lines
from .models import (
    ForgetAction,
    ForgetResponse,
    HealthResponse,
    MemoryItem,
    MemoryType,
    ReadResponse,
    ResponseFormat,
    ServerCheck,
    SessionContextResponse,
    SessionResponse,
    StatsResponse,
    TurnResponse,
    UpdateResponse,
    WriteResponse,
    parse_datetime,
)

if TYPE_CHECKING:
    from .graph import GraphSync
    from .streaming import AsyncRememberStream, StreamHooks, StreamingOptions

__all__ = ["AsyncCognitiveMemoryLayer", "AsyncSessionScope"]

T = TypeVar("T")


class AsyncCognitiveMemoryLayer(AsyncBatchMethods, AsyncDashboardMethods):
    """
    Asyncio client for a CML server (the upstream server, or `cml serve`).

    ```python
    from cml import AsyncCognitiveMemoryLayer

    async with AsyncCognitiveMemoryLayer(api_key="...") as memory:
        await memory.write("User prefers vegetarian food and lives in Paris.")
        print((await memory.read("What does the user eat?")).context)
    ```

    **Parameters:** every setting falls back to its environment variable (`CML_API_KEY`,
    `CML_BASE_URL`, ...), then to a `.env` file, then to the default (see `CMLConfig`).

    * **http_client** - *(optional)* an `httpx.AsyncClient` to send with (proxies, custom
      transports); the caller keeps ownership and closes it.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        tenant_id: str | None = None,
        *,
        config: CMLConfig | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_delay: float | None = None,
        verify_ssl: bool | None = None,
        admin_api_key: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        api_version: str | None = None,
    ) -> None:
        super().__init__(
            api_key,
            base_url,
            tenant_id,
            config=config,
            timeout=timeout,
            max_retries=max_retries,
            retry_delay=retry_delay,
            verify_ssl=verify_ssl,
            admin_api_key=admin_api_key,
            default_headers=default_headers,
            api_version=api_version,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(**self._http_options())

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool (unless it was passed in as `http_client`)."""
        if self._owns_http:
            await self._http.aclose()

    def _copy(self) -> Self:
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        # A copy shares the pool but never closes it: the original owns it.
        clone._owns_http = False
        return clone

    # -- sending -----------------------------------------------------------------------------

    async def _attempt(self, args: dict[str, Any], *, stream: bool) -> httpx.Response | CMLError:
        """One send: the response, or the error its transport failure becomes (not raised here,
        inside the `except` block, where the httpx exception would become its context)."""
        try:
            return await self._http.send(self._http.build_request(**args), stream=stream)
        except httpx.TransportError as exc:
            return self._transport_error(exc)

    async def _send_raw(self, args: dict[str, Any], *, stream: bool = False) -> httpx.Response:
        attempt = 0
        while True:
            started = perf_counter()
            outcome = await self._attempt(args, stream=stream)
            response = outcome if isinstance(outcome, httpx.Response) else None
            self._log(args, response, perf_counter() - started, attempt)
            if response is not None:
                if response.status_code < 400:
                    return response
                if stream:
                    await response.aread()
                    await response.aclose()
            wait = self._retry_wait(attempt, response)
            if wait is None:
                raise self._failure(outcome) from None
            await asyncio.sleep(wait)
            attempt += 1

    async def _send(self, call: PreparedOperation[T]) -> T:
        return self._result(call, await self._send_raw(self._request_args(call)))

    async def _stream(self, call: PreparedOperation[Any]) -> AsyncIterator[MemoryItem]:
        response = await self._send_raw(self._request_args(call), stream=True)
        failure = self._stream_truncated()
        try:
            async for event in aiter_sse(aiter_sse_lines(response.aiter_text())):
                item = self._stream_event(event)
                if item is None:
                    return
                yield item
        except httpx.TransportError as exc:
            failure = self._transport_error(exc)
        finally:
            # Also runs when the caller stops early: the connection is released at once.
            await response.aclose()
        # Out of the `except` block: the httpx exception is not carried along.
        raise failure from None

    # -- memory ------------------------------------------------------------------------------

    async def write(
        self,
        content: str,
        *,
        context_tags: list[str] | None = None,
        session_id: str | None = None,
        memory_type: MemoryType | None = None,
        namespace: str | None = None,
        metadata: dict[str, Any] | None = None,
        turn_id: str | None = None,
        agent_id: str | None = None,
        timestamp: datetime | None = None,
        eval_mode: bool = False,
    ) -> WriteResponse:
        """Store a memory. The server classifies, chunks and indexes it."""
        return await self._send(
            ops.write(
                content,
                context_tags=context_tags,
                session_id=session_id,
                memory_type=memory_type,
                namespace=namespace or self._namespace,
                metadata=metadata,
                turn_id=turn_id,
                agent_id=agent_id,
                timestamp=timestamp,
                eval_mode=eval_mode,
            )
        )

    remember = write

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
    ) -> ReadResponse:
        """Retrieve the memories most relevant to `query`; `.context` is ready for an LLM.

        `user_timezone` (an IANA name such as "Europe/Paris") makes a day the query names
        ("today", "yesterday") the user's local day, as the server reads it.
        """
        return await self._send(
            ops.read(
                query,
                max_results=max_results,
                context_filter=context_filter,
                memory_types=memory_types,
                since=since,
                until=until,
                response_format=response_format,
                user_timezone=user_timezone,
            )
        )

    search = read

    async def read_safe(
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
    ) -> ReadResponse:
        """Like `read`, but a failure gives an empty result with `.error` set instead of raising.

        For prompts that should still be answered when memory is unavailable. Invalid arguments
        still raise.
        """
        call = ops.read(
            query,
            max_results=max_results,
            context_filter=context_filter,
            memory_types=memory_types,
            since=since,
            until=until,
            response_format=response_format,
            user_timezone=user_timezone,
        )
        try:
            return await self._send(call)
        except CMLError as exc:
            return batch_read_error(query, exc)

    def read_stream(
        self,
        query: str,
        *,
        max_results: int = 10,
        context_filter: list[str] | None = None,
        memory_types: list[MemoryType] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        user_timezone: str | None = None,
    ) -> AsyncIterator[MemoryItem]:
        """Yield memories as the server streams them (Server-Sent Events).

        Stopping early (break, or closing the iterator) closes the connection. An `error` event
        raises `StreamError`.
        """
        return self._stream(
            ops.streamed(
                ops.read(
                    query,
                    max_results=max_results,
                    context_filter=context_filter,
                    memory_types=memory_types,
                    since=since,
                    until=until,
                    user_timezone=user_timezone,
                )
            )
        )

    async def get_context(
        self,
        query: str,
        *,
        max_results: int = 10,
        context_filter: list[str] | None = None,
        memory_types: list[MemoryType] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        user_timezone: str | None = None,
    ) -> str:
        """The memory context for `query`, formatted for an LLM prompt."""
        result = await self.read(
            query,
            max_results=max_results,
            context_filter=context_filter,
            memory_types=memory_types,
            since=since,
            until=until,
            response_format="llm_context",
            user_timezone=user_timezone,
        )
        return result.context

    async def turn(
        self,
        user_message: str,
        *,
        assistant_response: str | None = None,
        session_id: str | None = None,
        max_context_tokens: int = 1500,
        timestamp: datetime | None = None,
        user_timezone: str | None = None,
    ) -> TurnResponse:
        """Process one conversation turn: get the memory context and store the exchange."""
        return await self._send(
            ops.turn(
                user_message,
                assistant_response=assistant_response,
                session_id=session_id,
                max_context_tokens=max_context_tokens,
                timestamp=timestamp,
                user_timezone=user_timezone,
            )
        )

    async def update(
        self,
        memory_id: UUID,
        *,
        text: str | None = None,
        confidence: float | None = None,
        importance: float | None = None,
        metadata: dict[str, Any] | None = None,
        feedback: str | None = None,
    ) -> UpdateResponse:
        """Change a memory, or give feedback on it (`correct`, `incorrect`, `outdated`)."""
        return await self._send(
            ops.update(
                memory_id,
                text=text,
                confidence=confidence,
                importance=importance,
                metadata=metadata,
                feedback=feedback,
            )
        )

    async def forget(
        self,
        *,
        memory_ids: list[UUID] | None = None,
        query: str | None = None,
        before: datetime | None = None,
        action: ForgetAction = "delete",
    ) -> ForgetResponse:
        """Delete, archive or silence memories chosen by id, by query or by age."""
        return await self._send(
            ops.forget(memory_ids=memory_ids, query=query, before=before, action=action)
        )

    async def preview_forget(
        self,
        *,
        query: str | None = None,
        before: datetime | None = None,
    ) -> list[MemoryItem]:
        """The memories `forget(query=..., before=...)` would select now, changing nothing.

        A query selects what a read of it returns with relevance of at least 0.5 (of the first
        50), as forget does; `before` lists the tenant's memories (admin key on a server). Ids
        given to forget are selected as they are, so they need no preview.
        """
        found: dict[UUID, MemoryItem] = {}
        if query is not None:
            result = await self.read(query, max_results=FORGET_QUERY_LIMIT)
            found.update(
                (item.id, item)
                for item in result.memories
                if item.relevance >= FORGET_MIN_RELEVANCE
            )
        if before is not None:
            cutoff = parse_datetime(before)  # a naive time is UTC, as the engine takes it
            async for item in self.iter_memories(status=None):
                if item.timestamp < cutoff:
                    found[item.id] = item
        return list(found.values())

    async def stats(self) -> StatsResponse:
        """Counts and averages over the memories of the tenant."""
        return await self._send(ops.stats())

    async def health(self) -> HealthResponse:
        """Whether the server is up (needs no API key)."""
        return await self._send(ops.health())

    async def check_server(self, *, strict: bool = False) -> ServerCheck:
        """Tell which CML server release the server runs and compare it with the client's pin.

        Servers do not report their release, so it is told from the server's `/openapi.json`
        (its operations and fields against each supported release's). With `strict=True` a
        server running another release raises `VersionMismatchError`; an unknown release
        (status "unknown", with the closest release and the differences) never raises.
        """
        health = await self.health()
        return self._check_release(await self._server_document(), health, strict=strict)

    async def _server_document(self) -> dict[str, Any] | None:
        try:
            response = await self._http.send(self._http.build_request(**self._document_request()))
        except httpx.HTTPError:
            return None
        return self._document_from(response)

    async def delete_all(self, *, confirm: bool = False) -> int:
        """Delete every memory of the tenant (admin key). Returns how many were deleted."""
        return await self._send(ops.delete_all(confirm=confirm))

    # -- sessions ----------------------------------------------------------------------------

    async def create_session(
        self,
        *,
        name: str | None = None,
        ttl_hours: int = 24,
        metadata: dict[str, Any] | None = None,
    ) -> SessionResponse:
        """Start a session that expires after `ttl_hours`; see also `session()`."""
        return await self._send(
            ops.create_session_call(name=name, ttl_hours=ttl_hours, metadata=metadata)
        )

    async def get_session_context(self, session_id: str) -> SessionContextResponse:
        """What a session holds: its messages, tool results and scratch pad."""
        return await self._send(ops.session_context(session_id))

    @asynccontextmanager
    async def session(
        self,
        *,
        name: str | None = None,
        ttl_hours: int = 24,
        metadata: dict[str, Any] | None = None,
    ) -> AsyncIterator[AsyncSessionScope]:
        """Create a session and bind `write`, `read` and `turn` to it inside the block."""
        created = await self.create_session(name=name, ttl_hours=ttl_hours, metadata=metadata)
        yield AsyncSessionScope(self, created.session_id)

    # -- scoping -----------------------------------------------------------------------------

    def with_namespace(self, namespace: str) -> Self:
        """A client that writes to `namespace` by default, sharing this one's connections."""
        clone = self._copy()
        clone._namespace = ops.namespace_name(namespace)
        return clone

    async def set_tenant(self, tenant_id: str) -> None:
        """Work in `tenant_id` from now on (needs the admin key; see `tenant_id`)."""
        self._tenant_id = self._reachable_tenant(ops.tenant_name(tenant_id))

    # -- chat --------------------------------------------------------------------------------

    async def chat(
        self,
        user_message: str,
        llm: Callable[[list[dict[str, str]]], Any],
        *,
        session_id: str | None = None,
        system_prompt: str | None = None,
        max_results: int = 10,
    ) -> ChatResponse:
        """One exchange with an LLM, with memory: recall, answer, remember.

        `llm` receives OpenAI-style `messages` (the memory context in the system message) and
        returns the answer as text, an iterable or async iterable of text chunks, or an awaitable
        of any of these (see `cml.llm`).
        """
        context = await self.get_context(user_message, max_results=max_results)
        answer = await areply_text(llm(build_messages(user_message, context, system_prompt)))
        await self.turn(user_message, assistant_response=answer, session_id=session_id)
        return ChatResponse(text=answer, memory_context=context)

    # -- remembering a streamed answer -------------------------------------------------------

    def remember_stream(
        self,
        stream: AsyncIterable[T] | Iterable[T],
        *,
        user_message: str,
        session_id: str | None = None,
        options: StreamingOptions | Mapping[str, Any] | None = None,
        hooks: StreamHooks | Mapping[str, Any] | None = None,
        graph: GraphSync | None = None,
        resume_from: str | None = None,
        context_tags: list[str] | None = None,
        memory_type: MemoryType | None = None,
        namespace: str | None = None,
        metadata: dict[str, Any] | None = None,
        turn_id: str | None = None,
        agent_id: str | None = None,
        timestamp: datetime | None = None,
        eval_mode: bool = False,
    ) -> AsyncRememberStream[T]:
        """Remember an LLM's streamed answer while handing it on, chunk by chunk.

        Returns an async iterator of the chunks `stream` (async or sync) yields (strings, or
        OpenAI-style chunk objects: the caller gets the objects themselves), each the moment it
        arrives; storage runs in a background task and never delays them. After the last chunk
        `.result` holds the `RememberStreamResult`; `await` the stream to drain it and get it.

        The exchange is stored as `turn()` stores it: `user_message` and the answer as two
        memories; the write options (`context_tags`, `memory_type`, `namespace`, `metadata`,
        `turn_id`, `agent_id`, `timestamp`, `eval_mode`, `session_id`) apply to every memory the
        stream writes. `options` (`StreamingOptions`, or a dict in snake_case or camelCase)
        turns on progressive storage, fact extraction, chunked storage, failure strategies,
        resume tokens, graph sync and adaptive processing; `hooks` gets its events.
        `resume_from` continues a stream that failed (its `ResumableStreamError.resume_token`).
        """
        # Loaded here: a program that never remembers a stream does not pay for the processor.
        from .streaming import AsyncRememberStream, open_remember_stream

        stream_ = open_remember_stream(
            self,
            stream,
            asynchronous=True,
            user_message=user_message,
            options=options,
            hooks=hooks,
            graph=graph,
            resume_from=resume_from,
            write={
                "session_id": session_id,
                "context_tags": context_tags,
                "memory_type": memory_type,
                "namespace": namespace,
                "metadata": metadata,
                "turn_id": turn_id,
                "agent_id": agent_id,
                "timestamp": timestamp,
                "eval_mode": eval_mode,
            },
        )
        return cast(AsyncRememberStream[T], stream_)


class AsyncSessionScope:
    """`write`, `read` and `turn` bound to one session (`AsyncCognitiveMemoryLayer.session()`)."""

    def __init__(self, client: AsyncCognitiveMemoryLayer, session_id: str) -> None:
        self._client = client
        self.session_id = session_id

    def __repr__(self) -> str:
        return f"AsyncSessionScope(session_id={self.session_id!r})"

    async def write(self, content: str, **options: Any) -> WriteResponse:
        """Write through the session's own route (`POST /session/{id}/write`)."""
        options.setdefault("namespace", self._client.namespace)
        call = ops.write_in_session(self.session_id, ops.write(content, **options))
        return await self._client._send(call)

    remember = write

    async def read(self, query: str, **options: Any) -> ReadResponse:
        """Read through the session's own route (`POST /session/{id}/read`)."""
        return await self._client._send(ops.read(query, session_id=self.session_id, **options))

    async def turn(self, user_message: str, **options: Any) -> TurnResponse:
        """`turn()` of the client, in this session."""
        return await self._client.turn(user_message, session_id=self.session_id, **options)

    async def context(self) -> SessionContextResponse:
        """What this session holds (`get_session_context`)."""
        return await self._client.get_session_context(self.session_id)


# Kept for code written against the upstream SDK, whose `with_namespace` returned this type.
AsyncNamespacedClient = AsyncCognitiveMemoryLayer
