"""`AsyncCognitiveMemoryLayer`: the asyncio HTTP client.

The source of both HTTP clients: the sync one, `_client.py`, is generated from this file
(`python generator/generate.py regen`, see generator/sync_client.py), so a method or parameter
is written here once. Where the two differ, this file calls a helper with a sync twin
(`_batch.arun_concurrently`, `_chat.areply_text`). Request building, retry decisions and error
mapping live in `_base_client.py`, the arguments of each operation in `_operations.py`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from functools import partial
from time import perf_counter
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

import httpx

from . import _operations as ops
from ._base_client import BaseClient
from ._batch import arun_concurrently, batch_read_error, plan_batch, plan_reads
from ._chat import ChatResponse, areply_text, build_messages
from ._config import CMLConfig
from ._constants import DEFAULT_CONCURRENCY, FORGET_MIN_RELEVANCE, FORGET_QUERY_LIMIT
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
    from .models import responses as R
    from .streaming import AsyncRememberStream, StreamHooks, StreamingOptions

__all__ = ["AsyncCognitiveMemoryLayer", "AsyncSessionScope"]

T = TypeVar("T")
JSON = dict[str, Any]


class AsyncCognitiveMemoryLayer(BaseClient):
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

    # -- batches -----------------------------------------------------------------------------

    async def batch_write(
        self,
        items: list[dict[str, Any]],
        *,
        session_id: str | None = None,
        namespace: str | None = None,
    ) -> list[WriteResponse]:
        """Write many memories; one result per item, in input order, failures included.

        Items that `write_batch` can carry go in requests of up to 500; the others are written
        one by one, a few at a time.
        """
        plan = plan_batch(items, session_id=session_id, namespace=namespace or self._namespace)
        results: list[WriteResponse | None] = [None] * len(items)
        for indexes, call in plan.batches:
            try:
                wire = await self._send(call)
            except CMLError as exc:
                plan.fail(results, indexes, exc)
            else:
                plan.succeed(results, indexes, wire)
        await self._run_all(plan.singles, results, plan.single_error)
        return plan.finish(results)

    async def batch_read(
        self,
        queries: list[str],
        *,
        max_results: int = 10,
        response_format: ResponseFormat = "packet",
    ) -> list[ReadResponse]:
        """Run several reads concurrently; one result per query, in order, failures included."""
        calls, rejected = plan_reads(
            queries, max_results=max_results, response_format=response_format
        )
        results: list[ReadResponse | None] = [rejected.get(i) for i in range(len(queries))]
        await self._run_all(calls, results, lambda i, exc: batch_read_error(queries[i], exc))
        return [r for r in results if r is not None]

    async def _run_all(
        self,
        calls: Sequence[tuple[int, PreparedOperation[T]]],
        results: list[T | None],
        on_error: Callable[[int, CMLError], T],
    ) -> None:
        async def run(index: int, call: PreparedOperation[Any]) -> None:
            try:
                results[index] = await self._send(call)
            except CMLError as exc:
                results[index] = on_error(index, exc)

        await arun_concurrently(
            [partial(run, index, call) for index, call in calls], DEFAULT_CONCURRENCY
        )

    # -- scoping -----------------------------------------------------------------------------

    def with_namespace(self, namespace: str) -> Self:
        """A client that writes to `namespace` by default, sharing this one's connections."""
        clone = self._copy()
        clone._namespace = ops.namespace_name(namespace)
        return clone

    async def set_tenant(self, tenant_id: str) -> None:
        """Work in `tenant_id` from now on (needs the admin key; see `tenant_id`)."""
        self._tenant_id = self._reachable_tenant(ops.tenant_name(tenant_id))

    async def iter_memories(
        self,
        *,
        memory_types: list[MemoryType] | None = None,
        status: str | None = "active",
        batch_size: int = 100,
    ) -> AsyncIterator[MemoryItem]:
        """Every memory of the tenant, page by page (admin key; uses the dashboard listing)."""
        pager = ops.MemoryPager(memory_types=memory_types, status=status, batch_size=batch_size)
        while (call := pager.next_call()) is not None:
            for item in pager.take(await self._send(call)):
                yield item

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

    # -- maintenance and dashboard (admin key) -----------------------------------------------

    async def consolidate(
        self, *, tenant_id: str | None = None, user_id: str | None = None
    ) -> R.ConsolidationResult:
        """Merge related episodes into semantic memories."""
        return await self._send(ops.consolidate(tenant_id or self._tenant_id, user_id))

    async def run_forgetting(
        self,
        *,
        tenant_id: str | None = None,
        user_id: str | None = None,
        dry_run: bool = True,
        max_memories: int = 5000,
    ) -> R.ForgettingResult:
        """Score memories for decay and act on them; `dry_run=True` only reports."""
        return await self._send(
            ops.run_forgetting(
                tenant_id or self._tenant_id, user_id, dry_run=dry_run, max_memories=max_memories
            )
        )

    async def reconsolidate(
        self, *, tenant_id: str | None = None, user_id: str | None = None
    ) -> R.ReconsolidationResult:
        return await self._send(ops.reconsolidate(tenant_id or self._tenant_id, user_id))

    async def admin_consolidate(self, user_id: str) -> R.ConsolidationResult:
        return await self._send(ops.admin_consolidate(user_id))

    async def admin_forget(self, user_id: str, *, dry_run: bool = True) -> R.ForgettingResult:
        return await self._send(ops.admin_forget(user_id, dry_run=dry_run))

    async def consolidation_status(self) -> JSON:
        """Whether consolidation is running for the tenant, and its last run (admin key).

        New in CML server 2.0.0: a client pinned to 1.5.1 raises `UnsupportedOperationError`.
        """
        return await self._send(ops.consolidation_status())

    async def bulk_memory_action(self, memory_ids: list[UUID], action: str) -> JSON:
        return await self._send(ops.bulk_memory_action(memory_ids, action))

    async def component_health(self) -> R.DashboardComponentsResponse:
        return await self._send(ops.component_health())

    async def dashboard_export_memories(self, *, tenant_id: str | None = None) -> list[JSON]:
        return await self._send(ops.dashboard_export(tenant_id))

    async def dashboard_facts(
        self,
        *,
        tenant_id: str | None = None,
        category: str | None = None,
        current_only: bool = True,
        limit: int = 50,
        offset: int = 0,
    ) -> R.DashboardFactListResponse:
        return await self._send(
            ops.facts(
                tenant_id=tenant_id,
                category=category,
                current_only=current_only,
                limit=limit,
                offset=offset,
            )
        )

    async def dashboard_invalidate_fact(self, fact_id: str) -> JSON:
        return await self._send(ops.invalidate_fact(fact_id))

    async def dashboard_memories(
        self,
        *,
        tenant_id: str | None = None,
        page: int = 1,
        per_page: int = 25,
        type: str | None = None,
        status: str | None = None,
        search: str | None = None,
        sort_by: str = "written_at",
        order: str = "desc",
    ) -> R.DashboardMemoryListResponse:
        return await self._send(
            ops.memories_page(
                tenant_id=tenant_id,
                page=page,
                per_page=per_page,
                type=type,
                status=status,
                search=search,
                sort_by=sort_by,
                order=order,
            )
        )

    async def dashboard_memory_detail(self, memory_id: UUID) -> R.DashboardMemoryDetail:
        return await self._send(ops.memory_detail(memory_id))

    async def dashboard_neo4j_config(self) -> R.GraphNeo4jConfigResponse:
        return await self._send(ops.neo4j_config())

    async def dashboard_overview(self, *, tenant_id: str | None = None) -> R.DashboardOverview:
        return await self._send(ops.overview(tenant_id))

    async def dashboard_timeline(
        self, *, tenant_id: str | None = None, days: int = 30, metric: str = "memories"
    ) -> R.DashboardTimelineResponse:
        return await self._send(ops.timeline(tenant_id, days, metric))

    async def explore_graph(
        self,
        *,
        tenant_id: str | None = None,
        entity: str,
        scope_id: str = "default",
        depth: int = 2,
    ) -> R.GraphExploreResponse:
        return await self._send(
            ops.explore_graph(tenant_id or self._tenant_id, entity, scope_id, depth)
        )

    async def get_config(self) -> R.DashboardConfigResponse:
        return await self._send(ops.get_config())

    async def update_config(self, updates: dict[str, Any]) -> JSON:
        return await self._send(ops.update_config(updates))

    async def get_events(
        self,
        *,
        limit: int = 50,
        page: int = 1,
        event_type: str | None = None,
        since: datetime | None = None,
    ) -> R.DashboardEventListResponse:
        return ops.events_since(
            await self._send(ops.events(page=page, per_page=limit, event_type=event_type)), since
        )

    async def get_graph_stats(self) -> R.GraphStatsResponse:
        return await self._send(ops.graph_stats())

    async def get_jobs(
        self, *, tenant_id: str | None = None, job_type: str | None = None, limit: int = 50
    ) -> R.DashboardJobsResponse:
        return await self._send(ops.jobs(tenant_id, job_type, limit))

    async def get_labile_status(self, *, tenant_id: str | None = None) -> R.DashboardLabileResponse:
        return await self._send(ops.labile(tenant_id))

    async def get_rate_limits(self) -> R.DashboardRateLimitsResponse:
        return await self._send(ops.rate_limits())

    async def get_request_stats(self, *, hours: int = 24) -> R.RequestStatsResponse:
        return await self._send(ops.request_stats(hours))

    async def get_sessions(self, *, tenant_id: str | None = None) -> R.DashboardSessionsResponse:
        return await self._send(ops.sessions(tenant_id))

    async def graph_overview(
        self, *, tenant_id: str | None = None, scope_id: str | None = None
    ) -> R.GraphExploreResponse:
        return await self._send(ops.graph_overview(tenant_id or self._tenant_id, scope_id))

    async def list_tenants(self) -> R.DashboardTenantsResponse:
        return await self._send(ops.tenants())

    async def reset_database(self, confirm: bool = False) -> JSON:
        return await self._send(ops.reset_database(confirm=confirm))

    async def search_graph(
        self, query: str, *, tenant_id: str | None = None, limit: int = 25
    ) -> R.GraphSearchResponse:
        return await self._send(ops.search_graph(query, tenant_id, limit))

    async def test_retrieval(
        self,
        query: str,
        *,
        tenant_id: str | None = None,
        max_results: int = 10,
        context_filter: list[str] | None = None,
        memory_types: list[str] | None = None,
        response_format: ResponseFormat = "list",
    ) -> R.DashboardRetrievalResponse:
        return await self._send(
            ops.test_retrieval(
                query,
                tenant_id=tenant_id or self._tenant_id,
                max_results=max_results,
                context_filter=context_filter,
                memory_types=memory_types,
                response_format=response_format,
            )
        )


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
