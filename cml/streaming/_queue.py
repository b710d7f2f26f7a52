"""`AsyncQueue`: an asyncio queue that is also an async iterator with an end."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Generic, TypeVar

from ..exceptions import CMLError

__all__ = [
    "AsyncQueue",
    "QueueClosedError",
]

T = TypeVar("T")


class QueueClosedError(CMLError, RuntimeError):
    """An item was put on an `AsyncQueue` after `close()` or `error()`."""


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
