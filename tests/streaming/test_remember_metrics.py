"""Metrics, insights, stream-type classification and adaptive processing (with a fake clock)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from cml.streaming import ProgressEvent, StreamingOptions
from cml.streaming._hooks import StreamHooks
from cml.streaming._intake import Intake
from cml.streaming._metrics import ADAPTIVE_TABLE, MetricsCollector, classify_delays, insights_for
from cml.streaming._ops import Tick

from ._remember_support import FakeClock, FakeStore


@pytest.mark.parametrize(
    ("delays", "kind"),
    [
        ([10.0, 12.0, 9.0, 11.0], "fast"),
        ([900.0, 1100.0, 1000.0], "slow"),
        ([1.0, 1.0, 1.0, 1000.0, 1.0, 1.0, 1.0], "bursty"),
        ([200.0, 210.0, 190.0, 205.0], "steady"),
        ([0.0, 0.0, 0.0], "fast"),
        ([100.0], "unknown"),
    ],
)
def test_stream_types_from_inter_chunk_delays(delays: list[float], kind: str) -> None:
    assert classify_delays(delays) == kind


def metrics_for(times: list[float], *, start: float = 0.0) -> MetricsCollector:
    collector = MetricsCollector()
    collector.start(start)
    for moment in times:
        collector.chunk("abcd", moment)
    return collector


def test_a_stream_over_in_zero_ms_is_not_slow_or_low_throughput() -> None:
    metrics = metrics_for([5.0, 5.0, 5.0], start=5.0).snapshot(5.0)
    assert metrics.duration_ms == 0
    assert metrics.chunks_per_second is None
    assert metrics.first_chunk_latency_ms == 0
    codes = {i.code for i in insights_for(metrics, chunked=False)}
    assert "low-throughput" not in codes
    assert "slow-first-chunk" not in codes
    assert "stream-slow" not in codes


def test_insights_name_the_bottlenecks() -> None:
    metrics = metrics_for([3.0, 5.0, 7.0, 9.0]).snapshot(
        9.0, storage_operations=10, errors=2, retries=1
    )
    assert metrics.first_chunk_latency_ms == 3000
    assert metrics.chunks_per_second == pytest.approx(4 / 9)
    assert metrics.error_rate == pytest.approx(0.2)
    codes = {i.code for i in insights_for(metrics, chunked=False)}
    assert {"slow-first-chunk", "low-throughput", "high-error-rate", "retries"} <= codes
    assert "stream-slow" in codes


def test_metrics_count_bytes_tokens_and_cost() -> None:
    collector = MetricsCollector()
    collector.start(0.0)
    collector.chunk("héllo", 0.5)
    collector.chunk("abc", 1.0)
    metrics = collector.snapshot(2.0, cost_per_1k_tokens=2.0)
    assert metrics.total_chars == 8
    assert metrics.total_bytes == 9  # é is two bytes
    assert metrics.average_chunk_size == 4.5
    assert metrics.estimated_tokens == 2
    assert metrics.estimated_cost == pytest.approx(0.004)
    assert metrics.chunks_per_second == 1.0
    assert metrics.mean_chunk_delay_ms == 500


def test_long_unchunked_answers_get_a_chunking_recommendation() -> None:
    collector = MetricsCollector()
    collector.start(0.0)
    collector.chunk("x" * 60_000, 0.0)
    metrics = collector.snapshot(0.0)
    assert "enable-chunking" in {i.code for i in insights_for(metrics, chunked=False)}
    assert "enable-chunking" not in {i.code for i in insights_for(metrics, chunked=True)}


# --- adaptive processing --------------------------------------------------------------------


def paced(clock: FakeClock, phases: list[tuple[int, float]], text: str = "x" * 25) -> Iterator[str]:
    """`count` chunks `gap` seconds apart, per phase, moving the fake clock."""
    for count, gap in phases:
        for _ in range(count):
            clock.advance(gap)
            yield text


def test_adaptive_intake_changes_buffer_size_and_update_interval() -> None:
    clock = FakeClock()
    options = StreamingOptions(
        enable_adaptive_processing=True, store_partial_response=True, clock=clock
    )
    intake = Intake(options, StreamHooks(), prefix=None, prefix_chars=0, chunk_base=0)
    intake.metrics.start(clock())
    handoffs: dict[str, list[int]] = {"fast": [], "slow": []}
    ticks: dict[str, list[float]] = {"fast": [], "slow": []}
    phase = "fast"
    for index, chunk in enumerate(paced(clock, [(200, 0.002), (60, 1.0)])):
        phase = "fast" if index < 200 else "slow"
        message = intake.accept(chunk, clock())
        if message is None:
            continue
        handoffs[phase].append(len(intake.take(clock()).pieces))  # what the worker takes
        if isinstance(message, Tick) and message.partial:
            ticks[phase].append(message.now)

    assert intake.adaptive is not None
    kinds = [a.stream_type for a in intake.adaptive.history]
    assert kinds[0] == "fast"
    assert kinds[-1] == "slow"  # through "bursty" while the window holds both rhythms
    # Buffer size: 10 chunks a hand-off when fast (the default is 16), 1 when slow.
    assert handoffs["fast"][-10:] == [ADAPTIVE_TABLE["fast"].buffer_size] * 10
    assert handoffs["slow"][-20:] == [ADAPTIVE_TABLE["slow"].buffer_size] * 20
    # Partial-update interval: 5 s when fast, 2 s when slow.
    slow_gaps = {
        round(b - a, 3) for a, b in zip(ticks["slow"][-10:], ticks["slow"][-9:], strict=False)
    }
    assert slow_gaps == {2.0}
    assert len(ticks["fast"]) == 1  # 0.4 s of fast chunks: only the first update


def test_adaptive_processing_changes_fact_extraction_frequency() -> None:
    clock = FakeClock()
    progress: list[ProgressEvent] = []
    store = FakeStore()
    sentence = "Alice likes tea. "  # 17 characters
    chunks = paced(clock, [(300, 0.010), (100, 1.0)], text=sentence)
    result = store.remember_stream(
        chunks,
        options=StreamingOptions(
            enable_adaptive_processing=True,
            progressive_fact_extraction=True,
            hooks=StreamHooks(on_progress=progress.append),
            clock=clock,
        ),
    ).consume()

    kinds = [a.stream_type for a in result.adaptations]
    assert kinds[0] == "fast"
    assert kinds[-1] == "slow"
    switch = result.adaptations[-1].chunk_number
    runs = [e.chunks for e in progress if e.current_phase == "fact-extraction"][:-1]  # not the end
    fast_gaps = [b - a for a, b in itertools.pairwise(runs) if a > 50 and b < 290]
    slow_gaps = [b - a for a, b in itertools.pairwise(runs) if a > switch + 20]
    # Fast: every 1000 characters (59 chunks of 17); slow: every 300 (18 chunks).
    assert fast_gaps
    assert all(55 <= gap <= 65 for gap in fast_gaps), fast_gaps
    assert slow_gaps
    assert all(17 <= gap <= 19 for gap in slow_gaps), slow_gaps
