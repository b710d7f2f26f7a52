"""Consolidation: clusters of related episodes merged into one `semantic_fact` gist each."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence
from typing import Any

from ...text.chunking import split_sentences
from .. import retrieval
from ..backend import generation, record_event
from ..checks import content_hash
from ..engine import Engine
from ._jobs import _Job, _marks, _now, _recorded
from .settings import current_settings

#: The memory types consolidation merges: records of what happened or was said.
EPISODIC_TYPES = ("episodic_event", "conversation", "message")


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
