"""
Stream utilities for consuming an LLM's streamed answer: timeouts, length caps, batching, tee,
a bounded rolling window and a closable async queue.

Every stream utility takes either a sync iterable or an async iterable and answers in kind: an
`Iterator` for a sync stream, an `AsyncIterator` for an async one (an object offering both is
treated as async). Async code holding a sync stream converts it first with `aiter_any`, which
keeps a slow sync source off the event loop.

The utilities own the stream they are given. When they finish, fail, are closed early (`close()`
/ `aclose()`, or the consuming task is cancelled) they close it too: the iterator's and then the
stream object's own `close()` / `aclose()`, where those exist. A `for` loop that breaks does not
close an iterator by itself; use `contextlib.closing` / `contextlib.aclosing` (or rely on garbage
collection) when the source holds a connection.

Unlike the Cortex SDK's `with_stream_timeout`, which never times anything out, ours does, even
when the source blocks forever: see `with_stream_timeout`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import math
import queue
import threading
import time
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
)
from functools import partial
from typing import Any, Generic, Literal, TypeGuard, TypeVar, cast, overload

import attrs

from .._exceptions import CMLError
from .._logging import logger

__all__ = [
    "AsyncQueue",
    "AsyncTeeBranch",
    "BufferOverflowError",
    "QueueClosedError",
    "RollingContextWindow",
    "StreamTimeoutError",
    "StreamTooLongError",
    "TeeBranch",
    "aiter_any",
    "buffer_stream",
    "tee",
    "with_max_length",
    "with_stream_timeout",
]

T = TypeVar("T")


# --- Errors -------------------------------------------------------------------------------------


class StreamTimeoutError(CMLError, TimeoutError):
    """
    A stream went quiet for too long (`total` is False) or ran past its overall limit (True).

    A `TimeoutError`, so code that already handles timeouts handles this one too.
    """

    limit: float
    total: bool

    def __init__(self, limit: float, *, total: bool) -> None:
        what = "the stream ran longer than" if total else "no chunk arrived within"
        super().__init__(f"{what} {limit:g} s")
        self.limit = limit
        self.total = total


class StreamTooLongError(CMLError, ValueError):
    """The stream's text would pass `max_chars`; `length` is what it would have reached."""

    max_chars: int
    length: int

    def __init__(self, max_chars: int, length: int) -> None:
        super().__init__(f"the stream passed its limit of {max_chars} characters ({length})")
        self.max_chars = max_chars
        self.length = length


class BufferOverflowError(CMLError, RuntimeError):
    """A `tee` branch fell more than `max_buffer` items behind; its buffer was dropped."""


class QueueClosedError(CMLError, RuntimeError):
    """An item was put on an `AsyncQueue` after `close()` or `error()`."""


# --- Shared plumbing ----------------------------------------------------------------------------


class _End:
    """The marker for "the stream ended" wherever outcomes travel as plain objects."""


_END = _End()


@attrs.frozen
class _Failure:
    """An exception raised by the source, carried to the consumer to be raised there."""

    exc: BaseException


def _is_async(stream: object) -> TypeGuard[AsyncIterable[Any]]:
    return isinstance(stream, AsyncIterable)


def _owned(iterator: object, stream: object) -> list[object]:
    # The iterator first (it may be reading from the stream), then the stream if it differs.
    return [iterator] if iterator is None or iterator is stream else [iterator, stream]


def _close(iterator: object, stream: object) -> None:
    """Close what a sync utility owns: the iterator, then the stream object."""
    for owned in _owned(iterator, stream):
        close = getattr(owned, "close", None)
        if callable(close):
            close()


async def _aclose(iterator: object, stream: object) -> None:
    """Close what an async utility owns, preferring `aclose()`; a `close()` may be async too."""
    for owned in _owned(iterator, stream):
        aclose = getattr(owned, "aclose", None)
        close = aclose if callable(aclose) else getattr(owned, "close", None)
        if callable(close):
            result = close()
            if inspect.isawaitable(result):
                await result


def _raise_outcome(outcome: object) -> None:
    if isinstance(outcome, _Failure):
        raise outcome.exc


@attrs.define
class _CloseRequest:
    done: Callable[[BaseException | None], None]


class _ThreadPump:
    """
    Advances a sync iterator in a daemon thread, one item per `request`, never ahead of demand.

    The thread is the only one that touches the iterator, closing it included: a generator
    cannot be closed from another thread while it runs. So when the consumer leaves while the
    source is blocked, the close waits in the thread until the source returns, and if it never
    does, the daemon thread stays parked there (it does not keep the interpreter alive).
    """

    def __init__(self, stream: Iterable[Any]) -> None:
        self._stream = stream
        self._requests: queue.SimpleQueue[Callable[[object], None] | _CloseRequest]
        self._requests = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def request(self, deliver: Callable[[object], None]) -> None:
        """Ask for the next outcome: an item, `_END` or a `_Failure`, passed to `deliver`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cml-stream-pump", daemon=True)
            self._thread.start()
        self._requests.put(deliver)

    def close(self, done: Callable[[BaseException | None], None]) -> None:
        """Close the source (in the thread) and call `done` with the error `close()` raised."""
        if self._thread is None:
            error: BaseException | None = None
            try:
                _close(None, self._stream)
            except BaseException as exc:
                error = exc
            done(error)
        else:
            self._requests.put(_CloseRequest(done))

    def _run(self) -> None:
        iterator: Iterator[Any] | None = None
        while True:
            request = self._requests.get()
            if isinstance(request, _CloseRequest):
                request.done(self._close_source(iterator))
                return
            outcome: object
            try:
                if iterator is None:
                    iterator = iter(self._stream)
                item = next(iterator)
            except StopIteration:
                outcome = _END
            except BaseException as exc:
                outcome = _Failure(exc)
            else:
                request(item)
                continue
            close_error = self._close_source(iterator)
            if close_error is not None and outcome is _END:
                outcome = _Failure(close_error)
            request(outcome)
            return

    def _close_source(self, iterator: Iterator[Any] | None) -> BaseException | None:
        try:
            _close(iterator, self._stream)
        except BaseException as exc:
            return exc
        return None


def _resolve_threadsafe(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], value: Any
) -> None:
    """Hand a value from a worker thread to a future; harmless once nobody waits any more."""

    def resolve() -> None:
        if not future.done():
            future.set_result(value)

    with contextlib.suppress(RuntimeError):  # the loop is closed: the consumer is long gone
        loop.call_soon_threadsafe(resolve)


def _report_close_error(error: BaseException | None) -> None:
    # Used when nobody waits for a stalled source's close any more.
    if error is not None:
        logger.warning("closing a stream source failed: %r", error)


# --- aiter_any ----------------------------------------------------------------------------------

# Iterating these cannot block, so they need no worker thread.
_IN_MEMORY: tuple[type, ...] = (list, tuple, str, bytes, range, dict, set, frozenset, deque)


def aiter_any(stream: AsyncIterable[T] | Iterable[T]) -> AsyncGenerator[T, None]:
    """
    An async iterator over either kind of stream, for async code that may be given a sync one.

    Like the other utilities it owns the stream: `aclose()` closes it. An async iterable is
    passed through, a built-in collection walked inline. Any other sync iterable (a generator
    reading a socket, an SDK's blocking stream) is advanced in a worker thread, one item at a
    time, so a slow `next()` never blocks the event loop. One dedicated daemon thread per
    stream, rather than `asyncio.to_thread` per item: the iterator is always touched from the
    same thread, it can be closed there while the consumer is cancelled, and a source that
    never returns cannot hold up the loop's executor shutdown.
    """
    if _is_async(stream):
        return _aiter_owned(stream)
    sync_stream = cast(Iterable[T], stream)
    if type(sync_stream) in _IN_MEMORY:
        return _aiter_inline(sync_stream)
    return _aiter_threaded(sync_stream)


async def _aiter_owned(stream: AsyncIterable[T]) -> AsyncGenerator[T, None]:
    iterator = aiter(stream)
    try:
        async for item in iterator:
            yield item
    finally:
        await _aclose(iterator, stream)


async def _aiter_inline(stream: Iterable[T]) -> AsyncGenerator[T, None]:
    for item in stream:
        yield item


async def _aiter_threaded(stream: Iterable[T]) -> AsyncGenerator[T, None]:
    loop = asyncio.get_running_loop()
    pump = _ThreadPump(stream)
    waiting = finished = False
    try:
        while True:
            outcome_future: asyncio.Future[object] = loop.create_future()
            pump.request(partial(_resolve_threadsafe, loop, outcome_future))
            waiting = True
            outcome = await outcome_future
            waiting = False
            if outcome is _END or isinstance(outcome, _Failure):
                finished = True  # the pump has closed the source already
                _raise_outcome(outcome)
                return
            yield cast(T, outcome)
    finally:
        if not finished:
            if waiting:  # the source is busy in `next()`: it is closed when that returns
                pump.close(_report_close_error)
            else:
                closed: asyncio.Future[BaseException | None] = loop.create_future()
                pump.close(partial(_resolve_threadsafe, loop, closed))
                error = await closed
                if error is not None:
                    raise error


# --- with_stream_timeout ------------------------------------------------------------------------


def _limit(name: str, value: float | None) -> float | None:
    if value is None or value == math.inf:
        return None
    if not value > 0:  # also refuses NaN
        raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
    return float(value)


@attrs.define
class _Clock:
    """How long the next wait may last: the idle limit, or what is left of the total one."""

    idle: float | None
    total: float | None
    started: float | None = None

    def next_wait(self) -> tuple[float | None, bool]:
        """The wait and whether it is the total limit that bounds it (`None`: wait forever)."""
        now = time.monotonic()
        if self.started is None:
            self.started = now
        if self.total is None:
            return self.idle, False
        remaining = self.started + self.total - now
        if self.idle is None or remaining <= self.idle:
            return remaining, True
        return self.idle, False

    def expired(self, wait_was_total: bool) -> StreamTimeoutError:
        if wait_was_total:
            return StreamTimeoutError(cast(float, self.total), total=True)
        return StreamTimeoutError(cast(float, self.idle), total=False)


@overload
def with_stream_timeout(
    stream: AsyncIterable[T], seconds: float | None, *, total: float | None = None
) -> AsyncGenerator[T, None]: ...
@overload
def with_stream_timeout(
    stream: Iterable[T], seconds: float | None, *, total: float | None = None
) -> Generator[T, None, None]: ...
def with_stream_timeout(
    stream: AsyncIterable[T] | Iterable[T], seconds: float | None, *, total: float | None = None
) -> AsyncGenerator[T, None] | Generator[T, None, None]:
    """
    Raise `StreamTimeoutError` when no chunk arrives within `seconds` of asking for it (the
    idle limit between chunks), or when the stream as a whole runs past `total` seconds of wall
    time from the first request. Either limit may be `None` (or infinite) for none.

    The idle clock runs only while waiting on the source, not while the consumer handles a chunk.

    The limit holds even when the source blocks forever. Async: the wait on the next chunk is
    cancelled at the limit (a source that swallows cancellation can defeat that). Sync: the
    source runs in a daemon worker thread, one item per request, and the consumer waits on it
    with a timeout; a stalled source leaves that thread parked in its `next()`, where it closes
    the source if the call ever returns. Exceptions from the source propagate unchanged.

    Async code holding a sync stream passes `aiter_any(stream)`, which gets the same guarantee
    from the async form without blocking the event loop.
    """
    idle_limit = _limit("seconds", seconds)
    total_limit = _limit("total", total)
    if _is_async(stream):
        return _timeout_async(stream, _Clock(idle_limit, total_limit))
    return _timeout_sync(cast(Iterable[T], stream), _Clock(idle_limit, total_limit))


def _timeout_sync(stream: Iterable[T], clock: _Clock) -> Generator[T, None, None]:
    if clock.idle is None and clock.total is None:
        yield from _passthrough(stream)
        return
    pump = _ThreadPump(stream)
    outcomes: queue.SimpleQueue[object] = queue.SimpleQueue()
    waiting = finished = False
    try:
        while True:
            wait, wait_is_total = clock.next_wait()
            if wait is not None and wait <= 0:
                raise clock.expired(wait_is_total)
            pump.request(outcomes.put)
            waiting = True
            try:
                outcome = outcomes.get(timeout=wait)
            except queue.Empty:
                raise clock.expired(wait_is_total) from None
            waiting = False
            if outcome is _END or isinstance(outcome, _Failure):
                finished = True  # the pump has closed the source already
                _raise_outcome(outcome)
                return
            yield cast(T, outcome)
    finally:
        if not finished:
            if waiting:  # stalled or timed out: the thread closes the source if it ever returns
                pump.close(_report_close_error)
            else:
                closed: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
                pump.close(closed.put)
                error = closed.get()
                if error is not None:
                    raise error


def _passthrough(stream: Iterable[T]) -> Generator[T, None, None]:
    iterator = iter(stream)
    try:
        # Not `yield from`: on close it would close the iterator, and then `_close` again.
        for item in iterator:  # noqa: UP028
            yield item
    finally:
        _close(iterator, stream)


async def _timeout_async(stream: AsyncIterable[T], clock: _Clock) -> AsyncGenerator[T, None]:
    iterator = aiter(stream)
    try:
        while True:
            wait, wait_is_total = clock.next_wait()
            if wait is not None and wait <= 0:
                raise clock.expired(wait_is_total)
            scope = asyncio.timeout(wait)
            try:
                async with scope:
                    item = await anext(iterator)
            except StopAsyncIteration:
                return
            except TimeoutError:
                if scope.expired():
                    raise clock.expired(wait_is_total) from None
                raise  # the source's own TimeoutError, unchanged
            yield item
    finally:
        await _aclose(iterator, stream)


# --- with_max_length ----------------------------------------------------------------------------

OnExceed = Literal["raise", "truncate"]


@overload
def with_max_length(
    stream: AsyncIterable[str], max_chars: int, *, on_exceed: OnExceed = "raise"
) -> AsyncGenerator[str, None]: ...
@overload
def with_max_length(
    stream: Iterable[str], max_chars: int, *, on_exceed: OnExceed = "raise"
) -> Generator[str, None, None]: ...
def with_max_length(
    stream: AsyncIterable[str] | Iterable[str], max_chars: int, *, on_exceed: OnExceed = "raise"
) -> AsyncGenerator[str, None] | Generator[str, None, None]:
    """
    Cap a text stream at `max_chars` characters.

    `on_exceed="raise"`: pass chunks through while the total fits (exactly `max_chars` fits),
    then raise `StreamTooLongError` instead of the chunk that would pass the limit.
    `on_exceed="truncate"`: yield that chunk cut to fit (when anything of it fits) and stop,
    closing the source; the stream also stops as soon as the limit is reached exactly, so it
    does not wait on a chunk it would have to drop.
    """
    if max_chars < 0:
        raise ValueError(f"max_chars must be >= 0, not {max_chars}")
    if on_exceed not in ("raise", "truncate"):
        raise ValueError(f"on_exceed must be 'raise' or 'truncate', not {on_exceed!r}")
    if _is_async(stream):
        return _max_length_async(stream, max_chars, on_exceed == "truncate")
    return _max_length_sync(cast(Iterable[str], stream), max_chars, on_exceed == "truncate")


class _LengthCap:
    """The counting shared by both forms: what to yield of a chunk, and whether to go on."""

    def __init__(self, max_chars: int, truncate: bool) -> None:
        self.max_chars = max_chars
        self.truncate = truncate
        self.length = 0

    def admit(self, chunk: str) -> tuple[str, bool]:
        """The part of `chunk` to yield and whether the stream may continue after it."""
        room = self.max_chars - self.length
        if len(chunk) <= room:
            self.length += len(chunk)
            return chunk, not (self.truncate and self.length == self.max_chars)
        if not self.truncate:
            raise StreamTooLongError(self.max_chars, self.length + len(chunk))
        self.length = self.max_chars
        return chunk[:room], False


def _max_length_sync(
    stream: Iterable[str], max_chars: int, truncate: bool
) -> Generator[str, None, None]:
    cap = _LengthCap(max_chars, truncate)
    iterator = iter(stream)
    try:
        for chunk in iterator:
            part, go_on = cap.admit(chunk)
            if part or go_on:
                yield part
            if not go_on:
                return
    finally:
        _close(iterator, stream)


async def _max_length_async(
    stream: AsyncIterable[str], max_chars: int, truncate: bool
) -> AsyncGenerator[str, None]:
    cap = _LengthCap(max_chars, truncate)
    iterator = aiter(stream)
    try:
        async for chunk in iterator:
            part, go_on = cap.admit(chunk)
            if part or go_on:
                yield part
            if not go_on:
                return
    finally:
        await _aclose(iterator, stream)


# --- buffer_stream ------------------------------------------------------------------------------


@overload
def buffer_stream(stream: AsyncIterable[T], size: int) -> AsyncGenerator[list[T], None]: ...
@overload
def buffer_stream(stream: Iterable[T], size: int) -> Generator[list[T], None, None]: ...
def buffer_stream(
    stream: AsyncIterable[T] | Iterable[T], size: int
) -> AsyncGenerator[list[T], None] | Generator[list[T], None, None]:
    """
    Group chunks into lists of `size`, the last one shorter if the stream ends mid-group, so a
    consumer can act per batch (one store call per N chunks) instead of per chunk.
    """
    if size < 1:
        raise ValueError(f"size must be >= 1, not {size}")
    if _is_async(stream):
        return _buffer_async(stream, size)
    return _buffer_sync(cast(Iterable[T], stream), size)


def _buffer_sync(stream: Iterable[T], size: int) -> Generator[list[T], None, None]:
    iterator = iter(stream)
    try:
        batch: list[T] = []
        for item in iterator:
            batch.append(item)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch
    finally:
        _close(iterator, stream)


async def _buffer_async(stream: AsyncIterable[T], size: int) -> AsyncGenerator[list[T], None]:
    iterator = aiter(stream)
    try:
        batch: list[T] = []
        async for item in iterator:
            batch.append(item)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch
    finally:
        await _aclose(iterator, stream)


# --- tee ----------------------------------------------------------------------------------------


class _TeeState:
    """
    The buffers of every branch: `None` once a branch is closed or has overflowed.

    Items pulled from the source are appended to every open branch's buffer; a branch that
    falls more than `max_buffer` items behind loses its buffer and raises `BufferOverflowError`
    on its next read, so one slow branch neither stalls the others nor grows memory unbounded.
    The source's end and its exception are recorded once and seen by every branch, after the
    items it had buffered.
    """

    def __init__(self, n: int, max_buffer: int | None) -> None:
        self.buffers: list[deque[object] | None] = [deque() for _ in range(n)]
        self.overflowed = [False] * n
        self.max_buffer = max_buffer
        self.done = False

    def distribute(self, item: object) -> None:
        for index, buffer in enumerate(self.buffers):
            if buffer is None:
                continue
            buffer.append(item)
            if self.max_buffer is not None and len(buffer) > self.max_buffer:
                self.buffers[index] = None
                self.overflowed[index] = True

    def finish(self, failure: _Failure | None, *, raised_by: int | None = None) -> None:
        """The source ended; `failure` goes to every open branch but the one raising it."""
        self.done = True
        if failure is not None:
            for index, buffer in enumerate(self.buffers):
                if buffer is not None and index != raised_by:
                    buffer.append(failure)

    def all_closed(self) -> bool:
        return all(buffer is None for buffer in self.buffers)

    def take(self, index: int) -> tuple[bool, object]:
        """
        `(True, item)` from the branch's buffer (`_END` once it is exhausted or closed), or
        `(False, None)` when the source must be read; raises the source's error in its turn.
        """
        if self.overflowed[index]:
            raise BufferOverflowError(
                f"tee branch {index} fell more than {self.max_buffer} items behind"
            )
        buffer = self.buffers[index]
        if buffer is None:
            return True, _END
        if buffer:
            item = buffer.popleft()
            _raise_outcome(item)
            return True, item
        if self.done:
            return True, _END
        return False, None

    def close(self, index: int) -> bool:
        """Close one branch; True when that leaves no branch open (the source must close)."""
        self.buffers[index] = None
        self.overflowed[index] = False  # closed now: it just ends
        return self.all_closed()


class TeeBranch(Iterator[T]):
    """One of the iterators `tee` returns for a sync stream; `close()` it when leaving early."""

    def __init__(self, tee: _SyncTee[T], index: int) -> None:
        self._tee = tee
        self._index = index

    def __iter__(self) -> TeeBranch[T]:
        return self

    def __next__(self) -> T:
        return self._tee.next_for(self._index)

    def close(self) -> None:
        """Stop this branch; the last branch to close closes the source."""
        self._tee.close_branch(self._index)

    def __enter__(self) -> TeeBranch[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _SyncTee(Generic[T]):
    """The shared side of sync `tee`: whichever branch runs out of buffer reads the source."""

    def __init__(self, stream: Iterable[T], n: int, max_buffer: int | None) -> None:
        self._stream = stream
        self._iterator = iter(stream)
        self._state = _TeeState(n, max_buffer)
        self._closed = False

    def next_for(self, index: int) -> T:
        found, item = self._state.take(index)
        if not found:
            try:
                item = next(self._iterator)
            except StopIteration:
                self._state.finish(None)
                self._close_source()
                raise
            except BaseException as exc:
                self._state.finish(_Failure(exc), raised_by=index)
                self._close_source()
                raise
            self._state.distribute(item)
            found, item = self._state.take(index)
        if item is _END:
            raise StopIteration
        return cast(T, item)

    def close_branch(self, index: int) -> None:
        if self._state.close(index):
            self._close_source()

    def _close_source(self) -> None:
        if not self._closed:
            self._closed = True
            _close(self._iterator, self._stream)


class AsyncTeeBranch(AsyncIterator[T]):
    """One of the iterators `tee` returns for an async stream; `aclose()` it when leaving early."""

    def __init__(self, tee: _AsyncTee[T], index: int) -> None:
        self._tee = tee
        self._index = index

    def __aiter__(self) -> AsyncTeeBranch[T]:
        return self

    async def __anext__(self) -> T:
        return await self._tee.next_for(self._index)

    async def aclose(self) -> None:
        """Stop this branch; the last branch to close closes the source."""
        await self._tee.close_branch(self._index)

    async def __aenter__(self) -> AsyncTeeBranch[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class _AsyncTee(Generic[T]):
    """
    The shared side of async `tee`: one pull task at a time reads the source for all branches.

    The read runs in its own task, and branches wait on it with `asyncio.wait` (which never
    cancels what it waits on), so cancelling one branch's consumer cannot cancel the read the
    other branches are waiting for. Nothing runs when no branch is asking.
    """

    def __init__(self, stream: AsyncIterable[T], n: int, max_buffer: int | None) -> None:
        self._stream = stream
        self._iterator = aiter(stream)
        self._state = _TeeState(n, max_buffer)
        self._pull: asyncio.Task[None] | None = None
        self._closed = False

    async def next_for(self, index: int) -> T:
        while True:
            found, item = self._state.take(index)
            if found:
                if item is _END:
                    raise StopAsyncIteration
                return cast(T, item)
            if self._pull is None:
                self._pull = asyncio.create_task(self._read_one())
            await asyncio.wait([self._pull])

    async def _read_one(self) -> None:
        try:
            item = await anext(self._iterator)
        except StopAsyncIteration:
            self._state.finish(None)
        except Exception as exc:
            self._state.finish(_Failure(exc))
        else:
            self._state.distribute(item)
        finally:
            self._pull = None
        if self._state.done or self._state.all_closed():  # ended, or every branch overflowed
            await self._close_source()

    async def close_branch(self, index: int) -> None:
        if self._state.close(index):
            pull = self._pull
            if pull is not None:
                pull.cancel()
                await asyncio.wait([pull])
            await self._close_source()

    async def _close_source(self) -> None:
        if not self._closed:
            self._closed = True
            await _aclose(self._iterator, self._stream)


@overload
def tee(
    stream: AsyncIterable[T], n: int = 2, *, max_buffer: int | None = None
) -> tuple[AsyncTeeBranch[T], ...]: ...
@overload
def tee(
    stream: Iterable[T], n: int = 2, *, max_buffer: int | None = None
) -> tuple[TeeBranch[T], ...]: ...
def tee(
    stream: AsyncIterable[T] | Iterable[T], n: int = 2, *, max_buffer: int | None = None
) -> tuple[AsyncTeeBranch[T], ...] | tuple[TeeBranch[T], ...]:
    """
    Split one stream into `n` independent branches that each see every item, for example one
    to show the user and one to remember.

    Branches may be read at different speeds; items one branch has not read yet are buffered
    for it. With `max_buffer=None` that buffer is unbounded; with a number, a branch that falls
    more than `max_buffer` items behind raises `BufferOverflowError` and the others go on.
    Closing a branch (`close()` / `aclose()`, or `with` / `async with`) frees its buffer without
    disturbing the others; closing the last one closes the source. Exceptions from the source
    reach every branch, after the items before them. Branches are not thread-safe.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, not {n}")
    if max_buffer is not None and max_buffer < 1:
        raise ValueError(f"max_buffer must be >= 1 or None, not {max_buffer}")
    if _is_async(stream):
        async_tee = _AsyncTee(cast(AsyncIterable[T], stream), n, max_buffer)
        return tuple(AsyncTeeBranch(async_tee, index) for index in range(n))
    sync_tee = _SyncTee(cast(Iterable[T], stream), n, max_buffer)
    return tuple(TeeBranch(sync_tee, index) for index in range(n))


# --- RollingContextWindow -----------------------------------------------------------------------


class RollingContextWindow:
    """
    The most recent `max_chars` characters of a text stream, in memory bounded by `max_chars`
    however long the stream runs (Cortex's "memory efficiency" promise, kept).

    Pieces are kept in a deque as given; characters that fell out of the window are dropped by
    popping whole pieces from the left and remembering an offset into the first one, so an
    append costs O(1) amortised (no re-slicing of a large piece for each small one). Many tiny
    pieces are joined now and then, keeping the per-piece overhead in proportion too.
    """

    __slots__ = ("_compact_at", "_head", "_max_chars", "_pieces", "_size", "_total")

    def __init__(self, max_chars: int) -> None:
        if max_chars < 1:
            raise ValueError(f"max_chars must be >= 1, not {max_chars}")
        self._max_chars = max_chars
        self._pieces: deque[str] = deque()
        self._head = 0  # characters of `_pieces[0]` already out of the window
        self._size = 0  # characters in the window
        self._total = 0
        # Joining costs O(max_chars); doing it every max_chars/16 pieces keeps it O(1) a piece.
        self._compact_at = max(64, max_chars // 16)

    @property
    def max_chars(self) -> int:
        return self._max_chars

    @property
    def total_chars(self) -> int:
        """Every character appended since creation or the last `clear()`."""
        return self._total

    @property
    def text(self) -> str:
        """The window: the last `max_chars` characters appended (fewer until that many came)."""
        self._compact()
        return self._pieces[0] if self._pieces else ""

    def __len__(self) -> int:
        return self._size

    def append(self, piece: str) -> None:
        """Add the next piece of text; the oldest characters leave the window as needed."""
        if not piece:
            return
        self._total += len(piece)
        if len(piece) >= self._max_chars:
            # It fills the window on its own: keep only its tail, never the whole piece.
            self._pieces.clear()
            self._pieces.append(piece[-self._max_chars :])
            self._head = 0
            self._size = self._max_chars
            return
        self._pieces.append(piece)
        self._size += len(piece)
        excess = self._size - self._max_chars
        while excess > 0:
            available = len(self._pieces[0]) - self._head
            if available <= excess:
                self._pieces.popleft()
                self._head = 0
                self._size -= available
                excess -= available
            else:
                self._head += excess
                self._size -= excess
                excess = 0
        if len(self._pieces) > self._compact_at:
            self._compact()

    def _compact(self) -> None:
        """Join the window into one piece (`text` then costs nothing until the next append)."""
        if len(self._pieces) != 1 or self._head:
            joined = "".join(self._pieces)[self._head :]
            self._pieces.clear()
            if joined:
                self._pieces.append(joined)
            self._head = 0

    def clear(self) -> None:
        """Empty the window and reset `total_chars`."""
        self._pieces.clear()
        self._head = self._size = self._total = 0

    def __repr__(self) -> str:
        return (
            f"RollingContextWindow(max_chars={self._max_chars}, size={self._size}, "
            f"total_chars={self._total})"
        )


# --- AsyncQueue ---------------------------------------------------------------------------------


class AsyncQueue(Generic[T]):
    """
    An asyncio queue that is also an async iterator with an end: producers `put`, then
    `close()` (or `error(exc)`), and `async for item in queue` drains what was queued and stops
    (or raises `exc`). `asyncio.Queue` alone has no way to say "no more items".

    `maxsize` > 0 bounds the queue: `put` waits for room, which slows a fast producer down to
    the consumer's pace. Producers in other threads use `put_threadsafe`, and close with
    `loop.call_soon_threadsafe(queue.close)`. Like `asyncio.Queue`, not bound to a loop until
    used; all other methods must be called on the loop's thread.
    """

    def __init__(self, maxsize: int = 0) -> None:
        self._maxsize = maxsize
        self._items: deque[T] = deque()
        self._getters: deque[asyncio.Future[None]] = deque()
        self._putters: deque[asyncio.Future[None]] = deque()
        self._closed = False
        self._error: BaseException | None = None

    @property
    def maxsize(self) -> int:
        return self._maxsize

    @property
    def closed(self) -> bool:
        return self._closed

    def qsize(self) -> int:
        return len(self._items)

    def full(self) -> bool:
        return 0 < self._maxsize <= len(self._items)

    async def put(self, item: T) -> None:
        """Queue `item`, waiting for room when the queue is full; `QueueClosedError` if closed."""
        while self.full() and not self._closed:
            await self._wait(self._putters)
        self.put_nowait(item)

    def put_nowait(self, item: T) -> None:
        """Queue `item` at once: `asyncio.QueueFull` if full, `QueueClosedError` if closed."""
        if self._closed:
            raise QueueClosedError("put on a closed AsyncQueue")
        if self.full():
            raise asyncio.QueueFull
        self._items.append(item)
        _wake_one(self._getters)

    def put_threadsafe(
        self, item: T, loop: asyncio.AbstractEventLoop, *, timeout: float | None = None
    ) -> None:
        """
        `put` from another thread: blocks that thread until the item is queued on `loop`
        (backpressure for threads), raising what `put` raises, or `TimeoutError` after `timeout`.
        """
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            raise RuntimeError("put_threadsafe would block its own event loop; await put()")
        future = asyncio.run_coroutine_threadsafe(self.put(item), loop)
        try:
            future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def close(self) -> None:
        """No more items: consumers stop once drained; waiting producers get `QueueClosedError`."""
        self._closed = True
        _wake_all(self._getters)
        _wake_all(self._putters)

    def error(self, exc: BaseException) -> None:
        """Close the queue so that consumers raise `exc` once they have drained it."""
        if not self._closed:
            self._error = exc
        self.close()

    def __aiter__(self) -> AsyncQueue[T]:
        return self

    async def __anext__(self) -> T:
        while not self._items:
            if self._closed:
                if self._error is not None:
                    raise self._error
                raise StopAsyncIteration
            await self._wait(self._getters)
        item = self._items.popleft()
        _wake_one(self._putters)
        return item

    async def _wait(self, waiters: deque[asyncio.Future[None]]) -> None:
        waiter = asyncio.get_running_loop().create_future()
        waiters.append(waiter)
        try:
            await waiter
        except BaseException:
            waiter.cancel()
            if waiter in waiters:
                waiters.remove(waiter)
            elif not waiter.cancelled():
                # We were woken and cancelled at once: pass the wake-up on, or it is lost.
                _wake_one(waiters)
            raise


def _wake_one(waiters: deque[asyncio.Future[None]]) -> None:
    while waiters:
        waiter = waiters.popleft()
        if not waiter.done():
            waiter.set_result(None)
            return


def _wake_all(waiters: deque[asyncio.Future[None]]) -> None:
    while waiters:
        waiter = waiters.popleft()
        if not waiter.done():
            waiter.set_result(None)
