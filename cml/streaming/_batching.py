"""`buffer_stream`: group a stream's chunks into lists of a given size."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, Generator, Iterable
from typing import TypeVar, cast, overload

from ._sources import aclose_owned, close_owned, is_async

__all__ = [
    "buffer_stream",
]

T = TypeVar("T")


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
    if is_async(stream):
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
        close_owned(iterator, stream)


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
        await aclose_owned(iterator, stream)
