"""
`remember_stream`: hand an LLM's streamed answer to the caller chunk by chunk while remembering
it in the background.

Three layers:

* `_Intake`, the delivery side, in the caller's thread or task: reads a chunk's text, counts
  it, enforces the length limit, puts it in an outbox and decides when the background worker
  must wake up. O(1) a chunk (about 2 us), no I/O, so chunks reach the caller as fast as the
  source gives them. The worker starts after the first chunk has been handed over.
* `_Processor`, the storage side's logic, without I/O: it turns text into storage operations
  (`WriteOp`, `UpdateOp`, `GraphOp`, ...), decides retries and rollbacks, and builds the
  result. Each piece of work is a generator that yields operations and receives their results,
  so the same logic runs under a thread (sync) and under a task (async): only waiting differs.
* the drivers: `RememberStream` (a worker thread) and `AsyncRememberStream` (a worker task).

How an exchange is stored (the layout of `turn()`): the user message is one memory (tags
`conversation`, `user_input`), the answer another (`conversation`, `assistant_response`), with
metadata `stream_id`, `role`, `partial` and `user_memory_id`. A chunked answer's memory is the
head of its chunk memories (each a single record with metadata `stream_chunk`: index, start,
end, previous chunk id and the whitespace before it); `reassemble` reads them back in order.
Facts are `semantic_fact` memories with metadata `answer_memory_id`, each stored once.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import queue
import re
import secrets
import threading
import time
import uuid
import weakref
from collections import deque
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NoReturn, TypeVar, cast
from uuid import UUID

import attrs

from .._exceptions import CMLError
from .._logging import logger
from ..chunking import Chunk, Chunker, ChunkingConfig, ChunkLimitError
from ..llm import chunk_text
from ._events import (
    ChunkEvent,
    ErrorContext,
    ErrorPhase,
    GraphPhase,
    GraphSyncEvent,
    PartialUpdate,
    ProgressEvent,
    ProgressPhase,
    RememberStreamResult,
    ResumableStreamError,
    StoredFact,
    StreamCancelledError,
    StreamCompleteEvent,
    StreamErrorEvent,
    error_summary,
)
from ._metrics import (
    AdaptiveController,
    AdaptiveParameters,
    MetricsCollector,
    insights_for,
)
from ._options import StreamHooks, StreamingOptions, WriteOptions, resolve_options
from ._resume import (
    ResumeState,
    ResumeTokenStore,
    SQLiteResumeTokenStore,
    default_resume_store,
    new_resume_token,
    now_ms,
    take_resume_state,
    text_checksum,
)
from .utils import (
    RollingContextWindow,
    StreamTimeoutError,
    StreamTooLongError,
    aiter_any,
    with_stream_timeout,
)

if TYPE_CHECKING:
    from ..embedded.extract import Fact, FactAccumulator
    from ..graph import GraphEdge, GraphNode, GraphSync

__all__ = [
    "AsyncRememberStream",
    "ReassemblyError",
    "RememberStream",
    "areassemble",
    "open_remember_stream",
    "reassemble",
]

T = TypeVar("T")

# The embedded engine stores a longer write as several internal records, which read back
# separately; a stream memory longer than this is created short and then set by `update`, so
# it stays one record that reads back whole.
_DIRECT_WRITE_CHARS = 2000
_CREATE_HEAD_CHARS = 1000
# A write answered with `chunks_created == 0` reinforced an existing, equal memory instead of
# storing a new one: the stream tries again with a distinguishing suffix, this many times.
_CREATE_ATTEMPTS = 3
_HISTORY = 1000  # entries kept of each history in the result
_PREVIEW_CHARS = 200
_PROGRESS_EVERY_S = 0.1
_GAP_LITERAL_CHARS = 1000

USER_TAGS = ("conversation", "user_input")
ANSWER_TAGS = ("conversation", "assistant_response")
CHUNK_TAGS = ("conversation", "assistant_response", "response_chunk")
FACT_TAGS = ("fact",)

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(text: str) -> str:
    """`text` with the characters a memory cannot hold (NUL, lone surrogates) replaced by
    U+FFFD: one for one, so offsets are unchanged."""
    if text.isascii() and "\x00" not in text:
        return text
    return _UNSTORABLE.sub("\ufffd", text)


# --- operations: what the worker performs -----------------------------------------------------


@attrs.frozen
class WriteOp:
    content: str
    options: Mapping[str, Any]
    label: str


@attrs.frozen
class UpdateOp:
    memory_id: UUID
    text: str | None
    metadata: Mapping[str, Any] | None
    label: str


@attrs.frozen
class ForgetOp:
    memory_ids: tuple[UUID, ...]
    label: str


@attrs.frozen
class GraphOp:
    graph: GraphSync = attrs.field(eq=False)
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    phase: GraphPhase
    label: str


@attrs.frozen
class SaveTokenOp:
    store: ResumeTokenStore = attrs.field(eq=False)
    state: ResumeState
    label: str = "save resume token"


@attrs.frozen
class HookOp:
    name: str
    hook: Callable[[Any], Any] = attrs.field(eq=False)
    event: Any
    label: str = "hook"


Op = WriteOp | UpdateOp | ForgetOp | GraphOp | SaveTokenOp | HookOp
Work = Generator[Op, Any, None]


class _StorageRefused(CMLError):
    """The store answered, but not as the stream needs (no id, or only merges)."""


# --- messages from the delivery side to the worker ---------------------------------------------


#: A piece of text, the number of the chunk it came in, and the fact-extraction threshold then:
#: the worker acts on the stream as it was when each piece arrived, however far behind it runs.
_Piece_ = tuple[str, int, int]


@attrs.define
class _Text:
    """The outbox's content, taken by the worker."""

    pieces: list[_Piece_]
    events: list[ChunkEvent]
    chars: int
    now: float
    chunks: int


@attrs.frozen
class _Tick:
    partial: bool
    graph: bool
    now: float


@attrs.frozen
class _Wake:
    """Text waits in the outbox."""


_WAKE = _Wake()
_WAKE_EVERY_S = 0.1


@attrs.frozen
class _End:
    now: float
    error: BaseException | None = None
    token: str | None = None
    full_response: str | None = None


_Message = _Text | _Tick | _Wake | _End


def _error_code(error: BaseException) -> str:
    if isinstance(error, StreamTimeoutError):
        return "stream_timeout"
    if isinstance(error, StreamTooLongError):
        return "response_too_long"
    if isinstance(error, StreamCancelledError):
        return "cancelled"
    return "source_failed"


# --- the delivery side --------------------------------------------------------------------------


class _Intake:
    """
    Everything done per chunk on the caller's side: cheap, and never waiting on storage.

    Text goes into an outbox (a list under a lock) that the worker empties when it wakes up.
    The worker is woken only when there is work for it: every `buffer_size` chunks, at least
    every 100 ms while text arrives, when a partial update or graph sync falls due, and for
    every chunk when an `on_chunk` hook waits for it. Waking a thread costs far more than a
    chunk (a context switch), so a fast stream does not pay it per chunk.
    """

    def __init__(
        self,
        options: StreamingOptions,
        hooks: StreamHooks,
        *,
        prefix: str | None,
        prefix_chars: int,
        chunk_base: int,
    ) -> None:
        self.options = options
        self.metrics = MetricsCollector()
        self.window = RollingContextWindow(options.max_buffer_size)
        self.adaptive = (
            AdaptiveController(
                AdaptiveParameters(
                    options.buffer_size,
                    options.fact_extraction_threshold,
                    options.partial_response_interval,
                )
            )
            if options.enable_adaptive_processing
            else None
        )
        self._on_chunk = hooks.on_chunk is not None
        self._limit = options.single_memory_limit
        # The whole answer is kept for `result.full_response` unless it is stored in chunks
        # (then memory stays bounded), or it resumes a chunked answer whose start is stored.
        keep = options.keep_full_response or not options.chunked_from_start
        resumed_chunked = prefix is None and prefix_chars > 0
        self._parts: list[str] | None = None
        if keep and not resumed_chunked:
            self._parts = [prefix] if prefix else []
        self._accumulated = prefix or ""
        self.total_chars = prefix_chars
        self.chunk_base = chunk_base
        # the outbox, shared with the worker
        self.room = threading.Condition(threading.Lock())
        self._pending: list[_Piece_] = []
        self._events: list[ChunkEvent] = []
        self.pending_chars = 0
        self._closed = False
        # when to wake the worker
        self._since_wake = 0
        self._last_wake = -float("inf")
        self._next_partial = -float("inf")
        self._next_graph = -float("inf")

    @property
    def chunks(self) -> int:
        return self.chunk_base + self.metrics.chunks

    def accept(self, raw: Any, now: float) -> _Message | None:
        """Take one chunk; return the message that wakes the worker, if it is due."""
        text = chunk_text(raw)
        limit = self.options.max_response_length
        if limit is not None and self.total_chars + len(text) > limit:
            raise StreamTooLongError(limit, self.total_chars + len(text))
        delay = self.metrics.chunk(text, now)
        event = None
        if self._on_chunk:
            accumulated = None
            if self.options.include_accumulated_text:
                self._accumulated += text
                accumulated = self._accumulated
            event = ChunkEvent(
                chunk=text,
                raw=raw,
                chunk_number=self.chunks,
                accumulated=accumulated,
                timestamp=time.time(),
                elapsed_ms=self.metrics.elapsed_ms(now),
                estimated_tokens=(self.total_chars + len(text)) // 4,
                total_chars=self.total_chars + len(text),
            )
        if text:
            self.total_chars += len(text)
            self.window.append(text)
            if self._parts is not None:
                self._parts.append(text)
                if self.total_chars > self._limit and not self.options.keep_full_response:
                    self._parts = None  # stored in chunks now: bounded memory
        if text or event is not None:
            with self.room:
                if text:
                    threshold = (
                        self.adaptive.parameters.fact_extraction_threshold
                        if self.adaptive is not None
                        else self.options.fact_extraction_threshold
                    )
                    self._pending.append((text, self.chunks, threshold))
                    self.pending_chars += len(text)
                if event is not None:
                    self._events.append(event)
        if self.adaptive is not None and delay is not None:
            self.adaptive.observe(delay, self.chunks, self.metrics.elapsed_ms(now))
        self._since_wake += 1
        return self._due(now, event is not None)

    def _due(self, now: float, event: bool) -> _Message | None:
        options = self.options
        adaptive = self.adaptive.parameters if self.adaptive is not None else None
        partial = (
            options.store_partial_response and self.total_chars > 0 and (now >= self._next_partial)
        )
        graph = (
            options.progressive_graph_sync and self.total_chars > 0 and (now >= self._next_graph)
        )
        if partial or graph:
            if partial:
                interval = (
                    adaptive.partial_response_interval
                    if adaptive is not None
                    else options.partial_response_interval
                )
                self._next_partial = now + interval / 1000.0
            if graph:
                self._next_graph = now + options.graph_sync_interval / 1000.0
            self._woke(now)
            return _Tick(partial, graph, now)
        buffer = adaptive.buffer_size if adaptive is not None else options.buffer_size
        if (
            event
            or self._since_wake >= buffer
            or now - self._last_wake >= _WAKE_EVERY_S
            or self.pending_chars > self.options.max_pending_chars
        ):
            self._woke(now)
            return _WAKE
        return None

    def _woke(self, now: float) -> None:
        self._since_wake = 0
        self._last_wake = now

    def wait_for_room(self) -> None:
        """Block while more text waits than `max_pending_chars` (the worker is behind)."""
        limit = self.options.max_pending_chars
        with self.room:
            while self.pending_chars > limit and not self._closed:
                self.room.wait()

    def take(self, now: float) -> _Text:
        """Empty the outbox (the worker's side)."""
        with self.room:
            message = _Text(self._pending, self._events, self.pending_chars, now, self.chunks)
            self._pending, self._events, self.pending_chars = [], [], 0
            self.room.notify_all()
        return message

    def close(self) -> None:
        """The worker is gone: nobody waits for room any more."""
        with self.room:
            self._closed = True
            self.room.notify_all()

    def full_response(self) -> str | None:
        if self._parts is None:
            return None
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""


# --- the storage side's logic ------------------------------------------------------------------


@attrs.frozen
class _Piece:
    """A chunk memory to store: `text == answer[start:end]`, after `gap` (from the previous
    piece's end to `start`, when they do not overlap)."""

    index: int
    text: str
    start: int
    end: int
    gap: str


def _gap_metadata(gap: str) -> dict[str, Any]:
    if len(gap) <= _GAP_LITERAL_CHARS:
        return {"gap": gap}
    runs: list[list[Any]] = []
    for char in gap:
        if runs and runs[-1][0] == char:
            runs[-1][1] += 1
        else:
            runs.append([char, 1])
    return {"gap_rle": runs}


def _gap_text(info: Mapping[str, Any]) -> str:
    if "gap_rle" in info:
        return "".join(str(char) * int(count) for char, count in info["gap_rle"])
    return str(info.get("gap", ""))


def _windows(start: int, end: int, size: int) -> Iterator[tuple[int, int]]:
    while start < end:
        yield start, min(start + size, end)
        start += size


def _created(response: Any) -> bool:
    return response.memory_id is not None and bool(response.chunks_created)


class _Processor:
    """
    The storage side of one stream, without I/O. The worker feeds it messages (`handle`), asks
    for operations (`next_op`) and reports their outcomes (`succeeded`, `failed`); `result`
    builds the final `RememberStreamResult`.
    """

    def __init__(
        self,
        *,
        options: StreamingOptions,
        hooks: StreamHooks,
        write: WriteOptions,
        user_message: str,
        tenant: str,
        graph: GraphSync | None,
        graph_error: BaseException | None,
        store: ResumeTokenStore,
        intake: _Intake,
        resume: ResumeState | None,
        resumed_from: str | None,
    ) -> None:
        self.options = options
        self.hooks = hooks
        self.write = write
        self.user_message = user_message
        self.tenant = tenant
        self.graph = graph
        self.store = store
        self.intake = intake
        self.clock = options.clock
        self.strategy = options.failure_strategy
        self.resumed_from = resumed_from
        self.stream_id = resume.stream_id if resume is not None else str(uuid.uuid4())
        # memories
        self.user_memory_id: UUID | None = None
        self.answer_memory_id: UUID | None = None
        self.chunk_ids: list[UUID] = []
        self.facts: list[StoredFact] = []
        self.fact_memory_ids: list[UUID] = []
        self._owned: list[UUID] = []
        # text
        self._limit = options.single_memory_limit
        self._parts: list[str] = []
        self._length = 0
        self._preview = ""
        self._stored_length = -1
        self._stored_chunks = -1
        # chunked storage
        self.chunked = False
        self._chunk_config: ChunkingConfig | None = None
        self._chunker: Chunker | None = None
        self._chunk_offset = 0
        self._fed = 0
        self._recent: list[str] = []
        self._recent_base = 0
        self._last_end = 0
        self._chunk_index = 0
        self._prev_chunk_id: UUID | None = None
        self._chunking_stopped = False
        self._trailing = ""
        # facts
        self._facts: FactAccumulator | None = None
        self._fact_backlog: list[str] = []
        self._backlog_chars = 0
        self._fact_keys: dict[str, None] = {}
        # histories and counts
        self.partial_updates: deque[PartialUpdate] = deque(maxlen=_HISTORY)
        self.partial_update_count = 0
        self.graph_events: deque[GraphSyncEvent] = deque(maxlen=_HISTORY)
        self.graph_sync_count = 0
        self._graph_created = False
        self.errors: deque[StreamErrorEvent] = deque(maxlen=_HISTORY)
        self.error_count = 0
        self.storage_errors = 0
        self.storage_operations = 0
        self.retries = 0
        self.gave_up = 0
        self._last_update_ms: float | None = None
        self._last_update_at: float | None = None  # clock time of the last partial update
        self._last_graph_at: float | None = None
        self._graph_length = -1
        self._chunks_seen = resume.chunks_delivered if resume is not None else 0
        self._last_progress = -float("inf")
        # lifecycle
        self.failure: BaseException | None = None
        self.stopped = False  # after a rollback: nothing more is stored
        self.rolled_back = False
        self.token_saved = False
        self.finalized = False
        self._update_queued = False
        self._graph_queued = False
        # the work queue; hook calls go first, whatever work is under way
        self._hooks: deque[HookOp] = deque()
        self._work: deque[Work] = deque()
        self._current: Work | None = None
        self._reply: Any = None
        self._throw: BaseException | None = None
        self._op: Op | None = None

        if options.progressive_fact_extraction:
            from ..embedded.extract import FactAccumulator

            self._facts = FactAccumulator()
        if options.chunked_from_start:
            self._start_chunking(options.chunking_config(), offset=0)
        if graph_error is not None:
            self._graph_failed("create", graph_error, backend="unknown")
        if resume is not None:
            self._restore(resume)
        if self.user_memory_id is None:
            self._work.append(self._write_user())

    # -- restoring a resumed stream ----------------------------------------------------------

    def _restore(self, state: ResumeState) -> None:
        self.user_message = state.user_message or self.user_message
        self.user_memory_id = UUID(state.user_memory_id) if state.user_memory_id else None
        self.answer_memory_id = UUID(state.answer_memory_id) if state.answer_memory_id else None
        self._owned = [UUID(i) for i in state.owned_ids]
        self.chunk_ids = [UUID(i) for i in state.chunk_ids]
        self.fact_memory_ids = [UUID(i) for i in state.fact_memory_ids]
        self._fact_keys = dict.fromkeys(state.fact_keys)
        self._preview = state.preview
        self._length = state.total_length
        if state.chunked:
            config = ChunkingConfig(**dict(state.chunking or {}))
            self._start_chunking(config, offset=state.text_offset)
            self._last_end = state.chunk_last_end
            self._chunk_index = state.chunk_next_index
            self._prev_chunk_id = self.chunk_ids[-1] if self.chunk_ids else None
            self._feed_chunker(state.text)
        elif self.chunked:  # this call asks for chunks: the saved text is their beginning
            self._feed_chunker(state.text)
        else:
            self._parts = [state.text] if state.text else []
        if self._facts is not None and state.text:
            # Re-read the saved text so that a sentence cut by the failure is completed by the
            # rest; the facts it held are already stored (their keys are known).
            for fact in self._facts.add(state.text):
                self._fact_keys.setdefault(fact.key, None)

    # -- messages ----------------------------------------------------------------------------

    def handle(self, message: _Message) -> None:
        if isinstance(message, _Text):
            for event in message.events:
                self._hook("on_chunk", event)
            self._take_text(message.pieces)
            self._chunks_seen = message.chunks
            if message.pieces and message.now - self._last_progress >= _PROGRESS_EVERY_S:
                self._last_progress = message.now
                self._progress("streaming")
        elif isinstance(message, _Tick):
            options = self.options
            if (
                message.partial
                and options.store_partial_response
                and not self._update_queued
                and not self.stopped
            ):
                self._update_queued = True
                self._work.append(self._partial_update())
            if (
                message.graph
                and options.progressive_graph_sync
                and not self._graph_queued
                and not self.stopped
            ):
                self._graph_queued = True
                self._work.append(self._graph_sync("update"))
        elif isinstance(message, _Wake):
            return
        elif message.error is None:
            self._end(message.full_response)
        else:
            self._fail(message.error, message.token)

    def due_at(self) -> float | None:
        """
        When the worker should wake up by itself (clock time): a partial update or graph sync
        falls due although no chunk arrived since (the source went quiet), or None.
        """
        if self.stopped or self.failure is not None:
            return None
        deadlines = []
        if (
            self.options.store_partial_response
            and self._last_update_at is not None
            and not self._update_queued
            and (self._length, len(self.chunk_ids)) != (self._stored_length, self._stored_chunks)
        ):
            adaptive = self.intake.adaptive
            interval = (
                adaptive.parameters.partial_response_interval
                if adaptive is not None
                else self.options.partial_response_interval
            )
            deadlines.append(self._last_update_at + interval / 1000.0)
        if (
            self.graph is not None
            and self.options.progressive_graph_sync
            and self._last_graph_at is not None
            and not self._graph_queued
            and self._graph_length != self._length
        ):
            deadlines.append(self._last_graph_at + self.options.graph_sync_interval / 1000.0)
        return min(deadlines) if deadlines else None

    def timer(self) -> None:
        """The worker woke up by itself: queue what fell due."""
        now = self.clock()
        due = self.due_at()
        if due is not None and now >= due:
            self.handle(_Tick(partial=True, graph=True, now=now))

    def _take_text(self, pieces: Sequence[_Piece_]) -> None:
        for raw, chunk_number, fact_threshold in pieces:
            piece = _storable(raw)
            if len(self._preview) < _PREVIEW_CHARS:
                self._preview = (self._preview + piece)[:_PREVIEW_CHARS]
            self._length += len(piece)
            if self.chunked:
                self._feed_chunker(piece)
            else:
                self._parts.append(piece)
                if self._length > self._limit:
                    self._switch_to_chunks()
            if self._facts is not None:
                self._fact_backlog.append(piece)
                self._backlog_chars += len(piece)
                if self._backlog_chars >= fact_threshold:
                    self._chunks_seen = chunk_number
                    self._extract_facts(final=False)

    def _end(self, full_response: str | None) -> None:
        if self.stopped:
            return
        self._finish_chunks()
        if self._facts is not None:
            self._extract_facts(final=True)
        self._work.append(self._finalize())
        self._work.append(self._complete(full_response))

    def _fail(self, error: BaseException, token: str | None) -> None:
        self.failure = error
        if self.stopped:
            self._work.append(self._report_failure(error, None))
            return
        if self.strategy == "rollback":
            self._start_rollback()
            self._work.append(self._report_failure(error, None))
            return
        # Keep what arrived: every chunk memory, the facts of the complete sentences (the cut
        # one waits for a resume), and the answer marked partial and incomplete.
        self._finish_chunks()
        if self._facts is not None:
            self._extract_facts(final=False)
        self._work.append(self._store_partial(error))
        if self.graph is not None and self.options.progressive_graph_sync:
            self._work.append(self._graph_sync("update"))
        if token is not None:
            self._work.append(self._save_token(token))
        self._work.append(self._report_failure(error, token))

    # -- running the work --------------------------------------------------------------------

    def next_op(self) -> Op | None:
        """The next operation to perform, or None when there is nothing to do."""
        while True:
            if self._hooks:
                return self._hooks.popleft()
            current = self._current
            if current is None:
                if not self._work:
                    return None
                current = self._current = self._work.popleft()
                self._reply = self._throw = None
            thrown = self._throw
            try:
                if thrown is not None:
                    self._throw = None
                    op = current.throw(thrown)
                else:
                    reply, self._reply = self._reply, None
                    op = current.send(reply)
            except StopIteration:
                self._current = None
                continue
            except Exception as exc:
                self._current = None
                if exc is not thrown and not isinstance(exc, _StorageRefused):
                    # A bug in this module: reported like a failed step, never raised.
                    self._give_up("internal_error", exc, operation=None)
                continue
            self._op = op
            if not isinstance(op, HookOp):
                self.storage_operations += 1
            return op

    def succeeded(self, result: Any) -> None:
        self._reply = result

    def failed(self, error: Exception, attempt: int) -> float | None:
        """
        The current operation raised `error` on its `attempt`-th try (0 first). Returns how
        many seconds to wait before trying it again, or None to give up on it.
        """
        op = self._op
        retry = self.strategy == "retry" and attempt < self.options.max_retries
        phase: ErrorPhase = "storage"
        code = "storage_failed"
        if isinstance(op, GraphOp):
            phase, code = "graph-sync", "graph_sync_failed"
            self._graph_failed(op.phase, error, backend=getattr(op.graph, "name", "unknown"))
        elif isinstance(op, SaveTokenOp):
            code = "resume_token_not_saved"
        elif isinstance(op, ForgetOp):
            phase = "rollback"
        self._record_error(
            code,
            error,
            phase=phase,
            recoverable=retry or self.strategy not in ("rollback",),
            operation=op.label if op is not None else None,
            attempt=attempt,
        )
        self.storage_errors += 1
        if retry:
            self.retries += 1
            self.storage_operations += 1
            return self.options.retry_delay / 1000.0 * 2.0**attempt
        self.gave_up += 1
        if self.strategy == "rollback":
            self._start_rollback()
        self._throw = error
        return None

    def _give_up(self, code: str, error: BaseException, *, operation: str | None) -> None:
        """A step failed for good outside `failed()` (the store refused it, or a bug)."""
        self._record_error(
            code,
            error,
            phase="storage",
            recoverable=self.strategy != "rollback",
            operation=operation,
        )
        self.storage_errors += 1
        self.gave_up += 1
        if self.strategy == "rollback":
            self._start_rollback()

    def hook_failed(self, op: HookOp, error: BaseException) -> None:
        logger.warning("remember_stream hook %s raised %r; ignored", op.name, error)

    # -- recording ---------------------------------------------------------------------------

    def _elapsed_ms(self) -> float:
        return self.intake.metrics.elapsed_ms(self.clock())

    def _record_error(
        self,
        code: str,
        error: BaseException,
        *,
        phase: ErrorPhase,
        recoverable: bool,
        operation: str | None = None,
        attempt: int = 0,
        resume_token: str | None = None,
    ) -> StreamErrorEvent:
        metrics = self.intake.metrics
        event = StreamErrorEvent(
            code=code,
            message=f"{operation + ': ' if operation else ''}{type(error).__name__}: {error}",
            recoverable=recoverable,
            partial_data_saved=not self.rolled_back
            and (self.answer_memory_id is not None or bool(self.chunk_ids)),
            resume_token=resume_token,
            context=ErrorContext(
                phase=phase,
                chunk_number=self.intake.chunks,
                bytes_processed=metrics.bytes,
                partial_memory_id=self.answer_memory_id,
                last_successful_update=self._last_update_ms,
                operation=operation,
                attempt=attempt,
            ),
            error=error,
        )
        self.errors.append(event)
        self.error_count += 1
        self._hook("on_error", event)
        return event

    def _graph_failed(self, phase: GraphPhase, error: BaseException, *, backend: str) -> None:
        self.graph_events.append(
            GraphSyncEvent(
                phase=phase,
                elapsed_ms=self._elapsed_ms(),
                backend=backend,
                nodes=0,
                edges=0,
                ok=False,
                error=f"{type(error).__name__}: {error}",
            )
        )
        if phase == "create" and self.graph is None:  # the default graph could not be opened
            self._record_error("graph_sync_failed", error, phase="graph-sync", recoverable=True)

    def _hook(self, name: str, event: Any) -> None:
        hook = getattr(self.hooks, name)
        if hook is not None:
            self._hooks.append(HookOp(name, hook, event))

    def _progress(self, phase: ProgressPhase) -> None:
        if self.hooks.on_progress is None:
            return
        metrics = self.intake.metrics
        limit = self.options.max_response_length
        self._hook(
            "on_progress",
            ProgressEvent(
                bytes_processed=metrics.bytes,
                chunks=self._chunks_seen,
                elapsed_ms=self._elapsed_ms(),
                estimated_completion=min(1.0, self._length / limit) if limit else None,
                current_phase=phase,
            ),
        )

    # -- write options -----------------------------------------------------------------------

    def _kwargs(
        self,
        tags: Sequence[str],
        metadata: Mapping[str, Any],
        *,
        memory_type: str | None = None,
    ) -> dict[str, Any]:
        write = self.write
        return {
            "context_tags": list(dict.fromkeys([*(write.context_tags or ()), *tags])),
            "session_id": write.session_id,
            "memory_type": memory_type or write.memory_type,
            "namespace": write.namespace,
            "metadata": {**write.metadata, **metadata},
            "turn_id": write.turn_id,
            "agent_id": write.agent_id,
            "timestamp": write.timestamp,
            "eval_mode": write.eval_mode,
        }

    def _create(
        self, text: str, options: Mapping[str, Any], label: str
    ) -> Generator[Op, Any, UUID]:
        """
        Create a memory of the stream's own holding `text`, as one record: written whole when
        short, else written short and then updated. A write that reinforced an existing equal
        memory (the store's de-duplication) is not ours to update or delete: it is retried with
        a distinguishing suffix, which the next update replaces.
        """
        first = text
        if len(text) > _DIRECT_WRITE_CHARS:
            first = text[:_CREATE_HEAD_CHARS]
            if not first.strip():
                first = text.strip()[:_CREATE_HEAD_CHARS]
        candidate = first
        for _attempt in range(_CREATE_ATTEMPTS):
            response = yield WriteOp(candidate, options, label)
            if response.memory_id is None:
                refused = _StorageRefused(f"{label}: the store kept nothing ({response.message})")
                self._give_up("storage_failed", refused, operation=label)
                raise refused
            if _created(response):
                break
            candidate = f"{first}\n\n[{label}; stream {self.stream_id}; {secrets.token_hex(4)}]"
        else:
            refused = _StorageRefused(
                f"{label}: the store merged the text into an existing memory "
                f"{_CREATE_ATTEMPTS} times"
            )
            self._give_up("storage_failed", refused, operation=label)
            raise refused
        memory_id = cast(UUID, response.memory_id)
        self._owned.append(memory_id)
        if candidate != text:
            yield UpdateOp(memory_id, text, None, label)
        return memory_id

    # -- the answer memory -------------------------------------------------------------------

    def _answer_text(self, *, partial: bool) -> str | None:
        if not self.chunked:
            if len(self._parts) > 1:
                self._parts = ["".join(self._parts)]
            text = self._parts[0] if self._parts else ""
            return text if text.strip() else None
        if not self._length or (self._chunk_index == 0 and not self._preview.strip()):
            return None  # nothing but whitespace so far
        so_far = " so far" if partial else ""
        preview = self._preview.strip() or "(whitespace)"
        count = len(self.chunk_ids)
        return (
            f"{preview}…\n\n[A long answer: {self._length:,} characters{so_far}, stored in "
            f"{count} chunk memories (stream {self.stream_id}).]"
        )

    def _answer_metadata(
        self, *, partial: bool, failure: BaseException | None = None
    ) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "stream_id": self.stream_id,
            "role": "assistant",
            "partial": partial,
            "length": self._length,
            "user_memory_id": str(self.user_memory_id) if self.user_memory_id else None,
        }
        if self.chunked and self._chunk_config is not None:
            config = self._chunk_config
            meta["chunked"] = {
                "count": len(self.chunk_ids),
                "strategy": config.strategy,
                "chunk_size": config.max_chunk_size,
                "overlap": config.overlap_size,
                "first_chunk_id": str(self.chunk_ids[0]) if self.chunk_ids else None,
                "last_chunk_id": str(self._prev_chunk_id) if self._prev_chunk_id else None,
                **({"trailing": self._trailing} if not partial else {}),
            }
        if failure is not None:
            meta["incomplete"] = True
            meta["error"] = dict(error_summary(failure))
        elif not partial:
            meta["incomplete"] = False
            meta["error"] = None
        return meta

    def _store_answer(
        self, text: str, metadata: Mapping[str, Any], label: str
    ) -> Generator[Op, Any, None]:
        if self.answer_memory_id is None:
            self.answer_memory_id = yield from self._create(
                text, self._kwargs(ANSWER_TAGS, metadata), f"create answer memory ({label})"
            )
            if self.graph is not None and self.options.progressive_graph_sync:
                with contextlib.suppress(Exception):  # reported; storage goes on without it
                    yield from self._graph_sync("create")
        else:
            yield UpdateOp(self.answer_memory_id, text, metadata, f"{label} answer memory")

    def _partial_update(self) -> Work:
        self._update_queued = False
        if self.stopped:
            return
        length, chunks = self._length, len(self.chunk_ids)
        if self.answer_memory_id is not None and (length, chunks) == (
            self._stored_length,
            self._stored_chunks,
        ):
            return  # nothing new since the last update
        text = self._answer_text(partial=True)
        if text is None:
            return
        self._last_update_at = self.clock()  # on the attempt: a failing store is not hammered
        yield from self._store_answer(text, self._answer_metadata(partial=True), "update")
        self._stored_length, self._stored_chunks = length, chunks
        self._last_update_ms = self._elapsed_ms()
        self.partial_update_count += 1
        self.partial_updates.append(
            PartialUpdate(self._last_update_ms, length, self._chunks_seen, time.time())
        )
        self._progress("storage")

    def _finalize(self) -> Work:
        if self.stopped:
            return
        self._progress("finalization")
        text = self._answer_text(partial=False)
        if text is not None:
            yield from self._store_answer(text, self._answer_metadata(partial=False), "finalize")
            self.finalized = True
        if self.graph is not None and (
            self.options.sync_to_graph or self.options.progressive_graph_sync
        ):
            facts = [] if self.options.progressive_graph_sync else [f.fact for f in self.facts]
            yield from self._graph_sync("finalize", facts)

    def _store_partial(self, error: BaseException) -> Work:
        text = self._answer_text(partial=True)
        if text is None or self.stopped:
            return
        metadata = self._answer_metadata(partial=True, failure=error)
        yield from self._store_answer(text, metadata, "keep partial")
        self._stored_length, self._stored_chunks = self._length, len(self.chunk_ids)

    def _complete(self, full_response: str | None) -> Work:
        if self.stopped or self.hooks.on_complete is None:
            return
        yield HookOp(
            "on_complete",
            self.hooks.on_complete,
            StreamCompleteEvent(
                stream_id=self.stream_id,
                full_response=full_response,
                total_chunks=self.intake.chunks,
                duration_ms=self._elapsed_ms(),
                facts_extracted=len(self.facts),
                answer_memory_id=self.answer_memory_id,
            ),
        )

    def _write_user(self) -> Work:
        if self.stopped or not self.user_message.strip():
            return
        metadata = {"stream_id": self.stream_id, "role": "user"}
        response = yield WriteOp(
            _storable(self.user_message),
            self._kwargs(USER_TAGS, metadata),
            "write user message",
        )
        self.user_memory_id = response.memory_id
        if _created(response):
            self._owned.append(cast(UUID, response.memory_id))

    # -- chunked storage ---------------------------------------------------------------------

    def _start_chunking(self, config: ChunkingConfig, *, offset: int) -> None:
        self.chunked = True
        self._chunk_config = config
        self._chunker = Chunker(config)
        self._chunk_offset = offset
        self._fed = 0
        self._recent = []
        self._recent_base = offset

    def _switch_to_chunks(self) -> None:
        """The answer outgrew one memory: from now on it is stored in chunks."""
        text = "".join(self._parts)
        self._parts = []
        self._start_chunking(self.options.chunking_config(), offset=0)
        self._feed_chunker(text)

    def _feed_chunker(self, piece: str) -> None:
        if self._chunker is None or self._chunking_stopped or not piece:
            return
        self._recent.append(piece)
        self._fed += len(piece)
        try:
            chunks = self._chunker.feed(piece)
        except ChunkLimitError as exc:
            self._chunk_limit(exc)
            return
        if chunks:
            self._queue_chunks(chunks)

    def _finish_chunks(self) -> None:
        if self._chunker is None or self._chunking_stopped:
            return
        try:
            chunks = self._chunker.finish()
        except ChunkLimitError as exc:
            self._chunk_limit(exc)
            return
        self._queue_chunks(chunks, final=True)

    def _chunk_limit(self, error: ChunkLimitError) -> None:
        self._chunking_stopped = True
        self._give_up("chunk_limit", error, operation="chunk the answer")

    def _queue_chunks(self, chunks: Sequence[Chunk], *, final: bool = False) -> None:
        recent = "".join(self._recent)
        base = self._recent_base
        for chunk in chunks:
            start, end = chunk.start + self._chunk_offset, chunk.end + self._chunk_offset
            for s, e in _windows(start, end, self._limit):
                if e <= self._last_end:
                    continue  # already stored whole (an overlap repeated after a resume)
                text = recent[s - base : e - base]
                if not text.strip():
                    continue  # whitespace only: it travels as the next piece's gap
                gap = recent[self._last_end - base : s - base] if s > self._last_end else ""
                self._work.append(self._store_chunk(_Piece(self._chunk_index, text, s, e, gap)))
                self._chunk_index += 1
                self._last_end = e
        if final:
            self._trailing = recent[self._last_end - base :]
        assert self._chunker is not None
        keep = min(self._last_end, self._chunk_offset + self._fed - self._chunker.buffered)
        if keep > base:
            recent = recent[keep - base :]
            base = keep
        self._recent = [recent] if recent else []
        self._recent_base = base

    def _ensure_answer(self) -> Work:
        """Create the answer memory (partial) before the memories that link to it: chunks,
        facts. A failure is reported; the caller stores its own memory regardless."""
        if self.answer_memory_id is not None:
            return
        text = self._answer_text(partial=True) or "(an answer in progress)"
        label = "head" if self.chunked else "early"
        with contextlib.suppress(Exception):
            yield from self._store_answer(text, self._answer_metadata(partial=True), label)
        self._stored_length, self._stored_chunks = self._length, len(self.chunk_ids)

    def _store_chunk(self, piece: _Piece) -> Work:
        if self.stopped:
            return
        yield from self._ensure_answer()
        if self._halted():
            return
        metadata = {
            "stream_id": self.stream_id,
            "role": "assistant",
            "partial": False,
            "answer_memory_id": str(self.answer_memory_id) if self.answer_memory_id else None,
            "stream_chunk": {
                "index": piece.index,
                "start": piece.start,
                "end": piece.end,
                "previous_chunk_id": str(self._prev_chunk_id) if self._prev_chunk_id else None,
                **_gap_metadata(piece.gap),
            },
        }
        memory_id = yield from self._create(
            piece.text, self._kwargs(CHUNK_TAGS, metadata), f"write chunk {piece.index}"
        )
        self.chunk_ids.append(memory_id)
        self._prev_chunk_id = memory_id
        self._progress("storage")

    # -- facts -------------------------------------------------------------------------------

    def _extract_facts(self, *, final: bool) -> None:
        accumulator = self._facts
        if accumulator is None:
            return
        text = "".join(self._fact_backlog)
        self._fact_backlog, self._backlog_chars = [], 0
        found = accumulator.add(text) if text else []
        if final:
            found += accumulator.flush()
        fresh = [fact for fact in found if fact.key not in self._fact_keys]
        for fact in fresh:
            self._fact_keys[fact.key] = None
        self._progress("fact-extraction")
        if fresh and not self.stopped:
            self._work.append(self._store_facts(fresh))

    def _store_facts(self, facts: Sequence[Fact]) -> Work:
        stored: list[Fact] = []
        if self.stopped:
            return
        yield from self._ensure_answer()
        for fact in facts:
            if self._halted():
                return
            metadata = {
                "stream_id": self.stream_id,
                "role": "fact",
                "answer_memory_id": str(self.answer_memory_id) if self.answer_memory_id else None,
                "fact": {
                    "subject": fact.subject,
                    "predicate": fact.predicate,
                    "value": fact.value,
                    "key": fact.key,
                },
            }
            try:
                response = yield WriteOp(
                    fact.text,
                    self._kwargs(FACT_TAGS, metadata, memory_type="semantic_fact"),
                    f"write fact {fact.key!r}",
                )
            except Exception:  # reported by failed(); the other facts are still stored
                if self._halted():
                    return
                continue
            created = _created(response)
            if created:
                self._owned.append(response.memory_id)
            if response.memory_id is not None:
                self.fact_memory_ids.append(response.memory_id)
            self.facts.append(StoredFact(fact, response.memory_id, reinforced=not created))
            stored.append(fact)
        if stored and self.graph is not None and self.options.progressive_graph_sync:
            yield from self._graph_sync("facts", stored)

    # -- graph -------------------------------------------------------------------------------

    def _graph_sync(self, phase: GraphPhase, facts: Sequence[Fact] = ()) -> Work:
        if phase == "update":
            self._graph_queued = False
        graph = self.graph
        if graph is None or self.answer_memory_id is None or (self.stopped and phase != "rollback"):
            return
        from ..graph.shape import facts_batch, memory_batch

        memory_id = str(self.answer_memory_id)
        metadata: dict[str, Any] = {"role": "assistant", "total_length": self._length}
        if self.chunked:
            metadata["chunks"] = len(self.chunk_ids)
        if phase == "rollback":
            metadata["rolled_back"] = True
        if self.failure is not None and phase != "finalize":
            metadata["incomplete"] = True
        self._last_graph_at = self.clock()
        self._graph_length = self._length
        nodes, edges = memory_batch(
            memory_id=memory_id,
            tenant=self.tenant,
            text=self._graph_text(),
            partial=phase != "finalize",
            session_id=self.write.session_id,
            stream_id=self.stream_id,
            metadata=metadata,
        )
        if facts:
            fact_nodes, fact_edges = facts_batch(
                memory_id=memory_id, tenant=self.tenant, facts=facts
            )
            nodes += fact_nodes
            edges += fact_edges
        started = self.clock()
        result = yield GraphOp(graph, tuple(nodes), tuple(edges), phase, f"graph sync ({phase})")
        self._graph_created = True
        self.graph_sync_count += 1
        self.graph_events.append(
            GraphSyncEvent(
                phase=phase,
                elapsed_ms=self._elapsed_ms(),
                backend=result.backend,
                nodes=result.nodes,
                edges=result.edges,
                ok=True,
                duration_ms=(self.clock() - started) * 1000.0,
            )
        )

    def _graph_text(self) -> str:
        if self.chunked:
            return self._preview
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    # -- failure -----------------------------------------------------------------------------

    def _halted(self) -> bool:
        """Whether a rollback began (read after a yield: it may have begun meanwhile)."""
        return self.stopped

    def _start_rollback(self) -> None:
        """Stop storing, drop the queued work, and delete what the stream stored."""
        if self.stopped:
            return
        self.stopped = True
        self._work.clear()
        self._work.append(self._rollback())

    def _rollback(self) -> Work:
        owned = tuple(dict.fromkeys(self._owned))
        if owned:
            yield ForgetOp(owned, "rollback: delete the stream's memories")
        self.rolled_back = True
        if self._graph_created:
            yield from self._graph_sync("rollback")

    def _save_token(self, token: str) -> Work:
        state = self._resume_state(token)
        try:
            yield SaveTokenOp(self.store, state)
        except Exception:
            return  # reported; the caller gets the original error without a token
        self.token_saved = True

    def _report_failure(self, error: BaseException, token: str | None) -> Work:
        yield from ()  # work is a generator, even when it performs nothing
        saved = token if self.token_saved else None
        self._record_error(
            _error_code(error),
            error,
            phase="streaming",
            recoverable=saved is not None,
            resume_token=saved,
        )

    def _resume_state(self, token: str) -> ResumeState:
        now = now_ms()
        if self.chunked:
            recent = "".join(self._recent)
            text = recent[self._last_end - self._recent_base :]
            offset = self._last_end
        else:
            text = self._answer_text(partial=True) or "".join(self._parts)
            offset = 0
        config = self._chunk_config
        return ResumeState(
            token=token,
            stream_id=self.stream_id,
            created_at_ms=now,
            expires_at_ms=now + int(self.options.resume_token_ttl),
            checksum=text_checksum(text),
            text=text,
            text_offset=offset,
            total_length=self._length,
            chunks_delivered=self.intake.chunks,
            user_message=self.user_message,
            user_memory_id=str(self.user_memory_id) if self.user_memory_id else None,
            answer_memory_id=str(self.answer_memory_id) if self.answer_memory_id else None,
            owned_ids=[str(i) for i in self._owned],
            chunked=self.chunked,
            chunk_ids=[str(i) for i in self.chunk_ids],
            chunk_next_index=self._chunk_index,
            chunk_last_end=self._last_end,
            chunking=(
                {
                    "strategy": config.strategy,
                    "max_chunk_size": config.max_chunk_size,
                    "overlap_size": config.overlap_size,
                    "preserve_boundaries": config.preserve_boundaries,
                }
                if self.chunked and config is not None
                else None
            ),
            fact_keys=list(self._fact_keys),
            fact_memory_ids=[str(i) for i in self.fact_memory_ids],
            write_options=self.write.to_json(),
            preview=self._preview,
        )

    # -- the result --------------------------------------------------------------------------

    def result(
        self, now: float, full_response: str | None, token: str | None
    ) -> RememberStreamResult:
        metrics = self.intake.metrics.snapshot(
            now,
            partial_updates=self.partial_update_count,
            storage_operations=self.storage_operations,
            errors=self.storage_errors,
            retries=self.retries,
            facts=len(self.facts),
            chunk_memories=len(self.chunk_ids),
            graph_syncs=self.graph_sync_count,
            cost_per_1k_tokens=self.options.cost_per_1k_tokens,
        )
        completed = self.failure is None
        recovered = (
            completed
            and not self.rolled_back
            and self.gave_up == 0
            and (self.resumed_from is not None or self.retries > 0)
        )
        gone = self.rolled_back
        adaptive = self.intake.adaptive
        return RememberStreamResult(
            stream_id=self.stream_id,
            full_response=full_response,
            total_length=self._length,
            user_memory_id=None if gone else self.user_memory_id,
            answer_memory_id=None if gone else self.answer_memory_id,
            chunk_memory_ids=() if gone else tuple(self.chunk_ids),
            fact_memory_ids=() if gone else tuple(self.fact_memory_ids),
            facts=tuple(self.facts),
            metrics=metrics,
            insights=insights_for(metrics, chunked=self.chunked),
            partial_updates=tuple(self.partial_updates),
            graph_syncs=tuple(self.graph_events),
            adaptations=tuple(adaptive.history[-_HISTORY:]) if adaptive is not None else (),
            errors=tuple(self.errors),
            completed=completed,
            chunked=self.chunked,
            rolled_back=self.rolled_back,
            recovered=recovered,
            resume_token=token if self.token_saved else None,
            resumed_from=self.resumed_from,
        )


# --- performing operations ----------------------------------------------------------------------


def _perform(client: Any, op: Op) -> Any:
    if isinstance(op, WriteOp):
        return client.write(op.content, **op.options)
    if isinstance(op, UpdateOp):
        return client.update(op.memory_id, text=op.text, metadata=op.metadata)
    if isinstance(op, ForgetOp):
        return client.forget(memory_ids=list(op.memory_ids))
    if isinstance(op, GraphOp):
        return op.graph.merge(op.nodes, op.edges)
    if isinstance(op, SaveTokenOp):
        return op.store.save(op.state)
    raise TypeError(f"not a storage operation: {op!r}")


async def _perform_async(client: Any, op: Op, *, native: bool) -> Any:
    """`native`: the client's methods are coroutines; otherwise they run in a thread."""
    if isinstance(op, GraphOp | SaveTokenOp) or not native:
        return await asyncio.to_thread(_perform, client, op)
    if isinstance(op, WriteOp):
        return await client.write(op.content, **op.options)
    if isinstance(op, UpdateOp):
        return await client.update(op.memory_id, text=op.text, metadata=op.metadata)
    if isinstance(op, ForgetOp):
        return await client.forget(memory_ids=list(op.memory_ids))
    raise TypeError(f"not a storage operation: {op!r}")


# --- shared set-up ------------------------------------------------------------------------------


@attrs.frozen
class _Setup:
    """One call's arguments, checked; nothing is done until the stream is iterated."""

    options: StreamingOptions
    hooks: StreamHooks
    write: WriteOptions
    user_message: str
    resume_from: str | None


def _store_of(options: StreamingOptions) -> tuple[ResumeTokenStore, Callable[[], None]]:
    """The resume token store, and how to release it when the stream is done (a file store
    opened for this stream is closed; a given or shared one is left open)."""
    if options.resume_store is not None:
        return options.resume_store, _nothing
    if options.resume_store_path is not None:
        store = SQLiteResumeTokenStore(options.resume_store_path)
        return store, store.close
    return default_resume_store(), _nothing


def _nothing() -> None:
    pass


def _graph_of(client: Any, options: StreamingOptions) -> tuple[Any, bool, BaseException | None]:
    """The graph to sync (given, else the embedded store's own file), whether the stream owns
    it (and closes it), and the error that kept the default one from opening."""
    if options.graph is not None:
        return options.graph, False, None
    if not (options.sync_to_graph or options.progressive_graph_sync):
        return None, False, None
    engine = getattr(client, "engine", None)
    path = getattr(getattr(engine, "store", None), "path", None)
    if not isinstance(path, str) or path == ":memory:":
        return None, False, None  # HTTP mode, or a throwaway store no other connection sees
    try:
        from ..graph.sqlite import SQLiteGraphSync

        return SQLiteGraphSync(path), True, None
    except Exception as exc:
        return None, False, exc


def _begin(
    client: Any, setup: _Setup, store: ResumeTokenStore, resume: ResumeState | None
) -> tuple[_Intake, _Processor, Any, bool]:
    options = setup.options
    write = setup.write
    if resume is not None:
        write = WriteOptions.from_json(resume.write_options).merged(attrs.asdict(setup.write))
    intake = _Intake(
        options,
        setup.hooks,
        prefix=None if resume is None or resume.chunked else resume.text,
        prefix_chars=0 if resume is None else resume.total_length,
        chunk_base=0 if resume is None else resume.chunks_delivered,
    )
    graph, owns_graph, graph_error = _graph_of(client, options)
    processor = _Processor(
        options=options,
        hooks=setup.hooks,
        write=write,
        user_message=setup.user_message,
        tenant=client.tenant_id,
        graph=graph,
        graph_error=graph_error,
        store=store,
        intake=intake,
        resume=resume,
        resumed_from=setup.resume_from,
    )
    return intake, processor, graph, owns_graph


def _close_graph(graph: Any, owned: bool) -> None:
    if owned and graph is not None:
        try:
            graph.close()
        except Exception:
            logger.warning("closing the stream's graph failed", exc_info=True)


# --- the sync driver ----------------------------------------------------------------------------


class _SyncWorker:
    """The worker thread: empties the outbox, performs the processor's operations, retries."""

    def __init__(
        self, client: Any, processor: _Processor, intake: _Intake, graph: Any, owns_graph: bool
    ) -> None:
        self.client = client
        self.processor = processor
        self.intake = intake
        self.graph = graph
        self.owns_graph = owns_graph
        self.inbox: queue.SimpleQueue[_Message] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self.run, name="cml-remember-stream", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None

    def run(self) -> None:
        processor = self.processor
        try:
            self._drain()
            while True:
                due = processor.due_at()
                message: _Message | None
                try:
                    message = self.inbox.get(
                        timeout=None if due is None else max(0.0, due - processor.clock())
                    )
                except queue.Empty:
                    message = None
                text = self.intake.take(processor.clock())
                if text.pieces or text.events:
                    processor.handle(text)
                if message is None:
                    processor.timer()
                elif not isinstance(message, _Wake):
                    processor.handle(message)
                self._drain()
                if isinstance(message, _End):
                    return
        except BaseException:  # a bug: never leave the caller waiting on a dead worker
            logger.exception("the remember_stream worker failed")
        finally:
            self.intake.close()
            _close_graph(self.graph, self.owns_graph)
            if self._loop is not None:
                self._loop.close()

    def _drain(self) -> None:
        processor = self.processor
        while (op := processor.next_op()) is not None:
            if isinstance(op, HookOp):
                self._call_hook(op)
                continue
            attempt = 0
            while True:
                try:
                    result = _perform(self.client, op)
                except Exception as exc:
                    delay = processor.failed(exc, attempt)
                    if delay is None:
                        break
                    time.sleep(delay)
                    attempt += 1
                else:
                    processor.succeeded(result)
                    break

    def _call_hook(self, op: HookOp) -> None:
        try:
            outcome = op.hook(op.event)
            if inspect.isawaitable(outcome):
                if self._loop is None:
                    self._loop = asyncio.new_event_loop()
                self._loop.run_until_complete(_awaited(outcome))
        except Exception as exc:
            self.processor.hook_failed(op, exc)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _abandon(worker: _SyncWorker, clock: Callable[[], float]) -> None:
    # The caller dropped an unfinished stream: let the worker store what arrived and stop.
    if not worker.thread.is_alive() and worker.thread.ident is None:
        worker.thread.start()
    worker.inbox.put(_End(clock(), StreamCancelledError("the stream was abandoned before its end")))


def _closing(
    setup: _Setup, processor: _Processor, intake: _Intake, error: BaseException | None, now: float
) -> _End:
    """The worker's last message: a resume token only for a failed stream that can resume."""
    resumable = (
        error is not None
        and setup.options.generate_resume_token
        and processor.strategy != "rollback"
    )
    token = new_resume_token() if resumable else None
    return _End(now, error, token, intake.full_response())


class _StreamView:
    """What both stream classes show while and after they run (no I/O here)."""

    _intake: _Intake | None
    _processor: _Processor | None
    _result: RememberStreamResult | None
    _finished: bool
    #: How to reach the end of this kind of stream, for the error `result` raises before it.
    _finish_hint: ClassVar[str]

    @property
    def result(self) -> RememberStreamResult:
        """The result; raises `RuntimeError` until the stream has ended."""
        if self._result is None:
            raise RuntimeError(f"the stream has not ended yet: {self._finish_hint}")
        return self._result

    @property
    def done(self) -> bool:
        return self._finished

    @property
    def stream_id(self) -> str | None:
        """The stream's id (known once iteration started)."""
        return self._processor.stream_id if self._processor is not None else None

    @property
    def recent_text(self) -> str:
        """The last `max_buffer_size` characters (a rolling window, bounded memory)."""
        return self._intake.window.text if self._intake is not None else ""

    @property
    def answer_memory_id(self) -> UUID | None:
        """The answer memory's id, once the background worker has created it."""
        return self._processor.answer_memory_id if self._processor is not None else None


class RememberStream(_StreamView, Iterator[T], Generic[T]):
    """
    The chunks of a stream, each returned the moment it arrives, while it is remembered in a
    background thread. After the last chunk, `result` holds the `RememberStreamResult`;
    `consume()` drains the stream and returns it.

    ```python
    stream = memory.remember_stream(llm_chunks, user_message=question)
    for chunk in stream:
        print(chunk, end="", flush=True)
    print(stream.result.answer_memory_id)
    ```

    Leaving early: `close()` (or `with memory.remember_stream(...) as stream:`) ends the
    stream; what arrived is kept per the failure strategy, and nothing is raised. A source
    that fails raises its error, or `ResumableStreamError` when resume tokens are on.
    """

    _finish_hint = "iterate it, or call consume()"

    def __init__(self, client: Any, stream: Iterable[T], setup: _Setup) -> None:
        self._client = client
        self._source = stream
        self._setup = setup
        self._clock = setup.options.clock
        self._iterator: Iterator[T] | None = None
        self._intake: _Intake | None = None
        self._processor: _Processor | None = None
        self._worker: _SyncWorker | None = None
        self._release_store: Callable[[], None] = _nothing
        self._running = False
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._result: RememberStreamResult | None = None
        self._finished = False

    # -- public ------------------------------------------------------------------------------

    def consume(self) -> RememberStreamResult:
        """Read the rest of the stream (discarding the chunks) and return the result."""
        for _ in self:
            pass
        return self.result

    def close(self) -> None:
        """Stop early: what arrived is stored per the failure strategy; nothing is raised."""
        if self._finished:
            return
        if self._worker is None:
            self._finished = True
            self._close_source()
            return
        self._finish(StreamCancelledError("the caller closed the stream"))

    def __enter__(self) -> RememberStream[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __iter__(self) -> RememberStream[T]:
        return self

    def __next__(self) -> T:
        if self._finished:
            raise StopIteration
        if self._worker is None:
            self._prepare()
        elif not self._running:
            self._run_worker()  # after the first chunk: its start-up never delays that one
        assert self._iterator is not None
        assert self._intake is not None
        try:
            raw = next(self._iterator)
        except StopIteration:
            self._finish(None)
            raise
        except BaseException as exc:
            self._fail(exc)
        try:
            message = self._intake.accept(raw, self._clock())
        except StreamTooLongError as exc:
            self._fail(exc)
        if message is not None:
            worker = self._worker
            assert worker is not None
            worker.inbox.put(message)
            if self._intake.pending_chars > self._setup.options.max_pending_chars:
                if not self._running:
                    self._run_worker()
                self._intake.wait_for_room()
        return raw

    # -- internals ---------------------------------------------------------------------------

    def _prepare(self) -> None:
        setup = self._setup
        options = setup.options
        store, self._release_store = _store_of(options)
        resume = None
        if setup.resume_from is not None:
            try:
                resume = take_resume_state(store, setup.resume_from)
            except BaseException:
                self._finished = True
                self._release_store()
                raise
        intake, processor, graph, owns_graph = _begin(self._client, setup, store, resume)
        worker = _SyncWorker(self._client, processor, intake, graph, owns_graph)
        self._intake, self._processor, self._worker = intake, processor, worker
        intake.metrics.start(self._clock())
        iterator: Iterator[T] = iter(self._source)
        if options.stream_timeout is not None or options.idle_timeout is not None:
            iterator = with_stream_timeout(
                self._source,
                options.idle_timeout / 1000.0 if options.idle_timeout else None,
                total=options.stream_timeout / 1000.0 if options.stream_timeout else None,
            )
        self._iterator = iterator
        self._finalizer = weakref.finalize(self, _abandon, worker, self._clock)
        self._finalizer.atexit = False  # at interpreter exit there is nothing left to store to

    def _run_worker(self) -> None:
        assert self._worker is not None
        self._running = True
        self._worker.thread.start()

    def _fail(self, error: BaseException) -> NoReturn:
        _raise_failure(error, self._finish(error))

    def _finish(self, error: BaseException | None) -> RememberStreamResult:
        """End the stream: wake the worker for the rest, wait for storage, build the result."""
        self._finished = True
        intake, processor, worker = self._intake, self._processor, self._worker
        assert intake is not None
        assert processor is not None
        assert worker is not None
        if self._finalizer is not None:
            self._finalizer.detach()
        if not self._running:
            self._run_worker()
        end = _closing(self._setup, processor, intake, error, self._clock())
        token, full_response = end.token, end.full_response
        worker.inbox.put(end)
        worker.thread.join()
        self._release_store()
        result = self._result = processor.result(self._clock(), full_response, token)
        if error is not None:
            self._close_source()
        return result

    def _close_source(self) -> None:
        for owned in (self._iterator, self._source):
            close = getattr(owned, "close", None)
            if callable(close):
                try:
                    close()
                except Exception:
                    logger.warning("closing the stream's source failed", exc_info=True)


def _raise_failure(error: BaseException, result: RememberStreamResult) -> NoReturn:
    if result.resume_token is not None and isinstance(error, Exception):
        raise ResumableStreamError(error, result.resume_token, result) from error
    raise error


# --- the async driver ---------------------------------------------------------------------------


class _AsyncWorker:
    """The worker task; storage calls are awaited (async client) or run in threads (sync)."""

    def __init__(
        self, client: Any, processor: _Processor, intake: _Intake, graph: Any, owns_graph: bool
    ) -> None:
        self.client = client
        self.native = inspect.iscoroutinefunction(getattr(client, "write", None))
        self.processor = processor
        self.intake = intake
        self.graph = graph
        self.owns_graph = owns_graph
        self.inbox: asyncio.Queue[_Message] = asyncio.Queue()
        self.room = asyncio.Event()  # set whenever the outbox was emptied

    async def run(self) -> None:
        processor = self.processor
        getter: asyncio.Future[_Message] | None = None
        try:
            await self._drain()
            while True:
                if getter is None:
                    getter = asyncio.ensure_future(self.inbox.get())
                due = processor.due_at()
                timeout = None if due is None else max(0.0, due - processor.clock())
                # The pending get is kept across timeouts, so no message is ever lost.
                done, _ = await asyncio.wait({getter}, timeout=timeout)
                message: _Message | None = None
                if done:
                    message = getter.result()
                    getter = None
                text = self.intake.take(processor.clock())
                self.room.set()
                if text.pieces or text.events:
                    processor.handle(text)
                if message is None:
                    processor.timer()
                elif not isinstance(message, _Wake):
                    processor.handle(message)
                await self._drain()
                if isinstance(message, _End):
                    return
        except Exception:
            logger.exception("the remember_stream worker failed")
        finally:
            if getter is not None:
                getter.cancel()
            self.intake.close()
            self.room.set()
            if self.owns_graph and self.graph is not None:
                await asyncio.to_thread(_close_graph, self.graph, True)

    async def _drain(self) -> None:
        processor = self.processor
        while (op := processor.next_op()) is not None:
            if isinstance(op, HookOp):
                await self._call_hook(op)
                continue
            attempt = 0
            while True:
                try:
                    result = await _perform_async(self.client, op, native=self.native)
                except Exception as exc:
                    delay = processor.failed(exc, attempt)
                    if delay is None:
                        break
                    await asyncio.sleep(delay)
                    attempt += 1
                else:
                    processor.succeeded(result)
                    break

    async def _call_hook(self, op: HookOp) -> None:
        try:
            outcome = op.hook(op.event)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception as exc:
            self.processor.hook_failed(op, exc)


def _abandon_async(
    loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue[_Message], clock: Callable[[], float]
) -> None:
    end = _End(clock(), StreamCancelledError("the stream was abandoned before its end"))
    with contextlib.suppress(RuntimeError):  # the loop is closed: nothing is left to store
        loop.call_soon_threadsafe(inbox.put_nowait, end)


class AsyncRememberStream(_StreamView, AsyncIterator[T], Generic[T]):
    """
    The async twin of `RememberStream`: `async for chunk in stream` gets each chunk as it
    arrives while a background task remembers it; `await stream` (or `await stream.consume()`)
    drains it and returns the `RememberStreamResult`; `result` holds it after the last chunk.

    A sync source given to an async stream is read in a worker thread (`aiter_any`), so a
    blocking source never stalls the event loop.
    """

    _finish_hint = "iterate it, or await it"

    def __init__(self, client: Any, stream: Iterable[T] | AsyncIterable[T], setup: _Setup) -> None:
        self._client = client
        self._source = stream
        self._setup = setup
        self._clock = setup.options.clock
        self._iterator: AsyncIterator[T] | None = None
        self._intake: _Intake | None = None
        self._processor: _Processor | None = None
        self._worker: _AsyncWorker | None = None
        self._release_store: Callable[[], None] = _nothing
        self._task: asyncio.Task[None] | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._result: RememberStreamResult | None = None
        self._finished = False

    async def consume(self) -> RememberStreamResult:
        """Read the rest of the stream (discarding the chunks) and return the result."""
        async for _ in self:
            pass
        return self.result

    def __await__(self) -> Generator[Any, None, RememberStreamResult]:
        return self.consume().__await__()

    async def aclose(self) -> None:
        """Stop early: what arrived is stored per the failure strategy; nothing is raised."""
        if self._finished:
            return
        if self._worker is None:
            self._finished = True
            await self._close_source()
            return
        await self._finish(StreamCancelledError("the caller closed the stream"))

    async def __aenter__(self) -> AsyncRememberStream[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncRememberStream[T]:
        return self

    async def __anext__(self) -> T:
        if self._finished:
            raise StopAsyncIteration
        if self._worker is None:
            await self._prepare()
        assert self._iterator is not None
        assert self._intake is not None
        worker = self._worker
        assert worker is not None
        try:
            raw = await anext(self._iterator)
        except StopAsyncIteration:
            await self._finish(None)
            raise
        except BaseException as exc:
            await self._fail(exc)
        try:
            message = self._intake.accept(raw, self._clock())
        except StreamTooLongError as exc:
            await self._fail(exc)
        if message is not None:
            worker.inbox.put_nowait(message)
            if isinstance(message, _Tick):
                # Storage falls due: let the worker start on it even if the source never
                # yields to the event loop (an in-memory list, say).
                await asyncio.sleep(0)
            while self._intake.pending_chars > self._setup.options.max_pending_chars:
                worker.room.clear()
                if self._task is None or self._task.done():
                    break
                await worker.room.wait()
        return raw

    async def _prepare(self) -> None:
        setup = self._setup
        options = setup.options
        store, self._release_store = _store_of(options)
        resume = None
        if setup.resume_from is not None:
            try:
                resume = await asyncio.to_thread(take_resume_state, store, setup.resume_from)
            except BaseException:
                self._finished = True
                self._release_store()
                raise
        intake, processor, graph, owns_graph = _begin(self._client, setup, store, resume)
        worker = _AsyncWorker(self._client, processor, intake, graph, owns_graph)
        self._intake, self._processor, self._worker = intake, processor, worker
        intake.metrics.start(self._clock())
        iterator = aiter_any(self._source)
        if options.stream_timeout is not None or options.idle_timeout is not None:
            iterator = with_stream_timeout(
                iterator,
                options.idle_timeout / 1000.0 if options.idle_timeout else None,
                total=options.stream_timeout / 1000.0 if options.stream_timeout else None,
            )
        self._iterator = iterator
        # A task runs only when this one waits, so starting it now delays no chunk.
        self._task = asyncio.create_task(worker.run(), name="cml-remember-stream")
        self._finalizer = weakref.finalize(
            self, _abandon_async, asyncio.get_running_loop(), worker.inbox, self._clock
        )
        self._finalizer.atexit = False

    async def _fail(self, error: BaseException) -> NoReturn:
        _raise_failure(error, await self._finish(error))

    async def _finish(self, error: BaseException | None) -> RememberStreamResult:
        """End the stream: wake the worker for the rest, wait for storage, build the result."""
        self._finished = True
        intake, processor, worker = self._intake, self._processor, self._worker
        assert intake is not None
        assert processor is not None
        assert worker is not None
        assert self._task is not None
        if self._finalizer is not None:
            self._finalizer.detach()
        end = _closing(self._setup, processor, intake, error, self._clock())
        token, full_response = end.token, end.full_response
        worker.inbox.put_nowait(end)
        # Storage finishes even when the caller is cancelled meanwhile.
        await asyncio.shield(self._task)
        self._release_store()
        result = self._result = processor.result(self._clock(), full_response, token)
        if error is not None:
            await self._close_source()
        return result

    async def _close_source(self) -> None:
        for owned in (self._iterator, self._source):
            aclose = getattr(owned, "aclose", None)
            close = aclose if callable(aclose) else getattr(owned, "close", None)
            if callable(close):
                try:
                    outcome = close()
                    if inspect.isawaitable(outcome):
                        await outcome
                except Exception:
                    logger.warning("closing the stream's source failed", exc_info=True)


# --- entry point --------------------------------------------------------------------------------


def open_remember_stream(
    client: Any,
    stream: Iterable[Any] | AsyncIterable[Any],
    *,
    asynchronous: bool,
    user_message: str,
    options: Any,
    hooks: Any,
    graph: Any,
    resume_from: str | None,
    write: Mapping[str, Any],
) -> RememberStream[Any] | AsyncRememberStream[Any]:
    """Check the arguments and build the stream (nothing runs before iteration)."""
    from .._exceptions import InvalidRequestError

    if not isinstance(user_message, str):
        raise InvalidRequestError(
            f"user_message must be a string, not {type(user_message).__name__}"
        )
    if isinstance(stream, str | bytes):
        raise InvalidRequestError(
            "stream must be an iterable of chunks, not one string",
            hint="Use write() for a complete text, or wrap it: remember_stream([text], ...).",
        )
    if not isinstance(stream, Iterable | AsyncIterable):
        raise InvalidRequestError(f"stream must be iterable, not {type(stream).__name__}")
    if resume_from is not None and not isinstance(resume_from, str):
        raise InvalidRequestError("resume_from must be a resume token (a string)")
    resolved, resolved_hooks, write_options = resolve_options(
        options, hooks=hooks, graph=graph, write=write
    )
    setup = _Setup(resolved, resolved_hooks, write_options, user_message, resume_from)
    if asynchronous or isinstance(stream, AsyncIterable):
        return AsyncRememberStream(client, stream, setup)
    return RememberStream(client, stream, setup)


# --- reading a stored answer back ---------------------------------------------------------------


class ReassemblyError(CMLError):
    """A stored answer cannot be read back whole: a chunk is missing or damaged."""


class _Assembler:
    """Joins chunk memories into the answer, checking that nothing is missing."""

    def __init__(self) -> None:
        self.last_end = 0

    def add(self, memory_id: Any, text: str, info: Mapping[str, Any]) -> str:
        start, end = int(info["start"]), int(info["end"])
        if len(text) != end - start:
            raise ReassemblyError(
                f"chunk memory {memory_id} holds {len(text)} characters where {end - start} "
                "were stored: it was changed or is incomplete"
            )
        if start > self.last_end:
            gap = _gap_text(info)
            if len(gap) != start - self.last_end:
                raise ReassemblyError(
                    f"the answer's characters {self.last_end}-{start} are missing before chunk "
                    f"memory {memory_id} (a chunk write failed?)"
                )
            piece = gap + text
        else:
            piece = text[self.last_end - start :]
        self.last_end = max(self.last_end, end)
        return piece


def _target(target: RememberStreamResult | UUID | str) -> tuple[str, list[str] | None]:
    if isinstance(target, RememberStreamResult):
        if target.answer_memory_id is None:
            raise ReassemblyError("the stream stored no answer memory")
        return str(target.answer_memory_id), [str(i) for i in target.chunk_memory_ids]
    return str(UUID(str(target))), None


def _chunk_info(detail: Mapping[str, Any]) -> Mapping[str, Any]:
    info = (detail.get("metadata") or {}).get("stream_chunk")
    if not isinstance(info, Mapping):
        raise ReassemblyError(f"memory {detail.get('id')} is not a chunk of a stored answer")
    return info


def iter_reassembled(client: Any, target: RememberStreamResult | UUID | str) -> Iterator[str]:
    """The stored answer's text, piece by piece, in order (see `reassemble`)."""
    answer_id, chunk_ids = _target(target)
    head = client.dashboard_memory_detail(UUID(answer_id))
    chunked = (head.get("metadata") or {}).get("chunked")
    if not isinstance(chunked, Mapping):
        yield str(head["text"])
        return
    if chunk_ids is None:
        chunk_ids = []
        current = chunked.get("last_chunk_id")
        while current:
            chunk_ids.append(str(current))
            current = _chunk_info(client.dashboard_memory_detail(UUID(str(current)))).get(
                "previous_chunk_id"
            )
        chunk_ids.reverse()
    assembler = _Assembler()
    for chunk_id in chunk_ids:
        detail = client.dashboard_memory_detail(UUID(chunk_id))
        yield assembler.add(chunk_id, str(detail["text"]), _chunk_info(detail))
    yield str(chunked.get("trailing") or "")


def reassemble(client: Any, target: RememberStreamResult | UUID | str) -> str:
    """
    Read a stored answer back whole: `target` is a stream's result or its answer memory id.

    An unchunked answer is its memory's text. A chunked one is rebuilt from its chunk memories
    in order, overlaps removed and the whitespace between them restored, so it equals the
    answer the stream received (with NUL and lone surrogates, which no memory can hold, as
    U+FFFD). From an id alone the chunks are found by walking their `previous_chunk_id` links
    back from the head. Reads each memory with `dashboard_memory_detail` (the admin key over
    HTTP). Raises `ReassemblyError` when a chunk is missing or altered.
    """
    return "".join(iter_reassembled(client, target))


async def areassemble(client: Any, target: RememberStreamResult | UUID | str) -> str:
    """`reassemble` for an async client."""
    answer_id, chunk_ids = _target(target)
    head = await client.dashboard_memory_detail(UUID(answer_id))
    chunked = (head.get("metadata") or {}).get("chunked")
    if not isinstance(chunked, Mapping):
        return str(head["text"])
    if chunk_ids is None:
        chunk_ids = []
        current = chunked.get("last_chunk_id")
        while current:
            chunk_ids.append(str(current))
            detail = await client.dashboard_memory_detail(UUID(str(current)))
            current = _chunk_info(detail).get("previous_chunk_id")
        chunk_ids.reverse()
    assembler = _Assembler()
    pieces = []
    for chunk_id in chunk_ids:
        detail = await client.dashboard_memory_detail(UUID(chunk_id))
        pieces.append(assembler.add(chunk_id, str(detail["text"]), _chunk_info(detail)))
    pieces.append(str(chunked.get("trailing") or ""))
    return "".join(pieces)
