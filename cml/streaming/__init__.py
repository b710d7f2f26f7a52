"""
Streaming responses: Server-Sent Events from `POST /memory/read/stream`.

The parser lives in `_sse` and does no I/O:
`iter_sse(iter_sse_lines(response.iter_text()))` (or the `aiter_` pair) yields the events.
"""

from ._sse import (
    ServerSentEvent,
    SSEDecoder,
    aiter_sse,
    aiter_sse_lines,
    iter_sse,
    iter_sse_lines,
)
from .utils import (
    AsyncQueue,
    AsyncTeeBranch,
    BufferOverflowError,
    QueueClosedError,
    RollingContextWindow,
    StreamTimeoutError,
    StreamTooLongError,
    TeeBranch,
    aiter_any,
    buffer_stream,
    tee,
    with_max_length,
    with_stream_timeout,
)

__all__ = [
    "AsyncQueue",
    "AsyncTeeBranch",
    "BufferOverflowError",
    "QueueClosedError",
    "RollingContextWindow",
    "SSEDecoder",
    "ServerSentEvent",
    "StreamTimeoutError",
    "StreamTooLongError",
    "TeeBranch",
    "aiter_any",
    "aiter_sse",
    "aiter_sse_lines",
    "buffer_stream",
    "iter_sse",
    "iter_sse_lines",
    "tee",
    "with_max_length",
    "with_stream_timeout",
]
