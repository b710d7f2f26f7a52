"""A program written for the upstream SDK 1.5.1, as its users write them.

It is run by `tests/test_upstream_program.py` against `cml serve` on 127.0.0.1 and in embedded
mode, and shown in docs/migrating.md. The one line that differs from upstream is marked.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from cml import AsyncEmbeddedCognitiveMemoryLayer as EmbeddedCognitiveMemoryLayer  # py-cml
from cml import CognitiveMemoryLayer, EmbeddedConfig, configure_logging
from cml.config import CMLConfig
from cml.embedded_config import EmbeddedDatabaseConfig
from cml.exceptions import ConnectionError, NotFoundError, TimeoutError
from cml.models import (
    DashboardMemoryListResponse,
    DashboardOverview,
    GraphNeo4jConfigResponse,
    GraphStatsResponse,
    MemoryPacket,
    MemoryType,
    OperationType,
    ReadRequest,
    SessionInfo,
    WriteResponse,
)

FACTS = [
    "User prefers vegetarian food.",
    "User lives in Paris.",
    "User is allergic to peanuts.",
]


def server_report(config: CMLConfig) -> dict[str, Any]:
    """Write, batch-write, read, administer and forget, against a CML server."""
    configure_logging("WARNING")
    request = ReadRequest(query="What does the user eat?", max_results=5)
    try:
        with CognitiveMemoryLayer(config=config) as memory:
            session = memory.create_session(name="dinner planning")
            first: WriteResponse = memory.write(
                FACTS[0], memory_type=MemoryType.PREFERENCE, session_id=session.session_id
            )
            batch = memory.batch_write([{"content": text} for text in FACTS[1:]])
            context = memory.get_context(request.query, max_results=request.max_results)
            sessions: list[SessionInfo] = list(memory.get_sessions().sessions)
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
                "sessions": [(s.session_id, s.memory_count) for s in sessions],
                "session_id": session.session_id,
                "operations": sorted(op.value for op in OperationType),
            }
    except (ConnectionError, TimeoutError) as exc:
        raise SystemExit(f"CML server unreachable: {exc}") from exc


async def embedded_report(db_path: str) -> dict[str, Any]:
    """The same memory, in-process (upstream: the async `EmbeddedCognitiveMemoryLayer`)."""
    config = EmbeddedConfig(
        tenant_id="household",
        database=EmbeddedDatabaseConfig(database_url=f"sqlite+aiosqlite:///{db_path}"),
    )
    async with EmbeddedCognitiveMemoryLayer(config=config) as memory:
        await memory.initialize()
        for text in FACTS:
            await memory.write(text)
        result: MemoryPacket = await memory.read("What does the user eat?", max_results=3)
        stats = await memory.stats()
        return {
            "top": result.memories[0].text,
            "context": result.context,
            "total": stats.total_memories,
            "tenant": memory.tenant_id,
        }
