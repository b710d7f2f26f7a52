"""
Owning a stream: closing what a utility took over (the iterator, then the stream object), and
reading a sync stream from a worker thread so that async code never blocks on it (`aiter_any`).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import queue
import threading
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Iterable, Iterator
from functools import partial
from typing import Any, TypeGuard, TypeVar, cast

import attrs

logger = logging.getLogger("cml")  # the SDK's one logger (see cml.configure_logging)

__all__ = [
    "END",
    "EndOfStream",
    "Failure",
    "ThreadPump",
    "aclose_owned",
    "aiter_any",
    "close_owned",
    "is_async",
    "raise_outcome",
    "report_close_error",
    "resolve_threadsafe",
]

T = TypeVar("T")


class EndOfStream:
    """The marker for "the stream ended" wherever outcomes travel as plain objects."""


END = EndOfStream()


@attrs.frozen
class Failure:
    """An exception raised by the source, carried to the consumer to be raised there."""

    exc: BaseException


def is_async(stream: object) -> TypeGuard[AsyncIterable[Any]]:
    return isinstance(stream, AsyncIterable)


def _owned(iterator: object, stream: object) -> list[object]:
    # The iterator first (it may be reading from the stream), then the stream if it differs.
    return [iterator] if iterator is None or iterator is stream else [iterator, stream]


def close_owned(iterator: object, stream: object) -> None:
    """Close what a sync utility owns: the iterator, then the stream object."""
    for owned in _owned(iterator, stream):
        close = getattr(owned, "close", None)
        if callable(close):
            close()


async def aclose_owned(iterator: object, stream: object) -> None:
    """Close what an async utility owns, preferring `aclose()`; a `close()` may be async too."""
    for owned in _owned(iterator, stream):
        aclose = getattr(owned, "aclose", None)
        close = aclose if callable(aclose) else getattr(owned, "close", None)
        if callable(close):
            result = close()
            if inspect.isawaitable(result):
                await result


def raise_outcome(outcome: object) -> None:
    if isinstance(outcome, Failure):
        raise outcome.exc


@attrs.define
class _CloseRequest:
    done: Callable[[BaseException | None], None]


class ThreadPump:
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
        """Ask for the next outcome: an item, `END` or a `Failure`, passed to `deliver`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cml-stream-pump", daemon=True)
            self._thread.start()
        self._requests.put(deliver)

    def close(self, done: Callable[[BaseException | None], None]) -> None:
        """Close the source (in the thread) and call `done` with the error `close()` raised."""
        if self._thread is None:
            error: BaseException | None = None
            try:
                close_owned(None, self._stream)
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
                outcome = END
            except BaseException as exc:
                outcome = Failure(exc)
            else:
                request(item)
                continue
            close_error = self._close_source(iterator)
            if close_error is not None and outcome is END:
                outcome = Failure(close_error)
            request(outcome)
            return

    def _close_source(self, iterator: Iterator[Any] | None) -> BaseException | None:
        try:
            close_owned(iterator, self._stream)
        except BaseException as exc:
            return exc
        return None


def resolve_threadsafe(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], value: Any
) -> None:
    """Hand a value from a worker thread to a future; harmless once nobody waits any more."""

    def resolve() -> None:
        if not future.done():
            future.set_result(value)

    with contextlib.suppress(RuntimeError):  # the loop is closed: the consumer is long gone
        loop.call_soon_threadsafe(resolve)


def report_close_error(error: BaseException | None) -> None:
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
    if is_async(stream):
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
        await aclose_owned(iterator, stream)


async def _aiter_inline(stream: Iterable[T]) -> AsyncGenerator[T, None]:
    for item in stream:
        yield item


async def _aiter_threaded(stream: Iterable[T]) -> AsyncGenerator[T, None]:
    loop = asyncio.get_running_loop()
    pump = ThreadPump(stream)
    waiting = finished = False
    try:
        while True:
            outcome_future: asyncio.Future[object] = loop.create_future()
            pump.request(partial(resolve_threadsafe, loop, outcome_future))
            waiting = True
            outcome = await outcome_future
            waiting = False
            if outcome is END or isinstance(outcome, Failure):
                finished = True  # the pump has closed the source already
                raise_outcome(outcome)
                return
            yield cast(T, outcome)
    finally:
        if not finished:
            if waiting:  # the source is busy in `next()`: it is closed when that returns
                pump.close(report_close_error)
            else:
                closed: asyncio.Future[BaseException | None] = loop.create_future()
                pump.close(partial(resolve_threadsafe, loop, closed))
                error = await closed
                if error is not None:
                    raise error
