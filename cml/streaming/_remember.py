"""
`remember_stream`: hand an LLM's streamed answer to the caller chunk by chunk while remembering
it in the background. This module holds the drivers; the work is split in layers:

* `_intake.Intake`, the delivery side, in the caller's thread or task: reads a chunk's text,
  counts it, enforces the length limit, puts it in an outbox and decides when the background
  worker must wake up. O(1) a chunk (about 2 us), no I/O, so chunks reach the caller as fast as
  the source gives them. The worker starts after the first chunk has been handed over.
* `_processor.Processor`, the storage side's logic, without I/O: it turns text into storage
  operations (`_ops`: `WriteOp`, `UpdateOp`, `GraphOp`, ...), decides retries and rollbacks,
  and builds the result. Each piece of work is a generator that yields operations and receives
  their results, so the same logic runs under a thread (sync) and under a task (async): only
  waiting differs.
* the drivers, here: `RememberStream` (a worker thread) and `AsyncRememberStream` (a worker
  task), which perform the operations on the client and feed the results back.

How an exchange is stored (the layout of `turn()`): the user message is one memory (tags
`conversation`, `user_input`), the answer another (`conversation`, `assistant_response`), with
metadata `stream_id`, `role`, `partial` and `user_memory_id`. A chunked answer's memory is the
head of its chunk memories (each a single record with metadata `stream_chunk`: index, start,
end, previous chunk id and the whitespace before it); `_reassembly` reads them back in order.
Facts are `semantic_fact` memories with metadata `answer_memory_id`, each stored once.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import queue
import threading
import time
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
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NoReturn, TypeVar
from uuid import UUID

import attrs

from ._events import (
    RememberStreamResult,
    ResumableStreamError,
    StreamCancelledError,
)
from ._intake import (
    Intake,
)
from ._length import StreamTooLongError
from ._ops import (
    End,
    HookOp,
    Message,
    Tick,
    Wake,
)
from ._options import StreamHooks, StreamingOptions, WriteOptions, resolve_options
from ._processor import (
    Processor,
    perform,
    perform_async,
)
from ._resume import (
    ResumeState,
    ResumeTokenStore,
    SQLiteResumeTokenStore,
    default_resume_store,
    new_resume_token,
    take_resume_state,
)
from ._sources import aiter_any
from ._timeout import with_stream_timeout

if TYPE_CHECKING:
    pass

__all__ = ["AsyncRememberStream", "RememberStream", "open_remember_stream"]

logger = logging.getLogger("cml")  # the SDK's one logger (see cml.configure_logging)


T = TypeVar("T")


# --- shared set-up ------------------------------------------------------------------------------


@attrs.frozen
class _Setup:
    """One call's arguments, checked; nothing is done until the stream is iterated."""

    options: StreamingOptions
    hooks: StreamHooks
    write: WriteOptions
    user_message: str
    resume_from: str | None


def _store_of(options: StreamingOptions) -> tuple[ResumeTokenStore, Callable[[], None]]:
    """The resume token store, and how to release it when the stream is done (a file store
    opened for this stream is closed; a given or shared one is left open)."""
    if options.resume_store is not None:
        return options.resume_store, _nothing
    if options.resume_store_path is not None:
        store = SQLiteResumeTokenStore(options.resume_store_path)
        return store, store.close
    return default_resume_store(), _nothing


def _nothing() -> None:
    pass


def _graph_of(client: Any, options: StreamingOptions) -> tuple[Any, bool, BaseException | None]:
    """The graph to sync (given, else the embedded store's own file), whether the stream owns
    it (and closes it), and the error that kept the default one from opening."""
    if options.graph is not None:
        return options.graph, False, None
    if not (options.sync_to_graph or options.progressive_graph_sync):
        return None, False, None
    engine = getattr(client, "engine", None)
    path = getattr(getattr(engine, "store", None), "path", None)
    if not isinstance(path, str) or path == ":memory:":
        return None, False, None  # HTTP mode, or a throwaway store no other connection sees
    try:
        from ..graph.sqlite import SQLiteGraphSync

        return SQLiteGraphSync(path), True, None
    except Exception as exc:
        return None, False, exc


def _begin(
    client: Any, setup: _Setup, store: ResumeTokenStore, resume: ResumeState | None
) -> tuple[Intake, Processor, Any, bool]:
    options = setup.options
    write = setup.write
    if resume is not None:
        write = WriteOptions.from_json(resume.write_options).merged(attrs.asdict(setup.write))
    intake = Intake(
        options,
        setup.hooks,
        prefix=None if resume is None or resume.chunked else resume.text,
        prefix_chars=0 if resume is None else resume.total_length,
        chunk_base=0 if resume is None else resume.chunks_delivered,
    )
    graph, owns_graph, graph_error = _graph_of(client, options)
    processor = Processor(
        options=options,
        hooks=setup.hooks,
        write=write,
        user_message=setup.user_message,
        tenant=client.tenant_id,
        graph=graph,
        graph_error=graph_error,
        store=store,
        intake=intake,
        resume=resume,
        resumed_from=setup.resume_from,
    )
    return intake, processor, graph, owns_graph


def _close_graph(graph: Any, owned: bool) -> None:
    if owned and graph is not None:
        try:
            graph.close()
        except Exception:
            logger.warning("closing the stream's graph failed", exc_info=True)


# --- the sync driver ----------------------------------------------------------------------------


class _SyncWorker:
    """The worker thread: empties the outbox, performs the processor's operations, retries."""

    def __init__(
        self, client: Any, processor: Processor, intake: Intake, graph: Any, owns_graph: bool
    ) -> None:
        self.client = client
        self.processor = processor
        self.intake = intake
        self.graph = graph
        self.owns_graph = owns_graph
        self.inbox: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self.run, name="cml-remember-stream", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None

    def run(self) -> None:
        processor = self.processor
        try:
            self._drain()
            while True:
                due = processor.due_at()
                message: Message | None
                try:
                    message = self.inbox.get(
                        timeout=None if due is None else max(0.0, due - processor.clock())
                    )
                except queue.Empty:
                    message = None
                text = self.intake.take(processor.clock())
                if text.pieces or text.events:
                    processor.handle(text)
                if message is None:
                    processor.timer()
                elif not isinstance(message, Wake):
                    processor.handle(message)
                self._drain()
                if isinstance(message, End):
                    return
        except BaseException:  # a bug: never leave the caller waiting on a dead worker
            logger.exception("the remember_stream worker failed")
        finally:
            self.intake.close()
            _close_graph(self.graph, self.owns_graph)
            if self._loop is not None:
                self._loop.close()

    def _drain(self) -> None:
        processor = self.processor
        while (op := processor.next_op()) is not None:
            if isinstance(op, HookOp):
                self._call_hook(op)
                continue
            attempt = 0
            while True:
                try:
                    result = perform(self.client, op)
                except Exception as exc:
                    delay = processor.failed(exc, attempt)
                    if delay is None:
                        break
                    time.sleep(delay)
                    attempt += 1
                else:
                    processor.succeeded(result)
                    break

    def _call_hook(self, op: HookOp) -> None:
        try:
            outcome = op.hook(op.event)
            if inspect.isawaitable(outcome):
                if self._loop is None:
                    self._loop = asyncio.new_event_loop()
                self._loop.run_until_complete(_awaited(outcome))
        except Exception as exc:
            self.processor.hook_failed(op, exc)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _abandon(worker: _SyncWorker, clock: Callable[[], float]) -> None:
    # The caller dropped an unfinished stream: let the worker store what arrived and stop.
    if not worker.thread.is_alive() and worker.thread.ident is None:
        worker.thread.start()
    worker.inbox.put(End(clock(), StreamCancelledError("the stream was abandoned before its end")))


def _closing(
    setup: _Setup, processor: Processor, intake: Intake, error: BaseException | None, now: float
) -> End:
    """The worker's last message: a resume token only for a failed stream that can resume."""
    resumable = (
        error is not None
        and setup.options.generate_resume_token
        and processor.strategy != "rollback"
    )
    token = new_resume_token() if resumable else None
    return End(now, error, token, intake.full_response())


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

    def __init__(self, client: Any, stream: Iterable[T], setup: _Setup) -> None:
        self._client = client
        self._source = stream
        self._setup = setup
        self._clock = setup.options.clock
        self._iterator: Iterator[T] | None = None
        self._intake: Intake | None = None
        self._processor: Processor | None = None
        self._worker: _SyncWorker | None = None
        self._release_store: Callable[[], None] = _nothing
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
        store, self._release_store = _store_of(options)
        resume = None
        if setup.resume_from is not None:
            try:
                resume = take_resume_state(store, setup.resume_from)
            except BaseException:
                self._finished = True
                self._release_store()
                raise
        intake, processor, graph, owns_graph = _begin(self._client, setup, store, resume)
        worker = _SyncWorker(self._client, processor, intake, graph, owns_graph)
        self._intake, self._processor, self._worker = intake, processor, worker
        intake.metrics.start(self._clock())
        iterator: Iterator[T] = iter(self._source)
        if options.total_timeout is not None or options.chunk_timeout is not None:
            iterator = with_stream_timeout(
                self._source, options.chunk_timeout, total=options.total_timeout
            )
        self._iterator = iterator
        self._finalizer = weakref.finalize(self, _abandon, worker, self._clock)
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
        end = _closing(self._setup, processor, intake, error, self._clock())
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


# --- the async driver ---------------------------------------------------------------------------


class _AsyncWorker:
    """The worker task; storage calls are awaited (async client) or run in threads (sync)."""

    def __init__(
        self, client: Any, processor: Processor, intake: Intake, graph: Any, owns_graph: bool
    ) -> None:
        self.client = client
        self.native = inspect.iscoroutinefunction(getattr(client, "write", None))
        self.processor = processor
        self.intake = intake
        self.graph = graph
        self.owns_graph = owns_graph
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.room = asyncio.Event()  # set whenever the outbox was emptied

    async def run(self) -> None:
        processor = self.processor
        getter: asyncio.Future[Message] | None = None
        try:
            await self._drain()
            while True:
                if getter is None:
                    getter = asyncio.ensure_future(self.inbox.get())
                due = processor.due_at()
                timeout = None if due is None else max(0.0, due - processor.clock())
                # The pending get is kept across timeouts, so no message is ever lost.
                done, _ = await asyncio.wait({getter}, timeout=timeout)
                message: Message | None = None
                if done:
                    message = getter.result()
                    getter = None
                text = self.intake.take(processor.clock())
                self.room.set()
                if text.pieces or text.events:
                    processor.handle(text)
                if message is None:
                    processor.timer()
                elif not isinstance(message, Wake):
                    processor.handle(message)
                await self._drain()
                if isinstance(message, End):
                    return
        except Exception:
            logger.exception("the remember_stream worker failed")
        finally:
            if getter is not None:
                getter.cancel()
            self.intake.close()
            self.room.set()
            if self.owns_graph and self.graph is not None:
                await asyncio.to_thread(_close_graph, self.graph, True)

    async def _drain(self) -> None:
        processor = self.processor
        while (op := processor.next_op()) is not None:
            if isinstance(op, HookOp):
                await self._call_hook(op)
                continue
            attempt = 0
            while True:
                try:
                    result = await perform_async(self.client, op, native=self.native)
                except Exception as exc:
                    delay = processor.failed(exc, attempt)
                    if delay is None:
                        break
                    await asyncio.sleep(delay)
                    attempt += 1
                else:
                    processor.succeeded(result)
                    break

    async def _call_hook(self, op: HookOp) -> None:
        try:
            outcome = op.hook(op.event)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception as exc:
            self.processor.hook_failed(op, exc)


def _abandon_async(
    loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue[Message], clock: Callable[[], float]
) -> None:
    end = End(clock(), StreamCancelledError("the stream was abandoned before its end"))
    with contextlib.suppress(RuntimeError):  # the loop is closed: nothing is left to store
        loop.call_soon_threadsafe(inbox.put_nowait, end)


class AsyncRememberStream(_StreamView, AsyncIterator[T], Generic[T]):
    """
    The async twin of `RememberStream`: `async for chunk in stream` gets each chunk as it
    arrives while a background task remembers it; `await stream` (or `await stream.consume()`)
    drains it and returns the `RememberStreamResult`; `result` holds it after the last chunk.

    A sync source given to an async stream is read in a worker thread (`aiter_any`), so a
    blocking source never stalls the event loop.
    """

    _finish_hint = "iterate it, or await it"

    def __init__(self, client: Any, stream: Iterable[T] | AsyncIterable[T], setup: _Setup) -> None:
        self._client = client
        self._source = stream
        self._setup = setup
        self._clock = setup.options.clock
        self._iterator: AsyncIterator[T] | None = None
        self._intake: Intake | None = None
        self._processor: Processor | None = None
        self._worker: _AsyncWorker | None = None
        self._release_store: Callable[[], None] = _nothing
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
        store, self._release_store = _store_of(options)
        resume = None
        if setup.resume_from is not None:
            try:
                resume = await asyncio.to_thread(take_resume_state, store, setup.resume_from)
            except BaseException:
                self._finished = True
                self._release_store()
                raise
        intake, processor, graph, owns_graph = _begin(self._client, setup, store, resume)
        worker = _AsyncWorker(self._client, processor, intake, graph, owns_graph)
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
            self, _abandon_async, asyncio.get_running_loop(), worker.inbox, self._clock
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
        end = _closing(self._setup, processor, intake, error, self._clock())
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


# --- entry point --------------------------------------------------------------------------------


def open_remember_stream(
    client: Any,
    stream: Iterable[Any] | AsyncIterable[Any],
    *,
    asynchronous: bool,
    user_message: str,
    options: Any,
    hooks: Any,
    graph: Any,
    resume_from: str | None,
    write: Mapping[str, Any],
) -> RememberStream[Any] | AsyncRememberStream[Any]:
    """Check the arguments and build the stream (nothing runs before iteration)."""
    from ..exceptions import InvalidRequestError

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
    setup = _Setup(resolved, resolved_hooks, write_options, user_message, resume_from)
    if asynchronous or isinstance(stream, AsyncIterable):
        return AsyncRememberStream(client, stream, setup)
    return RememberStream(client, stream, setup)
