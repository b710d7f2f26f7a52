"""Facts: the listing, one fact with its versions, its evidence, export."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from ..._exceptions import NotFoundError
from ..engine import Engine
from ._common import (
    _json,
    _offset,
    _one,
    _uuid_or_none,
)


def _fact_item(row: Any, version: int = 1) -> dict[str, Any]:
    return {
        "id": row["id"],
        "tenant_id": row["tenant_id"],
        "category": row["predicate"],
        "key": row["key"],
        "value": row["value"],
        "confidence": float(row["confidence"]),
        "evidence_count": 1,
        "is_current": bool(row["is_current"]),
        "version": version,
        "created_at": row["created_at"],
        "updated_at": row["invalidated_at"] or row["created_at"],
    }


def _fact_version(db: sqlite3.Connection, row: Mapping[str, Any]) -> int:
    """1 for the first value of a subject and predicate, 2 for the next, and so on."""
    return int(
        _one(
            db,
            "SELECT COUNT(*) FROM facts WHERE tenant_id = ? AND subject = ? AND predicate = ? "
            "AND (created_at < ? OR (created_at = ? AND rowid <= ?))",
            (
                row["tenant_id"],
                row["subject"],
                row["predicate"],
                row["created_at"],
                row["created_at"],
                row["rowid"],
            ),
        )
    )


# -- facts -------------------------------------------------------------------------------------


def facts(
    engine: Engine,
    tenant: str,
    *,
    category: str | None = None,
    current_only: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    where = ["tenant_id = ?"]
    params: list[Any] = [tenant]
    if category:
        where.append("predicate = ?")
        params.append(category)
    if current_only:
        where.append("is_current = 1")
    clause = " AND ".join(where)
    with engine.store.read() as db:
        total = int(_one(db, f"SELECT COUNT(*) FROM facts WHERE {clause}", params))
        rows = db.execute(
            f"SELECT rowid, * FROM facts WHERE {clause} ORDER BY created_at DESC, rowid DESC "
            "LIMIT ? OFFSET ?",
            [*params, limit, _offset(offset)],
        ).fetchall()
        items = [_fact_item(r, _fact_version(db, r)) for r in rows]
    return {"items": items, "total": total}


def export_facts(engine: Engine, tenant: str) -> list[dict[str, Any]]:
    rows = engine.store.execute(
        "SELECT rowid, * FROM facts WHERE tenant_id = ? ORDER BY created_at, rowid", (tenant,)
    ).fetchall()
    return [
        {k: (bool(r[k]) if k == "is_current" else r[k]) for k in r.keys() if k != "rowid"}  # noqa: SIM118
        for r in rows
    ]


def _fact_row(db: sqlite3.Connection, fact_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = db.execute(
        "SELECT rowid, * FROM facts WHERE id = ?", (fact_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no fact {fact_id!r}", status_code=404)
    return row


def fact(engine: Engine, fact_id: str) -> dict[str, Any]:
    """One fact with its validity window, the other values of its subject and predicate, and
    the memory it was distilled from."""
    with engine.store.read() as db:
        row = _fact_row(db, fact_id)
        versions = db.execute(
            "SELECT rowid, * FROM facts WHERE tenant_id = ? AND subject = ? AND predicate = ? "
            "ORDER BY created_at, rowid",
            (row["tenant_id"], row["subject"], row["predicate"]),
        ).fetchall()
        memory = db.execute(
            "SELECT context_tags FROM memories WHERE id = ?", (row["memory_id"],)
        ).fetchone()
    position = next(i for i, v in enumerate(versions) if v["id"] == row["id"])
    earlier = versions[:position]
    later = versions[position + 1 :]
    return {
        **_fact_item(row, position + 1),
        "subject": row["subject"],
        "predicate": row["predicate"],
        "value": row["value"],
        "value_type": "string",
        "text": row["text"],
        "context_tags": _json(memory["context_tags"], []) if memory else [],
        "evidence_ids": [row["memory_id"]],
        "valid_from": row["created_at"],
        "valid_to": row["invalidated_at"],
        "supersedes_id": earlier[-1]["id"] if earlier else None,
        "superseded_by": [
            {"id": v["id"], "value": v["value"], "is_current": bool(v["is_current"])} for v in later
        ],
        "lineage": [
            {
                "id": v["id"],
                "value": v["value"],
                "version": n + 1,
                "is_current": bool(v["is_current"]),
                "created_at": v["created_at"],
                "invalidated_at": v["invalidated_at"],
                "memory_id": v["memory_id"],
            }
            for n, v in enumerate(versions)
        ],
    }


def fact_evidence(engine: Engine, fact_id: str) -> dict[str, Any]:
    with engine.store.read() as db:
        row = _fact_row(db, fact_id)
        memory = db.execute("SELECT * FROM memories WHERE id = ?", (row["memory_id"],)).fetchone()
    evidence = []
    if memory is not None:
        evidence.append(
            {
                "id": memory["id"],
                "text": memory["text"],
                "type": memory["type"],
                "status": memory["status"],
                "confidence": float(memory["confidence"]),
                "importance": float(memory["importance"]),
                "metadata": _json(memory["metadata"], {}),
                "source_session_id": memory["session_id"],
                "supersedes_id": _uuid_or_none(memory["supersedes"]),
                "timestamp": memory["timestamp"],
                "written_at": memory["written_at"],
            }
        )
    return {
        "fact_id": fact_id,
        "evidence": evidence,
        "missing_evidence_ids": [] if memory is not None else [row["memory_id"]],
    }
