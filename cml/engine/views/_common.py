"""What the views share: paging, JSON columns, SQL helpers."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

# Nodes a graph view returns at most (a dashboard draws them all).
_GRAPH_NODES = 200
_OVERVIEW_NODES = 50
_MAX_SQL_INT = 2**62


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
