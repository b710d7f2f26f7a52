"""
Stream metrics, insights, and the stream-rhythm classifier behind adaptive processing.

All of it is arithmetic on timestamps from the stream's clock: nothing here waits or reads a
real clock, so tests drive it with a fake one.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import Literal

import attrs

__all__ = [
    "ADAPTIVE_TABLE",
    "AdaptiveController",
    "AdaptiveParameters",
    "Insight",
    "MetricsCollector",
    "StreamMetrics",
    "StreamType",
    "classify_delays",
    "insights_for",
]

StreamType = Literal["fast", "slow", "bursty", "steady", "unknown"]

#: Mean delay between chunks below which a stream is fast, and above which it is slow (ms).
FAST_DELAY_MS = 50.0
SLOW_DELAY_MS = 500.0
#: Coefficient of variation (stdev / mean) of the delays above which a stream is bursty.
BURSTY_VARIATION = 1.0
#: Delays needed before a rhythm is named at all.
MIN_DELAYS = 3

SLOW_FIRST_CHUNK_MS = 2000.0
LOW_THROUGHPUT_CHUNKS_PER_S = 1.0
HIGH_ERROR_RATE = 0.10
#: Throughput is judged only on streams that lasted at least this long: a stream over in
#: 0 ms is not "low throughput" (Cortex said it was).
MIN_DURATION_FOR_THROUGHPUT_MS = 1000.0
#: Above this many characters an unchunked answer earns a recommendation to chunk it.
SUGGEST_CHUNKING_CHARS = 50_000


def classify_delays(delays_ms: Sequence[float]) -> StreamType:
    """Fast (< 50 ms mean), slow (> 500 ms), bursty (stdev > mean), else steady."""
    n = len(delays_ms)
    if n < MIN_DELAYS:
        return "unknown"
    mean = sum(delays_ms) / n
    if mean < FAST_DELAY_MS:
        return "fast"
    if mean > SLOW_DELAY_MS:
        return "slow"
    variance = sum((d - mean) ** 2 for d in delays_ms) / n
    if math.sqrt(variance) > BURSTY_VARIATION * mean:
        return "bursty"
    return "steady"


@attrs.frozen
class AdaptiveParameters:
    """What adaptive processing sets: chunks per hand-off to the worker, characters between
    fact extractions, and seconds between partial updates."""

    buffer_size: int
    fact_extraction_threshold: int
    partial_update_interval: float


#: Cortex's table.
ADAPTIVE_TABLE: dict[str, AdaptiveParameters] = {
    "fast": AdaptiveParameters(10, 1000, 5.0),
    "slow": AdaptiveParameters(1, 300, 2.0),
    "bursty": AdaptiveParameters(5, 500, 3.0),
    "steady": AdaptiveParameters(3, 500, 3.0),
}


@attrs.frozen
class Adaptation:
    """One change of the adaptive parameters, and when it happened."""

    elapsed_ms: float
    chunk_number: int
    stream_type: StreamType
    parameters: AdaptiveParameters


class AdaptiveController:
    """
    Re-classifies the stream from its last `window` inter-chunk delays every `every` chunks,
    and switches the parameters when the rhythm changes. Read `parameters` for the current
    ones; `history` lists every switch.
    """

    def __init__(self, initial: AdaptiveParameters, *, window: int = 20, every: int = 5) -> None:
        self.parameters = initial
        self.stream_type: StreamType = "unknown"
        self._delays: deque[float] = deque(maxlen=window)
        self._every = every
        self._seen = 0
        self.history: list[Adaptation] = []

    def observe(self, delay_ms: float, chunk_number: int, elapsed_ms: float) -> bool:
        """Record one delay; True when the parameters changed."""
        self._delays.append(delay_ms)
        self._seen += 1
        if self._seen % self._every:
            return False
        kind = classify_delays(self._delays)
        if kind in ("unknown", self.stream_type):
            return False
        self.stream_type = kind
        self.parameters = ADAPTIVE_TABLE[kind]
        self.history.append(Adaptation(elapsed_ms, chunk_number, kind, self.parameters))
        return True


@attrs.frozen
class StreamMetrics:
    """
    How a stream went. Times are milliseconds on the stream's clock; `chunks_per_second` is
    None for a stream that took no measurable time, and `first_chunk_latency_ms` for one
    without chunks. `estimated_tokens` is characters / 4; `estimated_cost` needs
    `cost_per_1k_tokens`.
    """

    first_chunk_latency_ms: float | None
    duration_ms: float
    total_chunks: int
    total_bytes: int
    total_chars: int
    average_chunk_size: float
    chunks_per_second: float | None
    estimated_tokens: int
    partial_updates: int
    storage_operations: int
    errors: int
    retries: int
    facts_extracted: int
    chunk_memories: int
    graph_syncs: int
    stream_type: StreamType
    mean_chunk_delay_ms: float | None
    estimated_cost: float | None = None

    @property
    def error_rate(self) -> float:
        """Failed storage operations over all storage operations attempted."""
        return self.errors / self.storage_operations if self.storage_operations else 0.0


class MetricsCollector:
    """Counts chunks as they arrive (the delivery side); O(1) per chunk."""

    __slots__ = (
        "_delay_count",
        "_delay_sum",
        "_delays",
        "_last",
        "bytes",
        "chars",
        "chunks",
        "first_chunk_at",
        "started_at",
    )

    def __init__(self) -> None:
        self.started_at: float | None = None
        self.first_chunk_at: float | None = None
        self._last: float | None = None
        self.chunks = 0
        self.bytes = 0
        self.chars = 0
        self._delays: deque[float] = deque(maxlen=200)  # for the rhythm: recent delays only
        self._delay_sum = 0.0
        self._delay_count = 0

    def start(self, now: float) -> None:
        if self.started_at is None:
            self.started_at = now

    def chunk(self, text: str, now: float) -> float | None:
        """Record a chunk; returns the delay since the previous one (ms), if any."""
        if self.started_at is None:
            self.started_at = now
        delay: float | None = None
        if self._last is None:
            self.first_chunk_at = now
        else:
            delay = (now - self._last) * 1000.0
            self._delays.append(delay)
            self._delay_sum += delay
            self._delay_count += 1
        self._last = now
        self.chunks += 1
        self.chars += len(text)
        self.bytes += len(text) if text.isascii() else len(text.encode("utf-8", "replace"))
        return delay

    def elapsed_ms(self, now: float) -> float:
        return 0.0 if self.started_at is None else (now - self.started_at) * 1000.0

    def snapshot(
        self,
        now: float,
        *,
        partial_updates: int = 0,
        storage_operations: int = 0,
        errors: int = 0,
        retries: int = 0,
        facts: int = 0,
        chunk_memories: int = 0,
        graph_syncs: int = 0,
        cost_per_1k_tokens: float | None = None,
    ) -> StreamMetrics:
        duration = self.elapsed_ms(now)
        first = (
            None
            if self.first_chunk_at is None or self.started_at is None
            else (self.first_chunk_at - self.started_at) * 1000.0
        )
        tokens = self.chars // 4
        return StreamMetrics(
            first_chunk_latency_ms=first,
            duration_ms=duration,
            total_chunks=self.chunks,
            total_bytes=self.bytes,
            total_chars=self.chars,
            average_chunk_size=self.bytes / self.chunks if self.chunks else 0.0,
            chunks_per_second=self.chunks / (duration / 1000.0) if duration > 0 else None,
            estimated_tokens=tokens,
            partial_updates=partial_updates,
            storage_operations=storage_operations,
            errors=errors,
            retries=retries,
            facts_extracted=facts,
            chunk_memories=chunk_memories,
            graph_syncs=graph_syncs,
            stream_type=classify_delays(self._delays),
            mean_chunk_delay_ms=(
                self._delay_sum / self._delay_count if self._delay_count else None
            ),
            estimated_cost=(
                tokens / 1000.0 * cost_per_1k_tokens if cost_per_1k_tokens is not None else None
            ),
        )


InsightKind = Literal["bottleneck", "recommendation", "info"]


@attrs.frozen
class Insight:
    """A finding about the stream: a bottleneck, a recommendation, or plain information."""

    kind: InsightKind
    code: str
    message: str


def insights_for(metrics: StreamMetrics, *, chunked: bool) -> tuple[Insight, ...]:
    """What the metrics suggest. Each rule needs enough evidence to be fair."""
    found: list[Insight] = []
    first = metrics.first_chunk_latency_ms
    if first is not None and first > SLOW_FIRST_CHUNK_MS:
        found.append(
            Insight(
                "bottleneck",
                "slow-first-chunk",
                f"the first chunk took {first:.0f} ms (over {SLOW_FIRST_CHUNK_MS:.0f} ms): "
                "check the model's queueing or the prompt's size",
            )
        )
    rate = metrics.chunks_per_second
    if (
        rate is not None
        and metrics.total_chunks >= 2
        and metrics.duration_ms >= MIN_DURATION_FOR_THROUGHPUT_MS
        and rate < LOW_THROUGHPUT_CHUNKS_PER_S
    ):
        found.append(
            Insight(
                "bottleneck",
                "low-throughput",
                f"{rate:.2f} chunks/s (under {LOW_THROUGHPUT_CHUNKS_PER_S:g} a second)",
            )
        )
    if metrics.storage_operations and metrics.error_rate > HIGH_ERROR_RATE:
        found.append(
            Insight(
                "bottleneck",
                "high-error-rate",
                f"{metrics.error_rate:.0%} of storage operations failed "
                f"({metrics.errors} of {metrics.storage_operations})",
            )
        )
    if metrics.retries:
        found.append(
            Insight(
                "recommendation",
                "retries",
                f"{metrics.retries} storage retries: check the memory store's health",
            )
        )
    if not chunked and metrics.total_chars > SUGGEST_CHUNKING_CHARS:
        found.append(
            Insight(
                "recommendation",
                "enable-chunking",
                f"the answer is {metrics.total_chars:,} characters: a chunking_strategy stores "
                "it as smaller, individually retrievable memories",
            )
        )
    if metrics.stream_type != "unknown":
        found.append(
            Insight("info", f"stream-{metrics.stream_type}", f"{metrics.stream_type} stream")
        )
    return tuple(found)
