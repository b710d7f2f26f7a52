"""Maintenance jobs on a real engine: consolidation, active forgetting, reconsolidation,
settings, and the operator actions."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cml._exceptions import InvalidRequestError, NotFoundError
from cml.engine import maintenance, views
from cml.engine.embedders import Embedder
from cml.engine.engine import Engine
from cml.engine.maintenance import consolidation

ROME = [
    "I flew to Rome for a week-long vacation in May.",
    "In Rome I visited the Colosseum and the Roman Forum.",
    "The best pasta of my Rome trip was carbonara near the Pantheon.",
]
CAR = [
    "My car broke down on the highway and had to be towed to the garage.",
    "The car repair at the garage cost 800 dollars.",
    "I picked up my car from the garage on Friday, it runs well now.",
]
OTHER = [
    "I started learning to play the violin.",
    "My sister adopted a grey kitten called Mochi.",
]
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _ids(engine: Engine, texts: list[str], *, offset: int = 0, **fields: Any) -> list[str]:
    ids = []
    for n, text in enumerate(texts):
        written = engine.write(
            "t1",
            text,
            memory_type=fields.get("memory_type", "episodic_event"),
            timestamp=START + timedelta(hours=offset + n),
            session_id=fields.get("session_id"),
        )
        ids.append(str(written.memory_id))
    return ids


def _status(engine: Engine, memory_id: str) -> str | None:
    row = engine.store.execute("SELECT status FROM memories WHERE id = ?", (memory_id,)).fetchone()
    return None if row is None else str(row[0])


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: [tuple(r) for r in engine.store.execute(f"SELECT * FROM {table} ORDER BY 1")]
        for table in ("memories", "facts", "relations", "entities", "lineage")
    }


# -- consolidation -----------------------------------------------------------------------------


def _interleaved(engine: Engine) -> tuple[list[str], list[str], list[str]]:
    rome, car = [], []
    for n in range(3):  # the two topics alternate in time, as real episodes do
        rome += _ids(engine, [ROME[n]], offset=2 * n)
        car += _ids(engine, [CAR[n]], offset=2 * n + 1)
    other = _ids(engine, OTHER, offset=10)
    return rome, car, other


def test_consolidation_merges_each_topic_into_one_gist(engine: Engine) -> None:
    rome, car, other = _interleaved(engine)

    report = maintenance.consolidate(engine, "t1", user_id="alice")

    assert report["status"] == "completed"
    assert report["clusters"] == 2
    assert report["gists_created"] == 2
    assert report["memories_consolidated"] == 6
    assert report["method"] == "embedding"
    lineage: dict[str, set[str]] = {}
    for gist, source, relation in engine.store.execute("SELECT * FROM lineage"):
        assert relation == "consolidated_from"
        lineage.setdefault(gist, set()).add(source)
    assert sorted(map(sorted, lineage.values())) == sorted([sorted(rome), sorted(car)])
    assert set(lineage) == set(report["gist_ids"])
    for gist_id in report["gist_ids"]:
        row = engine.store.execute("SELECT * FROM memories WHERE id = ?", (gist_id,)).fetchone()
        assert (row["type"], row["source"], row["status"]) == (
            "semantic_fact",
            "consolidation",
            "active",
        )
        assert len(row["text"]) <= 500
        assert row["embedding"] is not None
    assert all(_status(engine, m) == "compressed" for m in rome + car)
    assert all(_status(engine, m) == "active" for m in other)

    job = views.job(engine, report["job_id"], job_type="consolidate")
    assert job["status"] == "completed"
    assert job["user_id"] == "alice"
    assert job["result"]["gist_ids"] == report["gist_ids"]


def test_reads_find_the_gist_and_not_the_compressed_episodes(engine: Engine) -> None:
    rome, car, _ = _interleaved(engine)
    report = maintenance.consolidate(engine, "t1")

    found = engine.read("t1", "What did I eat on my trip to Rome?", max_results=5)

    ids = [str(m.id) for m in found.memories]
    assert ids[0] in report["gist_ids"]
    assert found.memories[0].type == "semantic_fact"
    assert "carbonara" in found.memories[0].text
    assert not set(ids) & set(rome + car)


def test_gist_text_keeps_the_distinct_sentences_of_its_sources(engine: Engine) -> None:
    rome = _ids(engine, ROME)
    maintenance.consolidate(engine, "t1")
    (gist,) = [r[0] for r in engine.store.execute("SELECT DISTINCT memory_id FROM lineage")]
    text = engine.store.execute("SELECT text FROM memories WHERE id = ?", (gist,)).fetchone()[0]
    assert all(sentence in text for sentence in ROME)
    lineage = views.memory_lineage(engine, gist)
    assert {a["id"] for a in lineage["ancestors"]} == set(rome)
    assert "consolidation_gist" in lineage["lifecycle_flags"]
    member = views.memory_lineage(engine, rome[0])
    assert [d["id"] for d in member["descendants"]] == [gist]
    assert "consolidated" in member["lifecycle_flags"]


def test_consolidation_runs_again_without_touching_compressed_episodes(engine: Engine) -> None:
    _interleaved(engine)
    first = maintenance.consolidate(engine, "t1")
    second = maintenance.consolidate(engine, "t1")

    assert first["gists_created"] == 2
    assert second["gists_created"] == 0
    assert second["episodes_sampled"] == 2  # only the two unrelated episodes are left
    runs = views.jobs(engine, "t1", job_type="consolidate")
    assert runs["total"] == 2


def test_consolidation_leaves_other_tenants_and_types_alone(engine: Engine) -> None:
    for n, text in enumerate(ROME):
        engine.write("t2", text, memory_type="episodic_event", timestamp=START + timedelta(n))
    prefs = _ids(engine, ROME, memory_type="preference")

    report = maintenance.consolidate(engine, "t1")

    assert report["gists_created"] == 0
    assert all(_status(engine, m) == "active" for m in prefs)
    assert views.overview(engine, "t2")["compressed_memories"] == 0


def test_consolidation_without_an_embedder_groups_a_sessions_overlapping_episodes(
    lexical: Engine,
) -> None:
    trip = _ids(
        lexical,
        [
            "Booked the Rome trip flights for May.",
            "Rome trip hotel booked near the Pantheon.",
            "Rome trip: the flights leave Tuesday morning.",
        ],
        session_id="s1",
    )
    unrelated = _ids(lexical, ["Bought milk and eggs."], offset=5, session_id="s1")
    elsewhere = _ids(lexical, ["Rome trip flights compared online."], offset=6, session_id="s2")

    report = maintenance.consolidate(lexical, "t1")

    assert report["method"] == "session_terms"
    assert report["gists_created"] == 1
    assert all(_status(lexical, m) == "compressed" for m in trip)
    assert _status(lexical, unrelated[0]) == "active"
    assert _status(lexical, elsewhere[0]) == "active"  # another session is another context


def test_a_failing_consolidation_changes_nothing_and_is_recorded(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interleaved(engine)
    before = _snapshot(engine)
    real = consolidation._insert_gist
    calls = []

    def fail_on_second(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(*args, **kwargs)

    monkeypatch.setattr(consolidation, "_insert_gist", fail_on_second)

    with pytest.raises(sqlite3.OperationalError):
        maintenance.consolidate(engine, "t1")

    assert _snapshot(engine) == before
    failed = views.jobs(engine, "t1", job_type="consolidate")["items"]
    assert [j["status"] for j in failed] == ["failed"]
    assert "disk I/O error" in failed[0]["error"]


def test_consolidation_threshold_is_a_setting(engine: Engine) -> None:
    _interleaved(engine)
    maintenance.update_settings(engine, {"consolidation.similarity_threshold": 0.99}, tenant="t1")
    assert maintenance.consolidate(engine, "t1")["gists_created"] == 0


# -- forgetting --------------------------------------------------------------------------------

LONG_AGO = datetime.now(UTC) - timedelta(days=3 * 365)


def _memory(engine: Engine, text: str, memory_type: str, **fields: Any) -> str:
    written = engine.write(
        "t1", text, memory_type=memory_type, timestamp=fields.pop("timestamp", None)
    )
    memory_id = str(written.memory_id)
    if fields:
        engine.update("t1", memory_id, **fields)
    return memory_id


@pytest.fixture
def aging(engine: Engine) -> dict[str, str]:
    """One memory per forgetting outcome (scores worked out in the comments)."""
    return {
        # 0.25*0 + recency ~0 + 0 + 0.15*0 + 0.15*0 (scratch) = ~0: delete
        "delete": _memory(
            engine,
            "scratch note 4471",
            "scratch",
            timestamp=LONG_AGO,
            importance=0.0,
            confidence=0.0,
        ),
        # 0.25*0.2 + ~0 + 0 + 0.15*0.3 + 0.15*0.5 = 0.17: archive
        "archive": _memory(
            engine,
            "The parcel from the bookshop arrived.",
            "episodic_event",
            timestamp=LONG_AGO,
            importance=0.2,
            confidence=0.3,
        ),
        # 0.25*0.1 + 0.25 + 0 + 0.15*0.1 + 0.15*0.2 = 0.32: silence
        "silence": _memory(
            engine, "ok, sounds good", "conversation", importance=0.1, confidence=0.1
        ),
        # 0.25*0.3 + 0.25 + 0 + 0.15*0.3 + 0.15*0.5 = 0.445: decay
        "decay": _memory(
            engine,
            "Watered the plants on the balcony.",
            "episodic_event",
            importance=0.3,
            confidence=0.3,
        ),
        # 0.25*0.75 + 0.25 + 0 + 0.15*0.6 + 0.15*0.9 = 0.66: keep
        "keep": _memory(engine, "I prefer window seats on planes.", "preference", importance=0.75),
        # would score ~0.15, but constraints are protected
        "constraint": _memory(
            engine,
            "Never book flights through the airline's app.",
            "constraint",
            timestamp=LONG_AGO,
            importance=0.0,
            confidence=0.0,
        ),
        # would be forgotten, but the user confirmed it
        "confirmed": _memory(
            engine,
            "The storage unit code was 1984.",
            "episodic_event",
            timestamp=LONG_AGO,
            importance=0.1,
            feedback="correct",
        ),
    }


def test_forgetting_scores_each_memory_with_every_part(
    engine: Engine, aging: dict[str, str]
) -> None:
    scored = {s["memory_id"]: s for s in maintenance.score_memories(engine, "t1", max_memories=50)}

    for expected in ("delete", "archive", "silence", "decay", "keep"):
        assert scored[aging[expected]]["suggested_action"] == expected, expected
    for protected in ("constraint", "confirmed"):
        item = scored[aging[protected]]
        assert item["suggested_action"] == "keep"
        assert item["protected"] is True
        assert item["keep_reason"].startswith("protected")
        assert item["total_score"] < 0.35
    for item in scored.values():
        for part in ("recency", "frequency", "importance", "confidence", "type_bonus"):
            assert 0.0 <= item[f"{part}_score"] <= 1.0
        assert 0.0 <= item["total_score"] <= 1.0


def test_forgetting_dry_run_reports_and_changes_nothing(
    engine: Engine, aging: dict[str, str]
) -> None:
    before = _snapshot(engine)

    report = maintenance.run_forgetting(engine, "t1", dry_run=True)

    assert _snapshot(engine) == before
    assert report["dry_run"] is True
    assert report["memories_scanned"] == len(aging)
    assert report["planned"] == {"keep": 3, "decay": 1, "silence": 1, "archive": 1, "delete": 1}
    assert report["operations_planned"] == 4
    assert report["operations_applied"] == 0
    assert report["protected"] == 2
    job = views.job(engine, report["job_id"])
    assert job["dry_run"] is True
    assert job["job_type"] == "forget"


def test_forgetting_applies_every_action_and_spares_protected_memories(
    engine: Engine, aging: dict[str, str]
) -> None:
    report = maintenance.run_forgetting(engine, "t1", dry_run=False, user_id="alice")

    assert report["operations_applied"] == 4
    assert (report["deleted"], report["archived"], report["silenced"], report["decayed"]) == (
        1,
        1,
        1,
        1,
    )
    assert _status(engine, aging["delete"]) is None
    assert _status(engine, aging["archive"]) == "archived"
    assert _status(engine, aging["silence"]) == "silent"
    assert _status(engine, aging["decay"]) == "active"
    importance = engine.store.execute(
        "SELECT importance FROM memories WHERE id = ?", (aging["decay"],)
    ).fetchone()[0]
    assert importance == pytest.approx(0.3 * 0.8)
    for kept in ("keep", "constraint", "confirmed"):
        assert _status(engine, aging[kept]) == "active"
    found = engine.read("t1", "parcel from the bookshop", max_results=10)
    assert aging["archive"] not in {str(m.id) for m in found.memories}


def test_forgetting_rejects_a_scan_of_nothing(engine: Engine) -> None:
    with pytest.raises(InvalidRequestError):
        maintenance.run_forgetting(engine, "t1", max_memories=0)
    assert views.jobs(engine, "t1")["total"] == 0  # bad input is not a failed job


# -- reconsolidation ---------------------------------------------------------------------------


def test_reconsolidation_reembeds_memories_written_without_the_embedder(
    tmp_path: Path, embedder: Embedder
) -> None:
    path = tmp_path / "mixed.db"
    with Engine(path, embedder="none") as lexical:
        lexical.write("t1", "The quarterly budget review is on Thursday.")
        lexical.write("t1", "Dentist appointment moved to next week.")
    with Engine(path, embedder=embedder) as engine:
        report = maintenance.reconsolidate(engine, "t1")
        assert report["memories_reembedded"] == 2
        assert maintenance.reconsolidate(engine, "t1")["memories_reembedded"] == 0
        # A paraphrase with no shared words is found only through the new vectors.
        found = engine.read("t1", "when do I see the tooth doctor", max_results=1)
        assert "Dentist" in found.memories[0].text


def test_reconsolidation_retires_superseded_and_rejected_facts(engine: Engine) -> None:
    engine.write("t1", "I live in Paris.")
    job = engine.write("t1", "I work at Acme Corp.")
    engine.write("t1", "Alice likes sushi.")
    # A second current value of a single-valued fact, as an older store could hold.
    engine.store.execute("BEGIN IMMEDIATE")
    engine.store.execute(
        "INSERT INTO facts (id, tenant_id, key, subject, predicate, value, text, memory_id, "
        "created_at) SELECT 'newer', tenant_id, 'user|lives_in|berlin', subject, predicate, "
        "'Berlin', 'User lives in Berlin.', memory_id, '2999-01-01T00:00:00+00:00' FROM facts "
        "WHERE predicate = 'lives_in'"
    )
    engine.store.execute("COMMIT")
    engine.update("t1", job.memory_id, feedback="incorrect")

    report = maintenance.reconsolidate(engine, "t1")

    assert report["facts_superseded"] == 1
    assert report["facts_invalidated"] == 1
    current = {
        (r[0], r[1])
        for r in engine.store.execute("SELECT predicate, value FROM facts WHERE is_current = 1")
    }
    assert current == {("lives_in", "Berlin"), ("likes", "sushi")}
    assert views.jobs(engine, "t1", job_type="reconsolidate")["total"] == 1


# -- settings and actions ----------------------------------------------------------------------


def test_settings_are_checked_and_persist(tmp_path: Path) -> None:
    path = tmp_path / "settings.db"
    with Engine(path, embedder="none") as engine:
        with pytest.raises(InvalidRequestError, match="not an editable setting"):
            maintenance.update_settings(engine, {"db_path": "/tmp/x"}, tenant="t1")
        with pytest.raises(InvalidRequestError, match="between"):
            maintenance.update_settings(
                engine,
                {"forgetting.decay_factor": 1.5, "consolidation.min_cluster_size": 3},
                tenant="t1",
            )
        with pytest.raises(InvalidRequestError, match="whole number"):
            maintenance.update_settings(
                engine, {"consolidation.min_cluster_size": 2.5}, tenant="t1"
            )
        assert maintenance.stored_settings(engine) == {}  # all or nothing
        answer = maintenance.update_settings(
            engine, {"consolidation.min_cluster_size": 3}, tenant="t1"
        )
        assert answer["updated"] == {"consolidation.min_cluster_size": 3}
    with Engine(path, embedder="none") as reopened:
        assert maintenance.current_settings(reopened)["consolidation.min_cluster_size"] == 3
        items = {
            item["key"]: item
            for section in views.config_sections(reopened)["sections"]
            for item in section["items"]
        }
        assert items["consolidation.min_cluster_size"]["value"] == 3
        assert items["consolidation.min_cluster_size"]["source"] == "database"
        assert items["consolidation.min_cluster_size"]["is_editable"] is True
        assert items["chunk_threshold_chars"]["is_editable"] is False


def test_bulk_action_works_across_tenants_and_reports_unknown_ids(lexical: Engine) -> None:
    a = str(lexical.write("t1", "Alpha memory.").memory_id)
    b = str(lexical.write("t2", "Beta memory.").memory_id)
    missing = "00000000-0000-4000-8000-000000000000"

    answer = maintenance.bulk_action(lexical, [a, b, missing], "archive")

    assert answer["affected_count"] == 2
    assert answer["not_found"] == [missing]
    assert _status(lexical, a) == _status(lexical, b) == "archived"
    maintenance.bulk_action(lexical, [a], "delete")
    assert _status(lexical, a) is None


def test_invalidating_a_fact(lexical: Engine) -> None:
    lexical.write("t1", "I live in Paris.")
    fact_id = lexical.store.execute("SELECT id FROM facts").fetchone()[0]

    assert maintenance.invalidate_fact(lexical, fact_id)["message"] == "Fact invalidated."
    assert maintenance.invalidate_fact(lexical, fact_id)["message"] == "Fact was already invalid."
    assert views.facts(lexical, "t1")["total"] == 0
    detail = views.fact(lexical, fact_id)
    assert detail["is_current"] is False
    assert detail["valid_to"] is not None
    with pytest.raises(NotFoundError):
        maintenance.invalidate_fact(lexical, "no-such-fact")


def test_reset_erases_every_tenant(lexical: Engine) -> None:
    lexical.write("t1", "I live in Paris.")
    lexical.write("t2", "Alice works at Acme Corp.")
    lexical.create_session("t1")
    maintenance.consolidate(lexical, "t1")

    answer = maintenance.reset_database(lexical, tenant="t1")

    assert answer["deleted"]["memories"] == 2
    for table in ("memories", "facts", "entities", "relations", "sessions", "jobs", "lineage"):
        assert lexical.store.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    events = [json.loads(r[0]) for r in lexical.store.execute("SELECT detail FROM events")]
    assert events == [answer["deleted"]]  # the reset itself is the one event left
