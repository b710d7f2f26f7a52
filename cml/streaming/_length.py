"""`with_max_length`: cap a text stream at a number of characters."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, Generator, Iterable
from typing import Literal, cast, overload

from ..exceptions import CMLError
from ._sources import aclose_owned, close_owned, is_async

__all__ = [
    "OnExceed",
    "StreamTooLongError",
    "with_max_length",
]


class StreamTooLongError(CMLError, ValueError):
    """The stream's text would pass `max_chars`; `length` is what it would have reached."""

    max_chars: int
    length: int

    def __init__(self, max_chars: int, length: int) -> None:
        super().__init__(f"the stream passed its limit of {max_chars} characters ({length})")
        self.max_chars = max_chars
        self.length = length


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
    if is_async(stream):
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
        close_owned(iterator, stream)


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
        await aclose_owned(iterator, stream)
