"""The dashboard's retrieval and write-simulation answers, formatted from the engine's own
results: `Engine.read`, `Engine.explain_read` and `Engine.plan_write`.

Nothing here searches or decides: an explanation is the ranking the read was cut from, and a
simulation is the plan the write would follow, so they agree with real reads and writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ...engine import Engine
from ...engine.retrieval import terms
from ...engine.search import CANDIDATES, Ranking
from ...engine.writes import WritePlan
from ...text.extract import extract

__all__ = ["explain_retrieval", "retrieval_test", "simulate_write"]

# An explanation shows this many of the ranked candidates (at least; 3x max_results if more).
_EXPLAINED = 20


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


def _read_arguments(body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "max_results": body.get("max_results", 10),
        "context_filter": body.get("context_filter"),
        "memory_types": body.get("memory_types"),
        "response_format": body.get("format", "list"),
    }


def retrieval_test(engine: Engine, tenant: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A read as an agent would make it, with each result's relevance."""
    response = engine.read(tenant, body["query"], **_read_arguments(body))
    source = "hybrid" if engine.embedder is not None else "fts5"
    return {
        "query": response.query,
        "results": [_result_item(item, source) for item in response.memories],
        "llm_context": response.llm_context,
        "total_count": response.total_count,
        "elapsed_ms": response.elapsed_ms,
    }


def _preview(ranking: Ranking, found: Sequence[tuple[int, str, float]]) -> list[Any]:
    rows = ranking.rows
    return [
        {"id": rows[rowid]["id"], "text": rows[rowid]["text"][:160], signal: round(value, 6)}
        for rowid, signal, value in found[:5]
        if rowid in rows
    ]


def _rerank(ranking: Ranking, selected: set[str], shown: int) -> list[dict[str, Any]]:
    rerank = []
    for position, entry in enumerate(ranking.scored[:shown], start=1):
        row = ranking.rows[entry.rowid]
        candidate = ranking.candidates[entry.rowid]
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
        returned = row["id"] in selected
        rerank.append(
            {
                "id": row["id"],
                "text": row["text"],
                "source_type": row["type"],
                "rank": position,
                "final_score": round(entry.relevance, 6),
                "breakdown": breakdown,
                "retrieval_source": "+".join(sources),
                "selected": returned,
                "notes": [] if returned else ["not returned: beyond max_results"],
            }
        )
    return rerank


def explain_retrieval(engine: Engine, tenant: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A read with its plan, what each search found (with timings), and how ranking scored
    every candidate: the ranking the read itself was cut from."""
    arguments = _read_arguments(body)
    explained = engine.explain_read(tenant, body["query"], **arguments)
    response, ranking, types = explained
    query = response.query
    with_vectors = engine.embedder is not None
    filters = {
        "tenant_id": tenant,
        "status": "active",
        "memory_types": types,
        "context_filter": body.get("context_filter") or [],
    }
    plan: list[dict[str, Any]] = [
        {
            "source": "fts5",
            "query": ranking.fts_query,
            "top_k": CANDIDATES,
            "memory_types": types,
            "priority": 0,
        }
    ]
    steps: list[dict[str, Any]] = [
        {
            "source": "fts5",
            "success": True,
            "elapsed_ms": round(ranking.lexical_ms, 3),
            "result_count": len(ranking.lexical),
            "query_preview": ranking.fts_query,
            "filters": filters,
            "result_preview": _preview(ranking, ranking.lexical),
            "error": None if ranking.fts_query is not None else "no content words in the query",
        }
    ]
    if with_vectors:
        plan.append(
            {"source": "vector", "query": query, "top_k": CANDIDATES, "memory_types": types}
        )
        steps.append(
            {
                "source": "vector",
                "success": True,
                "elapsed_ms": round(ranking.semantic_ms, 3),
                "result_count": len(ranking.semantic),
                "query_preview": query[:200],
                "filters": filters,
                "result_preview": _preview(ranking, ranking.semantic),
            }
        )
    max_results = int(arguments["max_results"])
    selected = {str(item.id) for item in response.memories}
    source = "hybrid" if with_vectors else "fts5"
    found = extract(query)
    return {
        "query": query,
        "analysis": {
            "intent": "general",
            "confidence": 1.0,
            "entities": [e.name for e in found.entities],
            "key_phrases": terms(query),
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
        "rerank": _rerank(ranking, selected, max(max_results * 3, _EXPLAINED)),
        "results": [_result_item(item, source) for item in response.memories],
        "llm_context": response.llm_context,
        "total_count": response.total_count,
        "elapsed_ms": response.elapsed_ms,
        "retrieval_meta": dict(response.retrieval_meta or {}),
        "packet_warnings": [],
        "open_questions": [],
    }


def _decision(plan: WritePlan) -> tuple[bool, str, float]:
    """(reinforces an existing memory, why, novelty) of a planned write."""
    repeat, nearest = plan.check
    if repeat is None:
        return False, plan.classification.reason, round(1.0 - max(0.0, nearest or 0.0), 6)
    if repeat.cosine is None:
        why, novelty = "same text as an active memory", 0.0
    else:
        why = f"near-duplicate (cosine {repeat.cosine:.3f}) of an active memory"
        novelty = round(1.0 - repeat.cosine, 6)
    return True, f"{why}; memory {repeat.memory_id} would be reinforced instead", novelty


def _knowledge(plan: WritePlan) -> dict[str, list[dict[str, Any]]]:
    found = plan.knowledge
    return {
        "entities": [{"name": e.name, "type": e.kind} for e in found.entities],
        "relations": [
            {"subject": r.subject, "predicate": r.predicate, "object": r.object}
            for r in found.relations
        ],
        "extracted_facts": [
            {
                "subject": f.subject,
                "predicate": f.predicate,
                "value": f.value,
                "text": f.text,
                "key": f.key,
            }
            for f in found.facts
        ],
    }


def simulate_write(engine: Engine, tenant: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """What a write of `body` would do: its chunks, classification, whether it reinforces an
    existing memory instead, and the extraction; the engine's write plan, nothing saved."""
    plan = engine.plan_write(
        tenant,
        body["content"],
        context_tags=body.get("context_tags"),
        session_id=body.get("session_id"),
        memory_type=body.get("memory_type"),
        namespace=body.get("namespace"),
        metadata=body.get("metadata"),
        timestamp=body.get("timestamp"),
    )
    reinforces, reason, novelty = _decision(plan)
    classification = plan.classification
    knowledge = _knowledge(plan)
    chunks = []
    for index, row in enumerate(plan.rows):
        # Extraction reads the whole content once and files it under the first chunk.
        extracted = knowledge if index == 0 else {k: [] for k in knowledge}
        chunks.append(
            {
                "chunk_id": f"chunk-{index}",
                "text": row["text"],
                "chunk_type": "chunk" if len(plan.rows) > 1 else "whole",
                "write_decision": "reinforce_existing" if reinforces else "store",
                "would_store": not reinforces,
                "chosen_memory_type": row["type"],
                "confidence": row["confidence"],
                "importance": row["importance"],
                "salience": row["importance"],
                "novelty": novelty,
                "reason": reason,
                "context_tags": json.loads(row["context_tags"]),
                "decay_rate": 0.01,
                "key": None,
                "timestamp": row["timestamp"],
                "redacted_text": row["text"],
                "redaction_required": False,
                "redactions": [],
                "risk_flags": [],
                **extracted,
                "extracted_constraints": [{"text": row["text"]}]
                if row["type"] == "constraint"
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
