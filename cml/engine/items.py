"""Stored rows as wire models: a memory row as a `MemoryItem`, found items as a read's answer."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from .._context import CONTEXT_CUTOFF_KEY, build_context, group_of
from ..models import MemoryItem, ReadResponse
from . import relevance
from .embedders import Embedder

__all__ = ["memory_item", "read_response"]


def memory_item(row: Mapping[str, Any], score: float) -> MemoryItem:
    """A memory row as the wire's item, its namespace, session and chunk in the metadata."""
    metadata = json.loads(row["metadata"])
    metadata.setdefault("context_tags", json.loads(row["context_tags"]))
    if row["namespace"]:
        metadata.setdefault("namespace", row["namespace"])
    if row["session_id"]:
        metadata.setdefault("session_id", row["session_id"])
    if row["parent_id"]:
        metadata.setdefault(
            "chunk",
            {
                "parent_id": row["parent_id"],
                "index": row["chunk_index"],
                "count": row["chunk_count"],
            },
        )
    return MemoryItem(
        id=row["id"],
        text=row["text"],
        type=row["type"],
        confidence=row["confidence"],
        relevance=round(score, 6),
        timestamp=row["timestamp"],
        metadata=metadata,
    )


def read_response(
    query: str,
    items: list[MemoryItem],
    response_format: str,
    started: float,
    *,
    embedder: Embedder | None,
) -> ReadResponse:
    """A read's answer in `response_format` ("packet", "list" or "llm_context")."""
    groups: dict[str, list[MemoryItem]] = {
        "facts": [],
        "preferences": [],
        "episodes": [],
        "constraints": [],
    }
    if response_format != "list":
        for item in items:
            groups[group_of(str(item.type))].append(item)
    return ReadResponse(
        query=query,
        memories=items,
        total_count=len(items),
        elapsed_ms=round((time.perf_counter() - started) * 1000.0, 3),
        llm_context=(
            build_context(items, min_relevance=relevance.CONTEXT_MIN_RELEVANCE)
            if response_format == "llm_context"
            else None
        ),
        retrieval_meta={
            "engine": "embedded",
            # Relevance here is calibrated (cml.engine.relevance): the context cut-off.
            CONTEXT_CUTOFF_KEY: relevance.CONTEXT_MIN_RELEVANCE,
            "sources": ["fts5", "vector"] if embedder is not None else ["fts5"],
            "embedder": embedder.name if embedder is not None else None,
        },
        facts=groups["facts"],
        preferences=groups["preferences"],
        episodes=groups["episodes"],
        constraints=groups["constraints"],
    )
