"""`DashboardMethods`: the maintenance and dashboard methods of `CognitiveMemoryLayer`.

GENERATED from `_async_dashboard.py` by `python generator/generate.py regen` (see
generator/sync_client.py): edit the async file and regenerate; never edit this file.
`python generator/generate.py drift` fails when it differs from what the async file gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from . import _operations as ops
from ._base_client import BaseClient
from .models import MemoryItem, MemoryType, ResponseFormat

if TYPE_CHECKING:
    from ._operations import PreparedOperation
    from .models import responses as R

__all__ = ["DashboardMethods"]

T = TypeVar("T")
JSON = dict[str, Any]


class DashboardMethods(BaseClient):
    """Maintenance and dashboard methods (admin key), mixed into `CognitiveMemoryLayer`."""

    if TYPE_CHECKING:
        # The client sends (see `CognitiveMemoryLayer`).
        def _send(self, call: PreparedOperation[T]) -> T: ...

    def iter_memories(
        self,
        *,
        memory_types: list[MemoryType] | None = None,
        status: str | None = "active",
        batch_size: int = 100,
    ) -> Iterator[MemoryItem]:
        """Every memory of the tenant, page by page (admin key; uses the dashboard listing)."""
        pager = ops.MemoryPager(memory_types=memory_types, status=status, batch_size=batch_size)
        while (call := pager.next_call()) is not None:
            yield from pager.take(self._send(call))

    def consolidate(
        self, *, tenant_id: str | None = None, user_id: str | None = None
    ) -> R.ConsolidationResult:
        """Merge related episodes into semantic memories."""
        return self._send(ops.consolidate(tenant_id or self._tenant_id, user_id))

    def run_forgetting(
        self,
        *,
        tenant_id: str | None = None,
        user_id: str | None = None,
        dry_run: bool = True,
        max_memories: int = 5000,
    ) -> R.ForgettingResult:
        """Score memories for decay and act on them; `dry_run=True` only reports."""
        return self._send(
            ops.run_forgetting(
                tenant_id or self._tenant_id, user_id, dry_run=dry_run, max_memories=max_memories
            )
        )

    def reconsolidate(
        self, *, tenant_id: str | None = None, user_id: str | None = None
    ) -> R.ReconsolidationResult:
        return self._send(ops.reconsolidate(tenant_id or self._tenant_id, user_id))

    def admin_consolidate(self, user_id: str) -> R.ConsolidationResult:
        return self._send(ops.admin_consolidate(user_id))

    def admin_forget(self, user_id: str, *, dry_run: bool = True) -> R.ForgettingResult:
        return self._send(ops.admin_forget(user_id, dry_run=dry_run))

    def consolidation_status(self) -> JSON:
        """Whether consolidation is running for the tenant, and its last run (admin key).

        New in CML server 2.0.0: a client pinned to 1.5.1 raises `UnsupportedOperationError`.
        """
        return self._send(ops.consolidation_status())

    def bulk_memory_action(self, memory_ids: list[UUID], action: str) -> JSON:
        return self._send(ops.bulk_memory_action(memory_ids, action))

    def component_health(self) -> R.DashboardComponentsResponse:
        return self._send(ops.component_health())

    def dashboard_export_memories(self, *, tenant_id: str | None = None) -> list[JSON]:
        return self._send(ops.dashboard_export(tenant_id))

    def dashboard_facts(
        self,
        *,
        tenant_id: str | None = None,
        category: str | None = None,
        current_only: bool = True,
        limit: int = 50,
        offset: int = 0,
    ) -> R.DashboardFactListResponse:
        return self._send(
            ops.facts(
                tenant_id=tenant_id,
                category=category,
                current_only=current_only,
                limit=limit,
                offset=offset,
            )
        )

    def dashboard_invalidate_fact(self, fact_id: str) -> JSON:
        return self._send(ops.invalidate_fact(fact_id))

    def dashboard_memories(
        self,
        *,
        tenant_id: str | None = None,
        page: int = 1,
        per_page: int = 25,
        type: str | None = None,
        status: str | None = None,
        search: str | None = None,
        sort_by: str = "written_at",
        order: str = "desc",
    ) -> R.DashboardMemoryListResponse:
        return self._send(
            ops.memories_page(
                tenant_id=tenant_id,
                page=page,
                per_page=per_page,
                type=type,
                status=status,
                search=search,
                sort_by=sort_by,
                order=order,
            )
        )

    def dashboard_memory_detail(self, memory_id: UUID) -> R.DashboardMemoryDetail:
        return self._send(ops.memory_detail(memory_id))

    def dashboard_neo4j_config(self) -> R.GraphNeo4jConfigResponse:
        return self._send(ops.neo4j_config())

    def dashboard_overview(self, *, tenant_id: str | None = None) -> R.DashboardOverview:
        return self._send(ops.overview(tenant_id))

    def dashboard_timeline(
        self, *, tenant_id: str | None = None, days: int = 30, metric: str = "memories"
    ) -> R.DashboardTimelineResponse:
        return self._send(ops.timeline(tenant_id, days, metric))

    def explore_graph(
        self,
        *,
        tenant_id: str | None = None,
        entity: str,
        scope_id: str = "default",
        depth: int = 2,
    ) -> R.GraphExploreResponse:
        return self._send(ops.explore_graph(tenant_id or self._tenant_id, entity, scope_id, depth))

    def get_config(self) -> R.DashboardConfigResponse:
        return self._send(ops.get_config())

    def update_config(self, updates: dict[str, Any]) -> JSON:
        return self._send(ops.update_config(updates))

    def get_events(
        self,
        *,
        limit: int = 50,
        page: int = 1,
        event_type: str | None = None,
        since: datetime | None = None,
    ) -> R.DashboardEventListResponse:
        return ops.events_since(
            self._send(ops.events(page=page, per_page=limit, event_type=event_type)), since
        )

    def get_graph_stats(self) -> R.GraphStatsResponse:
        return self._send(ops.graph_stats())

    def get_jobs(
        self, *, tenant_id: str | None = None, job_type: str | None = None, limit: int = 50
    ) -> R.DashboardJobsResponse:
        return self._send(ops.jobs(tenant_id, job_type, limit))

    def get_labile_status(self, *, tenant_id: str | None = None) -> R.DashboardLabileResponse:
        return self._send(ops.labile(tenant_id))

    def get_rate_limits(self) -> R.DashboardRateLimitsResponse:
        return self._send(ops.rate_limits())

    def get_request_stats(self, *, hours: int = 24) -> R.RequestStatsResponse:
        return self._send(ops.request_stats(hours))

    def get_sessions(self, *, tenant_id: str | None = None) -> R.DashboardSessionsResponse:
        return self._send(ops.sessions(tenant_id))

    def graph_overview(
        self, *, tenant_id: str | None = None, scope_id: str | None = None
    ) -> R.GraphExploreResponse:
        return self._send(ops.graph_overview(tenant_id or self._tenant_id, scope_id))

    def list_tenants(self) -> R.DashboardTenantsResponse:
        return self._send(ops.tenants())

    def reset_database(self, confirm: bool = False) -> JSON:
        return self._send(ops.reset_database(confirm=confirm))

    def search_graph(
        self, query: str, *, tenant_id: str | None = None, limit: int = 25
    ) -> R.GraphSearchResponse:
        return self._send(ops.search_graph(query, tenant_id, limit))

    def test_retrieval(
        self,
        query: str,
        *,
        tenant_id: str | None = None,
        max_results: int = 10,
        context_filter: list[str] | None = None,
        memory_types: list[str] | None = None,
        response_format: ResponseFormat = "list",
    ) -> R.DashboardRetrievalResponse:
        return self._send(
            ops.test_retrieval(
                query,
                tenant_id=tenant_id or self._tenant_id,
                max_results=max_results,
                context_filter=context_filter,
                memory_types=memory_types,
                response_format=response_format,
            )
        )
