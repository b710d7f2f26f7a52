"""`CognitiveMemoryLayer`: the synchronous HTTP client.

GENERATED from `_async_client.py` by `python generator/generate.py regen` (see
generator/sync_client.py): edit the async file and regenerate; never edit this file.
`python generator/generate.py drift` fails when it differs from what the async file gives.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from time import perf_counter
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

import httpx

from . import _operations as ops
from ._batch import batch_read_error
from ._batches import BatchMethods
from ._chat import ChatResponse, build_messages, reply_text
from ._config import CMLConfig
from ._constants import FORGET_MIN_RELEVANCE, FORGET_QUERY_LIMIT
from ._dashboard import DashboardMethods
from ._exceptions import CMLError
from ._operations import PreparedOperation
from ._sse import iter_sse, iter_sse_lines
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
    from .streaming import RememberStream, StreamHooks, StreamingOptions

__all__ = ["CognitiveMemoryLayer", "SessionScope"]

T = TypeVar("T")


class CognitiveMemoryLayer(BatchMethods, DashboardMethods):
    """
    Client for a CML server (the upstream server, or `cml serve`).

    ```python
    from cml import CognitiveMemoryLayer

    with CognitiveMemoryLayer(api_key="...") as memory:
        memory.write("User prefers vegetarian food and lives in Paris.")
        print(memory.read("What does the user eat?").context)
    ```

    **Parameters:** every setting falls back to its environment variable (`CML_API_KEY`,
    `CML_BASE_URL`, ...), then to a `.env` file, then to the default (see `CMLConfig`).

    * **http_client** - *(optional)* an `httpx.Client` to send with (proxies, custom
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
        http_client: httpx.Client | None = None,
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
        self._http = http_client or httpx.Client(**self._http_options())

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (unless it was passed in as `http_client`)."""
        if self._owns_http:
            self._http.close()

    def _copy(self) -> Self:
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        # A copy shares the pool but never closes it: the original owns it.
        clone._owns_http = False
        return clone

    # -- sending -----------------------------------------------------------------------------

    def _attempt(self, args: dict[str, Any], *, stream: bool) -> httpx.Response | CMLError:
        """One send: the response, or the error its transport failure becomes (not raised here,
        inside the `except` block, where the httpx exception would become its context)."""
        try:
            return self._http.send(self._http.build_request(**args), stream=stream)
        except httpx.TransportError as exc:
            return self._transport_error(exc)

    def _send_raw(self, args: dict[str, Any], *, stream: bool = False) -> httpx.Response:
        attempt = 0
        while True:
            started = perf_counter()
            outcome = self._attempt(args, stream=stream)
            response = outcome if isinstance(outcome, httpx.Response) else None
            self._log(args, response, perf_counter() - started, attempt)
            if response is not None:
                if response.status_code < 400:
                    return response
                if stream:
                    response.read()
                    response.close()
            wait = self._retry_wait(attempt, response)
            if wait is None:
                raise self._failure(outcome) from None
            time.sleep(wait)
            attempt += 1

    def _send(self, call: PreparedOperation[T]) -> T:
        return self._result(call, self._send_raw(self._request_args(call)))

    def _stream(self, call: PreparedOperation[Any]) -> Iterator[MemoryItem]:
        response = self._send_raw(self._request_args(call), stream=True)
        failure = self._stream_truncated()
        try:
            for event in iter_sse(iter_sse_lines(response.iter_text())):
                item = self._stream_event(event)
                if item is None:
                    return
                yield item
        except httpx.TransportError as exc:
            failure = self._transport_error(exc)
        finally:
            # Also runs when the caller stops early: the connection is released at once.
            response.close()
        # Out of the `except` block: the httpx exception is not carried along.
        raise failure from None

    # -- memory ------------------------------------------------------------------------------

    def write(
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
        return self._send(
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

    def read(
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
        return self._send(
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

    def read_safe(
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
            return self._send(call)
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
    ) -> Iterator[MemoryItem]:
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

    def get_context(
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
        result = self.read(
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

    def turn(
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
        return self._send(
            ops.turn(
                user_message,
                assistant_response=assistant_response,
                session_id=session_id,
                max_context_tokens=max_context_tokens,
                timestamp=timestamp,
                user_timezone=user_timezone,
            )
        )

    def update(
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
        return self._send(
            ops.update(
                memory_id,
                text=text,
                confidence=confidence,
                importance=importance,
                metadata=metadata,
                feedback=feedback,
            )
        )

    def forget(
        self,
        *,
        memory_ids: list[UUID] | None = None,
        query: str | None = None,
        before: datetime | None = None,
        action: ForgetAction = "delete",
    ) -> ForgetResponse:
        """Delete, archive or silence memories chosen by id, by query or by age."""
        return self._send(
            ops.forget(memory_ids=memory_ids, query=query, before=before, action=action)
        )

    def preview_forget(
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
            result = self.read(query, max_results=FORGET_QUERY_LIMIT)
            found.update(
                (item.id, item)
                for item in result.memories
                if item.relevance >= FORGET_MIN_RELEVANCE
            )
        if before is not None:
            cutoff = parse_datetime(before)  # a naive time is UTC, as the engine takes it
            for item in self.iter_memories(status=None):
                if item.timestamp < cutoff:
                    found[item.id] = item
        return list(found.values())

    def stats(self) -> StatsResponse:
        """Counts and averages over the memories of the tenant."""
        return self._send(ops.stats())

    def health(self) -> HealthResponse:
        """Whether the server is up (needs no API key)."""
        return self._send(ops.health())

    def check_server(self, *, strict: bool = False) -> ServerCheck:
        """Tell which CML server release the server runs and compare it with the client's pin.

        Servers do not report their release, so it is told from the server's `/openapi.json`
        (its operations and fields against each supported release's). With `strict=True` a
        server running another release raises `VersionMismatchError`; an unknown release
        (status "unknown", with the closest release and the differences) never raises.
        """
        health = self.health()
        return self._check_release(self._server_document(), health, strict=strict)

    def _server_document(self) -> dict[str, Any] | None:
        try:
            response = self._http.send(self._http.build_request(**self._document_request()))
        except httpx.HTTPError:
            return None
        return self._document_from(response)

    def delete_all(self, *, confirm: bool = False) -> int:
        """Delete every memory of the tenant (admin key). Returns how many were deleted."""
        return self._send(ops.delete_all(confirm=confirm))

    # -- sessions ----------------------------------------------------------------------------

    def create_session(
        self,
        *,
        name: str | None = None,
        ttl_hours: int = 24,
        metadata: dict[str, Any] | None = None,
    ) -> SessionResponse:
        """Start a session that expires after `ttl_hours`; see also `session()`."""
        return self._send(
            ops.create_session_call(name=name, ttl_hours=ttl_hours, metadata=metadata)
        )

    def get_session_context(self, session_id: str) -> SessionContextResponse:
        """What a session holds: its messages, tool results and scratch pad."""
        return self._send(ops.session_context(session_id))

    @contextmanager
    def session(
        self,
        *,
        name: str | None = None,
        ttl_hours: int = 24,
        metadata: dict[str, Any] | None = None,
    ) -> Iterator[SessionScope]:
        """Create a session and bind `write`, `read` and `turn` to it inside the block."""
        created = self.create_session(name=name, ttl_hours=ttl_hours, metadata=metadata)
        yield SessionScope(self, created.session_id)

    # -- scoping -----------------------------------------------------------------------------

    def with_namespace(self, namespace: str) -> Self:
        """A client that writes to `namespace` by default, sharing this one's connections."""
        clone = self._copy()
        clone._namespace = ops.namespace_name(namespace)
        return clone

    def set_tenant(self, tenant_id: str) -> None:
        """Work in `tenant_id` from now on (needs the admin key; see `tenant_id`)."""
        self._tenant_id = self._reachable_tenant(ops.tenant_name(tenant_id))

    # -- chat --------------------------------------------------------------------------------

    def chat(
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
        returns the answer as text or as an iterable of text chunks (see `cml.llm`).
        """
        context = self.get_context(user_message, max_results=max_results)
        answer = reply_text(llm(build_messages(user_message, context, system_prompt)))
        self.turn(user_message, assistant_response=answer, session_id=session_id)
        return ChatResponse(text=answer, memory_context=context)

    # -- remembering a streamed answer -------------------------------------------------------

    def remember_stream(
        self,
        stream: Iterable[T],
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
    ) -> RememberStream[T]:
        """Remember an LLM's streamed answer while handing it on, chunk by chunk.

        Returns an iterator of the chunks `stream` yields (strings, or OpenAI-style chunk
        objects: the caller gets the objects themselves), each the moment it arrives; storage
        runs in a background thread and never delays them. An async `stream` gives an
        `AsyncRememberStream` instead. After the last chunk `.result` holds the
        `RememberStreamResult`; `.consume()` drains the stream and returns it.

        The exchange is stored as `turn()` stores it: `user_message` and the answer as two
        memories; the write options (`context_tags`, `memory_type`, `namespace`, `metadata`,
        `turn_id`, `agent_id`, `timestamp`, `eval_mode`, `session_id`) apply to every memory the
        stream writes. `options` (`StreamingOptions`, or a dict in snake_case or camelCase)
        turns on progressive storage, fact extraction, chunked storage, failure strategies,
        resume tokens, graph sync and adaptive processing; `hooks` gets its events.
        `resume_from` continues a stream that failed (its `ResumableStreamError.resume_token`).
        """
        # Loaded here: a program that never remembers a stream does not pay for the processor.
        from .streaming import RememberStream, open_remember_stream

        stream_ = open_remember_stream(
            self,
            stream,
            asynchronous=False,
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
        return cast(RememberStream[T], stream_)


class SessionScope:
    """`write`, `read` and `turn` bound to one session (`CognitiveMemoryLayer.session()`)."""

    def __init__(self, client: CognitiveMemoryLayer, session_id: str) -> None:
        self._client = client
        self.session_id = session_id

    def __repr__(self) -> str:
        return f"SessionScope(session_id={self.session_id!r})"

    def write(self, content: str, **options: Any) -> WriteResponse:
        """Write through the session's own route (`POST /session/{id}/write`)."""
        options.setdefault("namespace", self._client.namespace)
        call = ops.write_in_session(self.session_id, ops.write(content, **options))
        return self._client._send(call)

    remember = write

    def read(self, query: str, **options: Any) -> ReadResponse:
        """Read through the session's own route (`POST /session/{id}/read`)."""
        return self._client._send(ops.read(query, session_id=self.session_id, **options))

    def turn(self, user_message: str, **options: Any) -> TurnResponse:
        """`turn()` of the client, in this session."""
        return self._client.turn(user_message, session_id=self.session_id, **options)

    def context(self) -> SessionContextResponse:
        """What this session holds (`get_session_context`)."""
        return self._client.get_session_context(self.session_id)


# Kept for code written against the upstream SDK, whose `with_namespace` returned this type.
NamespacedClient = CognitiveMemoryLayer
