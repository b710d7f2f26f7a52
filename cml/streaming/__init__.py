"""
Streaming responses: Server-Sent Events from `POST /memory/read/stream`; the stream utilities;
and `remember_stream` (on every client), which remembers an LLM's streamed answer while handing
it to the caller chunk by chunk.

The parser lives in `_sse` and does no I/O:
`iter_sse(iter_sse_lines(response.iter_text()))` (or the `aiter_` pair) yields the events.
"""

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
