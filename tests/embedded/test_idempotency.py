"""Idempotency keys are honoured for a day, then forgotten: the table does not grow forever."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cml.engine.engine import IDEMPOTENCY_TTL, Engine
from cml.exceptions import InvalidRequestError

TENANT = "t-idem"


def _age_all_answers(engine: Engine, by: timedelta) -> None:
    """Pretend every recorded answer was given `by` earlier."""
    with engine.store.write(bump_generation=False) as db:
        for key, created in db.execute("SELECT key, created_at FROM idempotency").fetchall():
            older = datetime.fromisoformat(created) - by
            db.execute(
                "UPDATE idempotency SET created_at = ? WHERE key = ?",
                (older.astimezone(UTC).isoformat(timespec="microseconds"), key),
            )


def _answers(engine: Engine) -> int:
    return int(engine.store.db.execute("SELECT count(*) FROM idempotency").fetchone()[0])


def test_a_key_replays_within_its_lifetime(lexical: Engine) -> None:
    first = lexical.write(TENANT, "The user's cat is called Miso.", idempotency_key="k1")
    _age_all_answers(lexical, IDEMPOTENCY_TTL - timedelta(minutes=5))
    again = lexical.write(TENANT, "The user's cat is called Miso.", idempotency_key="k1")
    assert again.memory_id == first.memory_id
    assert lexical.stats(TENANT).total_memories == 1


def test_an_expired_key_is_a_new_request(lexical: Engine) -> None:
    lexical.write(TENANT, "The user's cat is called Miso.", idempotency_key="k1")
    _age_all_answers(lexical, IDEMPOTENCY_TTL + timedelta(minutes=5))
    later = lexical.write(TENANT, "The user moved to Lyon.", idempotency_key="k1")
    assert later.success
    texts = {m.text for m in lexical.read(TENANT, "user", max_results=10).memories}
    assert "The user moved to Lyon." in texts
    # Replayed from now on, under the same key.
    assert lexical.write(TENANT, "The user moved to Lyon.", idempotency_key="k1") == later


def test_expired_answers_are_purged_by_writes(tmp_path: Path) -> None:
    with Engine(tmp_path / "purge.db", embedder="none") as engine:
        for n in range(5):
            engine.write(TENANT, f"Old fact number {n} about gardens.", idempotency_key=f"old{n}")
        assert _answers(engine) == 5
        _age_all_answers(engine, IDEMPOTENCY_TTL + timedelta(hours=1))
    # A fresh engine (a restarted server) purges on its first recorded answer.
    with Engine(tmp_path / "purge.db", embedder="none") as engine:
        engine.write(TENANT, "A new fact about bicycles.", idempotency_key="new")
        assert _answers(engine) == 1
        assert engine.stats(TENANT).total_memories == 6  # the memories themselves stay


def test_a_key_reused_for_another_operation_is_refused(lexical: Engine) -> None:
    lexical.write(TENANT, "The user's cat is called Miso.", idempotency_key="k2")
    with pytest.raises(InvalidRequestError, match="already used for a write request"):
        lexical.write_batch(TENANT, [{"content": "x"}], idempotency_key="k2")
