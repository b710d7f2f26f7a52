"""The store as a whole: overview, tenants, components, models, metrics, quality, config."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import attrs

from .. import embedders, maintenance, relevance
from ..checks import MAX_CONTENT_CHARS
from ..duplicates import NEAR_DUPLICATE_COSINE
from ..engine import Engine
from ..search import CANDIDATES
from ..writes import CHUNK_THRESHOLD_CHARS, CHUNKING
from ._common import (
    _now,
    _one,
)


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
