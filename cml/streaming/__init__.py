"""
Remembering an LLM's streamed answer while handing it on chunk by chunk: `remember_stream` (on
every client) returns a `RememberStream` (or `AsyncRememberStream`), configured by
`StreamingOptions` and `StreamHooks`. Here are those classes, the events and result they report,
the errors to catch, the resume token stores, and `reassemble` to read a chunked answer back.

The stream utilities it is built on (`tee`, `with_stream_timeout`, `RollingContextWindow`, ...)
are in `cml.streaming.utils`.
"""

import warnings
from typing import TYPE_CHECKING, Any

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
    from ._hooks import StreamHooks
    from ._length import StreamTooLongError
    from ._metrics import Adaptation, AdaptiveParameters, Insight, StreamMetrics
    from ._options import StreamingOptions
    from ._reassembly import ReassemblyError, areassemble, iter_reassembled, reassemble
    from ._remember import AsyncRememberStream, RememberStream
    from ._remember import open_remember_stream as open_remember_stream
    from ._resume import (
        InMemoryResumeTokenStore,
        ResumeState,
        ResumeTokenStore,
        SQLiteResumeTokenStore,
    )
    from ._timeout import StreamTimeoutError

# Every name loads on first use: the clients need only the SSE parser from this package, and a
# program that never streams should not pay for the stream processor, metrics and resume stores.
_lazy_getattr = lazy_exports(
    globals(),
    {
        "Adaptation": "._metrics",
        "AdaptiveParameters": "._metrics",
        "AsyncRememberStream": "._remember",
        "ChunkEvent": "._events",
        "ErrorContext": "._events",
        "GraphSyncEvent": "._events",
        "InMemoryResumeTokenStore": "._resume",
        "Insight": "._metrics",
        "PartialUpdate": "._events",
        "ProgressEvent": "._events",
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
        "SQLiteResumeTokenStore": "._resume",
        "StoredFact": "._events",
        "StreamCancelledError": "._events",
        "StreamCompleteEvent": "._events",
        "StreamErrorEvent": "._events",
        "StreamHooks": "._hooks",
        "StreamMetrics": "._metrics",
        "StreamTimeoutError": "._timeout",
        "StreamTooLongError": "._length",
        "StreamingOptions": "._options",
        "areassemble": "._reassembly",
        "iter_reassembled": "._reassembly",
        # For the clients' `remember_stream` (not in `__all__`: users call that method).
        "open_remember_stream": "._remember",
        "reassemble": "._reassembly",
    },
)

# Exported here before they moved to `cml.streaming.utils`: still found, with a warning.
_MOVED_TO_UTILS = frozenset(
    {
        "AsyncQueue",
        "AsyncTeeBranch",
        "BufferOverflowError",
        "QueueClosedError",
        "RollingContextWindow",
        "TeeBranch",
        "aiter_any",
        "buffer_stream",
        "tee",
        "with_max_length",
        "with_stream_timeout",
    }
)


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_UTILS:
        warnings.warn(
            f"cml.streaming.{name} is deprecated: import it from cml.streaming.utils",
            DeprecationWarning,
            stacklevel=2,
        )
        from . import utils

        return getattr(utils, name)
    return _lazy_getattr(name)


__all__ = [
    "Adaptation",
    "AdaptiveParameters",
    "AsyncRememberStream",
    "ChunkEvent",
    "ErrorContext",
    "GraphSyncEvent",
    "InMemoryResumeTokenStore",
    "Insight",
    "PartialUpdate",
    "ProgressEvent",
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
    "SQLiteResumeTokenStore",
    "StoredFact",
    "StreamCancelledError",
    "StreamCompleteEvent",
    "StreamErrorEvent",
    "StreamHooks",
    "StreamMetrics",
    "StreamTimeoutError",
    "StreamTooLongError",
    "StreamingOptions",
    "areassemble",
    "iter_reassembled",
    "reassemble",
]
