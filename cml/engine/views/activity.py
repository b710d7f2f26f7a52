"""What happened: events, request counts, sessions, maintenance jobs."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from ..._exceptions import NotFoundError
from ..engine import Engine
from ._common import (
    _json,
    _now,
    _offset,
    _one,
    _pages,
    _uuid_or_none,
)

# -- events -----------------------------------------------------------------


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
