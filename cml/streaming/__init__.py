"""
Streaming responses: Server-Sent Events from `POST /memory/read/stream`; the stream utilities;
and `remember_stream` (on every client), which remembers an LLM's streamed answer while handing
it to the caller chunk by chunk.

The parser lives in `_sse` and does no I/O:
`iter_sse(iter_sse_lines(response.iter_text()))` (or the `aiter_` pair) yields the events.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._events import (
        ChunkEvent,
        ErrorContext,
        GraphSyncEvent,
        PartialUpdate,
        ProgressEvent,
        RememberStreamResult,
        ResumableStreamError,
        ResumeTokenError,
        ResumeTokenExpiredError,
        ResumeTokenInvalidError,
        ResumeTokenNotFoundError,
        StoredFact,
        StreamCancelledError,
        StreamCompleteEvent,
        StreamErrorEvent,
    )
    from ._metrics import (
        ADAPTIVE_TABLE,
        Adaptation,
        AdaptiveParameters,
        Insight,
        StreamMetrics,
        classify_delays,
    )
    from ._options import StreamHooks, StreamingOptions, WriteOptions
    from ._reassembly import ReassemblyError, areassemble, iter_reassembled, reassemble
    from ._remember import AsyncRememberStream, RememberStream
    from ._remember import open_remember_stream as open_remember_stream
    from ._resume import (
        InMemoryResumeTokenStore,
        ResumeState,
        ResumeTokenStore,
        SQLiteResumeTokenStore,
    )
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

# Every name loads on first use: the clients need only the SSE parser from here, and a program
# that never streams should not pay for the stream processor, metrics and resume stores.
__getattr__ = lazy_exports(
    globals(),
    {
        "ADAPTIVE_TABLE": "._metrics",
        "Adaptation": "._metrics",
        "AdaptiveParameters": "._metrics",
        "AsyncQueue": ".utils",
        "AsyncRememberStream": "._remember",
        "AsyncTeeBranch": ".utils",
        "BufferOverflowError": ".utils",
        "ChunkEvent": "._events",
        "ErrorContext": "._events",
        "GraphSyncEvent": "._events",
        "InMemoryResumeTokenStore": "._resume",
        "Insight": "._metrics",
        "PartialUpdate": "._events",
        "ProgressEvent": "._events",
        "QueueClosedError": ".utils",
        "ReassemblyError": "._reassembly",
        "RememberStream": "._remember",
        "RememberStreamResult": "._events",
        "ResumableStreamError": "._events",
        "ResumeState": "._resume",
        "ResumeTokenError": "._events",
        "ResumeTokenExpiredError": "._events",
        "ResumeTokenInvalidError": "._events",
        "ResumeTokenNotFoundError": "._events",
        "ResumeTokenStore": "._resume",
        "RollingContextWindow": ".utils",
        "SQLiteResumeTokenStore": "._resume",
        "SSEDecoder": "._sse",
        "ServerSentEvent": "._sse",
        "StoredFact": "._events",
        "StreamCancelledError": "._events",
        "StreamCompleteEvent": "._events",
        "StreamErrorEvent": "._events",
        "StreamHooks": "._options",
        "StreamMetrics": "._metrics",
        "StreamTimeoutError": ".utils",
        "StreamTooLongError": ".utils",
        "StreamingOptions": "._options",
        "TeeBranch": ".utils",
        "WriteOptions": "._options",
        "aiter_any": ".utils",
        "aiter_sse": "._sse",
        "aiter_sse_lines": "._sse",
        "areassemble": "._reassembly",
        "buffer_stream": ".utils",
        "classify_delays": "._metrics",
        "iter_reassembled": "._reassembly",
        "iter_sse": "._sse",
        "iter_sse_lines": "._sse",
        # For the clients' `remember_stream` (not in `__all__`: users call that method).
        "open_remember_stream": "._remember",
        "reassemble": "._reassembly",
        "tee": ".utils",
        "with_max_length": ".utils",
        "with_stream_timeout": ".utils",
    },
)

__all__ = [
    "ADAPTIVE_TABLE",
    "Adaptation",
    "AdaptiveParameters",
    "AsyncQueue",
    "AsyncRememberStream",
    "AsyncTeeBranch",
    "BufferOverflowError",
    "ChunkEvent",
    "ErrorContext",
    "GraphSyncEvent",
    "InMemoryResumeTokenStore",
    "Insight",
    "PartialUpdate",
    "ProgressEvent",
    "QueueClosedError",
    "ReassemblyError",
    "RememberStream",
    "RememberStreamResult",
    "ResumableStreamError",
    "ResumeState",
    "ResumeTokenError",
    "ResumeTokenExpiredError",
    "ResumeTokenInvalidError",
    "ResumeTokenNotFoundError",
    "ResumeTokenStore",
    "RollingContextWindow",
    "SQLiteResumeTokenStore",
    "SSEDecoder",
    "ServerSentEvent",
    "StoredFact",
    "StreamCancelledError",
    "StreamCompleteEvent",
    "StreamErrorEvent",
    "StreamHooks",
    "StreamMetrics",
    "StreamTimeoutError",
    "StreamTooLongError",
    "StreamingOptions",
    "TeeBranch",
    "WriteOptions",
    "aiter_any",
    "aiter_sse",
    "aiter_sse_lines",
    "areassemble",
    "buffer_stream",
    "classify_delays",
    "iter_reassembled",
    "iter_sse",
    "iter_sse_lines",
    "reassemble",
    "tee",
    "with_max_length",
    "with_stream_timeout",
]
