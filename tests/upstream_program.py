"""A program written for the upstream SDK 1.5.1, as its users write them.

It is run by `tests/test_upstream_program.py` against `cml serve` on 127.0.0.1 and in embedded
mode, and shown in docs/migrating.md. The one line that differs from upstream is marked.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from cml import AsyncEmbeddedCognitiveMemoryLayer as EmbeddedCognitiveMemoryLayer  # py-cml
from cml import CognitiveMemoryLayer
from cml.config import CMLConfig
from cml.exceptions import ConnectionError, NotFoundError
from cml.models import (
    DashboardMemoryListResponse,
    DashboardOverview,
    GraphNeo4jConfigResponse,
    GraphStatsResponse,
    MemoryType,
    WriteResponse,
)

FACTS = [
    "User prefers vegetarian food.",
    "User lives in Paris.",
    "User is allergic to peanuts.",
]


def server_report(config: CMLConfig) -> dict[str, Any]:
    """Write, batch-write, read, administer and forget, against a CML server."""
    try:
        with CognitiveMemoryLayer(config=config) as memory:
            first: WriteResponse = memory.write(FACTS[0], memory_type=MemoryType.PREFERENCE)
            batch = memory.batch_write([{"content": text} for text in FACTS[1:]])
            context = memory.get_context("What does the user eat?")
            overview: DashboardOverview = memory.dashboard_overview()
            page: DashboardMemoryListResponse = memory.dashboard_memories(per_page=10)
            graph: GraphStatsResponse = memory.get_graph_stats()
            neo4j: GraphNeo4jConfigResponse = memory.dashboard_neo4j_config()
            detail = memory.dashboard_memory_detail(first.memory_id)
            try:
                memory.dashboard_memory_detail(uuid.uuid4())
                missing_found = True
            except NotFoundError:
                missing_found = False
            year_ago = datetime.now(timezone.utc) - timedelta(days=365)  # noqa: UP017
            forgotten = memory.forget(before=year_ago)
            return {
                "first_id": first.memory_id,
                "first_text": detail.text,
                "missing_found": missing_found,
                "batch_ids": [r.memory_id for r in batch],
                "context": context,
                "total_memories": overview.total_memories,
                "by_type": overview.by_type,
                "listed": sorted(item.text for item in page.items),
                "listed_types": {item.text: item.type for item in page.items},
                "graph_nodes": graph.total_nodes,
                "neo4j_url": neo4j.server_url,
                "forgotten": forgotten.affected_count,
            }
    except ConnectionError as exc:
        raise SystemExit(f"CML server unreachable: {exc}") from exc


async def embedded_report(db_path: str) -> dict[str, Any]:
    """The same memory, in-process (upstream: the async `EmbeddedCognitiveMemoryLayer`)."""
    async with EmbeddedCognitiveMemoryLayer(db_path=db_path) as memory:
        for text in FACTS:
            await memory.write(text)
        result = await memory.read("What does the user eat?", max_results=3)
        stats = await memory.stats()
        return {
            "top": result.memories[0].text,
            "context": result.context,
            "total": stats.total_memories,
        }
