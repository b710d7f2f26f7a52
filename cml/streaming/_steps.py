"""
The storage steps of one stream: each a generator that yields storage operations (`_ops`) and
receives their results, queued on the stream's `WorkQueue`. They write the exchange in the
layout of `turn()` (see `_remember`), and keep `Stored` up to date with what is stored.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

import attrs

from ._answer import AnswerText, ChunkPiece
from ._events import (
    ErrorPhase,
    GraphPhase,
    ProgressPhase,
    StoredFact,
    StreamCompleteEvent,
    error_summary,
)
from ._hooks import StreamHooks, WriteOptions
from ._intake import Intake
from ._journal import Journal
from ._ops import (
    ANSWER_TAGS,
    CHUNK_TAGS,
    CREATE_ATTEMPTS,
    CREATE_HEAD_CHARS,
    DIRECT_WRITE_CHARS,
    FACT_TAGS,
    USER_TAGS,
    ForgetOp,
    GraphOp,
    HookOp,
    Op,
    SaveTokenOp,
    StorageRefused,
    UpdateOp,
    Work,
    WriteOp,
    error_code,
    gap_metadata,
    storable,
)
from ._options import StreamingOptions
from ._resume import ResumeState, ResumeTokenStore
from ._work import WorkQueue

if TYPE_CHECKING:
    from ..graph import GraphSync
    from ..text.extract import Fact

__all__ = ["Steps", "Stored"]


def _created(response: Any) -> bool:
    return response.memory_id is not None and bool(response.chunks_created)


@attrs.define
class Stored:
    """What the stream has stored, and where its storage stands."""

    user_memory_id: UUID | None = None
    answer_memory_id: UUID | None = None
    chunk_ids: list[UUID] = attrs.Factory(list)
    facts: list[StoredFact] = attrs.Factory(list)
    fact_memory_ids: list[UUID] = attrs.Factory(list)
    #: The memories the stream created (a rollback deletes these, never a reinforced one).
    owned: list[UUID] = attrs.Factory(list)
    #: The answer's length and chunk count when the answer memory was last written.
    stored_length: int = -1
    stored_chunks: int = -1
    failure: BaseException | None = None
    stopped: bool = False  # after a rollback began: nothing more is stored
    rolled_back: bool = False
    token_saved: bool = False
    finalized: bool = False
    graph_created: bool = False
    # progressive work: whether one is queued, and when (clock time) it last ran
    update_queued: bool = False
    graph_queued: bool = False
    last_update_at: float | None = None
    last_graph_at: float | None = None
    graph_length: int = -1
    #: The chunk number the stream had reached when the storage side last acted on it.
    chunks_seen: int = 0

    @property
    def previous_chunk_id(self) -> UUID | None:
        return self.chunk_ids[-1] if self.chunk_ids else None

    def halted(self) -> bool:
        """Whether a rollback began: a call, read anew after each yield (it may have begun
        meanwhile), where a checker would keep a narrowed `stopped`."""
        return self.stopped

    def answer_saved(self) -> bool:
        return not self.rolled_back and (self.answer_memory_id is not None or bool(self.chunk_ids))


class Steps:
    """The storage steps, and what they share: options, the answer's text, the journal."""

    def __init__(
        self,
        *,
        options: StreamingOptions,
        hooks: StreamHooks,
        write: WriteOptions,
        stream_id: str,
        tenant: str,
        graph: GraphSync | None,
        answer: AnswerText,
        intake: Intake,
        journal: Journal,
        work: WorkQueue,
        stored: Stored,
    ) -> None:
        self.options = options
        self.hooks = hooks
        self.write = write
        self.stream_id = stream_id
        self.tenant = tenant
        self.graph = graph
        self.answer = answer
        self.intake = intake
        self.journal = journal
        self.work = work
        self.stored = stored
        self.strategy = options.failure_strategy
        self.clock = options.clock

    # -- failures ----------------------------------------------------------------------------

    def record_error(
        self,
        code: str,
        error: BaseException,
        *,
        phase: ErrorPhase,
        recoverable: bool,
        operation: str | None = None,
        attempt: int = 0,
        resume_token: str | None = None,
    ) -> None:
        self.journal.error(
            code,
            error,
            phase=phase,
            recoverable=recoverable,
            partial_data_saved=self.stored.answer_saved(),
            partial_memory_id=self.stored.answer_memory_id,
            operation=operation,
            attempt=attempt,
            resume_token=resume_token,
        )

    def give_up(self, code: str, error: BaseException, *, operation: str | None) -> None:
        """A step failed for good outside a retry (the store refused it, or a bug)."""
        self.record_error(
            code,
            error,
            phase="storage",
            recoverable=self.strategy != "rollback",
            operation=operation,
        )
        self.journal.storage_errors += 1
        self.journal.gave_up += 1
        if self.strategy == "rollback":
            self.start_rollback()

    def start_rollback(self) -> None:
        """Stop storing, drop the queued work, and delete what the stream stored."""
        if self.stored.stopped:
            return
        self.stored.stopped = True
        self.work.drop_waiting()
        self.work.add(self.rollback())

    def progress(self, phase: ProgressPhase) -> None:
        self.journal.progress(phase, chunks=self.stored.chunks_seen, length=self.answer.length)

    # -- writing -----------------------------------------------------------------------------

    def kwargs(
        self, tags: Sequence[str], metadata: Mapping[str, Any], *, memory_type: str | None = None
    ) -> dict[str, Any]:
        """The write options of one stream memory: the caller's, with the stream's own."""
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

    def create(self, text: str, options: Mapping[str, Any], label: str) -> Generator[Op, Any, UUID]:
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
                self.give_up("storage_failed", refused, operation=label)
                raise refused
            if _created(response):
                break
            candidate = f"{first}\n\n[{label}; stream {self.stream_id}; {secrets.token_hex(4)}]"
        else:
            refused = StorageRefused(
                f"{label}: the store merged the text into an existing memory "
                f"{CREATE_ATTEMPTS} times"
            )
            self.give_up("storage_failed", refused, operation=label)
            raise refused
        memory_id = cast(UUID, response.memory_id)
        self.stored.owned.append(memory_id)
        if candidate != text:
            yield UpdateOp(memory_id, text, None, label)
        return memory_id

    def write_user(self, user_message: str) -> Work:
        if self.stored.stopped or not user_message.strip():
            return
        metadata = {"stream_id": self.stream_id, "role": "user"}
        response = yield WriteOp(
            storable(user_message), self.kwargs(USER_TAGS, metadata), "write user message"
        )
        self.stored.user_memory_id = response.memory_id
        if _created(response):
            self.stored.owned.append(cast(UUID, response.memory_id))

    # -- the answer memory -------------------------------------------------------------------

    def answer_text(self, *, partial: bool) -> str | None:
        return self.answer.render(
            partial=partial, stored_chunks=len(self.stored.chunk_ids), stream_id=self.stream_id
        )

    def answer_metadata(
        self, *, partial: bool, failure: BaseException | None = None
    ) -> dict[str, Any]:
        stored, answer = self.stored, self.answer
        meta: dict[str, Any] = {
            "stream_id": self.stream_id,
            "role": "assistant",
            "partial": partial,
            "length": answer.length,
            "user_memory_id": str(stored.user_memory_id) if stored.user_memory_id else None,
        }
        if answer.chunked and answer.config is not None:
            config = answer.config
            last = stored.previous_chunk_id
            meta["chunked"] = {
                "count": len(stored.chunk_ids),
                "strategy": config.strategy,
                "chunk_size": config.max_chunk_size,
                "overlap": config.overlap_size,
                "first_chunk_id": str(stored.chunk_ids[0]) if stored.chunk_ids else None,
                "last_chunk_id": str(last) if last else None,
                **({"trailing": answer.trailing} if not partial else {}),
            }
        if failure is not None:
            meta["incomplete"] = True
            meta["error"] = dict(error_summary(failure))
        elif not partial:
            meta["incomplete"] = False
            meta["error"] = None
        return meta

    def store_answer(
        self, text: str, metadata: Mapping[str, Any], label: str
    ) -> Generator[Op, Any, None]:
        stored = self.stored
        if stored.answer_memory_id is None:
            stored.answer_memory_id = yield from self.create(
                text, self.kwargs(ANSWER_TAGS, metadata), f"create answer memory ({label})"
            )
            if self.graph is not None and self.options.progressive_graph_sync:
                with contextlib.suppress(Exception):  # reported; storage goes on without it
                    yield from self.graph_sync("create")
        else:
            yield UpdateOp(stored.answer_memory_id, text, metadata, f"{label} answer memory")

    def ensure_answer(self) -> Work:
        """Create the answer memory (partial) before the memories that link to it: chunks,
        facts. A failure is reported; the caller stores its own memory regardless."""
        if self.stored.answer_memory_id is not None:
            return
        text = self.answer_text(partial=True) or "(an answer in progress)"
        label = "head" if self.answer.chunked else "early"
        with contextlib.suppress(Exception):
            yield from self.store_answer(text, self.answer_metadata(partial=True), label)
        self.stored.stored_length = self.answer.length
        self.stored.stored_chunks = len(self.stored.chunk_ids)

    def partial_update(self) -> Work:
        stored = self.stored
        stored.update_queued = False
        if stored.stopped:
            return
        length, chunks = self.answer.length, len(stored.chunk_ids)
        if stored.answer_memory_id is not None and (length, chunks) == (
            stored.stored_length,
            stored.stored_chunks,
        ):
            return  # nothing new since the last update
        text = self.answer_text(partial=True)
        if text is None:
            return
        stored.last_update_at = self.clock()  # on the attempt: a failing store is not hammered
        yield from self.store_answer(text, self.answer_metadata(partial=True), "update")
        stored.stored_length, stored.stored_chunks = length, chunks
        self.journal.partial_update(length, stored.chunks_seen, time.time())
        self.progress("storage")

    def finalize(self) -> Work:
        if self.stored.stopped:
            return
        self.progress("finalization")
        text = self.answer_text(partial=False)
        if text is not None:
            yield from self.store_answer(text, self.answer_metadata(partial=False), "finalize")
            self.stored.finalized = True
        if self.graph is not None and (
            self.options.sync_to_graph or self.options.progressive_graph_sync
        ):
            progressive = self.options.progressive_graph_sync
            facts = [] if progressive else [f.fact for f in self.stored.facts]
            yield from self.graph_sync("finalize", facts)

    def store_partial(self, error: BaseException) -> Work:
        text = self.answer_text(partial=True)
        if text is None or self.stored.stopped:
            return
        metadata = self.answer_metadata(partial=True, failure=error)
        yield from self.store_answer(text, metadata, "keep partial")
        self.stored.stored_length = self.answer.length
        self.stored.stored_chunks = len(self.stored.chunk_ids)

    def complete(self, full_response: str | None) -> Work:
        if self.stored.stopped or self.hooks.on_complete is None:
            return
        yield HookOp(
            "on_complete",
            self.hooks.on_complete,
            StreamCompleteEvent(
                stream_id=self.stream_id,
                full_response=full_response,
                total_chunks=self.intake.chunks,
                duration_ms=self.journal.elapsed_ms(),
                facts_extracted=len(self.stored.facts),
                answer_memory_id=self.stored.answer_memory_id,
            ),
        )

    # -- chunks and facts --------------------------------------------------------------------

    def store_chunk(self, piece: ChunkPiece) -> Work:
        stored = self.stored
        if stored.stopped:
            return
        yield from self.ensure_answer()
        if stored.halted():
            return
        previous = stored.previous_chunk_id
        metadata = {
            "stream_id": self.stream_id,
            "role": "assistant",
            "partial": False,
            "answer_memory_id": str(stored.answer_memory_id) if stored.answer_memory_id else None,
            "stream_chunk": {
                "index": piece.index,
                "start": piece.start,
                "end": piece.end,
                "previous_chunk_id": str(previous) if previous else None,
                **gap_metadata(piece.gap),
            },
        }
        memory_id = yield from self.create(
            piece.text, self.kwargs(CHUNK_TAGS, metadata), f"write chunk {piece.index}"
        )
        stored.chunk_ids.append(memory_id)
        self.progress("storage")

    def store_facts(self, facts: Sequence[Fact]) -> Work:
        stored = self.stored
        kept: list[Fact] = []
        if stored.stopped:
            return
        yield from self.ensure_answer()
        for fact in facts:
            if stored.halted():
                return
            metadata = {
                "stream_id": self.stream_id,
                "role": "fact",
                "answer_memory_id": (
                    str(stored.answer_memory_id) if stored.answer_memory_id else None
                ),
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
                    self.kwargs(FACT_TAGS, metadata, memory_type="semantic_fact"),
                    f"write fact {fact.key!r}",
                )
            except Exception:  # reported by failed(); the other facts are still stored
                if stored.halted():
                    return
                continue
            created = _created(response)
            if created:
                stored.owned.append(response.memory_id)
            if response.memory_id is not None:
                stored.fact_memory_ids.append(response.memory_id)
            stored.facts.append(StoredFact(fact, response.memory_id, reinforced=not created))
            kept.append(fact)
        if kept and self.graph is not None and self.options.progressive_graph_sync:
            yield from self.graph_sync("facts", kept)

    # -- graph -------------------------------------------------------------------------------

    def graph_sync(self, phase: GraphPhase, facts: Sequence[Fact] = ()) -> Work:
        stored = self.stored
        if phase == "update":
            stored.graph_queued = False
        graph = self.graph
        if (
            graph is None
            or stored.answer_memory_id is None
            or (stored.stopped and phase != "rollback")
        ):
            return
        from ..graph.shape import facts_batch, memory_batch

        memory_id = str(stored.answer_memory_id)
        metadata: dict[str, Any] = {"role": "assistant", "total_length": self.answer.length}
        if self.answer.chunked:
            metadata["chunks"] = len(stored.chunk_ids)
        if phase == "rollback":
            metadata["rolled_back"] = True
        if stored.failure is not None and phase != "finalize":
            metadata["incomplete"] = True
        stored.last_graph_at = self.clock()
        stored.graph_length = self.answer.length
        nodes, edges = memory_batch(
            memory_id=memory_id,
            tenant=self.tenant,
            text=self.answer.graph_text(),
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
        stored.graph_created = True
        self.journal.graph_synced(
            phase,
            backend=result.backend,
            nodes=result.nodes,
            edges=result.edges,
            duration_ms=(self.clock() - started) * 1000.0,
        )

    # -- after a failure ---------------------------------------------------------------------

    def rollback(self) -> Work:
        owned = tuple(dict.fromkeys(self.stored.owned))
        if owned:
            yield ForgetOp(owned, "rollback: delete the stream's memories")
        self.stored.rolled_back = True
        if self.stored.graph_created:
            yield from self.graph_sync("rollback")

    def save_token(self, store: ResumeTokenStore, state: Callable[[], ResumeState]) -> Work:
        """Save the resume state, taken when this step runs (after the steps before it)."""
        try:
            yield SaveTokenOp(store, state())
        except Exception:
            return  # reported; the caller gets the original error without a token
        self.stored.token_saved = True

    def report_failure(self, error: BaseException, token: str | None) -> Work:
        yield from ()  # work is a generator, even when it performs nothing
        saved = token if self.stored.token_saved else None
        self.record_error(
            error_code(error),
            error,
            phase="streaming",
            recoverable=saved is not None,
            resume_token=saved,
        )
