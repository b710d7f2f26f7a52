"""
The storage side's logic of `remember_stream`, without I/O: it turns the streamed text into
storage operations, decides retries and rollbacks, and builds the result. Each piece of work is
a generator that yields operations (`_ops`) and receives their results, so the same logic runs
under a thread (sync) and under a task (async): only the waiting differs (`_remember`).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
import uuid
from collections import deque
from collections.abc import (
    Generator,
    Iterator,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

import attrs

from ..text.chunking import Chunk, Chunker, ChunkingConfig, ChunkLimitError
from ._events import (
    ErrorContext,
    ErrorPhase,
    GraphPhase,
    GraphSyncEvent,
    PartialUpdate,
    ProgressEvent,
    ProgressPhase,
    RememberStreamResult,
    StoredFact,
    StreamCompleteEvent,
    StreamErrorEvent,
    error_summary,
)
from ._intake import (
    Intake,
)
from ._metrics import (
    insights_for,
)
from ._ops import (
    ANSWER_TAGS,
    CHUNK_TAGS,
    CREATE_ATTEMPTS,
    CREATE_HEAD_CHARS,
    DIRECT_WRITE_CHARS,
    FACT_TAGS,
    HISTORY,
    PREVIEW_CHARS,
    PROGRESS_EVERY_S,
    USER_TAGS,
    Arrival,
    ForgetOp,
    GraphOp,
    HookOp,
    Message,
    Op,
    SaveTokenOp,
    StorageRefused,
    TextBatch,
    Tick,
    UpdateOp,
    Wake,
    Work,
    WriteOp,
    error_code,
    gap_metadata,
    storable,
)
from ._options import StreamHooks, StreamingOptions, WriteOptions
from ._resume import (
    ResumeState,
    ResumeTokenStore,
    now_ms,
    text_checksum,
)

if TYPE_CHECKING:
    from ..graph import GraphSync
    from ..text.extract import Fact, FactAccumulator

logger = logging.getLogger("cml")  # the SDK's one logger (see cml.configure_logging)


# --- the storage side's logic ------------------------------------------------------------------


@attrs.frozen
class ChunkPiece:
    """A chunk memory to store: `text == answer[start:end]`, after `gap` (from the previous
    piece's end to `start`, when they do not overlap)."""

    index: int
    text: str
    start: int
    end: int
    gap: str


def _windows(start: int, end: int, size: int) -> Iterator[tuple[int, int]]:
    while start < end:
        yield start, min(start + size, end)
        start += size


def _created(response: Any) -> bool:
    return response.memory_id is not None and bool(response.chunks_created)


class Processor:
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
        intake: Intake,
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
        self.partial_updates: deque[PartialUpdate] = deque(maxlen=HISTORY)
        self.partial_update_count = 0
        self.graph_events: deque[GraphSyncEvent] = deque(maxlen=HISTORY)
        self.graph_sync_count = 0
        self._graph_created = False
        self.errors: deque[StreamErrorEvent] = deque(maxlen=HISTORY)
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
            from ..text.extract import FactAccumulator

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

    def handle(self, message: Message) -> None:
        if isinstance(message, TextBatch):
            for event in message.events:
                self._hook("on_chunk", event)
            self._take_text(message.pieces)
            self._chunks_seen = message.chunks
            if message.pieces and message.now - self._last_progress >= PROGRESS_EVERY_S:
                self._last_progress = message.now
                self._progress("streaming")
        elif isinstance(message, Tick):
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
        elif isinstance(message, Wake):
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
                adaptive.parameters.partial_update_interval
                if adaptive is not None
                else self.options.partial_update_interval
            )
            deadlines.append(self._last_update_at + interval)
        if (
            self.graph is not None
            and self.options.progressive_graph_sync
            and self._last_graph_at is not None
            and not self._graph_queued
            and self._graph_length != self._length
        ):
            deadlines.append(self._last_graph_at + self.options.graph_update_interval)
        return min(deadlines) if deadlines else None

    def timer(self) -> None:
        """The worker woke up by itself: queue what fell due."""
        now = self.clock()
        due = self.due_at()
        if due is not None and now >= due:
            self.handle(Tick(partial=True, graph=True, now=now))

    def _take_text(self, pieces: Sequence[Arrival]) -> None:
        for raw, chunk_number, fact_threshold in pieces:
            piece = storable(raw)
            if len(self._preview) < PREVIEW_CHARS:
                self._preview = (self._preview + piece)[:PREVIEW_CHARS]
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
                if exc is not thrown and not isinstance(exc, StorageRefused):
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
            return self.options.storage_retry_delay * 2.0**attempt
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
        if len(text) > DIRECT_WRITE_CHARS:
            first = text[:CREATE_HEAD_CHARS]
            if not first.strip():
                first = text.strip()[:CREATE_HEAD_CHARS]
        candidate = first
        for _attempt in range(CREATE_ATTEMPTS):
            response = yield WriteOp(candidate, options, label)
            if response.memory_id is None:
                refused = StorageRefused(f"{label}: the store kept nothing ({response.message})")
                self._give_up("storage_failed", refused, operation=label)
                raise refused
            if _created(response):
                break
            candidate = f"{first}\n\n[{label}; stream {self.stream_id}; {secrets.token_hex(4)}]"
        else:
            refused = StorageRefused(
                f"{label}: the store merged the text into an existing memory "
                f"{CREATE_ATTEMPTS} times"
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
            storable(self.user_message),
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
                self._work.append(self._store_chunk(ChunkPiece(self._chunk_index, text, s, e, gap)))
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

    def _store_chunk(self, piece: ChunkPiece) -> Work:
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
                **gap_metadata(piece.gap),
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
            error_code(error),
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
            expires_at_ms=now + int(self.options.resume_token_lifetime * 1000),
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
            adaptations=tuple(adaptive.history[-HISTORY:]) if adaptive is not None else (),
            errors=tuple(self.errors),
            completed=completed,
            chunked=self.chunked,
            rolled_back=self.rolled_back,
            recovered=recovered,
            resume_token=token if self.token_saved else None,
            resumed_from=self.resumed_from,
        )


# --- performing operations ----------------------------------------------------------------------


def perform(client: Any, op: Op) -> Any:
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


async def perform_async(client: Any, op: Op, *, native: bool) -> Any:
    """`native`: the client's methods are coroutines; otherwise they run in a thread."""
    if isinstance(op, GraphOp | SaveTokenOp) or not native:
        return await asyncio.to_thread(perform, client, op)
    if isinstance(op, WriteOp):
        return await client.write(op.content, **op.options)
    if isinstance(op, UpdateOp):
        return await client.update(op.memory_id, text=op.text, metadata=op.metadata)
    if isinstance(op, ForgetOp):
        return await client.forget(memory_ids=list(op.memory_ids))
    raise TypeError(f"not a storage operation: {op!r}")
