"""The knowledge graph a write feeds: entities, relations and facts extracted from its text."""

from __future__ import annotations

import uuid
from typing import Any

from ..text.extract import extract
from .checks import iso, now

__all__ = ["SINGLE_VALUED", "record_knowledge"]

#: Predicates with one current value: a new one replaces the old ("is_a" is not: one can be
#: a doctor and a father).
SINGLE_VALUED = frozenset({"lives_in", "works_at", "named", "born_in"})


def record_knowledge(db: Any, tenant: str, memory_id: str, text: str) -> None:
    """Entities, relations and facts of `text` into the knowledge graph (same transaction)."""
    found = extract(text)
    moment = iso(now())
    ids: dict[str, int] = {}
    for entity in found.entities:
        db.execute(
            "INSERT INTO entities (tenant_id, key, name, kind) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (tenant_id, key) DO UPDATE SET mentions = mentions + 1",
            (tenant, entity.key, entity.name, entity.kind),
        )
    for relation in found.relations:
        for name in (relation.subject, relation.object):
            key = name.lower()
            if key not in ids:
                db.execute(
                    "INSERT INTO entities (tenant_id, key, name, kind) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (tenant_id, key) DO NOTHING",
                    (tenant, key, name, "thing"),
                )
                ids[key] = db.execute(
                    "SELECT id FROM entities WHERE tenant_id = ? AND key = ?", (tenant, key)
                ).fetchone()[0]
        db.execute(
            "INSERT OR IGNORE INTO relations (tenant_id, subject_id, predicate, object_id, "
            "memory_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                tenant,
                ids[relation.subject.lower()],
                relation.predicate,
                ids[relation.object.lower()],
                memory_id,
                moment,
            ),
        )
    for fact in found.facts:
        if fact.predicate in SINGLE_VALUED:
            # A new value of a single-valued fact replaces the old one (lives_in, works_at).
            db.execute(
                "UPDATE facts SET is_current = 0, invalidated_at = ? WHERE tenant_id = ? "
                "AND subject = ? AND predicate = ? AND key != ? AND is_current = 1",
                (moment, tenant, fact.subject, fact.predicate, fact.key),
            )
        exists = db.execute(
            "SELECT 1 FROM facts WHERE tenant_id = ? AND key = ? AND is_current = 1",
            (tenant, fact.key),
        ).fetchone()
        if exists is None:
            db.execute(
                "INSERT INTO facts (id, tenant_id, key, subject, predicate, value, text, "
                "memory_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(uuid.uuid4()),
                    tenant,
                    fact.key,
                    fact.subject,
                    fact.predicate,
                    fact.value,
                    fact.text,
                    memory_id,
                    moment,
                ),
            )
