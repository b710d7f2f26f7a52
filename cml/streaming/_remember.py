"""
`remember_stream`: hand an LLM's streamed answer to the caller chunk by chunk while remembering
it in the background. This module holds the two stream classes; the work is split in layers:

* `_intake.Intake`, the delivery side, in the caller's thread or task: reads a chunk's text,
  counts it, enforces the length limit, puts it in an outbox and decides when the background
  worker must wake up. O(1) a chunk (about 2 us), no I/O, so chunks reach the caller as fast as
  the source gives them. The worker starts after the first chunk has been handed over.
* `_processor.Processor`, the storage side's logic, without I/O: it turns text into storage
  operations (`_ops`: `WriteOp`, `UpdateOp`, `GraphOp`, ...), decides retries and rollbacks,
  and builds the result, with one collaborator per job (`_answer`, `_facts`, `_steps`,
  `_work`, `_journal`). Each storage step is a generator that yields operations and receives
  their results, so the same logic runs under a thread (sync) and under a task (async): only
  waiting differs.
* `_workers`: the worker thread (`RememberStream`) and the worker task
  (`AsyncRememberStream`), which perform the operations on the client (any client with the
  methods of `_storage.StreamClient` / `AsyncStreamClient`) and feed the results back.

How an exchange is stored (the layout of `turn()`): the user message is one memory (tags
`conversation`, `user_input`), the answer another (`conversation`, `assistant_response`), with
metadata `stream_id`, `role`, `partial` and `user_memory_id`. A chunked answer's memory is the
head of its chunk memories (each a single record with metadata `stream_chunk`: index, start,
end, previous chunk id and the whitespace before it); `_reassembly` reads them back in order.
Facts are `semantic_fact` memories with metadata `answer_memory_id`, each stored once.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
)
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NoReturn, TypeVar, cast
from uuid import UUID

from ..exceptions import InvalidRequestError
from ._events import RememberStreamResult, ResumableStreamError, StreamCancelledError
from ._hooks import StreamHooks
from ._intake import Intake
from ._length import StreamTooLongError
from ._ops import Tick
from ._options import StreamingOptions, resolve_options
from ._processor import Processor
from ._resume import take_resume_state
from ._setup import Setup, begin, closing, nothing, store_of
from ._sources import aiter_any
from ._storage import AsyncStreamClient, StreamClient
from ._timeout import with_stream_timeout
from ._workers import AsyncWorker, SyncWorker, abandon, abandon_async

if TYPE_CHECKING:
    from ..graph import GraphSync

__all__ = ["AsyncRememberStream", "RememberStream", "open_remember_stream"]

logger = logging.getLogger("cml")  # the SDK's one logger (see cml.configure_logging)

T = TypeVar("T")


class _StreamView:
    """What both stream classes show while and after they run (no I/O here)."""

    _intake: Intake | None
    _processor: Processor | None
    _result: RememberStreamResult | None
    _finished: bool
    #: How to reach the end of this kind of stream, for the error `result` raises before it.
    _finish_hint: ClassVar[str]

    @property
    def result(self) -> RememberStreamResult:
        """The result; raises `RuntimeError` until the stream has ended."""
        if self._result is None:
            raise RuntimeError(f"the stream has not ended yet: {self._finish_hint}")
        return self._result

    @property
    def done(self) -> bool:
        return self._finished

    @property
    def stream_id(self) -> str | None:
        """The stream's id (known once iteration started)."""
        return self._processor.stream_id if self._processor is not None else None

    @property
    def recent_text(self) -> str:
        """The last `max_buffer_size` characters (a rolling window, bounded memory)."""
        return self._intake.window.text if self._intake is not None else ""

    @property
    def answer_memory_id(self) -> UUID | None:
        """The answer memory's id, once the background worker has created it."""
        return self._processor.answer_memory_id if self._processor is not None else None


class RememberStream(_StreamView, Iterator[T], Generic[T]):
    """
    The chunks of a stream, each returned the moment it arrives, while it is remembered in a
    background thread. After the last chunk, `result` holds the `RememberStreamResult`;
    `consume()` drains the stream and returns it.

    ```python
    stream = memory.remember_stream(llm_chunks, user_message=question)
    for chunk in stream:
        print(chunk, end="", flush=True)
    print(stream.result.answer_memory_id)
    ```

    Leaving early: `close()` (or `with memory.remember_stream(...) as stream:`) ends the
    stream; what arrived is kept per the failure strategy, and nothing is raised. A source
    that fails raises its error, or `ResumableStreamError` when resume tokens are on.
    """

    _finish_hint = "iterate it, or call consume()"

    def __init__(self, client: StreamClient, stream: Iterable[T], setup: Setup) -> None:
        self._client = client
        self._source = stream
        self._setup = setup
        self._clock = setup.options.clock
        self._iterator: Iterator[T] | None = None
        self._intake: Intake | None = None
        self._processor: Processor | None = None
        self._worker: SyncWorker | None = None
        self._release_store: Callable[[], None] = nothing
        self._running = False
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._result: RememberStreamResult | None = None
        self._finished = False

    # -- public ------------------------------------------------------------------------------

    def consume(self) -> RememberStreamResult:
        """Read the rest of the stream (discarding the chunks) and return the result."""
        for _ in self:
            pass
        return self.result

    def close(self) -> None:
        """Stop early: what arrived is stored per the failure strategy; nothing is raised."""
        if self._finished:
            return
        if self._worker is None:
            self._finished = True
            self._close_source()
            return
        self._finish(StreamCancelledError("the caller closed the stream"))

    def __enter__(self) -> RememberStream[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __iter__(self) -> RememberStream[T]:
        return self

    def __next__(self) -> T:
        if self._finished:
            raise StopIteration
        if self._worker is None:
            self._prepare()
        elif not self._running:
            self._run_worker()  # after the first chunk: its start-up never delays that one
        assert self._iterator is not None
        assert self._intake is not None
        try:
            raw = next(self._iterator)
        except StopIteration:
            self._finish(None)
            raise
        except BaseException as exc:
            self._fail(exc)
        try:
            message = self._intake.accept(raw, self._clock())
        except StreamTooLongError as exc:
            self._fail(exc)
        if message is not None:
            worker = self._worker
            assert worker is not None
            worker.inbox.put(message)
            if self._intake.pending_chars > self._setup.options.max_pending_chars:
                if not self._running:
                    self._run_worker()
                self._intake.wait_for_room()
        return raw

    # -- internals ---------------------------------------------------------------------------

    def _prepare(self) -> None:
        setup = self._setup
        options = setup.options
        store, self._release_store = store_of(options)
        resume = None
        if setup.resume_from is not None:
            try:
                resume = take_resume_state(store, setup.resume_from)
            except BaseException:
                self._finished = True
                self._release_store()
                raise
        intake, processor, graph, owns_graph = begin(self._client, setup, store, resume)
        worker = SyncWorker(self._client, processor, intake, graph, owns_graph)
        self._intake, self._processor, self._worker = intake, processor, worker
        intake.metrics.start(self._clock())
        iterator: Iterator[T] = iter(self._source)
        if options.total_timeout is not None or options.chunk_timeout is not None:
            iterator = with_stream_timeout(
                self._source, options.chunk_timeout, total=options.total_timeout
            )
        self._iterator = iterator
        self._finalizer = weakref.finalize(self, abandon, worker, self._clock)
        self._finalizer.atexit = False  # at interpreter exit there is nothing left to store to

    def _run_worker(self) -> None:
        assert self._worker is not None
        self._running = True
        self._worker.thread.start()

    def _fail(self, error: BaseException) -> NoReturn:
        _raise_failure(error, self._finish(error))

    def _finish(self, error: BaseException | None) -> RememberStreamResult:
        """End the stream: wake the worker for the rest, wait for storage, build the result."""
        self._finished = True
        intake, processor, worker = self._intake, self._processor, self._worker
        assert intake is not None
        assert processor is not None
        assert worker is not None
        if self._finalizer is not None:
            self._finalizer.detach()
        if not self._running:
            self._run_worker()
        end = closing(self._setup, processor, intake, error, self._clock())
        token, full_response = end.token, end.full_response
        worker.inbox.put(end)
        worker.thread.join()
        self._release_store()
        result = self._result = processor.result(self._clock(), full_response, token)
        if error is not None:
            self._close_source()
        return result

    def _close_source(self) -> None:
        for owned in (self._iterator, self._source):
            close = getattr(owned, "close", None)
            if callable(close):
                try:
                    close()
                except Exception:
                    logger.warning("closing the stream's source failed", exc_info=True)


def _raise_failure(error: BaseException, result: RememberStreamResult) -> NoReturn:
    if result.resume_token is not None and isinstance(error, Exception):
        raise ResumableStreamError(error, result.resume_token, result) from error
    raise error


class AsyncRememberStream(_StreamView, AsyncIterator[T], Generic[T]):
    """
    The async twin of `RememberStream`: `async for chunk in stream` gets each chunk as it
    arrives while a background task remembers it; `await stream` (or `await stream.consume()`)
    drains it and returns the `RememberStreamResult`; `result` holds it after the last chunk.

    A sync source given to an async stream is read in a worker thread (`aiter_any`), so a
    blocking source never stalls the event loop.
    """

    _finish_hint = "iterate it, or await it"

    def __init__(
        self,
        client: StreamClient | AsyncStreamClient,
        stream: Iterable[T] | AsyncIterable[T],
        setup: Setup,
    ) -> None:
        self._client = client
        self._source = stream
        self._setup = setup
        self._clock = setup.options.clock
        self._iterator: AsyncIterator[T] | None = None
        self._intake: Intake | None = None
        self._processor: Processor | None = None
        self._worker: AsyncWorker | None = None
        self._release_store: Callable[[], None] = nothing
        self._task: asyncio.Task[None] | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._result: RememberStreamResult | None = None
        self._finished = False

    async def consume(self) -> RememberStreamResult:
        """Read the rest of the stream (discarding the chunks) and return the result."""
        async for _ in self:
            pass
        return self.result

    def __await__(self) -> Generator[Any, None, RememberStreamResult]:
        return self.consume().__await__()

    async def aclose(self) -> None:
        """Stop early: what arrived is stored per the failure strategy; nothing is raised."""
        if self._finished:
            return
        if self._worker is None:
            self._finished = True
            await self._close_source()
            return
        await self._finish(StreamCancelledError("the caller closed the stream"))

    async def __aenter__(self) -> AsyncRememberStream[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncRememberStream[T]:
        return self

    async def __anext__(self) -> T:
        if self._finished:
            raise StopAsyncIteration
        if self._worker is None:
            await self._prepare()
        assert self._iterator is not None
        assert self._intake is not None
        worker = self._worker
        assert worker is not None
        try:
            raw = await anext(self._iterator)
        except StopAsyncIteration:
            await self._finish(None)
            raise
        except BaseException as exc:
            await self._fail(exc)
        try:
            message = self._intake.accept(raw, self._clock())
        except StreamTooLongError as exc:
            await self._fail(exc)
        if message is not None:
            worker.inbox.put_nowait(message)
            if isinstance(message, Tick):
                # Storage falls due: let the worker start on it even if the source never
                # yields to the event loop (an in-memory list, say).
                await asyncio.sleep(0)
            while self._intake.pending_chars > self._setup.options.max_pending_chars:
                worker.room.clear()
                if self._task is None or self._task.done():
                    break
                await worker.room.wait()
        return raw

    async def _prepare(self) -> None:
        setup = self._setup
        options = setup.options
        store, self._release_store = store_of(options)
        resume = None
        if setup.resume_from is not None:
            try:
                resume = await asyncio.to_thread(take_resume_state, store, setup.resume_from)
            except BaseException:
                self._finished = True
                self._release_store()
                raise
        intake, processor, graph, owns_graph = begin(self._client, setup, store, resume)
        worker = AsyncWorker(self._client, processor, intake, graph, owns_graph)
        self._intake, self._processor, self._worker = intake, processor, worker
        intake.metrics.start(self._clock())
        iterator = aiter_any(self._source)
        if options.total_timeout is not None or options.chunk_timeout is not None:
            iterator = with_stream_timeout(
                iterator, options.chunk_timeout, total=options.total_timeout
            )
        self._iterator = iterator
        # A task runs only when this one waits, so starting it now delays no chunk.
        self._task = asyncio.create_task(worker.run(), name="cml-remember-stream")
        self._finalizer = weakref.finalize(
            self, abandon_async, asyncio.get_running_loop(), worker.inbox, self._clock
        )
        self._finalizer.atexit = False

    async def _fail(self, error: BaseException) -> NoReturn:
        _raise_failure(error, await self._finish(error))

    async def _finish(self, error: BaseException | None) -> RememberStreamResult:
        """End the stream: wake the worker for the rest, wait for storage, build the result."""
        self._finished = True
        intake, processor, worker = self._intake, self._processor, self._worker
        assert intake is not None
        assert processor is not None
        assert worker is not None
        assert self._task is not None
        if self._finalizer is not None:
            self._finalizer.detach()
        end = closing(self._setup, processor, intake, error, self._clock())
        token, full_response = end.token, end.full_response
        worker.inbox.put_nowait(end)
        # Storage finishes even when the caller is cancelled meanwhile.
        await asyncio.shield(self._task)
        self._release_store()
        result = self._result = processor.result(self._clock(), full_response, token)
        if error is not None:
            await self._close_source()
        return result

    async def _close_source(self) -> None:
        for owned in (self._iterator, self._source):
            aclose = getattr(owned, "aclose", None)
            close = aclose if callable(aclose) else getattr(owned, "close", None)
            if callable(close):
                try:
                    outcome = close()
                    if inspect.isawaitable(outcome):
                        await outcome
                except Exception:
                    logger.warning("closing the stream's source failed", exc_info=True)


def open_remember_stream(
    client: StreamClient | AsyncStreamClient,
    stream: Iterable[Any] | AsyncIterable[Any],
    *,
    asynchronous: bool,
    user_message: str,
    options: StreamingOptions | Mapping[str, Any] | None,
    hooks: StreamHooks | Mapping[str, Any] | None,
    graph: GraphSync | None,
    resume_from: str | None,
    write: Mapping[str, Any],
) -> RememberStream[Any] | AsyncRememberStream[Any]:
    """Check the arguments and build the stream (nothing runs before iteration)."""

    if not isinstance(user_message, str):
        raise InvalidRequestError(
            f"user_message must be a string, not {type(user_message).__name__}"
        )
    if isinstance(stream, str | bytes):
        raise InvalidRequestError(
            "stream must be an iterable of chunks, not one string",
            hint="Use write() for a complete text, or wrap it: remember_stream([text], ...).",
        )
    if not isinstance(stream, Iterable | AsyncIterable):
        raise InvalidRequestError(f"stream must be iterable, not {type(stream).__name__}")
    if resume_from is not None and not isinstance(resume_from, str):
        raise InvalidRequestError("resume_from must be a resume token (a string)")
    resolved, resolved_hooks, write_options = resolve_options(
        options, hooks=hooks, graph=graph, write=write
    )
    setup = Setup(resolved, resolved_hooks, write_options, user_message, resume_from)
    if asynchronous or isinstance(stream, AsyncIterable):
        return AsyncRememberStream(client, stream, setup)
    # A sync stream is built only by a sync client (an async one always asks for asynchronous).
    return RememberStream(cast(StreamClient, client), stream, setup)
