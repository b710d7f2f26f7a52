"""Operator actions: bulk forgetting by id, invalidating a fact, resetting the database."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from ..._exceptions import InvalidRequestError, NotFoundError
from ..backend import record_event
from ..engine import Engine
from ._jobs import _BATCH, _marks, _now

# -- operator actions ----------------------------------------------------------------------------


def bulk_action(engine: Engine, memory_ids: Sequence[str], action: str) -> dict[str, Any]:
    """Archive, silence or delete memories by id, whichever tenant holds them (admin)."""
    if action not in ("archive", "silence", "delete"):
        raise InvalidRequestError(f"action must be archive, silence or delete, not {action!r}")
    wanted = list(dict.fromkeys(str(uuid.UUID(str(m))) for m in memory_ids))
    tenants: dict[str, list[str]] = {}
    for start in range(0, len(wanted), _BATCH):
        part = wanted[start : start + _BATCH]
        for memory_id, tenant in engine.store.execute(
            f"SELECT id, tenant_id FROM memories WHERE id IN ({_marks(len(part))})", part
        ):
            tenants.setdefault(tenant, []).append(memory_id)
    found = {m for ids in tenants.values() for m in ids}
    affected = sum(
        engine.forget(tenant, memory_ids=ids, action=action).affected_count
        for tenant, ids in tenants.items()
    )
    missing = [m for m in wanted if m not in found]
    return {
        "success": True,
        "action": action,
        "affected_count": affected,
        "not_found": missing,
        "message": f"{affected} memories: {action}."
        + (f" {len(missing)} id(s) not found." if missing else ""),
    }


def invalidate_fact(engine: Engine, fact_id: str) -> dict[str, Any]:
    """End a fact's validity: it stops being current."""
    now = _now()
    with engine.store.write() as db:
        row = db.execute(
            "SELECT tenant_id, is_current, memory_id FROM facts WHERE id = ?", (fact_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no fact {fact_id!r}", status_code=404)
        if row["is_current"]:
            db.execute(
                "UPDATE facts SET is_current = 0, invalidated_at = ? WHERE id = ?", (now, fact_id)
            )
            record_event(
                db,
                row["tenant_id"],
                "fact",
                "invalidate",
                memory_id=row["memory_id"],
                detail={"fact_id": fact_id},
            )
    return {
        "success": True,
        "fact_id": fact_id,
        "is_current": False,
        "message": "Fact invalidated." if row["is_current"] else "Fact was already invalid.",
    }


#: Tables `reset_database` empties, in an order the foreign keys allow.
_DATA_TABLES = (
    "relations",
    "entities",
    "facts",
    "lineage",
    "memories",
    "sessions",
    "idempotency",
    "jobs",
    "events",
    "config",
)


def reset_database(engine: Engine, *, tenant: str) -> dict[str, Any]:
    """Erase every row of every tenant (and the stored settings). There is no undo.

    One event (by `tenant`, the caller) records that it happened and what it removed.
    """
    with engine.store.write() as db:
        deleted = {
            table: int(db.execute(f"DELETE FROM {table}").rowcount) for table in _DATA_TABLES
        }
        record_event(db, tenant, "admin", "reset_database", detail=deleted)
    engine.backend.invalidate_vectors()
    return {
        "success": True,
        "deleted": deleted,
        "message": f"Database reset: {sum(deleted.values())} rows removed from "
        f"{len(deleted)} tables.",
    }
