"""What every job shares: its row in `jobs` and its event, and the failure record."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import attrs

from ..._exceptions import InvalidRequestError
from ..backend import record_event
from ..engine import Engine

# Rows changed per statement (SQLite's bound parameters are limited).
_BATCH = 500


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _marks(count: int) -> str:
    return ", ".join("?" * count)


# -- jobs ----------------------------------------------------------------------------------------


@attrs.define
class _Job:
    tenant: str
    type: str
    user_id: str | None
    dry_run: bool = False
    id: str = attrs.field(factory=lambda: str(uuid.uuid4()))
    started_at: str = attrs.field(factory=_now)
    clock: float = attrs.field(factory=time.perf_counter)

    def finish(self, db: sqlite3.Connection, result: dict[str, Any], status: str) -> None:
        result["elapsed_seconds"] = round(time.perf_counter() - self.clock, 4)
        db.execute(
            "INSERT INTO jobs (id, tenant_id, type, status, dry_run, started_at, finished_at, "
            "result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.id,
                self.tenant,
                self.type,
                status,
                int(self.dry_run),
                self.started_at,
                _now(),
                json.dumps(result, default=str),
            ),
        )
        detail = {k: v for k, v in result.items() if not isinstance(v, (list, dict))}
        record_event(db, self.tenant, "job", self.type, detail=detail)

    def report(self, **fields: Any) -> dict[str, Any]:
        return {
            "job_id": self.id,
            "job_type": self.type,
            "status": "completed",
            "tenant_id": self.tenant,
            "user_id": self.user_id,
            **fields,
        }


@contextlib.contextmanager
def _recorded(engine: Engine, job: _Job) -> Iterator[None]:
    """Record the job as failed (in its own transaction) when its run raises."""
    try:
        yield
    except Exception as exc:
        if not isinstance(exc, InvalidRequestError):
            with contextlib.suppress(Exception), engine.store.write(bump_generation=False) as db:
                error = f"{type(exc).__name__}: {exc}"
                job.finish(db, {**job.report(), "status": "failed", "error": error}, "failed")
        raise
