"""Memories: the paged listing, one memory in detail, its lineage, export and timeline."""

from __future__ import annotations

import sqlite3
import uuid
from collections import deque
from datetime import timedelta
from typing import Any

from ..._exceptions import InvalidRequestError, NotFoundError
from ...text.extract import extract
from ..engine import Engine
from ._common import (
    _GRAPH_NODES,
    _json,
    _marks,
    _now,
    _offset,
    _one,
    _pages,
    _uuid_or_none,
)
from .facts import _fact_item, _fact_version

_SORTABLE = {
    "timestamp": "timestamp",
    "confidence": "confidence",
    "importance": "importance",
    "access_count": "access_count",
    "written_at": "written_at",
    "type": "type",
    "status": "status",
}

# -- memories ----------------------------------------------------------------------------------


def _memory_item(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "tenant_id": row["tenant_id"],
        "agent_id": row["agent_id"],
        "type": row["type"],
        "status": row["status"],
        "text": row["text"],
        "key": None,
        "namespace": row["namespace"] or None,
        "context_tags": _json(row["context_tags"], []),
        "confidence": float(row["confidence"]),
        "importance": float(row["importance"]),
        "access_count": int(row["access_count"]),
        "decay_rate": float(row["decay_rate"]),
        "labile": False,
        "version": int(row["version"]),
        "timestamp": row["timestamp"],
        "written_at": row["written_at"],
    }


def _lineage_item(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "text": row["text"],
        "type": row["type"],
        "status": row["status"],
        "confidence": float(row["confidence"]),
        "importance": float(row["importance"]),
        "key": None,
        "supersedes_id": _uuid_or_none(row["supersedes"]),
        "version": int(row["version"]),
        "timestamp": row["timestamp"],
        "written_at": row["written_at"],
    }


def memories(
    engine: Engine,
    tenant: str,
    *,
    page: int = 1,
    per_page: int = 25,
    memory_type: str | None = None,
    status: str | None = None,
    search: str | None = None,
    session_id: str | None = None,
    sort_by: str = "timestamp",
    order: str = "desc",
) -> dict[str, Any]:
    """One page of a tenant's memories, filtered and sorted."""
    column = _SORTABLE.get(sort_by)
    if column is None:
        raise InvalidRequestError(f"sort_by must be one of {', '.join(_SORTABLE)}")
    direction = "ASC" if order == "asc" else "DESC"
    where = ["tenant_id = ?"]
    params: list[Any] = [tenant]
    if memory_type:
        where.append("type = ?")
        params.append(memory_type)
    if status:
        where.append("status = ?")
        params.append(status)
    if session_id:
        where.append("session_id = ?")
        params.append(session_id)
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("text LIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    clause = " AND ".join(where)
    with engine.store.read() as db:
        total = int(_one(db, f"SELECT COUNT(*) FROM memories WHERE {clause}", params))
        rows = db.execute(
            f"SELECT * FROM memories WHERE {clause} ORDER BY {column} {direction}, "
            f"rowid {direction} LIMIT ? OFFSET ?",
            [*params, per_page, _offset((page - 1) * per_page)],
        ).fetchall()
    return {
        "items": [_memory_item(r) for r in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
        "total_pages": _pages(total, per_page),
    }


def _memory_row(db: sqlite3.Connection, memory_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM memories WHERE id = ?", (str(uuid.UUID(str(memory_id))),)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no memory {memory_id}", status_code=404)
    return row


def _entities_of(db: sqlite3.Connection, tenant: str, text: str) -> list[sqlite3.Row]:
    keys = [entity.key for entity in extract(text).entities]
    if not keys:
        return []
    return db.execute(
        "SELECT id, key, name, kind, mentions FROM entities WHERE tenant_id = ? "
        f"AND key IN ({_marks(len(keys))}) ORDER BY mentions DESC, id",
        [tenant, *keys],
    ).fetchall()


def _detail(db: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    entities = _entities_of(db, row["tenant_id"], row["text"])
    relations = db.execute(
        "SELECT s.name AS subject, r.predicate, o.name AS object, r.created_at FROM relations r "
        "JOIN entities s ON s.id = r.subject_id JOIN entities o ON o.id = r.object_id "
        "WHERE r.memory_id = ? ORDER BY r.id",
        (row["id"],),
    ).fetchall()
    events = db.execute(
        "SELECT id, event_type, operation, created_at, detail FROM events WHERE memory_id = ? "
        "ORDER BY id DESC LIMIT 50",
        (row["id"],),
    ).fetchall()
    sources = [
        r[0] for r in db.execute("SELECT source_id FROM lineage WHERE memory_id = ?", (row["id"],))
    ]
    return {
        **_memory_item(row),
        "content_hash": row["content_hash"],
        "last_accessed_at": row["last_accessed_at"],
        "source_session_id": row["session_id"],
        "supersedes_id": _uuid_or_none(row["supersedes"]),
        "valid_from": row["valid_from"],
        "valid_to": row["valid_to"],
        "metadata": _json(row["metadata"], {}),
        "provenance": {
            "source": row["source"],
            "session_id": row["session_id"],
            "agent_id": row["agent_id"],
            "turn_id": row["turn_id"],
            "written_at": row["written_at"],
            "updated_at": row["updated_at"],
            "embedder": row["embedder"],
            "consolidated_from": sources,
            "chunk": {
                "parent_id": row["parent_id"],
                "index": row["chunk_index"],
                "count": row["chunk_count"],
            }
            if row["parent_id"]
            else None,
        },
        "entities": [
            {"id": e["id"], "name": e["name"], "type": e["kind"], "mentions": e["mentions"]}
            for e in entities
        ],
        "relations": [dict(r) for r in relations],
        "related_events": [
            {
                "id": str(uuid.UUID(int=e["id"])),
                "event_type": e["event_type"],
                "operation": e["operation"],
                "created_at": e["created_at"],
                "payload": _json(e["detail"], {}),
            }
            for e in events
        ],
    }


def dashboard_memory(engine: Engine, memory_id: str) -> dict[str, Any]:
    """Everything about one memory (of any tenant: the dashboard is an admin view)."""
    with engine.store.read() as db:
        return _detail(db, _memory_row(db, memory_id))


def _walk(db: sqlite3.Connection, start: str, *, up: bool) -> list[sqlite3.Row]:
    """Memories reachable from `start` through lineage and supersedes links, nearest first."""
    if up:
        lineage = "SELECT source_id FROM lineage WHERE memory_id = ?"
        version = "SELECT supersedes FROM memories WHERE id = ?"
    else:
        lineage = "SELECT memory_id FROM lineage WHERE source_id = ?"
        version = "SELECT superseded_by FROM memories WHERE id = ?"
    seen = {start}
    queue = deque([start])
    found: list[sqlite3.Row] = []
    while queue and len(found) < _GRAPH_NODES:
        current = queue.popleft()
        linked = [r[0] for r in db.execute(lineage, (current,))]
        linked += [r[0] for r in db.execute(version, (current,)) if r[0]]
        for memory_id in linked:
            if memory_id in seen:
                continue
            seen.add(memory_id)
            row = db.execute("SELECT * FROM memories WHERE id = ?", (memory_id,)).fetchone()
            if row is not None:
                found.append(row)
                queue.append(memory_id)
    return found


def memory_lineage(engine: Engine, memory_id: str) -> dict[str, Any]:
    """Where a memory came from (ancestors), what it became (descendants), and around it."""
    with engine.store.read() as db:
        row = _memory_row(db, memory_id)
        ancestors = _walk(db, row["id"], up=True)
        descendants = _walk(db, row["id"], up=False)
        facts_rows = db.execute(
            "SELECT rowid, * FROM facts WHERE memory_id = ? ORDER BY created_at", (row["id"],)
        ).fetchall()
        entities = _entities_of(db, row["tenant_id"], row["text"])
        jobs_rows = db.execute(
            "SELECT * FROM jobs WHERE tenant_id = ? AND result LIKE ? ORDER BY started_at DESC "
            "LIMIT 20",
            (row["tenant_id"], f"%{row['id']}%"),
        ).fetchall()
        flags = [row["status"]]
        if row["source"] == "consolidation":
            flags.append("consolidation_gist")
        if descendants:
            flags.append("consolidated" if row["status"] == "compressed" else "has_descendants")
        if row["parent_id"]:
            flags.append("chunk")
        if row["valid_to"]:
            flags.append("outdated")
        if facts_rows:
            flags.append("fact_evidence")
        return {
            "memory": _detail(db, row),
            "ancestors": [_lineage_item(r) for r in ancestors],
            "descendants": [_lineage_item(r) for r in descendants],
            "same_key_versions": [],
            "evidence_facts": [_fact_item(f, _fact_version(db, f)) for f in facts_rows],
            "related_entities": [
                {
                    "entity": e["name"],
                    "entity_type": e["kind"],
                    "tenant_id": row["tenant_id"],
                    "scope_id": row["tenant_id"],
                }
                for e in entities
            ],
            "related_jobs": [
                {
                    "id": j["id"],
                    "job_type": j["type"],
                    "status": j["status"],
                    "started_at": j["started_at"],
                    "completed_at": j["finished_at"],
                    "result": _json(j["result"], None),
                }
                for j in jobs_rows
            ],
            "lifecycle_flags": flags,
        }


def export_memories(engine: Engine, tenant: str) -> list[dict[str, Any]]:
    """Every memory of the tenant, every column but the embedding vector (oldest first)."""
    out = []
    for row in engine.iter_rows(tenant):
        item = {k: row[k] for k in row.keys() if k not in ("embedding", "rowid")}  # noqa: SIM118
        item["context_tags"] = _json(row["context_tags"], [])
        item["metadata"] = _json(row["metadata"], {})
        item["has_embedding"] = row["embedding"] is not None
        out.append(item)
    return out


def timeline(engine: Engine, tenant: str, *, days: int = 30) -> dict[str, Any]:
    """Memories written per day over the last `days` days (UTC), every day present."""
    today = _now().date()
    first = today - timedelta(days=days - 1)
    counts = {
        str(day): int(count)
        for day, count in engine.store.execute(
            "SELECT substr(written_at, 1, 10) AS day, COUNT(*) FROM memories "
            "WHERE tenant_id = ? AND written_at >= ? GROUP BY day",
            (tenant, first.isoformat()),
        )
    }
    dates = [(first + timedelta(days=n)).isoformat() for n in range(days)]
    points = [{"date": date, "count": counts.get(date, 0)} for date in dates]
    return {"points": points, "total": sum(counts.get(date, 0) for date in dates)}
