"""A tenant's figures (`stats`) and its rows in order (`iter_rows`, for export and jobs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..models import StatsResponse
from .storage import Store

__all__ = ["iter_rows", "stats"]


def stats(store: Store, tenant: str) -> StatsResponse:
    with store.read() as db:
        row = db.execute(
            "SELECT COUNT(*) AS total, "
            "SUM(status = 'active') AS active, SUM(status = 'silent') AS silent, "
            "SUM(status = 'archived') AS archived, AVG(confidence) AS confidence, "
            "AVG(importance) AS importance, MIN(timestamp) AS oldest, "
            "MAX(timestamp) AS newest, "
            "SUM(LENGTH(text) + LENGTH(metadata) + IFNULL(LENGTH(embedding), 0)) AS bytes "
            "FROM memories WHERE tenant_id = ? AND status != 'deleted'",
            (tenant,),
        ).fetchone()
        by_type = {
            r[0]: int(r[1])
            for r in db.execute(
                "SELECT type, COUNT(*) FROM memories WHERE tenant_id = ? "
                "AND status != 'deleted' GROUP BY type",
                (tenant,),
            )
        }
    return StatsResponse(
        total_memories=int(row["total"] or 0),
        active_memories=int(row["active"] or 0),
        silent_memories=int(row["silent"] or 0),
        archived_memories=int(row["archived"] or 0),
        by_type=by_type,
        avg_confidence=round(float(row["confidence"] or 0.0), 6),
        avg_importance=round(float(row["importance"] or 0.0), 6),
        estimated_size_mb=round(float(row["bytes"] or 0) / 1_048_576, 6),
        oldest_memory=row["oldest"],
        newest_memory=row["newest"],
    )


def iter_rows(store: Store, tenant: str, *, status: str | None = None) -> Iterator[Any]:
    """Every memory row of a tenant, oldest first."""
    sql = "SELECT * FROM memories WHERE tenant_id = ?"
    params: list[Any] = [tenant]
    if status is not None:
        sql += " AND status = ?"
        params.append(status)
    yield from store.execute(sql + " ORDER BY timestamp, rowid", params)
