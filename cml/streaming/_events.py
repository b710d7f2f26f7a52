"""
What a memory stream reports: hook events, the final `RememberStreamResult`, and its errors.

Every class is a frozen attrs class of plain values (memory ids are `UUID`s, times are
milliseconds since the stream started on the stream's clock, plus a Unix `timestamp` where a
wall-clock time helps).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import attrs

from ..exceptions import CMLError
from ._metrics import Adaptation, Insight, StreamMetrics

if TYPE_CHECKING:
    from ..text.extract import Fact

__all__ = [
    "ChunkEvent",
    "ErrorContext",
    "ErrorPhase",
    "GraphSyncEvent",
    "PartialUpdate",
    "ProgressEvent",
    "ProgressPhase",
    "RememberStreamResult",
    "ResumableStreamError",
    "ResumeTokenError",
    "ResumeTokenExpiredError",
    "ResumeTokenInvalidError",
    "ResumeTokenNotFoundError",
    "StoredFact",
    "StreamCancelledError",
    "StreamCompleteEvent",
    "StreamErrorEvent",
]

ProgressPhase = Literal["streaming", "fact-extraction", "storage", "finalization"]
ErrorPhase = Literal[
    "streaming", "storage", "fact-extraction", "graph-sync", "finalization", "rollback"
]


@attrs.frozen
class ChunkEvent:
    """
    One chunk, as it arrived. `chunk` is its text, `raw` the object the source yielded (an
    OpenAI-style chunk, say). `accumulated` is the whole text so far only with
    `include_accumulated_text=True` (building it costs O(n) a chunk); otherwise None.
    """

    chunk: str
    raw: Any = attrs.field(eq=False, repr=False)
    chunk_number: int
    accumulated: str | None
    timestamp: float
    elapsed_ms: float
    estimated_tokens: int
    total_chars: int


@attrs.frozen
class ProgressEvent:
    """
    Where the stream is. `estimated_completion` is the fraction of `max_response_length`
    reached when a length limit is set (an answer's length is not known in advance), else None.
    """

    bytes_processed: int
    chunks: int
    elapsed_ms: float
    estimated_completion: float | None
    current_phase: ProgressPhase


@attrs.frozen
class ErrorContext:
    """Where an error happened."""

    phase: ErrorPhase
    chunk_number: int
    bytes_processed: int
    partial_memory_id: UUID | None
    last_successful_update: float | None  # elapsed ms of the last stored partial update
    operation: str | None = None
    attempt: int = 0


@attrs.frozen
class StreamErrorEvent:
    """
    One error of the stream: the source failing (`source_failed`, `stream_timeout`,
    `response_too_long`, `cancelled`) or a storage step failing (`storage_failed`,
    `graph_sync_failed`, `resume_token_not_saved`). `recoverable` says whether the stream's
    stored state can still be completed (by a later step, a retry or a resume).
    """

    code: str
    message: str
    recoverable: bool
    partial_data_saved: bool
    resume_token: str | None
    context: ErrorContext
    error: BaseException | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class StreamCompleteEvent:
    """The stream ended and everything is stored (`on_complete`)."""

    stream_id: str
    full_response: str | None
    total_chunks: int
    duration_ms: float
    facts_extracted: int
    answer_memory_id: UUID | None


@attrs.frozen
class PartialUpdate:
    """One progressive update of the answer memory: when, and how much text it held."""

    elapsed_ms: float
    length: int
    chunks: int
    timestamp: float


GraphPhase = Literal["create", "update", "facts", "finalize", "rollback"]


@attrs.frozen
class GraphSyncEvent:
    """One graph sync. A failed sync has `ok=False` and the `error` message."""

    phase: GraphPhase
    elapsed_ms: float
    backend: str
    nodes: int
    edges: int
    ok: bool
    error: str | None = None
    duration_ms: float = 0.0


@attrs.frozen
class StoredFact:
    """
    A fact extracted from the answer, and the `semantic_fact` memory holding it. `reinforced`:
    an equal memory already existed, so the store reinforced it instead of storing a copy (that
    memory is not the stream's own, and a rollback leaves it alone).
    """

    fact: Fact
    memory_id: UUID | None
    reinforced: bool = False


@attrs.frozen
class RememberStreamResult:
    """
    What a memory stream did.

    * `full_response` - the whole answer; None when it was stored in chunks and not kept in
      memory (the bounded-memory default for chunked answers: read it back with
      `cml.streaming.reassemble`, or set `keep_full_response=True`).
    * `user_memory_id`, `answer_memory_id`, `chunk_memory_ids`, `fact_memory_ids` - the stored
      memories. With chunked storage the answer memory is the chunks' head: a short text and
      the chunk list's metadata.
    * `completed` - the source ended normally; `rolled_back` - the `rollback` strategy deleted
      what was stored; `recovered` - completed and stored despite earlier failures (a retry
      that succeeded, or a resumed stream).
    * `resume_token` - set when the source failed and `generate_resume_token` was on.
    * `partial_updates`, `graph_syncs`, `adaptations`, `errors` - histories (the last 1,000
      entries each; the counts in `metrics` are exact).
    """

    stream_id: str
    full_response: str | None
    total_length: int
    user_memory_id: UUID | None
    answer_memory_id: UUID | None
    chunk_memory_ids: tuple[UUID, ...]
    fact_memory_ids: tuple[UUID, ...]
    facts: tuple[StoredFact, ...]
    metrics: StreamMetrics
    insights: tuple[Insight, ...]
    partial_updates: tuple[PartialUpdate, ...]
    graph_syncs: tuple[GraphSyncEvent, ...]
    adaptations: tuple[Adaptation, ...]
    errors: tuple[StreamErrorEvent, ...]
    completed: bool
    chunked: bool
    rolled_back: bool
    recovered: bool
    resume_token: str | None
    resumed_from: str | None

    @property
    def memory_ids(self) -> tuple[UUID, ...]:
        """Every memory the stream wrote to or reinforced, in the order listed above."""
        ids = [self.user_memory_id, self.answer_memory_id]
        return tuple(
            i for i in (*ids, *self.chunk_memory_ids, *self.fact_memory_ids) if i is not None
        )

    @property
    def ok(self) -> bool:
        """Completed, stored, and no error left unrecovered."""
        return self.completed and not self.rolled_back and (not self.errors or self.recovered)


# --- errors -----------------------------------------------------------------------------------


class ResumableStreamError(CMLError):
    """
    The source stream failed; what arrived is stored and the stream can be resumed:
    `remember_stream(rest, resume_from=error.resume_token, ...)`. `original_error` is the
    source's exception (also the `__cause__`); `result` what the stream did up to the failure.
    """

    def __init__(
        self,
        original_error: BaseException,
        resume_token: str,
        result: RememberStreamResult | None = None,
    ) -> None:
        super().__init__(
            f"the stream failed ({type(original_error).__name__}: {original_error}); "
            f"resume it with resume_from={resume_token!r}",
            hint="Pass the rest of the answer to remember_stream(..., resume_from=token).",
        )
        self.original_error = original_error
        self.resume_token = resume_token
        self.result = result


class StreamCancelledError(CMLError):
    """The caller closed the stream before its end (`close()`, or leaving `with` early)."""


class ResumeTokenError(CMLError):
    """A resume token cannot be used."""


class ResumeTokenNotFoundError(ResumeTokenError):
    """No such token in the store: never issued, already used, or in another process's store."""

    default_hint = (
        "Tokens are single-use and kept in the resume store of the process that issued them; "
        "to resume in another process use a file store (resume_store_path=...)."
    )


class ResumeTokenExpiredError(ResumeTokenError):
    """The token is past its expiry (`resume_token_lifetime`, 1 h by default); it was deleted."""

    def __init__(self, token: str, expired_ms_ago: float) -> None:
        super().__init__(
            f"resume token {token!r} expired {expired_ms_ago / 1000.0:.1f} s ago",
            hint="Raise resume_token_lifetime, or store the answer again from its start.",
        )
        self.token = token


class ResumeTokenInvalidError(ResumeTokenError):
    """The token is malformed, or its saved text no longer matches its checksum."""


def error_summary(error: BaseException) -> Mapping[str, str]:
    """A JSON-ready description of an exception, for memory metadata."""
    return {"type": type(error).__name__, "message": str(error)[:500]}
