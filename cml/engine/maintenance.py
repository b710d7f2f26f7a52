"""Maintenance over the embedded store: the jobs and operator actions that change data.

* `consolidate` merges clusters of related episodes into one `semantic_fact` gist each, with
  lineage back to every source, and marks the sources `compressed`.
* `score_memories` / `run_forgetting` score every active or silent memory (recency, use,
  importance, confidence, type, dependants) and keep, decay, silence, archive or delete it.
* `reconsolidate` re-embeds memories written by another embedder and retires facts that newer
  facts or user feedback have overtaken.

Each job is one row in `jobs` and one event; a job that changes data does so in one write
transaction, so it applies completely or not at all (a failed run is recorded as `failed`).
The tunable parts live in `SETTINGS` (stored in the `config` table, editable from the
dashboard) and take effect on the next run.
"""

from __future__ import annotations

import contextlib
import json
import math
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from .._exceptions import InvalidRequestError, NotFoundError
from ..text.chunking import split_sentences
from . import retrieval
from .backend import generation, record_event
from .checks import content_hash
from .engine import Engine
from .knowledge import SINGLE_VALUED

__all__ = [
    "ACTION_THRESHOLDS",
    "EPISODIC_TYPES",
    "SETTINGS",
    "Setting",
    "bulk_action",
    "consolidate",
    "current_settings",
    "invalidate_fact",
    "reconsolidate",
    "reset_database",
    "run_forgetting",
    "score_memories",
    "update_settings",
]

#: The memory types consolidation merges: records of what happened or was said.
EPISODIC_TYPES = ("episodic_event", "conversation", "message")


@attrs.frozen
class Setting:
    """One tunable of the maintenance jobs: its default, type, bounds and meaning."""

    default: float
    integer: bool
    minimum: float
    maximum: float
    description: str


#: Editable at run time (PUT /dashboard/config); read by every run, so no restart is needed.
SETTINGS: dict[str, Setting] = {
    "consolidation.similarity_threshold": Setting(
        0.40,
        False,
        0.0,
        1.0,
        "Cosine between an episode and a cluster's centroid for the episode to join it. "
        "The bundled MiniLM model scores related short episodes 0.35-0.55 and unrelated ones "
        "below 0.25.",
    ),
    "consolidation.min_cluster_size": Setting(
        2, True, 2, 1000, "Fewest related episodes that are merged into one gist."
    ),
    "consolidation.max_gist_chars": Setting(
        500, True, 80, 2000, "Longest gist text; whole sentences are kept up to this length."
    ),
    "consolidation.max_candidates": Setting(
        2000, True, 2, 50_000, "Most episodes (oldest first) one consolidation run looks at."
    ),
    "consolidation.min_shared_terms": Setting(
        2,
        True,
        1,
        20,
        "Without an embedder: content words an episode must share with a cluster of its "
        "session to join it.",
    ),
    "forgetting.protect_importance": Setting(
        0.8, False, 0.0, 1.0, "Memories at least this important are never forgotten."
    ),
    "forgetting.decay_factor": Setting(
        0.8, False, 0.0, 1.0, "A decayed memory's importance is multiplied by this."
    ),
}

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


# -- settings ----------------------------------------------------------------------------------


def _checked(key: str, value: Any) -> float | int:
    setting = SETTINGS.get(key)
    if setting is None:
        raise InvalidRequestError(
            f"{key!r} is not an editable setting; editable: {', '.join(sorted(SETTINGS))}"
        )
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidRequestError(f"{key} must be a number, not {value!r}")
    if setting.integer:
        if isinstance(value, float) and not value.is_integer():
            raise InvalidRequestError(f"{key} must be a whole number, not {value!r}")
        number: float | int = int(value)
    else:
        number = float(value)
    if not (setting.minimum <= number <= setting.maximum) or (
        isinstance(number, float) and math.isnan(number)
    ):
        raise InvalidRequestError(
            f"{key} must be between {setting.minimum:g} and {setting.maximum:g}, not {value!r}"
        )
    return number


def stored_settings(engine: Engine) -> dict[str, Any]:
    """The settings an operator has changed, as stored (key -> value)."""
    stored: dict[str, Any] = {}
    for key, text in engine.store.execute("SELECT key, value FROM config"):
        with contextlib.suppress(ValueError):
            stored[str(key)] = json.loads(text)
    return stored


def current_settings(engine: Engine) -> dict[str, float | int]:
    """Every setting's value in effect: the stored one, or the default."""
    stored = stored_settings(engine)
    values: dict[str, float | int] = {}
    for key, setting in SETTINGS.items():
        value: float | int = int(setting.default) if setting.integer else setting.default
        if key in stored:
            with contextlib.suppress(InvalidRequestError):
                value = _checked(key, stored[key])
        values[key] = value
    return values


def update_settings(engine: Engine, updates: Mapping[str, Any], *, tenant: str) -> dict[str, Any]:
    """Store new values for editable settings; all of them, or (on any bad one) none."""
    checked = {key: _checked(key, value) for key, value in updates.items()}
    with engine.store.write(bump_generation=False) as db:
        for key, value in checked.items():
            db.execute(
                "INSERT INTO config (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
        if checked:
            record_event(db, tenant, "config", "update", detail={"updated": checked})
    return {
        "success": True,
        "updated": checked,
        "requires_restart": False,
        "message": f"{len(checked)} setting(s) stored; they apply from the next run."
        if checked
        else "Nothing to change.",
    }


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


# -- consolidation -------------------------------------------------------------------------------


def _vectors(engine: Engine, rows: Sequence[sqlite3.Row]) -> Any:
    """Unit vectors for `rows` from their stored embeddings; stale or missing ones are embedded."""
    embedder = engine.embedder
    if embedder is None or not rows:
        return None
    import numpy as np

    matrix = np.zeros((len(rows), embedder.dim), dtype=np.float32)
    missing: list[int] = []
    for index, row in enumerate(rows):
        blob = row["embedding"]
        if blob is not None and row["embedder"] == embedder.name and len(blob) == embedder.dim * 4:
            matrix[index] = np.frombuffer(blob, dtype=np.float32)
        else:
            missing.append(index)
    if missing:
        fresh = embedder.embed([rows[i]["text"] for i in missing])
        for offset, index in enumerate(missing):
            matrix[index] = fresh[offset]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _cluster_by_vector(vectors: Any, threshold: float) -> list[list[int]]:
    """Leader-follower clustering in order: each vector joins the nearest centroid within
    `threshold` (cosine) or starts a cluster; centroids are the members' normalised mean."""
    import numpy as np

    centroids = np.zeros((0, vectors.shape[1]), dtype=np.float32)
    sums: list[Any] = []
    members: list[list[int]] = []
    for index, vector in enumerate(vectors):
        if members:
            scores = centroids @ vector
            best = int(np.argmax(scores))
            if float(scores[best]) >= threshold:
                members[best].append(index)
                sums[best] = sums[best] + vector
                centroids[best] = sums[best] / max(float(np.linalg.norm(sums[best])), 1e-12)
                continue
        members.append([index])
        sums.append(vector.copy())
        centroids = np.vstack([centroids, vector.reshape(1, -1)])
    return members


def _cluster_by_terms(rows: Sequence[sqlite3.Row], min_shared: int) -> list[list[int]]:
    """Without vectors: episodes of one session that share enough content words."""
    clusters: list[list[int]] = []
    by_session: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        if row["session_id"]:
            by_session.setdefault(row["session_id"], []).append(index)
    for indexes in by_session.values():
        groups: list[tuple[list[int], set[str]]] = []
        for index in indexes:
            words = set(retrieval.terms(rows[index]["text"]))
            best: tuple[list[int], set[str]] | None = None
            best_shared = 0
            for group in groups:
                shared = len(words & group[1])
                if shared > best_shared:
                    best, best_shared = group, shared
            if best is not None and best_shared >= min(min_shared, max(1, len(words))):
                best[0].append(index)
                best[1].update(words)
            else:
                groups.append(([index], words))
        clusters.extend(group[0] for group in groups)
    return clusters


def _central_first(indexes: list[int], rows: Sequence[sqlite3.Row], vectors: Any) -> list[int]:
    """The members, the most representative first."""
    if vectors is not None:
        import numpy as np

        block = vectors[indexes]
        centre = block.mean(axis=0)
        scores = block @ (centre / max(float(np.linalg.norm(centre)), 1e-12))
        return [indexes[i] for i in np.argsort(-scores, kind="stable")]
    words = {i: set(retrieval.terms(rows[i]["text"])) for i in indexes}
    shared = {i: sum(len(words[i] & words[j]) for j in indexes if j != i) for i in indexes}
    return sorted(indexes, key=lambda i: -shared[i])


def _gist(texts: Sequence[str], max_chars: int) -> str:
    """The distinct sentences of `texts` in order, whole, up to `max_chars`."""
    parts: list[str] = []
    seen: set[str] = set()
    length = 0
    for text in texts:
        for start, end in split_sentences(text):
            sentence = " ".join(text[start:end].split())
            if not sentence or sentence.lower() in seen:
                continue
            if length + len(sentence) + (1 if parts else 0) > max_chars:
                if not parts:
                    parts.append(sentence[: max_chars - 1].rstrip() + "…")
                return " ".join(parts)
            seen.add(sentence.lower())
            parts.append(sentence)
            length += len(sentence) + (1 if len(parts) > 1 else 0)
    return " ".join(parts)


def _common(rows: Sequence[sqlite3.Row], column: str) -> Any:
    values = {row[column] for row in rows}
    return values.pop() if len(values) == 1 else None


def consolidate(engine: Engine, tenant: str, *, user_id: str | None = None) -> dict[str, Any]:
    """Merge clusters of related active episodes of `tenant` into semantic gists."""
    config = current_settings(engine)
    job = _Job(tenant, "consolidate", user_id)
    with _recorded(engine, job):
        rows = engine.store.execute(
            "SELECT rowid, id, namespace, text, type, session_id, agent_id, context_tags, "
            "timestamp, importance, confidence, embedding, embedder FROM memories "
            f"WHERE tenant_id = ? AND status = 'active' AND type IN ({_marks(3)}) "
            "AND parent_id IS NULL ORDER BY timestamp, rowid LIMIT ?",
            (tenant, *EPISODIC_TYPES, int(config["consolidation.max_candidates"])),
        ).fetchall()
        vectors = _vectors(engine, rows)
        planned: list[list[int]] = []
        by_namespace: dict[str, list[int]] = {}
        for index, row in enumerate(rows):
            by_namespace.setdefault(row["namespace"], []).append(index)
        for indexes in by_namespace.values():
            if vectors is not None:
                found = _cluster_by_vector(
                    vectors[indexes], float(config["consolidation.similarity_threshold"])
                )
            else:
                found = _cluster_by_terms(
                    [rows[i] for i in indexes], int(config["consolidation.min_shared_terms"])
                )
            for cluster in found:
                if len(cluster) >= int(config["consolidation.min_cluster_size"]):
                    members = [indexes[i] for i in cluster]
                    planned.append(_central_first(members, rows, vectors))
        gists = [
            _gist([rows[i]["text"] for i in members], int(config["consolidation.max_gist_chars"]))
            for members in planned
        ]
        gist_vectors = (
            engine.embedder.embed(gists) if engine.embedder is not None and gists else None
        )
        gist_ids: list[str] = []
        consolidated = 0
        added: list[tuple[int, Any]] = []
        compressed: list[int] = []
        with engine.store.write() as db:
            before = generation(db)
            for number, members in enumerate(planned):
                ids = [rows[i]["id"] for i in members]
                still = {
                    r[0]
                    for r in db.execute(
                        f"SELECT id FROM memories WHERE id IN ({_marks(len(ids))}) "
                        "AND status = 'active'",
                        ids,
                    )
                }
                sources = [rows[i] for i in members if rows[i]["id"] in still]
                if len(sources) < int(config["consolidation.min_cluster_size"]):
                    continue  # changed since it was read; the next run will look again
                vector = gist_vectors[number] if gist_vectors is not None else None
                rowid, gist_id = _insert_gist(
                    engine, db, job, gists[number], sources, vector=vector
                )
                db.executemany(
                    "INSERT OR IGNORE INTO lineage (memory_id, source_id, relation) "
                    "VALUES (?, ?, 'consolidated_from')",
                    [(gist_id, source["id"]) for source in sources],
                )
                source_rowids = [int(source["rowid"]) for source in sources]
                db.execute(
                    "UPDATE memories SET status = 'compressed', updated_at = ? "
                    f"WHERE rowid IN ({_marks(len(source_rowids))})",
                    [_now(), *source_rowids],
                )
                record_event(
                    db,
                    tenant,
                    "memory",
                    "consolidate",
                    memory_id=gist_id,
                    detail={"job_id": job.id, "sources": [s["id"] for s in sources]},
                )
                gist_ids.append(gist_id)
                consolidated += len(sources)
                compressed.extend(source_rowids)
                if vector is not None:
                    added.append((rowid, vector))
            result = job.report(
                episodes_sampled=len(rows),
                clusters=len(gist_ids),
                clusters_formed=len(gist_ids),
                memories_consolidated=consolidated,
                gists_created=len(gist_ids),
                gists_extracted=len(gist_ids),
                gist_ids=gist_ids,
                method="embedding" if vectors is not None else "session_terms",
            )
            job.finish(db, result, "completed")
        engine.backend.after_write(before, tenant, added, deactivated=compressed)
        return result


def _insert_gist(
    engine: Engine,
    db: sqlite3.Connection,
    job: _Job,
    text: str,
    sources: Sequence[sqlite3.Row],
    *,
    vector: Any,
) -> tuple[int, str]:
    gist_id = str(uuid.uuid4())
    now = _now()
    tags: dict[str, None] = {}
    for source in sources:
        tags.update(dict.fromkeys(json.loads(source["context_tags"])))
    cursor = db.execute(
        "INSERT INTO memories (id, tenant_id, namespace, text, type, source, confidence, "
        "importance, context_tags, session_id, agent_id, metadata, timestamp, written_at, "
        "updated_at, content_hash, embedding, embedder) VALUES "
        "(?, ?, ?, ?, 'semantic_fact', 'consolidation', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            gist_id,
            job.tenant,
            sources[0]["namespace"],
            text,
            round(sum(s["confidence"] for s in sources) / len(sources), 6),
            max(s["importance"] for s in sources),
            json.dumps(list(tags)),
            _common(sources, "session_id"),
            _common(sources, "agent_id"),
            json.dumps({"consolidation": {"job_id": job.id, "sources": len(sources)}}),
            max(s["timestamp"] for s in sources),
            now,
            now,
            content_hash(text),
            vector.tobytes() if vector is not None else None,
            engine.embedder.name if vector is not None and engine.embedder else None,
        ),
    )
    return int(cursor.lastrowid or 0), gist_id


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


# -- reconsolidation -----------------------------------------------------------------------------


def reconsolidate(engine: Engine, tenant: str, *, user_id: str | None = None) -> dict[str, Any]:
    """Re-embed memories another embedder wrote; retire facts that newer facts or the user's
    feedback (incorrect, outdated) have overtaken."""
    job = _Job(tenant, "reconsolidate", user_id)
    with _recorded(engine, job):
        embedder = engine.embedder
        stale: list[sqlite3.Row] = []
        vectors: list[Any] = []
        if embedder is not None:
            stale = engine.store.execute(
                "SELECT rowid, text, content_hash FROM memories WHERE tenant_id = ? "
                "AND status IN ('active', 'silent') AND (embedding IS NULL OR embedder IS NULL "
                "OR embedder != ? OR LENGTH(embedding) != ?)",
                (tenant, embedder.name, embedder.dim * 4),
            ).fetchall()
            for start in range(0, len(stale), 256):
                vectors.extend(embedder.embed([r["text"] for r in stale[start : start + 256]]))
        now = _now()
        with engine.store.write() as db:
            reembedded = 0
            for row, vector in zip(stale, vectors, strict=True):
                reembedded += db.execute(
                    "UPDATE memories SET embedding = ?, embedder = ? "
                    "WHERE rowid = ? AND content_hash = ?",
                    (vector.tobytes(), embedder.name if embedder else None, row[0], row[2]),
                ).rowcount
            superseded = _retire_superseded_facts(db, tenant, now)
            invalidated = _retire_facts_of_rejected_memories(db, tenant, now)
            result = job.report(
                memories_reembedded=reembedded,
                embedder=embedder.name if embedder else None,
                facts_superseded=superseded,
                facts_invalidated=invalidated,
                sessions_released=0,
            )
            job.finish(db, result, "completed")
        if reembedded:
            engine.backend.invalidate_vectors()
        return result


def _retire_superseded_facts(db: sqlite3.Connection, tenant: str, now: str) -> int:
    """Of several current values of a single-valued fact (lives_in, works_at...), the newest
    stays current."""
    retired = 0
    single = sorted(SINGLE_VALUED)
    groups = db.execute(
        "SELECT subject, predicate FROM facts WHERE tenant_id = ? AND is_current = 1 "
        f"AND predicate IN ({_marks(len(single))}) GROUP BY subject, predicate "
        "HAVING COUNT(*) > 1",
        (tenant, *single),
    ).fetchall()
    for subject, predicate in groups:
        newest = db.execute(
            "SELECT id FROM facts WHERE tenant_id = ? AND subject = ? AND predicate = ? "
            "AND is_current = 1 ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (tenant, subject, predicate),
        ).fetchone()[0]
        retired += db.execute(
            "UPDATE facts SET is_current = 0, invalidated_at = ? WHERE tenant_id = ? "
            "AND subject = ? AND predicate = ? AND is_current = 1 AND id != ?",
            (now, tenant, subject, predicate, newest),
        ).rowcount
    return retired


def _retire_facts_of_rejected_memories(db: sqlite3.Connection, tenant: str, now: str) -> int:
    """Facts whose only evidence is gone, or was last marked incorrect or outdated."""
    latest: dict[str, str] = {}
    for memory_id, operation in db.execute(
        "SELECT memory_id, operation FROM events WHERE tenant_id = ? AND memory_id IS NOT NULL "
        "AND operation LIKE 'update:%' AND operation != 'update:edit' ORDER BY id",
        (tenant,),
    ):
        latest[memory_id] = operation
    rejected = [m for m, op in latest.items() if op in ("update:incorrect", "update:outdated")]
    retired = db.execute(
        "UPDATE facts SET is_current = 0, invalidated_at = ? WHERE tenant_id = ? "
        "AND is_current = 1 AND NOT EXISTS (SELECT 1 FROM memories m WHERE m.id = memory_id)",
        (now, tenant),
    ).rowcount
    for start in range(0, len(rejected), _BATCH):
        part = rejected[start : start + _BATCH]
        retired += db.execute(
            "UPDATE facts SET is_current = 0, invalidated_at = ? WHERE tenant_id = ? "
            f"AND is_current = 1 AND memory_id IN ({_marks(len(part))})",
            (now, tenant, *part),
        ).rowcount
    return int(retired)


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
