"""
The storage side of `remember_stream`, without I/O. The `Processor` takes what the delivery side
sends (`handle`), decides what falls due, and hands the worker one storage operation at a time
(`next_op`), with the retry policy for those that fail (`failed`). Its collaborators each do one
job: `AnswerText` holds the answer's text and cuts chunk pieces, `FactTracker` extracts facts,
`Steps` are the storage steps, `WorkQueue` runs them, and `Journal` records what happened. The
same logic runs under a thread (sync) and under a task (async): only the waiting differs
(`_workers`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ..text.chunking import ChunkingConfig, ChunkLimitError
from ._answer import AnswerText, ChunkPiece
from ._events import ErrorPhase, RememberStreamResult
from ._facts import FactTracker
from ._hooks import StreamHooks, WriteOptions
from ._intake import Intake
from ._journal import Journal
from ._metrics import insights_for
from ._ops import (
    HISTORY,
    PROGRESS_EVERY_S,
    Arrival,
    ForgetOp,
    GraphOp,
    HookOp,
    Message,
    Op,
    SaveTokenOp,
    TextBatch,
    Tick,
    Wake,
    storable,
)
from ._options import StreamingOptions
from ._resume import ResumeState, ResumeTokenStore, now_ms, text_checksum
from ._steps import Steps, Stored
from ._work import WorkQueue

if TYPE_CHECKING:
    from ..graph import GraphSync

__all__ = ["Processor"]


class Processor:
    """
    The storage side of one stream. The worker feeds it messages (`handle`), asks for
    operations (`next_op`) and reports their outcomes (`succeeded`, `failed`); `result` builds
    the final `RememberStreamResult`.
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
        self.write = write
        self.user_message = user_message
        self.graph = graph
        self.store = store
        self.intake = intake
        self.clock = options.clock
        self.strategy = options.failure_strategy
        self.resumed_from = resumed_from
        self.stream_id = resume.stream_id if resume is not None else str(uuid.uuid4())
        self.work = WorkQueue(on_bug=self._bug)
        self.journal = Journal(hooks, intake, self.work)
        self.answer = AnswerText(options)
        self.facts = FactTracker() if options.progressive_fact_extraction else None
        self._fact_keys: list[str] = []  # a resumed stream's, kept when this one extracts none
        self.stored = Stored(chunks_seen=resume.chunks_delivered if resume is not None else 0)
        self.steps = Steps(
            options=options,
            hooks=hooks,
            write=write,
            stream_id=self.stream_id,
            tenant=tenant,
            graph=graph,
            answer=self.answer,
            intake=intake,
            journal=self.journal,
            work=self.work,
            stored=self.stored,
        )
        self._last_progress = -float("inf")
        if graph_error is not None:
            self.journal.graph_failed("create", graph_error, backend="unknown")
            if graph is None:  # the default graph could not be opened
                self.steps.record_error(
                    "graph_sync_failed", graph_error, phase="graph-sync", recoverable=True
                )
        if resume is not None:
            self._restore(resume)
        if self.stored.user_memory_id is None:
            self.work.add(self.steps.write_user(self.user_message))

    # -- what the stream stored (read by the stream classes) ---------------------------------

    @property
    def answer_memory_id(self) -> UUID | None:
        return self.stored.answer_memory_id

    # -- restoring a resumed stream ----------------------------------------------------------

    def _restore(self, state: ResumeState) -> None:
        stored = self.stored
        self.user_message = state.user_message or self.user_message
        stored.user_memory_id = UUID(state.user_memory_id) if state.user_memory_id else None
        stored.answer_memory_id = UUID(state.answer_memory_id) if state.answer_memory_id else None
        stored.owned = [UUID(i) for i in state.owned_ids]
        stored.chunk_ids = [UUID(i) for i in state.chunk_ids]
        stored.fact_memory_ids = [UUID(i) for i in state.fact_memory_ids]
        self._fact_keys = list(state.fact_keys)
        answer = self.answer
        answer.preview = state.preview
        answer.length = state.total_length
        if state.chunked:
            answer.start_chunking(
                ChunkingConfig(**dict(state.chunking or {})), offset=state.text_offset
            )
            answer.last_end = state.chunk_last_end
            answer.next_index = state.chunk_next_index
            self._queue_pieces(partial(answer.feed, state.text))
        elif answer.chunked:  # this call asks for chunks: the saved text is their beginning
            self._queue_pieces(partial(answer.feed, state.text))
        else:
            answer.restore_whole(state.text)
        if self.facts is not None:
            self.facts.restore(state.fact_keys, state.text)

    # -- messages ----------------------------------------------------------------------------

    def handle(self, message: Message) -> None:
        stored = self.stored
        if isinstance(message, TextBatch):
            for event in message.events:
                self.journal.hook("on_chunk", event)
            self._take_text(message.pieces)
            stored.chunks_seen = message.chunks
            if message.pieces and message.now - self._last_progress >= PROGRESS_EVERY_S:
                self._last_progress = message.now
                self.steps.progress("streaming")
        elif isinstance(message, Tick):
            options = self.options
            if (
                message.partial
                and options.store_partial_response
                and not stored.update_queued
                and not stored.stopped
            ):
                stored.update_queued = True
                self.work.add(self.steps.partial_update())
            if (
                message.graph
                and options.progressive_graph_sync
                and not stored.graph_queued
                and not stored.stopped
            ):
                stored.graph_queued = True
                self.work.add(self.steps.graph_sync("update"))
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
        stored = self.stored
        if stored.stopped or stored.failure is not None:
            return None
        deadlines = []
        length = self.answer.length
        if (
            self.options.store_partial_response
            and stored.last_update_at is not None
            and not stored.update_queued
            and (length, len(stored.chunk_ids)) != (stored.stored_length, stored.stored_chunks)
        ):
            adaptive = self.intake.adaptive
            interval = (
                adaptive.parameters.partial_update_interval
                if adaptive is not None
                else self.options.partial_update_interval
            )
            deadlines.append(stored.last_update_at + interval)
        if (
            self.graph is not None
            and self.options.progressive_graph_sync
            and stored.last_graph_at is not None
            and not stored.graph_queued
            and stored.graph_length != length
        ):
            deadlines.append(stored.last_graph_at + self.options.graph_update_interval)
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
            self._queue_pieces(partial(self.answer.add, piece))
            if self.facts is not None and self.facts.add(piece, fact_threshold):
                self.stored.chunks_seen = chunk_number
                self._extract_facts(final=False)

    def _queue_pieces(self, cut: Callable[[], list[ChunkPiece]]) -> None:
        """Queue a storage step for each chunk piece `cut()` returns; a chunk limit reached is
        given up on once (chunking stops there)."""
        try:
            pieces = cut()
        except ChunkLimitError as exc:
            self.steps.give_up("chunk_limit", exc, operation="chunk the answer")
            return
        for piece in pieces:
            self.work.add(self.steps.store_chunk(piece))

    def _extract_facts(self, *, final: bool) -> None:
        if self.facts is None:
            return
        fresh = self.facts.extract(final=final)
        self.steps.progress("fact-extraction")
        if fresh and not self.stored.stopped:
            self.work.add(self.steps.store_facts(fresh))

    def _end(self, full_response: str | None) -> None:
        if self.stored.stopped:
            return
        self._queue_pieces(self.answer.finish)
        self._extract_facts(final=True)
        self.work.add(self.steps.finalize())
        self.work.add(self.steps.complete(full_response))

    def _fail(self, error: BaseException, token: str | None) -> None:
        steps = self.steps
        self.stored.failure = error
        if self.stored.stopped:
            self.work.add(steps.report_failure(error, None))
            return
        if self.strategy == "rollback":
            steps.start_rollback()
            self.work.add(steps.report_failure(error, None))
            return
        # Keep what arrived: every chunk memory, the facts of the complete sentences (the cut
        # one waits for a resume), and the answer marked partial and incomplete.
        self._queue_pieces(self.answer.finish)
        self._extract_facts(final=False)
        self.work.add(steps.store_partial(error))
        if self.graph is not None and self.options.progressive_graph_sync:
            self.work.add(steps.graph_sync("update"))
        if token is not None:
            self.work.add(steps.save_token(self.store, lambda: self._resume_state(token)))
        self.work.add(steps.report_failure(error, token))

    # -- running the work --------------------------------------------------------------------

    def next_op(self) -> Op | None:
        """The next operation to perform, or None when there is nothing to do."""
        return self.work.next_op()

    def succeeded(self, result: Any) -> None:
        self.work.succeeded(result)

    def failed(self, error: Exception, attempt: int) -> float | None:
        """
        The current operation raised `error` on its `attempt`-th try (0 first). Returns how
        many seconds to wait before trying it again, or None to give up on it.
        """
        op = self.work.op
        retry = self.strategy == "retry" and attempt < self.options.max_retries
        phase: ErrorPhase = "storage"
        code = "storage_failed"
        if isinstance(op, GraphOp):
            phase, code = "graph-sync", "graph_sync_failed"
            backend = getattr(op.graph, "name", "unknown")
            self.journal.graph_failed(op.phase, error, backend=backend)
        elif isinstance(op, SaveTokenOp):
            code = "resume_token_not_saved"
        elif isinstance(op, ForgetOp):
            phase = "rollback"
        self.steps.record_error(
            code,
            error,
            phase=phase,
            recoverable=retry or self.strategy not in ("rollback",),
            operation=op.label if op is not None else None,
            attempt=attempt,
        )
        self.journal.storage_errors += 1
        if retry:
            self.journal.retries += 1
            self.work.retrying()
            return self.options.storage_retry_delay * 2.0**attempt
        self.journal.gave_up += 1
        if self.strategy == "rollback":
            self.steps.start_rollback()
        self.work.gave_up(error)
        return None

    def hook_failed(self, op: HookOp, error: BaseException) -> None:
        self.journal.hook_failed(op, error)

    def _bug(self, error: BaseException) -> None:
        # A bug in the storage steps: reported like a failed step, never raised.
        self.steps.give_up("internal_error", error, operation=None)

    # -- resume and result -------------------------------------------------------------------

    def _resume_state(self, token: str) -> ResumeState:
        stored, answer = self.stored, self.answer
        now = now_ms()
        if answer.chunked:
            text, offset = answer.unstored()
        else:
            text = self.steps.answer_text(partial=True) or answer.whole()
            offset = 0
        config = answer.config
        fact_keys = list(self.facts.keys) if self.facts is not None else self._fact_keys
        return ResumeState(
            token=token,
            stream_id=self.stream_id,
            created_at_ms=now,
            expires_at_ms=now + int(self.options.resume_token_lifetime * 1000),
            checksum=text_checksum(text),
            text=text,
            text_offset=offset,
            total_length=answer.length,
            chunks_delivered=self.intake.chunks,
            user_message=self.user_message,
            user_memory_id=str(stored.user_memory_id) if stored.user_memory_id else None,
            answer_memory_id=str(stored.answer_memory_id) if stored.answer_memory_id else None,
            owned_ids=[str(i) for i in stored.owned],
            chunked=answer.chunked,
            chunk_ids=[str(i) for i in stored.chunk_ids],
            chunk_next_index=answer.next_index,
            chunk_last_end=answer.last_end,
            chunking=(
                {
                    "strategy": config.strategy,
                    "max_chunk_size": config.max_chunk_size,
                    "overlap_size": config.overlap_size,
                    "preserve_boundaries": config.preserve_boundaries,
                }
                if answer.chunked and config is not None
                else None
            ),
            fact_keys=fact_keys,
            fact_memory_ids=[str(i) for i in stored.fact_memory_ids],
            write_options=self.write.to_json(),
            preview=answer.preview,
        )

    def result(
        self, now: float, full_response: str | None, token: str | None
    ) -> RememberStreamResult:
        stored, journal = self.stored, self.journal
        metrics = self.intake.metrics.snapshot(
            now,
            partial_updates=journal.partial_update_count,
            storage_operations=self.work.operations,
            errors=journal.storage_errors,
            retries=journal.retries,
            facts=len(stored.facts),
            chunk_memories=len(stored.chunk_ids),
            graph_syncs=journal.graph_sync_count,
            cost_per_1k_tokens=self.options.cost_per_1k_tokens,
        )
        completed = stored.failure is None
        recovered = (
            completed
            and not stored.rolled_back
            and journal.gave_up == 0
            and (self.resumed_from is not None or journal.retries > 0)
        )
        gone = stored.rolled_back
        adaptive = self.intake.adaptive
        return RememberStreamResult(
            stream_id=self.stream_id,
            full_response=full_response,
            total_length=self.answer.length,
            user_memory_id=None if gone else stored.user_memory_id,
            answer_memory_id=None if gone else stored.answer_memory_id,
            chunk_memory_ids=() if gone else tuple(stored.chunk_ids),
            fact_memory_ids=() if gone else tuple(stored.fact_memory_ids),
            facts=tuple(stored.facts),
            metrics=metrics,
            insights=insights_for(metrics, chunked=self.answer.chunked),
            partial_updates=tuple(journal.partial_updates),
            graph_syncs=tuple(journal.graph_events),
            adaptations=tuple(adaptive.history[-HISTORY:]) if adaptive is not None else (),
            errors=tuple(journal.errors),
            completed=completed,
            chunked=self.answer.chunked,
            rolled_back=stored.rolled_back,
            recovered=recovered,
            resume_token=token if stored.token_saved else None,
            resumed_from=self.resumed_from,
        )
