"""The admin and dashboard operations: admin routes, dashboard views, graph and config."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

# The request models load on first use (the generated package is lazy): building their attrs
# classes is most of what `import cml` would otherwise spend here.
from cml_api.v2_0_0 import models as wire

from .._exceptions import InvalidRequestError
from ..models import (
    ResponseFormat,
    parse_datetime,
)
from .base import (
    JSON,
    PreparedOperation,
    as_dict,
    as_dict_list,
    checked_strings,
    checked_text,
    checked_uuid,
    free_form,
    opt,
)
from .base import (
    responses as R,
)


def _admin(
    operation: str, kwargs: Mapping[str, Any] | None = None, convert: Any = as_dict
) -> PreparedOperation[Any]:
    # Admin key and CSRF header are added by the client from the route (see _base_client).
    return PreparedOperation(operation, dict(kwargs or {}), convert)


def admin_consolidate(user_id: str) -> PreparedOperation[R.ConsolidationResult]:
    return _admin(
        "trigger_consolidation",
        {"user_id": checked_text(user_id, "user_id")},
        lambda parsed: R.ConsolidationResult(free_form(parsed)),
    )


def admin_forget(user_id: str, *, dry_run: bool = True) -> PreparedOperation[R.ForgettingResult]:
    return _admin(
        "trigger_forgetting",
        {"user_id": checked_text(user_id, "user_id"), "dry_run": dry_run},
        lambda parsed: R.ForgettingResult(free_form(parsed)),
    )


def consolidation_status() -> PreparedOperation[JSON]:
    return _admin("consolidation_status", convert=free_form)


def consolidate(tenant_id: str, user_id: str | None) -> PreparedOperation[R.ConsolidationResult]:
    body = wire.DashboardConsolidateRequest(tenant_id=tenant_id, user_id=opt(user_id))
    return _admin(
        "dashboard_consolidate",
        {"body": body},
        lambda parsed: R.ConsolidationResult(free_form(parsed)),
    )


def reconsolidate(
    tenant_id: str, user_id: str | None
) -> PreparedOperation[R.ReconsolidationResult]:
    body = wire.DashboardReconsolidateRequest(tenant_id=tenant_id, user_id=opt(user_id))
    return _admin(
        "dashboard_reconsolidate",
        {"body": body},
        lambda parsed: R.ReconsolidationResult(free_form(parsed)),
    )


def run_forgetting(
    tenant_id: str, user_id: str | None, *, dry_run: bool, max_memories: int
) -> PreparedOperation[R.ForgettingResult]:
    body = wire.DashboardForgetRequest(
        tenant_id=tenant_id, user_id=opt(user_id), dry_run=dry_run, max_memories=max_memories
    )
    return _admin(
        "dashboard_forget", {"body": body}, lambda parsed: R.ForgettingResult(free_form(parsed))
    )


def bulk_memory_action(memory_ids: Sequence[UUID | str], action: str) -> PreparedOperation[JSON]:
    try:
        wire_action = wire.BulkAction(action)
    except ValueError:
        raise InvalidRequestError(
            f"action must be 'archive', 'silence' or 'delete', not {action!r}"
        ) from None
    body = wire.BulkActionRequest(
        memory_ids=[checked_uuid(m, "memory_ids") for m in memory_ids], action=wire_action
    )
    return _admin("dashboard_bulk_action", {"body": body}, free_form)


def component_health() -> PreparedOperation[R.DashboardComponentsResponse]:
    return _admin("dashboard_components", {}, R.DashboardComponentsResponse.from_wire)


def dashboard_export(tenant_id: str | None) -> PreparedOperation[list[JSON]]:
    return _admin("dashboard_export_memories", {"tenant_id": opt(tenant_id)}, as_dict_list)


def facts(
    *, tenant_id: str | None, category: str | None, current_only: bool, limit: int, offset: int
) -> PreparedOperation[R.DashboardFactListResponse]:
    kwargs = {
        "tenant_id": opt(tenant_id),
        "category": opt(category),
        "current_only": current_only,
        "limit": limit,
        "offset": offset,
    }
    return _admin("dashboard_facts", kwargs, R.DashboardFactListResponse.from_wire)


def invalidate_fact(fact_id: str) -> PreparedOperation[JSON]:
    return _admin(
        "dashboard_invalidate_fact", {"fact_id": checked_text(fact_id, "fact_id")}, free_form
    )


def memories_page(
    *,
    tenant_id: str | None,
    page: int,
    per_page: int,
    type: str | None,
    status: str | None,
    search: str | None,
    sort_by: str,
    order: str,
) -> PreparedOperation[R.DashboardMemoryListResponse]:
    kwargs = {
        "tenant_id": opt(tenant_id),
        "page": page,
        "per_page": per_page,
        "type_": opt(type),
        "status": opt(status),
        "search": opt(search),
        "sort_by": sort_by,
        "order": order,
    }
    return _admin("dashboard_memories", kwargs, R.DashboardMemoryListResponse.from_wire)


def memory_detail(memory_id: UUID | str) -> PreparedOperation[R.DashboardMemoryDetail]:
    return _admin(
        "dashboard_memory",
        {"memory_id": checked_uuid(memory_id, "memory_id")},
        R.DashboardMemoryDetail.from_wire,
    )


def neo4j_config() -> PreparedOperation[R.GraphNeo4jConfigResponse]:
    return _admin("dashboard_graph_neo4j_config", {}, R.GraphNeo4jConfigResponse.from_wire)


def overview(tenant_id: str | None) -> PreparedOperation[R.DashboardOverview]:
    return _admin(
        "dashboard_overview", {"tenant_id": opt(tenant_id)}, R.DashboardOverview.from_wire
    )


def timeline(
    tenant_id: str | None, days: int, metric: str = "memories"
) -> PreparedOperation[R.DashboardTimelineResponse]:
    # Kept for upstream compatibility; the server's timeline counts memories and nothing else.
    if metric != "memories":
        raise InvalidRequestError(f"the server's timeline only counts 'memories', not {metric!r}")
    return _admin(
        "dashboard_timeline",
        {"tenant_id": opt(tenant_id), "days": days},
        R.DashboardTimelineResponse.from_wire,
    )


def explore_graph(
    tenant_id: str, entity: str, scope_id: str, depth: int
) -> PreparedOperation[R.GraphExploreResponse]:
    kwargs = {
        "tenant_id": tenant_id,
        "entity": checked_text(entity, "entity"),
        "scope_id": scope_id,
        "depth": depth,
    }
    return _admin("dashboard_graph_explore", kwargs, R.GraphExploreResponse.from_wire)


def get_config() -> PreparedOperation[R.DashboardConfigResponse]:
    return _admin("dashboard_config", {}, R.DashboardConfigResponse.from_wire)


def update_config(updates: Mapping[str, Any]) -> PreparedOperation[JSON]:
    body = wire.ConfigUpdateRequest(
        updates=wire.ConfigUpdateRequestUpdates.from_dict(dict(updates))
    )
    return _admin("dashboard_update_config", {"body": body}, free_form)


def events(
    *, page: int, per_page: int, event_type: str | None
) -> PreparedOperation[R.DashboardEventListResponse]:
    return _admin(
        "dashboard_events",
        {"page": page, "per_page": per_page, "event_type": opt(event_type)},
        R.DashboardEventListResponse.from_wire,
    )


def events_since(
    page: R.DashboardEventListResponse, since: datetime | None
) -> R.DashboardEventListResponse:
    """Drop events older than `since` (the server's event list has no such filter)."""
    if since is None:
        return page
    cutoff = parse_datetime(since)
    kept = tuple(
        event
        for event in page.items or ()
        if event.created_at is None or parse_datetime(event.created_at) >= cutoff
    )
    return attrs.evolve(page, items=kept)  # type: ignore[misc]  # fields derived at run time


def graph_stats() -> PreparedOperation[R.GraphStatsResponse]:
    return _admin("dashboard_graph_stats", {}, R.GraphStatsResponse.from_wire)


def jobs(
    tenant_id: str | None, job_type: str | None, limit: int
) -> PreparedOperation[R.DashboardJobsResponse]:
    return _admin(
        "dashboard_jobs",
        {"tenant_id": opt(tenant_id), "job_type": opt(job_type), "limit": limit},
        R.DashboardJobsResponse.from_wire,
    )


def labile(tenant_id: str | None) -> PreparedOperation[R.DashboardLabileResponse]:
    return _admin(
        "dashboard_labile", {"tenant_id": opt(tenant_id)}, R.DashboardLabileResponse.from_wire
    )


def rate_limits() -> PreparedOperation[R.DashboardRateLimitsResponse]:
    return _admin("dashboard_rate_limits", {}, R.DashboardRateLimitsResponse.from_wire)


def request_stats(hours: int) -> PreparedOperation[R.RequestStatsResponse]:
    return _admin("dashboard_request_stats", {"hours": hours}, R.RequestStatsResponse.from_wire)


def sessions(tenant_id: str | None) -> PreparedOperation[R.DashboardSessionsResponse]:
    return _admin(
        "dashboard_sessions", {"tenant_id": opt(tenant_id)}, R.DashboardSessionsResponse.from_wire
    )


def graph_overview(
    tenant_id: str, scope_id: str | None
) -> PreparedOperation[R.GraphExploreResponse]:
    return _admin(
        "dashboard_graph_overview",
        {"tenant_id": tenant_id, "scope_id": opt(scope_id)},
        R.GraphExploreResponse.from_wire,
    )


def tenants() -> PreparedOperation[R.DashboardTenantsResponse]:
    return _admin("dashboard_tenants", {}, R.DashboardTenantsResponse.from_wire)


def reset_database(*, confirm: bool) -> PreparedOperation[JSON]:
    if confirm is not True:
        raise InvalidRequestError(
            "reset_database erases the whole server database; pass confirm=True to do it"
        )
    return _admin("dashboard_reset_database", {}, free_form)


def search_graph(
    query: str, tenant_id: str | None, limit: int
) -> PreparedOperation[R.GraphSearchResponse]:
    kwargs = {"query": checked_text(query, "query"), "tenant_id": opt(tenant_id), "limit": limit}
    return _admin("dashboard_graph_search", kwargs, R.GraphSearchResponse.from_wire)


def test_retrieval(
    query: str,
    *,
    tenant_id: str,
    max_results: int,
    context_filter: Sequence[str] | None,
    memory_types: Sequence[str] | None,
    response_format: ResponseFormat,
) -> PreparedOperation[R.DashboardRetrievalResponse]:
    body = wire.DashboardRetrievalRequest(
        tenant_id=tenant_id,
        query=checked_text(query, "query"),
        max_results=max_results,
        context_filter=checked_strings(context_filter, "context_filter"),
        memory_types=opt(list(memory_types) if memory_types is not None else None),
        format_=wire.RetrievalFormat(response_format),
    )
    return _admin("dashboard_retrieval", {"body": body}, R.DashboardRetrievalResponse.from_wire)
