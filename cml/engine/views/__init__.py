"""Read-only operator views over the stored data: what the dashboard listings answer.

Every function takes the engine and plain arguments and returns JSON-ready data shaped like the
CML server's dashboard responses (see `openapi/`), one module per area. Nothing here changes
stored data (the actions are in `cml.engine.maintenance`). The views that format what the
engine computes (retrieval tests, read explanations, write simulations) are the wire
handler's: `cml.server.dashboard`.
"""

from __future__ import annotations

from .activity import (
    events,
    export_events,
    job,
    jobs,
    labile,
    rate_limits,
    reconsolidation_sessions,
    request_stats,
    sessions,
)
from .facts import (
    export_facts,
    fact,
    fact_evidence,
    facts,
)
from .graph import (
    graph_explore,
    graph_overview,
    graph_search,
    graph_stats,
)
from .memories import (
    dashboard_memory,
    export_memories,
    memories,
    memory_lineage,
    timeline,
)
from .status import (
    components,
    config_sections,
    evaluation_summary,
    models_status,
    ops_metrics,
    overview,
    quality_overview,
    tenants,
)

__all__ = [
    "components",
    "config_sections",
    "dashboard_memory",
    "evaluation_summary",
    "events",
    "export_events",
    "export_facts",
    "export_memories",
    "fact",
    "fact_evidence",
    "facts",
    "graph_explore",
    "graph_overview",
    "graph_search",
    "graph_stats",
    "job",
    "jobs",
    "labile",
    "memories",
    "memory_lineage",
    "models_status",
    "ops_metrics",
    "overview",
    "quality_overview",
    "rate_limits",
    "reconsolidation_sessions",
    "request_stats",
    "sessions",
    "tenants",
    "timeline",
]
