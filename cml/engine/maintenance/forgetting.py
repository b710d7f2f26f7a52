"""Forgetting: every memory scored, then kept, decayed, silenced, archived or deleted."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ..._exceptions import InvalidRequestError
from ..backend import generation, record_event
from ..engine import Engine
from ._jobs import _Job, _now, _recorded, _when
from .settings import current_settings

#: Lowest total score for each action, best first; below the last one a memory is deleted.
ACTION_THRESHOLDS: tuple[tuple[str, float], ...] = (
    ("keep", 0.5),
    ("decay", 0.35),
    ("silence", 0.2),
    ("archive", 0.1),
)

# How much each part weighs in a memory's forgetting score (they sum to 1).
_SCORE_WEIGHTS = {
    "importance": 0.25,
    "recency": 0.25,
    "frequency": 0.10,
    "confidence": 0.15,
    "type_bonus": 0.15,
    "dependency": 0.10,
}
# How much a memory's type alone argues for keeping it.
_TYPE_BONUS = {
    "constraint": 1.0,
    "preference": 0.9,
    "procedure": 0.8,
    "semantic_fact": 0.8,
    "knowledge": 0.75,
    "plan": 0.6,
    "task_state": 0.5,
    "episodic_event": 0.5,
    "observation": 0.45,
    "hypothesis": 0.4,
    "tool_result": 0.3,
    "message": 0.3,
    "reasoning_step": 0.25,
    "conversation": 0.2,
    "scratch": 0.0,
}
# Access counts at which the frequency score reaches 1.
_FREQUENT = 20
# Dependants (facts, lineage links) at which the dependency score reaches 1.
_DEPENDED_ON = 3

# -- forgetting ----------------------------------------------------------------------------------


def _action(total: float) -> str:
    for action, floor in ACTION_THRESHOLDS:
        if total >= floor:
            return action
    return "delete"


def score_memories(engine: Engine, tenant: str, *, max_memories: int) -> list[dict[str, Any]]:
    """The forgetting score of up to `max_memories` active or silent memories (oldest first),
    each with its parts, the action it calls for, and any exact duplicates."""
    if max_memories < 1:
        raise InvalidRequestError(f"max_memories must be at least 1, not {max_memories}")
    config = current_settings(engine)
    protect = float(config["forgetting.protect_importance"])
    with engine.store.read() as db:
        rows = db.execute(
            "SELECT rowid, id, text, type, status, source, confidence, importance, "
            "access_count, last_accessed_at, decay_rate, timestamp, content_hash, namespace "
            "FROM memories WHERE tenant_id = ? AND status IN ('active', 'silent') "
            "AND (parent_id IS NULL OR parent_id = id) ORDER BY timestamp, rowid LIMIT ?",
            (tenant, min(max_memories, 2**62)),
        ).fetchall()
        dependants: Counter[str] = Counter()
        for memory_id, count in db.execute(
            "SELECT memory_id, COUNT(*) FROM facts WHERE tenant_id = ? AND is_current = 1 "
            "GROUP BY memory_id",
            (tenant,),
        ):
            dependants[memory_id] += int(count)
        for memory_id, source_id in db.execute(
            "SELECT l.memory_id, l.source_id FROM lineage l JOIN memories m "
            "ON m.id = l.memory_id WHERE m.tenant_id = ?",
            (tenant,),
        ):
            dependants[memory_id] += 1
            dependants[source_id] += 1
    now = datetime.now(UTC)
    first_of: dict[tuple[str, str], str] = {}
    twins: dict[str, list[str]] = {}
    copy_of: dict[str, str] = {}
    for row in rows:
        key = (row["namespace"], row["content_hash"])
        if key in first_of:
            copy_of[row["id"]] = first_of[key]
            twins.setdefault(row["id"], []).append(first_of[key])
            twins.setdefault(first_of[key], []).append(row["id"])
        else:
            first_of[key] = row["id"]
    scored = []
    for row in rows:
        seen = max(
            (m for m in (_when(row["timestamp"]), _when(row["last_accessed_at"])) if m),
            default=now,
        )
        age_days = max(0.0, (now - seen).total_seconds() / 86400.0)
        parts = {
            "importance": float(row["importance"]),
            "recency": math.exp(-float(row["decay_rate"]) * age_days),
            "frequency": min(1.0, math.log1p(row["access_count"]) / math.log1p(_FREQUENT)),
            "confidence": float(row["confidence"]),
            "type_bonus": _TYPE_BONUS.get(row["type"], 0.4),
            "dependency": min(1.0, dependants[row["id"]] / _DEPENDED_ON),
        }
        total = min(1.0, max(0.0, sum(_SCORE_WEIGHTS[k] * v for k, v in parts.items())))
        protected_by = None
        if row["type"] == "constraint":
            protected_by = "protected: constraints are never forgotten"
        elif row["source"] == "user_confirmed":
            protected_by = "protected: confirmed by the user"
        elif row["importance"] >= protect:
            protected_by = f"protected: importance {row['importance']:.2f} >= {protect:.2f}"
        action = "keep" if protected_by else _action(total)
        keep_reason = protected_by
        if keep_reason is None and action == "keep":
            keep_reason = f"score {total:.3f} >= {ACTION_THRESHOLDS[0][1]}"
        scored.append(
            {
                "rowid": int(row["rowid"]),
                "memory_id": row["id"],
                "text": row["text"],
                "type": row["type"],
                "status": row["status"],
                "confidence": float(row["confidence"]),
                "importance": float(row["importance"]),
                "access_count": int(row["access_count"]),
                "total_score": round(total, 6),
                "importance_score": round(parts["importance"], 6),
                "recency_score": round(parts["recency"], 6),
                "frequency_score": round(parts["frequency"], 6),
                "confidence_score": round(parts["confidence"], 6),
                "type_bonus_score": round(parts["type_bonus"], 6),
                "dependency_score": round(parts["dependency"], 6),
                "dependency_count": dependants[row["id"]],
                "suggested_action": action,
                "protected": protected_by is not None,
                "keep_reason": keep_reason,
                "duplicate_matches": [
                    {"memory_id": twin, "similarity": 1.0, "reason": "same content"}
                    for twin in twins.get(row["id"], [])
                ],
                "duplicate_of": copy_of.get(row["id"]),
            }
        )
    return scored


def run_forgetting(
    engine: Engine,
    tenant: str,
    *,
    user_id: str | None = None,
    dry_run: bool = True,
    max_memories: int = 5000,
) -> dict[str, Any]:
    """Score the tenant's memories and (unless `dry_run`) apply the actions in one transaction."""
    job = _Job(tenant, "forget", user_id, dry_run=dry_run)
    with _recorded(engine, job):
        scored = score_memories(engine, tenant, max_memories=max_memories)
        config = current_settings(engine)
        planned = Counter(item["suggested_action"] for item in scored)
        changes = [item for item in scored if item["suggested_action"] != "keep"]
        applied: Counter[str] = Counter()
        deactivated: list[int] = []
        # A dry run records only its job: no cache of the data needs refreshing.
        with engine.store.write(bump_generation=not dry_run) as db:
            before = generation(db)
            if not dry_run:
                applied, deactivated = _apply_forgetting(
                    db, tenant, changes, float(config["forgetting.decay_factor"])
                )
            result = job.report(
                dry_run=dry_run,
                memories_scanned=len(scored),
                memories_scored=len(scored),
                operations_planned=len(changes),
                operations_applied=sum(applied.values()),
                planned={a: planned.get(a, 0) for a in ("keep", *_ACTIONS)},
                kept=planned.get("keep", 0),
                protected=sum(1 for item in scored if item["protected"]),
                decayed=applied["decay"],
                silenced=applied["silence"],
                archived=applied["archive"],
                deleted=applied["delete"],
                compressed=0,
                duplicates_found=sum(1 for item in scored if item["duplicate_of"]),
                duplicates_resolved=0,
                errors=[],
            )
            job.finish(db, result, "completed")
        if deactivated:
            engine.backend.after_write(before, tenant, deactivated=deactivated)
        return result


_ACTIONS = ("decay", "silence", "archive", "delete")


def _apply_forgetting(
    db: sqlite3.Connection, tenant: str, changes: Sequence[Mapping[str, Any]], decay: float
) -> tuple[Counter[str], list[int]]:
    applied: Counter[str] = Counter()
    deactivated: list[int] = []
    now = _now()
    live = "tenant_id = ? AND status IN ('active', 'silent')"
    for item in changes:
        action = item["suggested_action"]
        memory_id = item["memory_id"]
        scope = f"{live} AND (id = ? OR parent_id = ?)"
        params = [tenant, memory_id, memory_id]
        rowids = [
            int(r[0]) for r in db.execute(f"SELECT rowid FROM memories WHERE {scope}", params)
        ]
        if not rowids:
            continue  # changed since it was scored
        if action == "decay":
            cursor = db.execute(
                "UPDATE memories SET importance = ROUND(importance * ?, 6), updated_at = ? "
                f"WHERE {scope}",
                [decay, now, *params],
            )
        elif action == "delete":
            cursor = db.execute(f"DELETE FROM memories WHERE {scope}", params)
            db.execute(
                "DELETE FROM facts WHERE tenant_id = ? AND memory_id = ?", (tenant, memory_id)
            )
            db.execute(
                "DELETE FROM relations WHERE tenant_id = ? AND memory_id = ?", (tenant, memory_id)
            )
            deactivated.extend(rowids)
        else:
            status = {"silence": "silent", "archive": "archived"}[action]
            cursor = db.execute(
                f"UPDATE memories SET status = ?, updated_at = ? WHERE {scope} AND status != ?",
                [status, now, *params, status],
            )
            deactivated.extend(rowids)
        if cursor.rowcount:
            applied[action] += 1
            record_event(db, tenant, "memory", f"forgetting:{action}", memory_id=memory_id)
    return applied, deactivated
