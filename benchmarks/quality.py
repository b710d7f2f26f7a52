"""Does memory reach the prompt? The quality suite (issue 10), through the embedded engine.

- **suite**: the facts of `quality_data.FACTS` told through `turn()` over several sessions with
  small talk in between, then each question asked through `turn()` sessions later: the share
  whose fact reaches `memory_context`; the share of `UNANSWERABLE` questions that get at most
  one memory; whether reads of the questions still put the fact first once the questions
  themselves were stored; and whether asking again piles up copies.
- **merges**: `NEAR_IDENTICAL` pairs (differ in a number, date, name or negation) written into a
  fresh store: how many were merged (must be 0); `REPEATS`: how many were (must be all).
- **locomo** (with `locomo=True`): LoCoMo dev through `turn()`: the share of evidence turns that
  reach `memory_context`, beside read recall@5/10/20 (benchmarks/locomo.py).

The paraphrased needles at 1k / 10k / 100k memories are in the latency benchmark
(`python -m benchmarks latency`), beside exact dense search on the same vectors.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from cml.engine.engine import Engine

from . import locomo
from ._common import resolve
from .quality_data import FACTS, FILLER, NEAR_IDENTICAL, REPEATS, UNANSWERABLE

__all__ = ["merges", "run", "suite", "turn_recall"]

TENANT = "quality"
SESSIONS = 6


def _line(text: str) -> str:
    return f"- {text}"


def suite(embedder: Any = "default") -> dict[str, Any]:
    """Tell the facts through turn() across sessions, then ask; see the module docstring."""
    spec = resolve(embedder)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    with Engine(":memory:", embedder=spec) as engine:
        told = [fact for fact, _, _ in FACTS]
        per_session = -(-len(told) // SESSIONS)
        clock = start
        for session in range(SESSIONS):
            sid = f"tell-{session}"
            chunk = told[session * per_session : (session + 1) * per_session]
            for index, fact in enumerate(chunk):
                filler = FILLER[(session * 7 + index) % len(FILLER)]
                engine.turn(
                    TENANT, filler, assistant_response="Sure.", session_id=sid, timestamp=clock
                )
                clock += timedelta(minutes=1)
                engine.turn(
                    TENANT,
                    fact,
                    assistant_response="Got it, I'll remember that.",
                    session_id=sid,
                    timestamp=clock,
                )
                clock += timedelta(minutes=1)
            clock += timedelta(days=3)
        before = {q: _fact_rank(engine, q, f) for f, q, _ in FACTS}
        reached: dict[str, bool] = {}
        sizes: list[int] = []
        seconds: list[float] = []
        for index, (fact, question, _) in enumerate(FACTS):
            sid = f"ask-{index // 10}"
            if index % 3 == 0:
                engine.turn(TENANT, FILLER[index % len(FILLER)], session_id=sid, timestamp=clock)
            started = time.perf_counter()
            answer = engine.turn(TENANT, question, session_id=sid, timestamp=clock)
            seconds.append(time.perf_counter() - started)
            reached[question] = _line(fact) in answer.memory_context
            sizes.append(answer.memories_retrieved)
            clock += timedelta(minutes=2)
        unanswerable = []
        for question in UNANSWERABLE:
            answer = engine.turn(TENANT, question, session_id="ask-stray", timestamp=clock)
            unanswerable.append(answer.memories_retrieved)
        after = {q: _fact_rank(engine, q, f) for f, q, _ in FACTS}
        stored_before = engine.stats(TENANT).total_memories
        for _, question, _ in FACTS:  # the same questions again
            engine.turn(TENANT, question, session_id="ask-again", timestamp=clock)
        stored_after = engine.stats(TENANT).total_memories
        by_topic: dict[str, list[bool]] = {}
        for _, question, topic in FACTS:
            by_topic.setdefault(topic, []).append(reached[question])
        return {
            "embedder": engine.embedder.name if engine.embedder else "none",
            "facts": len(FACTS),
            "facts_reaching_context": _share(reached.values()),
            "facts_missed": sorted(q for q, ok in reached.items() if not ok),
            "by_topic": {t: _share(v) for t, v in by_topic.items()},
            "context_memories_mean": round(statistics.mean(sizes), 2),
            "unanswerable": len(UNANSWERABLE),
            "unanswerable_at_most_one": _share(n <= 1 for n in unanswerable),
            "unanswerable_empty": _share(n == 0 for n in unanswerable),
            "fact_first_before_questions": _share(r == 1 for r in before.values()),
            "fact_first_after_questions": _share(r == 1 for r in after.values()),
            "fact_top5_after_questions": _share(r is not None and r <= 5 for r in after.values()),
            "memories_added_by_repeated_questions": stored_after - stored_before,
            "turn_ms_p50": round(statistics.median(seconds) * 1000.0, 2),
        }


def _fact_rank(engine: Engine, question: str, fact: str) -> int | None:
    found = engine.read(TENANT, question, max_results=20)
    texts = [m.text for m in found.memories]
    return texts.index(fact) + 1 if fact in texts else None


def _share(values: Any) -> float:
    values = list(values)
    return round(sum(bool(v) for v in values) / len(values), 4) if values else 0.0


def merges(embedder: Any = "default") -> dict[str, Any]:
    """Distinct near-identical facts merged (should be 0) and true repeats merged (should be
    all), each pair written into a fresh store."""
    spec = resolve(embedder)
    merged_distinct: list[tuple[str, str]] = []
    merged_repeats = 0
    with Engine(":memory:", embedder=spec) as engine:
        for index, (first, second) in enumerate(NEAR_IDENTICAL):
            tenant = f"distinct-{index}"
            engine.write(tenant, first)
            if engine.write(tenant, second).chunks_created == 0:
                merged_distinct.append((first, second))
        for index, (first, second) in enumerate(REPEATS):
            tenant = f"repeat-{index}"
            engine.write(tenant, first)
            merged_repeats += engine.write(tenant, second).chunks_created == 0
    return {
        "distinct_pairs": len(NEAR_IDENTICAL),
        "distinct_merged": len(merged_distinct),
        "distinct_merged_examples": merged_distinct[:5],
        "repeat_pairs": len(REPEATS),
        "repeats_merged": merged_repeats,
    }


def turn_recall(
    conversations: Sequence[locomo.Conversation], embedder: Any = "default"
) -> dict[str, Any]:
    """LoCoMo dev: read recall@k, then the share of evidence reaching turn()'s memory_context."""
    spec = resolve(embedder)
    if spec != "none":  # each question is read, then turned: embed it once
        spec = locomo.CachedEmbedder(spec)
    with Engine(":memory:", embedder=spec) as engine:
        for conversation in conversations:
            locomo.write_conversation(engine, conversation)
        reads, _ = locomo.ask(engine, conversations)
        scored = locomo.score(reads)
        scored.pop("by_category", None)
        recalls: list[float] = []
        sizes: list[int] = []
        for conversation in conversations:
            tenant = locomo.tenant_of(conversation)
            texts = {t.dia_id: t.memory for t in conversation.turns}
            for question in conversation.questions:
                answer = engine.turn(tenant, question.question, session_id="questions")
                found = [e for e in question.evidence if _line(texts[e]) in answer.memory_context]
                recalls.append(len(found) / len(question.evidence))
                sizes.append(answer.memories_retrieved)
    return {
        "questions": len(recalls),
        "read": scored,
        "turn_recall": round(statistics.mean(recalls), 4),
        "turn_context_memories_mean": round(statistics.mean(sizes), 2),
    }


def run(*, with_locomo: bool = True) -> dict[str, Any]:
    report: dict[str, Any] = {"suite": suite(), "merges": merges()}
    if with_locomo:
        report["locomo"] = turn_recall(locomo.load())
    return report
