"""Every answer model: the memory API's (hand-written, in `cml.models`) and the dashboard, admin,
graph, config and job answers, derived from the generated models (see `_derive`).

The names are the upstream SDK's; where the API document names a schema differently (`FactItem`,
`GraphNeo4jConfigResponse`), the class says which one it mirrors.
"""

from __future__ import annotations

from typing import Any

from . import (
    ForgetResponse,
    HealthResponse,
    MemoryItem,
    ReadResponse,
    SessionContextResponse,
    SessionResponse,
    StatsResponse,
    TurnResponse,
    UpdateResponse,
    WriteResponse,
)
from ._derive import WireModel

__all__ = [
    "ComponentStatus",
    "ConfigItem",
    "ConfigSection",
    "ConsolidationResult",
    "DashboardComponentsResponse",
    "DashboardConfigResponse",
    "DashboardEventItem",
    "DashboardEventListResponse",
    "DashboardFactItem",
    "DashboardFactListResponse",
    "DashboardJobItem",
    "DashboardJobsResponse",
    "DashboardLabileResponse",
    "DashboardMemoryDetail",
    "DashboardMemoryListItem",
    "DashboardMemoryListResponse",
    "DashboardOverview",
    "DashboardRateLimitsResponse",
    "DashboardRetrievalResponse",
    "DashboardSessionsResponse",
    "DashboardTenantsResponse",
    "DashboardTimelineResponse",
    "ForgetResponse",
    "ForgettingResult",
    "GraphEdgeInfo",
    "GraphExploreResponse",
    "GraphNeo4jConfigResponse",
    "GraphNodeInfo",
    "GraphSearchResponse",
    "GraphSearchResult",
    "GraphStatsResponse",
    "HealthResponse",
    "HourlyRequestCount",
    "MemoryItem",
    "RateLimitEntry",
    "ReadResponse",
    "ReconsolidationResult",
    "RequestStatsResponse",
    "RetrievalResultItem",
    "SessionContextResponse",
    "SessionInfo",
    "SessionResponse",
    "StatsResponse",
    "TenantInfo",
    "TenantLabileInfo",
    "TimelinePoint",
    "TurnResponse",
    "UpdateResponse",
    "WriteResponse",
]


# -- free-form reports: the server documents no fields, so they stay dicts -------------------


class ConsolidationResult(dict[str, Any]):
    """The report of a consolidation run (`consolidate`, `admin_consolidate`): a dict."""


class ForgettingResult(dict[str, Any]):
    """The report of a forgetting run (`run_forgetting`, `admin_forget`): a dict."""


class ReconsolidationResult(dict[str, Any]):
    """The report of a reconsolidation run (`reconsolidate`): a dict."""


# -- derived from the generated models; nested models before the ones that hold them ---------


class ComponentStatus(WireModel, wire="ComponentStatus"):
    """Health of one server component."""


class DashboardComponentsResponse(WireModel, wire="DashboardComponentsResponse"):
    """`component_health()`."""


class ConfigItem(WireModel, wire="ConfigItem", extra=("description",)):
    """One setting. `description` is sent by the live servers but not in the API document."""


class ConfigSection(WireModel, wire="ConfigSection"):
    pass


class DashboardConfigResponse(WireModel, wire="DashboardConfigResponse"):
    """`get_config()`."""


class DashboardEventItem(WireModel, wire="DashboardEventItem"):
    pass


class DashboardEventListResponse(WireModel, wire="DashboardEventListResponse"):
    """`get_events()`."""


class DashboardFactItem(WireModel, wire="FactItem"):
    pass


class DashboardFactListResponse(WireModel, wire="FactListResponse"):
    """`dashboard_facts()`."""


class DashboardJobItem(WireModel, wire="DashboardJobItem"):
    pass


class DashboardJobsResponse(WireModel, wire="DashboardJobsResponse"):
    """`get_jobs()`."""


class TenantLabileInfo(WireModel, wire="TenantLabileInfo"):
    pass


class DashboardLabileResponse(WireModel, wire="DashboardLabileResponse"):
    """`get_labile_status()`."""


class DashboardMemoryDetail(WireModel, wire="DashboardMemoryDetail"):
    """`dashboard_memory_detail()`: one stored memory with every field."""


class DashboardMemoryListItem(WireModel, wire="DashboardMemoryListItem"):
    pass


class DashboardMemoryListResponse(WireModel, wire="DashboardMemoryListResponse"):
    """`dashboard_memories()`: one page."""


class DashboardOverview(WireModel, wire="DashboardOverview"):
    """`dashboard_overview()`."""


class RateLimitEntry(WireModel, wire="RateLimitEntry"):
    pass


class DashboardRateLimitsResponse(WireModel, wire="DashboardRateLimitsResponse"):
    """`get_rate_limits()`."""


class RetrievalResultItem(WireModel, wire="RetrievalResultItem"):
    pass


class DashboardRetrievalResponse(WireModel, wire="DashboardRetrievalResponse"):
    """`test_retrieval()`."""


class SessionInfo(WireModel, wire="SessionInfo"):
    pass


class DashboardSessionsResponse(WireModel, wire="DashboardSessionsResponse"):
    """`get_sessions()`."""


class TenantInfo(WireModel, wire="TenantInfo"):
    pass


class DashboardTenantsResponse(WireModel, wire="DashboardTenantsResponse"):
    """`list_tenants()`."""


class TimelinePoint(WireModel, wire="TimelinePoint"):
    pass


class DashboardTimelineResponse(WireModel, wire="DashboardTimelineResponse"):
    """`dashboard_timeline()`."""


class GraphNodeInfo(WireModel, wire="GraphNodeInfo"):
    pass


class GraphEdgeInfo(WireModel, wire="GraphEdgeInfo"):
    pass


class GraphExploreResponse(WireModel, wire="GraphExploreResponse"):
    """`explore_graph()` and `graph_overview()`."""


class GraphNeo4jConfigResponse(WireModel, wire="GraphNeo4JConfigResponse"):
    """`dashboard_neo4j_config()`. `cml serve` keeps its graph in SQLite and answers with empty
    strings: `configured` is then False."""

    @property
    def configured(self) -> bool:
        return bool(self.server_url)


class GraphSearchResult(WireModel, wire="GraphSearchResult"):
    pass


class GraphSearchResponse(WireModel, wire="GraphSearchResponse"):
    """`search_graph()`."""


class GraphStatsResponse(WireModel, wire="GraphStatsResponse"):
    """`get_graph_stats()`."""


class HourlyRequestCount(WireModel, wire="HourlyRequestCount"):
    pass


class RequestStatsResponse(WireModel, wire="RequestStatsResponse"):
    """`get_request_stats()`."""
