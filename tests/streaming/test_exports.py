"""What `cml.streaming` exports: remember_stream's surface; the utilities live in
`cml.streaming.utils`, and the names that moved there still resolve, with a warning."""

from __future__ import annotations

import importlib

import pytest

import cml.streaming
import cml.streaming.utils

REMEMBER_STREAM = {
    # options and streams
    "StreamingOptions",
    "StreamHooks",
    "RememberStream",
    "AsyncRememberStream",
    # the result and the hook events
    "RememberStreamResult",
    "StreamMetrics",
    "Insight",
    "Adaptation",
    "AdaptiveParameters",
    "StoredFact",
    "PartialUpdate",
    "GraphSyncEvent",
    "ChunkEvent",
    "ProgressEvent",
    "StreamErrorEvent",
    "ErrorContext",
    "StreamCompleteEvent",
    # errors a caller catches
    "ResumableStreamError",
    "StreamCancelledError",
    "StreamTimeoutError",
    "StreamTooLongError",
    "ResumeTokenError",
    "ResumeTokenNotFoundError",
    "ResumeTokenExpiredError",
    "ResumeTokenInvalidError",
    "ReassemblyError",
    # resume token stores
    "ResumeTokenStore",
    "InMemoryResumeTokenStore",
    "SQLiteResumeTokenStore",
    "ResumeState",
    # reading a chunked answer back
    "reassemble",
    "areassemble",
    "iter_reassembled",
}

UTILITIES = {
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
}

PRIVATE_NOW = [
    "ADAPTIVE_TABLE",
    "classify_delays",
    "WriteOptions",
    "ServerSentEvent",
    "SSEDecoder",
    "iter_sse",
    "aiter_sse",
    "iter_sse_lines",
    "aiter_sse_lines",
]


def test_the_package_exports_remember_streams_surface() -> None:
    assert set(cml.streaming.__all__) == REMEMBER_STREAM
    assert cml.streaming.__all__ == sorted(cml.streaming.__all__)
    for name in cml.streaming.__all__:
        assert getattr(cml.streaming, name) is not None


def test_the_utilities_are_public_in_utils() -> None:
    assert set(cml.streaming.utils.__all__) == UTILITIES
    for name in UTILITIES:
        assert getattr(cml.streaming.utils, name).__module__.startswith("cml.streaming.")


@pytest.mark.parametrize("name", sorted(UTILITIES - REMEMBER_STREAM))
def test_a_utility_imported_from_the_package_still_works_with_a_warning(name: str) -> None:
    with pytest.warns(DeprecationWarning, match=f"cml.streaming.{name} is deprecated"):
        value = getattr(cml.streaming, name)
    assert value is getattr(cml.streaming.utils, name)


@pytest.mark.parametrize("name", PRIVATE_NOW)
def test_helpers_are_no_longer_exported(name: str) -> None:
    package = importlib.import_module("cml.streaming")
    with pytest.raises(AttributeError):
        getattr(package, name)
