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

__all__ = [
    "SSEDecoder",
    "ServerSentEvent",
    "aiter_sse",
    "aiter_sse_lines",
    "iter_sse",
    "iter_sse_lines",
]
