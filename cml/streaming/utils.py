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

This module is where they are public; each lives in a private module of its own.
"""

from __future__ import annotations

from ._batching import buffer_stream
from ._length import StreamTooLongError, with_max_length
from ._queue import AsyncQueue, QueueClosedError
from ._sources import aiter_any
from ._tee import AsyncTeeBranch, BufferOverflowError, TeeBranch, tee
from ._timeout import StreamTimeoutError, with_stream_timeout
from ._window import RollingContextWindow

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
