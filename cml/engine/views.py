"""Read-only operator views over the embedded store: what the dashboard routes answer.

Every function takes the engine and plain arguments and returns JSON-ready data shaped like the
CML server's dashboard responses (see `openapi/`). Nothing here changes stored data (the
actions are in `maintenance`); `retrieval_test` and `explain_retrieval` run a real read, which
counts as an access of the memories it returns, as any read does.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from .._exceptions import InvalidRequestError, NotFoundError
from ..models import MemoryType
from ..text.chunking import chunk_text
from ..text.classify import classify
from ..text.extract import extract
from . import embedders, maintenance, relevance, retrieval
from .backend import generation
from .checks import MAX_CONTENT_CHARS, check_text, content_hash
from .duplicates import NEAR_DUPLICATE_COSINE
from .engine import Engine
from .search import CANDIDATES
from .storage import fts_match
from .writes import CHUNK_THRESHOLD_CHARS, CHUNKING

__all__ = [
    "components",
    "config_sections",
    "dashboard_memory",
    "evaluation_summary",
    "events",
    "explain_retrieval",
    "export_events",
    "export_facts",
    "export_memories",
    "fact",
    "fact_evidence",
    "facts",
    "graph_explore",
    "graph_overview",
    "graph_search",
    "graph_stats",
    "job",
    "jobs",
    "labile",
    "memories",
    "memory_lineage",
    "models_status",
    "ops_metrics",
    "overview",
    "quality_overview",
    "rate_limits",
    "reconsolidation_sessions",
    "request_stats",
    "retrieval_test",
    "sessions",
    "simulate_write",
    "tenants",
    "timeline",
]

_SORTABLE = {
    "timestamp": "timestamp",
    "confidence": "confidence",
    "importance": "importance",
    "access_count": "access_count",
    "written_at": "written_at",
    "type": "type",
    "status": "status",
}
# Nodes a graph view returns at most (a dashboard draws them all).
_GRAPH_NODES = 200
_OVERVIEW_NODES = 50
_MAX_SQL_INT = 2**62
_COUNTED = ("memories", "facts", "entities", "relations", "events", "jobs", "sessions")


def _now() -> datetime:
    return datetime.now(UTC)


def _offset(value: int) -> int:
    """An OFFSET SQLite can bind (a page far past the end is simply empty)."""
    return max(0, min(value, _MAX_SQL_INT))


def _pages(total: int, per_page: int) -> int:
    return (total + per_page - 1) // per_page


def _json(text: str | None, fallback: Any) -> Any:
    if not text:
        return fallback
    try:
        return json.loads(text)
    except ValueError:
        return fallback


def _uuid_or_none(value: Any) -> str | None:
    if not value:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _one(db: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    return db.execute(sql, params).fetchone()[0]


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


# -- overview, tenants, events -----------------------------------------------------------------


def overview(engine: Engine, tenant: str) -> dict[str, Any]:
    """Headline numbers for one tenant."""
    with engine.store.read() as db:
        by_status = {
            r[0]: int(r[1])
            for r in db.execute(
                "SELECT status, COUNT(*) FROM memories WHERE tenant_id = ? GROUP BY status",
                (tenant,),
            )
        }
        by_type = {
            r[0]: int(r[1])
            for r in db.execute(
                "SELECT type, COUNT(*) FROM memories WHERE tenant_id = ? GROUP BY type",
                (tenant,),
            )
        }
        averages = db.execute(
            "SELECT AVG(confidence), AVG(importance), AVG(access_count), AVG(decay_rate), "
            "MIN(timestamp), MAX(timestamp), "
            "SUM(LENGTH(text) + LENGTH(metadata) + IFNULL(LENGTH(embedding), 0)) "
            "FROM memories WHERE tenant_id = ?",
            (tenant,),
        ).fetchone()
        fact_totals = db.execute(
            "SELECT COUNT(*), SUM(is_current), AVG(confidence) FROM facts WHERE tenant_id = ?",
            (tenant,),
        ).fetchone()
        facts_by_category = {
            r[0]: int(r[1])
            for r in db.execute(
                "SELECT predicate, COUNT(*) FROM facts WHERE tenant_id = ? AND is_current = 1 "
                "GROUP BY predicate",
                (tenant,),
            )
        }
        events_by_type = {
            r[0]: int(r[1])
            for r in db.execute(
                "SELECT event_type, COUNT(*) FROM events WHERE tenant_id = ? GROUP BY event_type",
                (tenant,),
            )
        }
        events_by_operation = {
            r[0]: int(r[1])
            for r in db.execute(
                "SELECT operation, COUNT(*) FROM events WHERE tenant_id = ? GROUP BY operation",
                (tenant,),
            )
        }
    facts_total = int(fact_totals[0] or 0)
    return {
        "total_memories": sum(by_status.values()),
        "active_memories": by_status.get("active", 0),
        "silent_memories": by_status.get("silent", 0),
        "compressed_memories": by_status.get("compressed", 0),
        "archived_memories": by_status.get("archived", 0),
        "deleted_memories": by_status.get("deleted", 0),
        "labile_memories": 0,
        "by_type": by_type,
        "by_status": by_status,
        "avg_confidence": round(float(averages[0] or 0.0), 6),
        "avg_importance": round(float(averages[1] or 0.0), 6),
        "avg_access_count": round(float(averages[2] or 0.0), 6),
        "avg_decay_rate": round(float(averages[3] or 0.0), 6),
        "oldest_memory": averages[4],
        "newest_memory": averages[5],
        "estimated_size_mb": round(float(averages[6] or 0) / 1_048_576, 6),
        "total_semantic_facts": facts_total,
        "current_semantic_facts": int(fact_totals[1] or 0),
        "facts_by_category": facts_by_category,
        "avg_fact_confidence": round(float(fact_totals[2] or 0.0), 6),
        # Each fact row is distilled from exactly one memory.
        "avg_evidence_count": 1.0 if facts_total else 0.0,
        "total_events": sum(events_by_type.values()),
        "events_by_type": events_by_type,
        "events_by_operation": events_by_operation,
    }


def tenants(engine: Engine) -> dict[str, Any]:
    """Every tenant that holds memories, facts, events or sessions, with its counts."""
    with engine.store.read() as db:
        names = sorted(
            {
                r[0]
                for table in ("memories", "facts", "events", "sessions")
                for r in db.execute(f"SELECT DISTINCT tenant_id FROM {table}")
            }
        )
        memory_counts = {
            r[0]: (int(r[1]), int(r[2] or 0), r[3])
            for r in db.execute(
                "SELECT tenant_id, COUNT(*), SUM(status = 'active'), MAX(written_at) "
                "FROM memories GROUP BY tenant_id"
            )
        }
        fact_counts = {
            r[0]: int(r[1])
            for r in db.execute("SELECT tenant_id, COUNT(*) FROM facts GROUP BY tenant_id")
        }
        event_counts = {
            r[0]: (int(r[1]), r[2])
            for r in db.execute(
                "SELECT tenant_id, COUNT(*), MAX(created_at) FROM events GROUP BY tenant_id"
            )
        }
    return {
        "tenants": [
            {
                "tenant_id": name,
                "memory_count": memory_counts.get(name, (0, 0, None))[0],
                "active_memory_count": memory_counts.get(name, (0, 0, None))[1],
                "fact_count": fact_counts.get(name, 0),
                "event_count": event_counts.get(name, (0, None))[0],
                "last_memory_at": memory_counts.get(name, (0, 0, None))[2],
                "last_event_at": event_counts.get(name, (0, None))[1],
            }
            for name in names
        ]
    }


def _event_item(row: Any) -> dict[str, Any]:
    return {
        # Events are numbered in SQLite; the wire wants a UUID, so the number is one.
        "id": str(uuid.UUID(int=int(row["id"]))),
        "tenant_id": row["tenant_id"],
        "scope_id": row["tenant_id"],
        "agent_id": None,
        "event_type": row["event_type"],
        "operation": row["operation"],
        "memory_ids": [m for m in [_uuid_or_none(row["memory_id"])] if m],
        "parent_event_id": None,
        "payload": _json(row["detail"], {}),
        "created_at": row["created_at"],
    }


def events(
    engine: Engine,
    tenant: str,
    *,
    page: int = 1,
    per_page: int = 25,
    event_type: str | None = None,
    operation: str | None = None,
) -> dict[str, Any]:
    """One page of the tenant's event log, newest first."""
    where = ["tenant_id = ?"]
    params: list[Any] = [tenant]
    if event_type:
        where.append("event_type = ?")
        params.append(event_type)
    if operation:
        where.append("operation = ?")
        params.append(operation)
    clause = " AND ".join(where)
    with engine.store.read() as db:
        total = int(_one(db, f"SELECT COUNT(*) FROM events WHERE {clause}", params))
        rows = db.execute(
            f"SELECT * FROM events WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
            [*params, per_page, _offset((page - 1) * per_page)],
        ).fetchall()
    return {
        "items": [_event_item(r) for r in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
        "total_pages": _pages(total, per_page),
    }


def export_events(engine: Engine, tenant: str) -> list[dict[str, Any]]:
    """The tenant's whole event log, oldest first."""
    rows = engine.store.execute(
        "SELECT * FROM events WHERE tenant_id = ? ORDER BY id", (tenant,)
    ).fetchall()
    return [{**_event_item(r), "sequence": int(r["id"])} for r in rows]


def request_stats(engine: Engine, *, hours: int = 24) -> dict[str, Any]:
    """Events recorded per hour over the last `hours` hours (all tenants), every hour present.

    The embedded server records writes, updates, forgetting and jobs as events; reads are
    not logged, so they are not counted here.
    """
    now = _now().replace(minute=0, second=0, microsecond=0)
    first = now - timedelta(hours=hours - 1)
    day_ago = _now() - timedelta(hours=24)
    with engine.store.read() as db:
        counts = {
            str(hour): int(count)
            for hour, count in db.execute(
                "SELECT substr(created_at, 1, 13) AS hour, COUNT(*) FROM events "
                "WHERE created_at >= ? GROUP BY hour",
                (first.isoformat(),),
            )
        }
        last_day = int(
            _one(db, "SELECT COUNT(*) FROM events WHERE created_at >= ?", (day_ago.isoformat(),))
        )
    points = []
    for n in range(hours):
        hour = first + timedelta(hours=n)
        label = hour.strftime("%Y-%m-%dT%H")
        points.append({"hour": f"{label}:00", "count": counts.get(label, 0)})
    return {"points": points, "total_last_24h": last_day}


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


# -- sessions, jobs ----------------------------------------------------------------------------


def sessions(engine: Engine, tenant: str) -> dict[str, Any]:
    """Live sessions: those created and not expired, and session ids memories were written
    under without one being created (they never expire)."""
    now = _now()
    with engine.store.read() as db:
        counts = {
            r[0]: (int(r[1]), r[2])
            for r in db.execute(
                "SELECT session_id, COUNT(*), MIN(written_at) FROM memories WHERE tenant_id = ? "
                "AND session_id IS NOT NULL GROUP BY session_id",
                (tenant,),
            )
        }
        created = db.execute(
            "SELECT * FROM sessions WHERE tenant_id = ? ORDER BY created_at DESC", (tenant,)
        ).fetchall()
    items = []
    known = set()
    for row in created:
        known.add(row["id"])
        expires = row["expires_at"]
        remaining = -1
        if expires:
            left = (datetime.fromisoformat(expires) - now).total_seconds()
            if left <= 0:
                continue
            remaining = int(left)
        items.append(
            {
                "session_id": row["id"],
                "tenant_id": tenant,
                "created_at": row["created_at"],
                "expires_at": expires,
                "ttl_seconds": remaining,
                "memory_count": counts.get(row["id"], (0, None))[0],
                "metadata": {**_json(row["metadata"], {}), "name": row["name"]},
            }
        )
    for session_id, (count, first) in sorted(counts.items()):
        if session_id in known:
            continue
        items.append(
            {
                "session_id": session_id,
                "tenant_id": tenant,
                "created_at": first,
                "expires_at": None,
                "ttl_seconds": -1,
                "memory_count": count,
                "metadata": {},
            }
        )
    return {
        "sessions": items,
        "total_active": len(items),
        "total_memories_with_session": sum(count for count, _ in counts.values()),
    }


def _job_item(row: Any) -> dict[str, Any]:
    result = _json(row["result"], {})
    duration = None
    if row["started_at"] and row["finished_at"]:
        duration = round(
            (
                datetime.fromisoformat(row["finished_at"])
                - datetime.fromisoformat(row["started_at"])
            ).total_seconds(),
            4,
        )
    return {
        "id": row["id"],
        "job_type": row["type"],
        "tenant_id": row["tenant_id"],
        "user_id": result.get("user_id") if isinstance(result, dict) else None,
        "dry_run": bool(row["dry_run"]),
        "status": row["status"],
        "result": result if isinstance(result, dict) else None,
        "error": result.get("error") if isinstance(result, dict) else None,
        "started_at": row["started_at"],
        "completed_at": row["finished_at"],
        "duration_seconds": duration,
    }


def jobs(
    engine: Engine, tenant: str | None, *, job_type: str | None = None, limit: int = 50
) -> dict[str, Any]:
    """Maintenance jobs, newest first; `tenant` None means every tenant's."""
    where: list[str] = []
    params: list[Any] = []
    if tenant is not None:
        where.append("tenant_id = ?")
        params.append(tenant)
    if job_type:
        where.append("type = ?")
        params.append(job_type)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    with engine.store.read() as db:
        total = int(_one(db, f"SELECT COUNT(*) FROM jobs {clause}", params))
        rows = db.execute(
            f"SELECT * FROM jobs {clause} ORDER BY started_at DESC LIMIT ?", [*params, limit]
        ).fetchall()
    return {"items": [_job_item(r) for r in rows], "total": total}


def job(engine: Engine, job_id: str, *, job_type: str | None = None) -> dict[str, Any]:
    row = engine.store.execute("SELECT * FROM jobs WHERE id = ?", (str(job_id),)).fetchone()
    if row is None or (job_type is not None and row["type"] != job_type):
        kind = f"{job_type} job" if job_type else "job"
        raise NotFoundError(f"no {kind} {job_id}", status_code=404)
    return _job_item(row)


def reconsolidation_sessions(engine: Engine, tenant: str) -> dict[str, Any]:
    """Turns awaiting reconsolidation. The embedded engine keeps no labile-session store (it
    does not hold recalled memories open for revision), so there are none to list."""
    return {"items": [], "total": 0}


def labile(engine: Engine, tenant: str) -> dict[str, Any]:
    """Labile memory counts. The embedded engine has no labile state (no Redis, no
    reconsolidation window), so every count is zero."""
    return {
        "tenants": [
            {
                "tenant_id": tenant,
                "db_labile_count": 0,
                "redis_scope_count": 0,
                "redis_session_count": 0,
                "redis_memory_count": 0,
            }
        ],
        "total_db_labile": 0,
        "total_redis_scopes": 0,
        "total_redis_sessions": 0,
        "total_redis_memories": 0,
    }


def rate_limits(engine: Engine) -> dict[str, Any]:
    """The local server applies no rate limits, so it keeps no counters."""
    return {"entries": []}


# -- graph -------------------------------------------------------------------------------------


def _node(row: Any, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "entity": row["name"],
        "entity_type": row["kind"],
        "properties": {"key": row["key"], "mentions": int(row["mentions"]), **extra},
    }


def _edges(db: sqlite3.Connection, tenant: str, ids: Iterable[int]) -> list[dict[str, Any]]:
    ids = list(ids)
    if not ids:
        return []
    marks = _marks(len(ids))
    rows = db.execute(
        "SELECT subject_id, predicate, object_id, COUNT(*) AS mentions, MIN(created_at) AS first, "
        "GROUP_CONCAT(memory_id) AS memories FROM relations WHERE tenant_id = ? "
        f"AND subject_id IN ({marks}) AND object_id IN ({marks}) "
        "GROUP BY subject_id, predicate, object_id ORDER BY first",
        [tenant, *ids, *ids],
    ).fetchall()
    return [
        {
            "source": str(r["subject_id"]),
            "target": str(r["object_id"]),
            "predicate": r["predicate"],
            "properties": {
                "mentions": int(r["mentions"]),
                "first_seen": r["first"],
                "memory_ids": str(r["memories"]).split(","),
            },
        }
        for r in rows
    ]


def graph_stats(engine: Engine) -> dict[str, Any]:
    """The size of the knowledge graph, over every tenant."""
    with engine.store.read() as db:
        nodes = int(_one(db, "SELECT COUNT(*) FROM entities"))
        edges = int(_one(db, "SELECT COUNT(*) FROM relations"))
        kinds = {
            r[0]: int(r[1]) for r in db.execute("SELECT kind, COUNT(*) FROM entities GROUP BY kind")
        }
        owners = sorted(r[0] for r in db.execute("SELECT DISTINCT tenant_id FROM entities"))
    return {
        "total_nodes": nodes,
        "total_edges": edges,
        "entity_types": kinds,
        "tenants_with_graph": owners,
    }


def graph_overview(engine: Engine, tenant: str) -> dict[str, Any]:
    """The most mentioned entities of a tenant and the relations between them."""
    with engine.store.read() as db:
        rows = db.execute(
            "SELECT * FROM entities WHERE tenant_id = ? ORDER BY mentions DESC, id LIMIT ?",
            (tenant, _OVERVIEW_NODES),
        ).fetchall()
        edges = _edges(db, tenant, [r["id"] for r in rows])
    return {"center_entity": None, "nodes": [_node(r) for r in rows], "edges": edges}


def graph_explore(engine: Engine, tenant: str, entity: str, *, depth: int = 2) -> dict[str, Any]:
    """The entities within `depth` relations of `entity` (by name, case-insensitive), and the
    relations between them. An unknown entity has an empty neighbourhood."""
    with engine.store.read() as db:
        start = db.execute(
            "SELECT * FROM entities WHERE tenant_id = ? AND (key = ? OR name = ? COLLATE NOCASE) "
            "ORDER BY mentions DESC LIMIT 1",
            (tenant, " ".join(entity.lower().split()), entity.strip()),
        ).fetchone()
        if start is None:
            return {"center_entity": None, "nodes": [], "edges": []}
        distance = {int(start["id"]): 0}
        frontier = [int(start["id"])]
        for hop in range(1, depth + 1):
            if not frontier or len(distance) >= _GRAPH_NODES:
                break
            marks = _marks(len(frontier))
            neighbours = db.execute(
                f"SELECT object_id FROM relations WHERE tenant_id = ? AND subject_id IN ({marks}) "
                f"UNION SELECT subject_id FROM relations WHERE tenant_id = ? "
                f"AND object_id IN ({marks})",
                [tenant, *frontier, tenant, *frontier],
            ).fetchall()
            frontier = []
            for (node,) in neighbours:
                if int(node) not in distance and len(distance) < _GRAPH_NODES:
                    distance[int(node)] = hop
                    frontier.append(int(node))
        ids = list(distance)
        rows = db.execute(
            f"SELECT * FROM entities WHERE id IN ({_marks(len(ids))})", ids
        ).fetchall()
        edges = _edges(db, tenant, ids)
    ordered = sorted(rows, key=lambda r: (distance[int(r["id"])], -int(r["mentions"])))
    return {
        "center_entity": start["name"],
        "nodes": [_node(r, depth=distance[int(r["id"])]) for r in ordered],
        "edges": edges,
    }


def graph_search(engine: Engine, tenant: str, query: str, *, limit: int = 25) -> dict[str, Any]:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = engine.store.execute(
        "SELECT name, kind, tenant_id FROM entities WHERE tenant_id = ? "
        "AND name LIKE ? ESCAPE '\\' ORDER BY (key = ?) DESC, mentions DESC, name LIMIT ?",
        (tenant, f"%{escaped}%", query.lower(), limit),
    ).fetchall()
    return {
        "results": [
            {
                "entity": r["name"],
                "entity_type": r["kind"],
                "tenant_id": r["tenant_id"],
                "scope_id": r["tenant_id"],
            }
            for r in rows
        ]
    }


# -- system ------------------------------------------------------------------------------------


def _db_file(engine: Engine) -> Path | None:
    path = engine.store.path
    return None if path == ":memory:" else Path(path).expanduser()


def _db_bytes(engine: Engine) -> int:
    path = _db_file(engine)
    if path is None:
        page_size = int(engine.store.execute("PRAGMA page_size").fetchone()[0])
        return page_size * int(engine.store.execute("PRAGMA page_count").fetchone()[0])
    return sum(
        os.path.getsize(f"{path}{suffix}")
        for suffix in ("", "-wal", "-shm")
        if os.path.exists(f"{path}{suffix}")
    )


def _vector_count(engine: Engine) -> int:
    if engine.embedder is None:
        return 0
    return int(
        engine.store.execute(
            "SELECT COUNT(*) FROM memories WHERE status = 'active' AND embedding IS NOT NULL "
            "AND LENGTH(embedding) = ?",
            (engine.embedder.dim * 4,),
        ).fetchone()[0]
    )


def components(engine: Engine) -> dict[str, Any]:
    """The embedded server's parts: the SQLite store, the embedder, the vector index."""
    started = time.perf_counter()
    try:
        engine.store.execute("SELECT COUNT(*) FROM memories").fetchone()
        sqlite_status, sqlite_error = "ok", None
    except sqlite3.Error as exc:
        sqlite_status, sqlite_error = "error", str(exc)
    latency = round((time.perf_counter() - started) * 1000, 3)
    embedder = engine.embedder
    items: list[dict[str, Any]] = [
        {
            "name": "sqlite",
            "status": sqlite_status,
            "latency_ms": latency,
            "error": sqlite_error,
            "details": {
                "path": engine.store.path,
                "schema_version": engine.store.schema_version,
                "sqlite_version": sqlite3.sqlite_version,
                "size_bytes": _db_bytes(engine),
            },
        },
        {
            "name": "embedder",
            "status": "ok" if embedder is not None else "disabled",
            "latency_ms": None,
            "error": None,
            "details": {"name": embedder.name, "dim": embedder.dim}
            if embedder is not None
            else {"reason": "no embedder: retrieval is lexical (FTS5) only"},
        },
        {
            "name": "vector_index",
            "status": "ok" if embedder is not None else "disabled",
            "latency_ms": None,
            "error": None,
            "details": {
                "kind": "exact in-memory (numpy)",
                "vectors": _vector_count(engine),
                "dim": embedder.dim if embedder is not None else None,
            },
        },
    ]
    return {"components": items}


def models_status(engine: Engine) -> dict[str, Any]:
    """The local models: the embedder (the only learned model the engine runs)."""
    embedder = engine.embedder
    bundled = embedders._bundled_model_path()
    families = []
    task_models = []
    if embedder is not None:
        families.append(
            "sentence-transformers"
            if isinstance(embedder, embedders.SentenceTransformerEmbedder)
            else type(embedder).__name__
        )
        task_models.append(f"embedding: {embedder.name} ({embedder.dim} dimensions)")
    if engine.classifier is not None:
        task_models.append("classification: custom classifier hook")
    return {
        "available": embedder is not None,
        "families": families,
        "task_models": task_models,
        "load_errors": sorted(embedders._warned) if embedder is None else [],
        "models_dir": str(bundled) if bundled is not None else "",
    }


def ops_metrics(engine: Engine) -> dict[str, Any]:
    """A snapshot of the store: sizes and row counts, over every tenant."""
    with engine.store.read() as db:
        counts = {
            table: int(_one(db, f"SELECT COUNT(*) FROM {table}"))
            for table in (
                "memories",
                "facts",
                "entities",
                "relations",
                "events",
                "jobs",
                "sessions",
            )
        }
        by_status = {
            r[0]: int(r[1])
            for r in db.execute("SELECT status, COUNT(*) FROM memories GROUP BY status")
        }
        tenant_count = int(_one(db, "SELECT COUNT(DISTINCT tenant_id) FROM memories"))
        generation = int(_one(db, "SELECT value FROM generation WHERE id = 1"))
    size = _db_bytes(engine)
    metrics: list[dict[str, Any]] = [
        {"name": "store_size_bytes", "value": size, "labels": {}},
        {"name": "vector_index_size", "value": _vector_count(engine), "labels": {}},
        {"name": "tenants", "value": tenant_count, "labels": {}},
        {"name": "write_generation", "value": generation, "labels": {}},
    ]
    metrics += [{"name": f"{t}_total", "value": n, "labels": {}} for t, n in counts.items()]
    metrics += [
        {"name": "memories_by_status", "value": n, "labels": {"status": s}}
        for s, n in sorted(by_status.items())
    ]
    return {
        "generated_at": _now().isoformat(),
        "metrics": metrics,
        "highlights": {
            "store_size_mb": round(size / 1_048_576, 3),
            "memories_active": by_status.get("active", 0),
            "memories_total": counts["memories"],
            "facts_total": counts["facts"],
            "embedder": engine.embedder.name if engine.embedder is not None else None,
        },
    }


def quality_overview(engine: Engine, tenant: str) -> dict[str, Any]:
    """Data problems worth a look, each with a count and sample ids."""
    with engine.store.read() as db:
        short = db.execute(
            "SELECT id FROM memories WHERE tenant_id = ? AND status != 'deleted' "
            "AND LENGTH(TRIM(text)) < 3",
            (tenant,),
        ).fetchall()
        duplicates = db.execute(
            "SELECT m.id FROM memories m WHERE m.tenant_id = ? AND m.status IN ('active', "
            "'silent') AND EXISTS (SELECT 1 FROM memories o WHERE o.tenant_id = m.tenant_id "
            "AND o.content_hash = m.content_hash AND o.status IN ('active', 'silent') "
            "AND o.rowid < m.rowid)",
            (tenant,),
        ).fetchall()
        conflicts = db.execute(
            "SELECT GROUP_CONCAT(id) FROM facts WHERE tenant_id = ? AND is_current = 1 "
            "AND predicate IN ('lives_in', 'works_at', 'named', 'born_in', 'is_a') "
            "GROUP BY subject, predicate HAVING COUNT(*) > 1",
            (tenant,),
        ).fetchall()
        unembedded: list[sqlite3.Row] = []
        if engine.embedder is not None:
            unembedded = db.execute(
                "SELECT id FROM memories WHERE tenant_id = ? AND status = 'active' "
                "AND (embedding IS NULL OR embedder IS NOT ?)",
                (tenant, engine.embedder.name),
            ).fetchall()
        orphans = db.execute(
            "SELECT id FROM entities e WHERE tenant_id = ? AND NOT EXISTS (SELECT 1 FROM "
            "relations r WHERE r.subject_id = e.id OR r.object_id = e.id)",
            (tenant,),
        ).fetchall()
        dangling = int(
            _one(
                db,
                "SELECT COUNT(*) FROM relations r WHERE tenant_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM memories m WHERE m.id = r.memory_id)",
                (tenant,),
            )
        )
        entity_total = int(_one(db, "SELECT COUNT(*) FROM entities WHERE tenant_id = ?", (tenant,)))
        relation_total = int(
            _one(db, "SELECT COUNT(*) FROM relations WHERE tenant_id = ?", (tenant,))
        )
        hotspots = db.execute(
            "SELECT subject, predicate, COUNT(*) AS n FROM facts WHERE tenant_id = ? "
            "AND is_current = 0 GROUP BY subject, predicate ORDER BY n DESC LIMIT 10",
            (tenant,),
        ).fetchall()
    conflict_ids = [i for (group,) in conflicts for i in str(group).split(",")]
    issues = [
        ("empty or very short text (under 3 characters)", [r[0] for r in short]),
        ("duplicate content (same text as an earlier live memory)", [r[0] for r in duplicates]),
        ("single-valued facts with several current values", conflict_ids),
        ("active memories without a current embedding", [r[0] for r in unembedded]),
    ]
    return {
        "generated_at": _now().isoformat(),
        "tenant_id": tenant,
        "issues": [
            {"label": label, "count": len(ids), "sample_ids": ids[:10]} for label, ids in issues
        ],
        "graph_hygiene": {
            "entities": entity_total,
            "relations": relation_total,
            "orphan_entities": len(orphans),
            "orphan_entity_samples": [str(r[0]) for r in orphans[:10]],
            "relations_without_memory": dangling,
        },
        "invalidation_hotspots": [
            {"key": f"{r['subject']}|{r['predicate']}", "invalidations": int(r["n"])}
            for r in hotspots
        ],
        "labile_sessions": 0,
    }


def evaluation_summary(engine: Engine) -> dict[str, Any]:
    """The embedded server runs no evaluations and finds no evaluation artifacts."""
    return {
        "generated_at": _now().isoformat(),
        "artifacts": [],
        "comparisons": [],
        "latest_report": None,
        "latest_summary": None,
        "readiness": {},
    }


def _item(key: str, value: Any, **fields: Any) -> dict[str, Any]:
    return {
        "key": key,
        "value": value,
        "default_value": fields.pop("default", value),
        "source": fields.pop("source", "default"),
        "env_var": fields.pop("env_var", ""),
        "is_editable": False,
        "is_secret": False,
        "is_required": False,
        "requires_restart": True,
        "options": None,
        **fields,
    }


def config_sections(engine: Engine) -> dict[str, Any]:
    """The engine's settings, grouped; the maintenance ones may be edited at run time."""
    calibration = (
        relevance.WITH_VECTORS if engine.backend.vectors is not None else relevance.LEXICAL_ONLY
    )
    embedder = engine.embedder
    stored = maintenance.stored_settings(engine)
    effective = maintenance.current_settings(engine)
    storage = [
        _item(
            "db_path",
            engine.store.path,
            env_var="CML_DB_PATH",
            source="runtime",
            default=None,
        ),
        _item("schema_version", engine.store.schema_version, source="runtime"),
        _item("sqlite_version", sqlite3.sqlite_version, source="runtime"),
    ]
    embedding = [
        _item(
            "embedder",
            embedder.name if embedder is not None else None,
            default=embedders.OnnxMiniLMEmbedder.name,
            source="runtime",
            description="None: lexical retrieval only",
        ),
        _item("embedding_dim", embedder.dim if embedder is not None else None, source="runtime"),
    ]
    write = [
        _item("max_content_chars", MAX_CONTENT_CHARS),
        _item("chunk_threshold_chars", CHUNK_THRESHOLD_CHARS),
        _item("chunk_strategy", CHUNKING.strategy),
        _item("chunk_max_sentences", CHUNKING.max_chunk_size),
        _item("near_duplicate_cosine", NEAR_DUPLICATE_COSINE),
    ]
    read = [
        _item("context_min_relevance", relevance.CONTEXT_MIN_RELEVANCE),
        _item("candidates_per_search", CANDIDATES),
        *(_item(f"relevance_{name}", value) for name, value in attrs.asdict(calibration).items()),
    ]
    jobs_items = [
        _item(
            key,
            effective[key],
            default=setting.default,
            source="database" if key in stored else "default",
            is_editable=True,
            requires_restart=False,
            description=setting.description,
        )
        for key, setting in maintenance.SETTINGS.items()
    ]
    jobs_items += [
        _item(f"forgetting.{action}_at_or_above", floor)
        for action, floor in maintenance.ACTION_THRESHOLDS
    ]
    return {
        "sections": [
            {"name": "storage", "items": storage},
            {"name": "embedding", "items": embedding},
            {"name": "write", "items": write},
            {"name": "retrieval", "items": read},
            {"name": "maintenance", "items": jobs_items},
        ]
    }


# -- retrieval ---------------------------------------------------------------------------------


def _result_item(item: Any, source: str) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "text": item.text,
        "type": str(item.type),
        "confidence": float(item.confidence),
        "relevance_score": float(item.relevance),
        "retrieval_source": source,
        "supersedes_id": None,
        "timestamp": item.timestamp.astimezone(UTC).isoformat()
        if isinstance(item.timestamp, datetime)
        else item.timestamp,
        "metadata": dict(item.metadata),
    }


def _read(engine: Engine, tenant: str, body: Mapping[str, Any]) -> Any:
    return engine.read(
        tenant,
        body["query"],
        max_results=body.get("max_results", 10),
        context_filter=body.get("context_filter"),
        memory_types=body.get("memory_types"),
        response_format=body.get("format", "list"),
    )


def retrieval_test(engine: Engine, tenant: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A read as an agent would make it, with each result's relevance."""
    response = _read(engine, tenant, body)
    source = "hybrid" if engine.embedder is not None else "fts5"
    return {
        "query": response.query,
        "results": [_result_item(item, source) for item in response.memories],
        "llm_context": response.llm_context,
        "total_count": response.total_count,
        "elapsed_ms": response.elapsed_ms,
    }


def _preview(rows: Mapping[int, sqlite3.Row], found: Sequence[tuple[int, str, float]]) -> list[Any]:
    return [
        {"id": rows[rowid]["id"], "text": rows[rowid]["text"][:160], signal: round(value, 6)}
        for rowid, signal, value in found[:5]
        if rowid in rows
    ]


def explain_retrieval(engine: Engine, tenant: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A read with its plan, what each search found (with timings), and how ranking scored
    every candidate. The searches are rerun beside the read, on the same data."""
    response = _read(engine, tenant, body)
    max_results = int(body.get("max_results", 10))
    types = [str(t) for t in body.get("memory_types") or ()]
    where, params = engine.searcher.filters(
        tenant,
        context_filter=body.get("context_filter"),
        memory_types=types,
        since=None,
        until=None,
        namespace=None,
        session_id=None,
    )
    filters = {
        "tenant_id": tenant,
        "status": "active",
        "memory_types": types,
        "context_filter": body.get("context_filter") or [],
    }
    query = response.query
    match = retrieval.fts_query(query)
    steps: list[dict[str, Any]] = []
    plan: list[dict[str, Any]] = [
        {
            "source": "fts5",
            "query": match,
            "top_k": CANDIDATES,
            "memory_types": types,
            "priority": 0,
        }
    ]
    if engine.backend.vectors is not None:
        plan.append(
            {"source": "vector", "query": query, "top_k": CANDIDATES, "memory_types": types}
        )
    with engine.store.read() as db:
        started = time.perf_counter()
        lexical: list[tuple[int, str, float]] = []
        if match is not None:
            lexical = [
                (int(r[0]), "bm25", float(r[1]))
                for r in db.execute(
                    "SELECT m.rowid, bm25(memories_fts, 1.0, 0.0) AS score FROM memories_fts "
                    "JOIN memories m ON m.rowid = memories_fts.rowid "
                    f"WHERE memories_fts MATCH ? AND {where} ORDER BY score LIMIT ?",
                    [fts_match(tenant, match), *params, CANDIDATES],
                )
            ]
        fts_ms = (time.perf_counter() - started) * 1000
        semantic: list[tuple[int, str, float]] = []
        vector_ms = 0.0
        if engine.backend.vectors is not None:
            started = time.perf_counter()
            engine.backend.vectors.sync(generation(db))
            allowed = {
                int(r[0])
                for r in db.execute(f"SELECT m.rowid FROM memories m WHERE {where}", params)
            }
            vector = engine.backend.embed([query])[0]
            semantic = [
                (rowid, "cosine", score)
                for rowid, score in engine.backend.vectors.search(
                    vector, tenant, CANDIDATES, allowed
                )
            ]
        candidates = retrieval.merge(lexical, semantic)
        if engine.backend.vectors is not None:
            # As the read does: full-text hits outside the vector top-k get their similarity.
            missing = [rowid for rowid, c in candidates.items() if c.cosine is None]
            for rowid, cosine in engine.backend.vectors.similarity(vector, missing).items():
                candidates[rowid].cosine = cosine
            vector_ms = (time.perf_counter() - started) * 1000
        rows = (
            {
                int(r["rowid"]): r
                for r in db.execute(
                    f"SELECT rowid, * FROM memories WHERE rowid IN ({_marks(len(candidates))})",
                    list(candidates),
                )
            }
            if candidates
            else {}
        )
        scored = engine.searcher.score(db, tenant, query, candidates, rows) if candidates else []
    steps.append(
        {
            "source": "fts5",
            "success": True,
            "elapsed_ms": round(fts_ms, 3),
            "result_count": len(lexical),
            "query_preview": match,
            "filters": filters,
            "result_preview": _preview(rows, lexical),
            "error": None if match is not None else "no content words in the query",
        }
    )
    if engine.backend.vectors is not None:
        steps.append(
            {
                "source": "vector",
                "success": True,
                "elapsed_ms": round(vector_ms, 3),
                "result_count": len(semantic),
                "query_preview": query[:200],
                "filters": filters,
                "result_preview": _preview(rows, semantic),
            }
        )
    selected = {str(item.id) for item in response.memories}
    rerank = []
    for position, entry in enumerate(scored[: max(max_results * 3, 20)], start=1):
        row = rows[entry.rowid]
        candidate = candidates[entry.rowid]
        # The parts sum to the score; `final_score` is the calibrated relevance of that score.
        breakdown = {k: round(v, 6) for k, v in entry.parts.items()}
        breakdown["score"] = round(entry.score, 6)
        if candidate.cosine is not None:
            breakdown["raw_cosine"] = candidate.cosine
        if candidate.bm25 is not None:
            breakdown["raw_bm25"] = candidate.bm25
        sources = [
            s for s, v in (("fts5", candidate.bm25), ("vector", candidate.cosine)) if v is not None
        ]
        notes = []
        if row["id"] not in selected:
            notes.append("not returned: beyond max_results")
        rerank.append(
            {
                "id": row["id"],
                "text": row["text"],
                "source_type": row["type"],
                "rank": position,
                "final_score": round(entry.relevance, 6),
                "breakdown": breakdown,
                "retrieval_source": "+".join(sources),
                "selected": row["id"] in selected,
                "notes": notes,
            }
        )
    source = "hybrid" if engine.embedder is not None else "fts5"
    found = extract(query)
    return {
        "query": query,
        "analysis": {
            "intent": "general",
            "confidence": 1.0,
            "entities": [e.name for e in found.entities],
            "key_phrases": retrieval.terms(query),
            "constraint_dimensions": [],
            "is_decision_query": False,
            "query_domain": None,
            "suggested_sources": [step["source"] for step in plan],
            "suggested_top_k": max_results,
            "time_reference": None,
            "time_start": None,
            "time_end": None,
            "metadata": {"planner": "fixed: every query runs the same hybrid plan"},
        },
        "plan_steps": plan,
        "parallel_groups": [[n] for n in range(len(plan))],
        "execution_steps": steps,
        "rerank": rerank,
        "results": [_result_item(item, source) for item in response.memories],
        "llm_context": response.llm_context,
        "total_count": response.total_count,
        "elapsed_ms": response.elapsed_ms,
        "retrieval_meta": dict(response.retrieval_meta or {}),
        "packet_warnings": [],
        "open_questions": [],
    }


# -- write simulation --------------------------------------------------------------------------


def simulate_write(engine: Engine, tenant: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """What a write of `body` would store: classification, chunks, the duplicate check and the
    extraction, computed exactly as a write would, and nothing saved."""
    content = check_text(body["content"], "content")  # what a write would reject, this does
    given_type = body.get("memory_type")
    if given_type is not None and given_type not in {t.value for t in MemoryType}:
        raise InvalidRequestError(f"unknown memory type {given_type!r}")
    namespace = body.get("namespace") or ""
    classification = classify(content, hook=engine.classifier)
    memory_type = given_type or classification.memory_type
    tags = list(body.get("context_tags") or classification.context_tags)
    pieces = (
        [c.text for c in chunk_text(content, CHUNKING)]
        if len(content) > CHUNK_THRESHOLD_CHARS
        else [content]
    )
    found = extract(content)
    vectors = engine.backend.embed(pieces) if engine.embedder is not None else None
    chunks = []
    with engine.store.read() as db:
        if engine.backend.vectors is not None:
            engine.backend.vectors.sync(generation(db))
        for index, piece in enumerate(pieces):
            same = db.execute(
                "SELECT id FROM memories WHERE tenant_id = ? AND namespace = ? "
                "AND content_hash = ? AND status = 'active' LIMIT 1",
                (tenant, namespace, content_hash(piece)),
            ).fetchone()
            nearest: list[tuple[int, float]] = []
            if vectors is not None and engine.backend.vectors is not None:
                nearest = engine.backend.vectors.search(vectors[index], tenant, 1)
            closest = nearest[0][1] if nearest else 0.0
            # The write's own check: a close vector counts only when the texts state the same
            # numbers, dates, names and negations.
            twin = engine.writer.duplicate_of(
                db,
                tenant,
                {"content_hash": content_hash(piece), "namespace": namespace, "text": piece},
                vectors[index] if vectors is not None else None,
            )
            duplicate = len(pieces) == 1 and twin is not None
            decision = "reinforce_existing" if duplicate else "store"
            reason = classification.reason
            if duplicate:
                reason = (
                    "same text as an active memory"
                    if same is not None
                    else f"near-duplicate (cosine {closest:.3f}) of an active memory"
                ) + "; that memory would be reinforced instead"
            first = index == 0
            chunks.append(
                {
                    "chunk_id": f"chunk-{index}",
                    "text": piece,
                    "chunk_type": "chunk" if len(pieces) > 1 else "whole",
                    "write_decision": decision,
                    "would_store": not duplicate,
                    "chosen_memory_type": memory_type,
                    "confidence": classification.confidence,
                    "importance": classification.importance,
                    "salience": classification.importance,
                    "novelty": round(0.0 if same is not None else 1.0 - max(0.0, closest), 6),
                    "reason": reason,
                    "context_tags": tags,
                    "decay_rate": 0.01,
                    "key": None,
                    "timestamp": body.get("timestamp"),
                    "redacted_text": piece,
                    "redaction_required": False,
                    "redactions": [],
                    "risk_flags": [],
                    # Extraction reads the whole content once and files it under the first chunk.
                    "entities": [{"name": e.name, "type": e.kind} for e in found.entities]
                    if first
                    else [],
                    "relations": [
                        {"subject": r.subject, "predicate": r.predicate, "object": r.object}
                        for r in found.relations
                    ]
                    if first
                    else [],
                    "extracted_facts": [
                        {
                            "subject": f.subject,
                            "predicate": f.predicate,
                            "value": f.value,
                            "text": f.text,
                            "key": f.key,
                        }
                        for f in found.facts
                    ]
                    if first
                    else [],
                    "extracted_constraints": [{"text": piece}]
                    if memory_type == "constraint"
                    else [],
                    "extractor_outputs": {
                        "classifier": {
                            "memory_type": classification.memory_type,
                            "confidence": classification.confidence,
                            "reason": classification.reason,
                        }
                    },
                }
            )
    return {"tenant_id": tenant, "chunks": chunks}
