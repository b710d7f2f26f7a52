"""The delivery side of `remember_stream`: what is done per chunk in the caller's thread or task."""

from __future__ import annotations

import threading
import time
from typing import Any

from ..llm import chunk_text
from ._events import ChunkEvent
from ._hooks import StreamHooks
from ._length import StreamTooLongError
from ._metrics import (
    AdaptiveController,
    AdaptiveParameters,
    MetricsCollector,
)
from ._ops import (
    WAKE,
    WAKE_EVERY_S,
    Arrival,
    Message,
    TextBatch,
    Tick,
)
from ._options import StreamingOptions
from ._window import RollingContextWindow


class Intake:
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
                    options.partial_update_interval,
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
        self._pending: list[Arrival] = []
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

    def accept(self, raw: Any, now: float) -> Message | None:
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

    def _due(self, now: float, event: bool) -> Message | None:
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
                    adaptive.partial_update_interval
                    if adaptive is not None
                    else options.partial_update_interval
                )
                self._next_partial = now + interval
            if graph:
                self._next_graph = now + options.graph_update_interval
            self._woke(now)
            return Tick(partial, graph, now)
        buffer = adaptive.buffer_size if adaptive is not None else options.buffer_size
        if (
            event
            or self._since_wake >= buffer
            or now - self._last_wake >= WAKE_EVERY_S
            or self.pending_chars > self.options.max_pending_chars
        ):
            self._woke(now)
            return WAKE
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

    def take(self, now: float) -> TextBatch:
        """Empty the outbox (the worker's side)."""
        with self.room:
            message = TextBatch(self._pending, self._events, self.pending_chars, now, self.chunks)
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
