"""
What the storage side records of one stream: its errors, partial updates and graph syncs (the
histories of the result, bounded), the counts behind its metrics, and the hook events they
raise.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any
from uuid import UUID

from ._events import (
    ErrorContext,
    ErrorPhase,
    GraphPhase,
    GraphSyncEvent,
    PartialUpdate,
    ProgressEvent,
    ProgressPhase,
    StreamErrorEvent,
)
from ._hooks import StreamHooks
from ._intake import Intake
from ._ops import HISTORY, HookOp
from ._work import WorkQueue

__all__ = ["Journal"]

logger = logging.getLogger("cml")  # the SDK's one logger (see cml.configure_logging)


class Journal:
    """
    Histories and counts of one stream. Hook events are queued on `work`, ahead of storage;
    times come from the intake's metrics (milliseconds since the stream started).
    """

    def __init__(self, hooks: StreamHooks, intake: Intake, work: WorkQueue) -> None:
        self._hooks = hooks
        self._intake = intake
        self._work = work
        self.errors: deque[StreamErrorEvent] = deque(maxlen=HISTORY)
        self.error_count = 0
        self.storage_errors = 0
        self.retries = 0
        self.gave_up = 0
        self.partial_updates: deque[PartialUpdate] = deque(maxlen=HISTORY)
        self.partial_update_count = 0
        self.last_update_ms: float | None = None
        self.graph_events: deque[GraphSyncEvent] = deque(maxlen=HISTORY)
        self.graph_sync_count = 0

    def elapsed_ms(self) -> float:
        return self._intake.metrics.elapsed_ms(self._intake.options.clock())

    def hook(self, name: str, event: Any) -> None:
        hook = getattr(self._hooks, name)
        if hook is not None:
            self._work.add_hook(HookOp(name, hook, event))

    def error(
        self,
        code: str,
        error: BaseException,
        *,
        phase: ErrorPhase,
        recoverable: bool,
        partial_data_saved: bool,
        partial_memory_id: UUID | None,
        operation: str | None = None,
        attempt: int = 0,
        resume_token: str | None = None,
    ) -> StreamErrorEvent:
        event = StreamErrorEvent(
            code=code,
            message=f"{operation + ': ' if operation else ''}{type(error).__name__}: {error}",
            recoverable=recoverable,
            partial_data_saved=partial_data_saved,
            resume_token=resume_token,
            context=ErrorContext(
                phase=phase,
                chunk_number=self._intake.chunks,
                bytes_processed=self._intake.metrics.bytes,
                partial_memory_id=partial_memory_id,
                last_successful_update=self.last_update_ms,
                operation=operation,
                attempt=attempt,
            ),
            error=error,
        )
        self.errors.append(event)
        self.error_count += 1
        self.hook("on_error", event)
        return event

    def progress(self, phase: ProgressPhase, *, chunks: int, length: int) -> None:
        if self._hooks.on_progress is None:
            return
        limit = self._intake.options.max_response_length
        self.hook(
            "on_progress",
            ProgressEvent(
                bytes_processed=self._intake.metrics.bytes,
                chunks=chunks,
                elapsed_ms=self.elapsed_ms(),
                estimated_completion=min(1.0, length / limit) if limit else None,
                current_phase=phase,
            ),
        )

    def partial_update(self, length: int, chunks: int, timestamp: float) -> None:
        self.last_update_ms = self.elapsed_ms()
        self.partial_update_count += 1
        self.partial_updates.append(PartialUpdate(self.last_update_ms, length, chunks, timestamp))

    def graph_synced(
        self, phase: GraphPhase, *, backend: str, nodes: int, edges: int, duration_ms: float
    ) -> None:
        self.graph_sync_count += 1
        self.graph_events.append(
            GraphSyncEvent(
                phase=phase,
                elapsed_ms=self.elapsed_ms(),
                backend=backend,
                nodes=nodes,
                edges=edges,
                ok=True,
                duration_ms=duration_ms,
            )
        )

    def graph_failed(self, phase: GraphPhase, error: BaseException, *, backend: str) -> None:
        self.graph_events.append(
            GraphSyncEvent(
                phase=phase,
                elapsed_ms=self.elapsed_ms(),
                backend=backend,
                nodes=0,
                edges=0,
                ok=False,
                error=f"{type(error).__name__}: {error}",
            )
        )

    def hook_failed(self, op: HookOp, error: BaseException) -> None:
        logger.warning("remember_stream hook %s raised %r; ignored", op.name, error)
