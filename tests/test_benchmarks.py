"""The benchmark harness (benchmarks/) produces sane output on tiny inputs. No timing is checked."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # benchmarks/ is not installed: it lives beside tests/

from benchmarks import latency, locomo, overhead, report, throughput  # noqa: E402

np = pytest.importorskip("numpy")


class HashingEmbedder:
    """Bag of words hashed into 64 dimensions: cheap, deterministic, close for shared words."""

    name = "hashing-test"
    dim = 64

    def embed(self, texts: Sequence[str]) -> Any:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, hashlib.md5(word.encode()).digest()[0] % self.dim] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)


# -- LoCoMo --------------------------------------------------------------------------------------


def test_normalise_evidence_repairs_the_malformed_ids() -> None:
    valid = {"D1:1", "D8:6", "D9:17", "D11:26", "D30:5"}
    raw = ["D8:6; D9:17", "D:11:26", "D30:05", "D99:1", "D", "", "D1:1", "D1:1", "D1:01"]
    assert locomo.normalise_evidence(raw, valid) == ["D8:6", "D9:17", "D11:26", "D30:5", "D1:1"]
    assert locomo.normalise_evidence(["D2:3  D2:4"], {"D2:3", "D2:4"}) == ["D2:3", "D2:4"]
    assert locomo.normalise_evidence([], valid) == []


def test_session_dates_parse_as_utc() -> None:
    assert locomo.parse_session_date("1:56 pm on 8 May, 2023") == datetime(
        2023, 5, 8, 13, 56, tzinfo=UTC
    )
    assert locomo.parse_session_date("12:06 am on 11 November, 2022") == datetime(
        2022, 11, 11, 0, 6, tzinfo=UTC
    )


def test_metrics() -> None:
    ranked = ["D1:1", "D1:2", "D1:3"]
    assert locomo.recall_at(ranked, ["D1:2", "D9:9"], 2) == 0.5
    assert locomo.recall_at(ranked, ["D1:3"], 2) == 0.0
    assert locomo.reciprocal_rank(ranked, ["D1:3", "D1:2"]) == 0.5
    assert locomo.reciprocal_rank(ranked, ["D7:7"]) == 0.0


def _sample() -> dict[str, Any]:
    turns = [
        {"speaker": "Ana", "dia_id": "D1:1", "text": "I adopted a grey cat called Pixel."},
        {"speaker": "Ben", "dia_id": "D1:2", "text": "Lovely! I started learning the cello."},
        {"speaker": "Ana", "dia_id": "D1:3", "text": "My sister moved to Lisbon last spring."},
    ]
    later = [{"speaker": "Ben", "dia_id": "D2:1", "text": "My cello teacher is called Marta."}]
    return {
        "sample_id": "tiny",
        "conversation": {
            "speaker_a": "Ana",
            "speaker_b": "Ben",
            "session_1": turns,
            "session_1_date_time": "1:56 pm on 8 May, 2023",
            "session_2": later,
            "session_2_date_time": "10:04 am on 19 June, 2023",
        },
        "qa": [
            {"question": "What is the name of Ana's cat?", "evidence": ["D1:1"], "category": 4},
            {"question": "Who teaches Ben?", "evidence": ["D1:2; D2:01"], "category": 1},
            {"question": "Where does Ana's sister live?", "evidence": ["D:1:3"], "category": 4},
            {"question": "What is Ben's cat called?", "evidence": ["D1:1"], "category": 5},
            {"question": "Is Ana happy?", "evidence": [], "category": 3},
            {"question": "What is in D9?", "evidence": ["D9:9"], "category": 2},
        ],
    }


def test_parse_keeps_answerable_questions_and_dates_turns() -> None:
    (conversation,) = locomo.parse([_sample()])
    assert [t.dia_id for t in conversation.turns] == ["D1:1", "D1:2", "D1:3", "D2:1"]
    assert conversation.turns[0].memory == "Ana: I adopted a grey cat called Pixel."
    assert conversation.turns[-1].timestamp == datetime(2023, 6, 19, 10, 4, tzinfo=UTC)
    # Category 5, empty evidence and evidence naming no existing turn are left out.
    assert [q.evidence for q in conversation.questions] == [
        ("D1:1",),
        ("D1:2", "D2:1"),
        ("D1:3",),
    ]


def test_evaluate_through_the_engine_on_a_tiny_sample() -> None:
    conversations = locomo.parse([_sample()])
    result = locomo.evaluate(conversations, embedder="none")
    assert result["turns"] == 4
    assert result["memories"] + result["merged_turns"] == 4
    assert result["questions"] == 3
    assert result["recall@20"] == 1.0  # four memories: every one is in the top 20
    assert 0.0 < result["mrr"] <= 1.0


DATA_MISSING = not locomo.DATA.exists()


@pytest.mark.skipif(DATA_MISSING, reason=f"LoCoMo data not at {locomo.DATA}")
def test_locomo_counts_match_the_readme() -> None:
    conversations = locomo.load()
    assert sum(len(c.questions) for c in conversations) == 760
    assert sum(len(c.turns) for c in conversations) == 2760


@pytest.mark.skipif(DATA_MISSING, reason=f"LoCoMo data not at {locomo.DATA}")
def test_locomo_slice_lexical() -> None:
    first = locomo.load()[0]
    sliced = dataclasses.replace(first, questions=first.questions[:8])
    result = locomo.evaluate([sliced], embedder="none")
    assert result["embedder"] == "none"
    assert result["turns"] == len(first.turns)
    assert result["memories"] + result["merged_turns"] == len(first.turns)
    assert result["questions"] == 8
    recalls = [result[f"recall@{k}"] for k in locomo.KS]
    assert all(0.0 <= r <= 1.0 for r in recalls)
    assert recalls == sorted(recalls)
    assert 0.0 <= result["mrr"] <= 1.0
    assert sum(c["questions"] for c in result["by_category"].values()) == 8
    rows = report.rows(
        {
            "locomo": {
                "counts": {"questions": 8, "turns": 1},
                "baselines": {},
                "engine_lexical": result,
            }
        }
    )
    assert any("lexical only" in row[1] for row in rows)


# -- latency -------------------------------------------------------------------------------------


def test_latency_harness_on_200_memories(tmp_path: Path) -> None:
    result = latency.run(sizes=(100, 200), reads=12, embedder=HashingEmbedder(), cache=tmp_path)
    assert result["embedder"] == "hashing-test"
    assert set(result["sizes"]) == {"100", "200"}
    for size, entry in result["sizes"].items():
        assert entry["memories"] == int(size)
        assert entry["read"]["n"] == 12
        assert 0.0 < entry["read"]["p50_ms"] <= entry["read"]["p95_ms"]
        assert entry["lexical_only"]["read"]["n"] == 12
        assert entry["bytes_per_memory"] > 0
        needles = entry["needles"]
        assert needles["needles"] == len(latency.synthetic.NEEDLES)
        assert 0.0 <= needles["found@1"] <= needles["found@5"] <= needles["found@10"] <= 1.0
        assert needles["found@10"] == 1.0  # every needle is among the first ten it is asked for
    assert len(list(tmp_path.glob("vectors-hashing-test-*.npy"))) == 1
    assert "needles found" in report.table({"latency": result})


def test_synthetic_sentences_are_distinct_and_reproducible() -> None:
    first = latency.synthetic.sentences(500, seed=3)
    assert len(set(first)) == 500
    assert first == latency.synthetic.sentences(500, seed=3)
    needle_words = {"boathouse", "amoxicillin", "epipen", "ottoline", "lindqvist"}
    assert not any(w in s.lower() for s in first for w in needle_words)


# -- throughput and overhead ---------------------------------------------------------------------


def test_throughput_harness_counts_what_it_wrote() -> None:
    result = throughput.measure("none", singles=30, batches=1, seconds=30.0)
    assert result["embedder"] == "none"
    assert result["single_writes"] == 30
    assert result["batch_memories"] == throughput.BATCH
    assert result["memories_stored"] + result["merged_as_duplicates"] == 30 + throughput.BATCH + 1
    assert result["single_writes_per_s"] > 0
    assert result["bytes_per_memory"] > 0
    assert "embedding_only_per_s" not in result


def test_overhead_harness_sends_the_clients_own_requests() -> None:
    result = overhead.run(calls=6, preload=20)
    for key in ("http_write", "http_read", "embedded_write", "embedded_read"):
        entry = result[key]
        assert entry["client"]["n"] == entry["baseline"]["n"] == 6
        assert entry["ratio_p50"] > 0
    assert "HTTP read" in report.table({"overhead": result})
