"""`AsyncDashboardMethods`: the maintenance and dashboard methods of `AsyncCognitiveMemoryLayer`.

They need the admin key and are one API area of their own, so they live apart from the memory
methods; the client inherits them. The sync twin, `_dashboard.py`, is generated from this file
like `_client.py` from `_async_client.py` (`python generator/generate.py regen`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from . import _operations as ops
from ._base_client import BaseClient
from .models import MemoryItem, MemoryType, ResponseFormat

if TYPE_CHECKING:
    from ._operations import PreparedOperation
    from .models import responses as R

__all__ = ["AsyncDashboardMethods"]

T = TypeVar("T")
JSON = dict[str, Any]


class AsyncDashboardMethods(BaseClient):
    """Maintenance and dashboard methods (admin key), mixed into `AsyncCognitiveMemoryLayer`."""

    if TYPE_CHECKING:
        # The client sends (see `AsyncCognitiveMemoryLayer`).
        async def _send(self, call: PreparedOperation[T]) -> T: ...

    async def iter_memories(
        self,
        *,
        memory_types: list[MemoryType] | None = None,
        status: str | None = "active",
        batch_size: int = 100,
    ) -> AsyncIterator[MemoryItem]:
        """Every memory of the tenant, page by page (admin key; uses the dashboard listing)."""
        pager = ops.MemoryPager(memory_types=memory_types, status=status, batch_size=batch_size)
        while (call := pager.next_call()) is not None:
            for item in pager.take(await self._send(call)):
                yield item

    async def consolidate(
        self, *, tenant_id: str | None = None, user_id: str | None = None
    ) -> R.ConsolidationResult:
        """Merge related episodes into semantic memories."""
        return await self._send(ops.consolidate(tenant_id or self._tenant_id, user_id))

    async def run_forgetting(
        self,
        *,
        tenant_id: str | None = None,
        user_id: str | None = None,
        dry_run: bool = True,
        max_memories: int = 5000,
    ) -> R.ForgettingResult:
        """Score memories for decay and act on them; `dry_run=True` only reports."""
        return await self._send(
            ops.run_forgetting(
                tenant_id or self._tenant_id, user_id, dry_run=dry_run, max_memories=max_memories
            )
        )

    async def reconsolidate(
        self, *, tenant_id: str | None = None, user_id: str | None = None
    ) -> R.ReconsolidationResult:
        return await self._send(ops.reconsolidate(tenant_id or self._tenant_id, user_id))

    async def admin_consolidate(self, user_id: str) -> R.ConsolidationResult:
        return await self._send(ops.admin_consolidate(user_id))

    async def admin_forget(self, user_id: str, *, dry_run: bool = True) -> R.ForgettingResult:
        return await self._send(ops.admin_forget(user_id, dry_run=dry_run))

    async def consolidation_status(self) -> JSON:
        """Whether consolidation is running for the tenant, and its last run (admin key).

        New in CML server 2.0.0: a client pinned to 1.5.1 raises `UnsupportedOperationError`.
        """
        return await self._send(ops.consolidation_status())

    async def bulk_memory_action(self, memory_ids: list[UUID], action: str) -> JSON:
        return await self._send(ops.bulk_memory_action(memory_ids, action))

    async def component_health(self) -> R.DashboardComponentsResponse:
        return await self._send(ops.component_health())

    async def dashboard_export_memories(self, *, tenant_id: str | None = None) -> list[JSON]:
        return await self._send(ops.dashboard_export(tenant_id))

    async def dashboard_facts(
        self,
        *,
        tenant_id: str | None = None,
        category: str | None = None,
        current_only: bool = True,
        limit: int = 50,
        offset: int = 0,
    ) -> R.DashboardFactListResponse:
        return await self._send(
            ops.facts(
                tenant_id=tenant_id,
                category=category,
                current_only=current_only,
                limit=limit,
                offset=offset,
            )
        )

    async def dashboard_invalidate_fact(self, fact_id: str) -> JSON:
        return await self._send(ops.invalidate_fact(fact_id))

    async def dashboard_memories(
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
        return await self._send(
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

    async def dashboard_memory_detail(self, memory_id: UUID) -> R.DashboardMemoryDetail:
        return await self._send(ops.memory_detail(memory_id))

    async def dashboard_neo4j_config(self) -> R.GraphNeo4jConfigResponse:
        return await self._send(ops.neo4j_config())

    async def dashboard_overview(self, *, tenant_id: str | None = None) -> R.DashboardOverview:
        return await self._send(ops.overview(tenant_id))

    async def dashboard_timeline(
        self, *, tenant_id: str | None = None, days: int = 30, metric: str = "memories"
    ) -> R.DashboardTimelineResponse:
        return await self._send(ops.timeline(tenant_id, days, metric))

    async def explore_graph(
        self,
        *,
        tenant_id: str | None = None,
        entity: str,
        scope_id: str = "default",
        depth: int = 2,
    ) -> R.GraphExploreResponse:
        return await self._send(
            ops.explore_graph(tenant_id or self._tenant_id, entity, scope_id, depth)
        )

    async def get_config(self) -> R.DashboardConfigResponse:
        return await self._send(ops.get_config())

    async def update_config(self, updates: dict[str, Any]) -> JSON:
        return await self._send(ops.update_config(updates))

    async def get_events(
        self,
        *,
        limit: int = 50,
        page: int = 1,
        event_type: str | None = None,
        since: datetime | None = None,
    ) -> R.DashboardEventListResponse:
        return ops.events_since(
            await self._send(ops.events(page=page, per_page=limit, event_type=event_type)), since
        )

    async def get_graph_stats(self) -> R.GraphStatsResponse:
        return await self._send(ops.graph_stats())

    async def get_jobs(
        self, *, tenant_id: str | None = None, job_type: str | None = None, limit: int = 50
    ) -> R.DashboardJobsResponse:
        return await self._send(ops.jobs(tenant_id, job_type, limit))

    async def get_labile_status(self, *, tenant_id: str | None = None) -> R.DashboardLabileResponse:
        return await self._send(ops.labile(tenant_id))

    async def get_rate_limits(self) -> R.DashboardRateLimitsResponse:
        return await self._send(ops.rate_limits())

    async def get_request_stats(self, *, hours: int = 24) -> R.RequestStatsResponse:
        return await self._send(ops.request_stats(hours))

    async def get_sessions(self, *, tenant_id: str | None = None) -> R.DashboardSessionsResponse:
        return await self._send(ops.sessions(tenant_id))

    async def graph_overview(
        self, *, tenant_id: str | None = None, scope_id: str | None = None
    ) -> R.GraphExploreResponse:
        return await self._send(ops.graph_overview(tenant_id or self._tenant_id, scope_id))

    async def list_tenants(self) -> R.DashboardTenantsResponse:
        return await self._send(ops.tenants())

    async def reset_database(self, confirm: bool = False) -> JSON:
        return await self._send(ops.reset_database(confirm=confirm))

    async def search_graph(
        self, query: str, *, tenant_id: str | None = None, limit: int = 25
    ) -> R.GraphSearchResponse:
        return await self._send(ops.search_graph(query, tenant_id, limit))

    async def test_retrieval(
        self,
        query: str,
        *,
        tenant_id: str | None = None,
        max_results: int = 10,
        context_filter: list[str] | None = None,
        memory_types: list[str] | None = None,
        response_format: ResponseFormat = "list",
    ) -> R.DashboardRetrievalResponse:
        return await self._send(
            ops.test_retrieval(
                query,
                tenant_id=tenant_id or self._tenant_id,
                max_results=max_results,
                context_filter=context_filter,
                memory_types=memory_types,
                response_format=response_format,
            )
        )
