"""`with_stream_timeout`: idle and total time limits that hold even when the source blocks.

Unlike the Cortex SDK's `with_stream_timeout`, which never times anything out, this one does.
"""

from __future__ import annotations

import asyncio
import math
import queue
import time
from collections.abc import AsyncGenerator, AsyncIterable, Generator, Iterable
from datetime import timedelta
from typing import TypeVar, cast, overload

import attrs

from ..exceptions import CMLError
from ._sources import (
    END,
    Failure,
    ThreadPump,
    aclose_owned,
    close_owned,
    is_async,
    raise_outcome,
    report_close_error,
)

__all__ = [
    "StreamTimeoutError",
    "with_stream_timeout",
]

T = TypeVar("T")


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


def _limit(name: str, value: float | timedelta | None) -> float | None:
    if isinstance(value, timedelta):
        value = value.total_seconds()
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
    stream: AsyncIterable[T],
    seconds: float | timedelta | None,
    *,
    total: float | timedelta | None = None,
) -> AsyncGenerator[T, None]: ...
@overload
def with_stream_timeout(
    stream: Iterable[T],
    seconds: float | timedelta | None,
    *,
    total: float | timedelta | None = None,
) -> Generator[T, None, None]: ...
def with_stream_timeout(
    stream: AsyncIterable[T] | Iterable[T],
    seconds: float | timedelta | None,
    *,
    total: float | timedelta | None = None,
) -> AsyncGenerator[T, None] | Generator[T, None, None]:
    """
    Raise `StreamTimeoutError` when no chunk arrives within `seconds` of asking for it (the
    idle limit between chunks), or when the stream as a whole runs past `total` seconds of wall
    time from the first request. Both are seconds (or `datetime.timedelta`s); either may be
    `None` (or infinite) for none.

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
    if is_async(stream):
        return _timeout_async(stream, _Clock(idle_limit, total_limit))
    return _timeout_sync(cast(Iterable[T], stream), _Clock(idle_limit, total_limit))


def _timeout_sync(stream: Iterable[T], clock: _Clock) -> Generator[T, None, None]:
    if clock.idle is None and clock.total is None:
        yield from _passthrough(stream)
        return
    pump = ThreadPump(stream)
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
            if outcome is END or isinstance(outcome, Failure):
                finished = True  # the pump has closed the source already
                raise_outcome(outcome)
                return
            yield cast(T, outcome)
    finally:
        if not finished:
            if waiting:  # stalled or timed out: the thread closes the source if it ever returns
                pump.close(report_close_error)
            else:
                closed: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
                pump.close(closed.put)
                error = closed.get()
                if error is not None:
                    raise error


def _passthrough(stream: Iterable[T]) -> Generator[T, None, None]:
    iterator = iter(stream)
    try:
        # Not `yield from`: on close it would close the iterator, and then `close_owned` again.
        for item in iterator:  # noqa: UP028
            yield item
    finally:
        close_owned(iterator, stream)


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
        await aclose_owned(iterator, stream)
