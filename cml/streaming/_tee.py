"""`tee`: split one stream into branches that each see every item, at their own pace."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Generic, TypeVar, cast, overload

from ..exceptions import CMLError
from ._sources import END, Failure, aclose_owned, close_owned, is_async, raise_outcome

__all__ = [
    "AsyncTeeBranch",
    "BufferOverflowError",
    "TeeBranch",
    "tee",
]

T = TypeVar("T")


class BufferOverflowError(CMLError, RuntimeError):
    """A `tee` branch fell more than `max_buffer` items behind; its buffer was dropped."""


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

    def finish(self, failure: Failure | None, *, raised_by: int | None = None) -> None:
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
        `(True, item)` from the branch's buffer (`END` once it is exhausted or closed), or
        `(False, None)` when the source must be read; raises the source's error in its turn.
        """
        if self.overflowed[index]:
            raise BufferOverflowError(
                f"tee branch {index} fell more than {self.max_buffer} items behind"
            )
        buffer = self.buffers[index]
        if buffer is None:
            return True, END
        if buffer:
            item = buffer.popleft()
            raise_outcome(item)
            return True, item
        if self.done:
            return True, END
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
                self._state.finish(Failure(exc), raised_by=index)
                self._close_source()
                raise
            self._state.distribute(item)
            found, item = self._state.take(index)
        if item is END:
            raise StopIteration
        return cast(T, item)

    def close_branch(self, index: int) -> None:
        if self._state.close(index):
            self._close_source()

    def _close_source(self) -> None:
        if not self._closed:
            self._closed = True
            close_owned(self._iterator, self._stream)


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
                if item is END:
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
            self._state.finish(Failure(exc))
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
            await aclose_owned(self._iterator, self._stream)


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
    if is_async(stream):
        async_tee = _AsyncTee(cast(AsyncIterable[T], stream), n, max_buffer)
        return tuple(AsyncTeeBranch(async_tee, index) for index in range(n))
    sync_tee = _SyncTee(cast(Iterable[T], stream), n, max_buffer)
    return tuple(TeeBranch(sync_tee, index) for index in range(n))
