"""Reconsolidation: re-embedding stale vectors, retiring overtaken facts."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..engine import Engine
from ..knowledge import SINGLE_VALUED
from ._jobs import _BATCH, _Job, _marks, _now, _recorded

# -- reconsolidation -----------------------------------------------------------------------------


def reconsolidate(engine: Engine, tenant: str, *, user_id: str | None = None) -> dict[str, Any]:
    """Re-embed memories another embedder wrote; retire facts that newer facts or the user's
    feedback (incorrect, outdated) have overtaken."""
    job = _Job(tenant, "reconsolidate", user_id)
    with _recorded(engine, job):
        embedder = engine.embedder
        stale: list[sqlite3.Row] = []
        vectors: list[Any] = []
        if embedder is not None:
            stale = engine.store.execute(
                "SELECT rowid, text, content_hash FROM memories WHERE tenant_id = ? "
                "AND status IN ('active', 'silent') AND (embedding IS NULL OR embedder IS NULL "
                "OR embedder != ? OR LENGTH(embedding) != ?)",
                (tenant, embedder.name, embedder.dim * 4),
            ).fetchall()
            for start in range(0, len(stale), 256):
                vectors.extend(embedder.embed([r["text"] for r in stale[start : start + 256]]))
        now = _now()
        with engine.store.write() as db:
            reembedded = 0
            for row, vector in zip(stale, vectors, strict=True):
                reembedded += db.execute(
                    "UPDATE memories SET embedding = ?, embedder = ? "
                    "WHERE rowid = ? AND content_hash = ?",
                    (vector.tobytes(), embedder.name if embedder else None, row[0], row[2]),
                ).rowcount
            superseded = _retire_superseded_facts(db, tenant, now)
            invalidated = _retire_facts_of_rejected_memories(db, tenant, now)
            result = job.report(
                memories_reembedded=reembedded,
                embedder=embedder.name if embedder else None,
                facts_superseded=superseded,
                facts_invalidated=invalidated,
                sessions_released=0,
            )
            job.finish(db, result, "completed")
        if reembedded:
            engine.backend.invalidate_vectors()
        return result


def _retire_superseded_facts(db: sqlite3.Connection, tenant: str, now: str) -> int:
    """Of several current values of a single-valued fact (lives_in, works_at...), the newest
    stays current."""
    retired = 0
    single = sorted(SINGLE_VALUED)
    groups = db.execute(
        "SELECT subject, predicate FROM facts WHERE tenant_id = ? AND is_current = 1 "
        f"AND predicate IN ({_marks(len(single))}) GROUP BY subject, predicate "
        "HAVING COUNT(*) > 1",
        (tenant, *single),
    ).fetchall()
    for subject, predicate in groups:
        newest = db.execute(
            "SELECT id FROM facts WHERE tenant_id = ? AND subject = ? AND predicate = ? "
            "AND is_current = 1 ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (tenant, subject, predicate),
        ).fetchone()[0]
        retired += db.execute(
            "UPDATE facts SET is_current = 0, invalidated_at = ? WHERE tenant_id = ? "
            "AND subject = ? AND predicate = ? AND is_current = 1 AND id != ?",
            (now, tenant, subject, predicate, newest),
        ).rowcount
    return retired


def _retire_facts_of_rejected_memories(db: sqlite3.Connection, tenant: str, now: str) -> int:
    """Facts whose only evidence is gone, or was last marked incorrect or outdated."""
    latest: dict[str, str] = {}
    for memory_id, operation in db.execute(
        "SELECT memory_id, operation FROM events WHERE tenant_id = ? AND memory_id IS NOT NULL "
        "AND operation LIKE 'update:%' AND operation != 'update:edit' ORDER BY id",
        (tenant,),
    ):
        latest[memory_id] = operation
    rejected = [m for m, op in latest.items() if op in ("update:incorrect", "update:outdated")]
    retired = db.execute(
        "UPDATE facts SET is_current = 0, invalidated_at = ? WHERE tenant_id = ? "
        "AND is_current = 1 AND NOT EXISTS (SELECT 1 FROM memories m WHERE m.id = memory_id)",
        (now, tenant),
    ).rowcount
    for start in range(0, len(rejected), _BATCH):
        part = rejected[start : start + _BATCH]
        retired += db.execute(
            "UPDATE facts SET is_current = 0, invalidated_at = ? WHERE tenant_id = ? "
            f"AND is_current = 1 AND memory_id IN ({_marks(len(part))})",
            (now, tenant, *part),
        ).rowcount
    return int(retired)
