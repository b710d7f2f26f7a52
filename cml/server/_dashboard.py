"""Admin and dashboard routes: maintenance jobs and the operator views, over the engine.

A thin mapping from operations to `cml.engine.views` (read-only) and
`cml.engine.maintenance` (jobs and actions that change data). The `tenant_id` query
parameter, where a route has one, selects the tenant; without it the caller's tenant
(`X-Tenant-ID`) is used. Routes addressed by an id (a memory, fact or job) find it in any
tenant: they are admin-only.
"""

from __future__ import annotations

from typing import Any

from .._exceptions import InvalidRequestError
from ..engine import maintenance, views
from ..engine.engine import Engine
from ._api import Call, Handler
from .dashboard import retrieval

__all__ = ["dashboard_handlers"]


def _checked(value: Any, where: str = "body") -> Any:
    """`value`, after making sure every string in it can be stored (and sent back) as UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            message = f"{where} is not valid UTF-8 text (lone surrogates)"
            raise InvalidRequestError(message) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _checked(key, where)
            _checked(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _checked(item, f"{where}[{index}]")
    return value


def _body(call: Call) -> dict[str, Any]:
    body: dict[str, Any] = _checked(call.body or {})
    return body


def _scope(call: Call) -> str:
    tenant = call.query.get("tenant_id")
    return str(tenant) if tenant else call.tenant


def dashboard_handlers(engine: Engine) -> dict[str, Handler]:
    """Every admin-only operation of the spec except `delete_all_memories`, bound to `engine`."""

    # -- maintenance jobs --------------------------------------------------------------------

    def trigger_consolidation(call: Call) -> Any:
        report = maintenance.consolidate(engine, call.tenant, user_id=call.path["user_id"])
        return {**report, "status": "consolidation_completed"}

    def trigger_forgetting(call: Call) -> Any:
        report = maintenance.run_forgetting(
            engine, call.tenant, user_id=call.path["user_id"], dry_run=call.query["dry_run"]
        )
        return {**report, "status": "forgetting_completed"}

    def consolidation_status(call: Call) -> Any:
        # Consolidation runs inside the request that asks for it here, so none is ever still
        # running when this is asked; the last run is the newest consolidation job.
        last = views.jobs(engine, call.tenant, job_type="consolidate", limit=1)["items"]
        return {"tenant_id": call.tenant, "running": False, "last_run": last[0] if last else None}

    def dashboard_consolidate(call: Call) -> Any:
        body = _body(call)
        return maintenance.consolidate(engine, body["tenant_id"], user_id=body.get("user_id"))

    def dashboard_forget(call: Call) -> Any:
        body = _body(call)
        return maintenance.run_forgetting(
            engine,
            body["tenant_id"],
            user_id=body.get("user_id"),
            dry_run=body.get("dry_run", True),
            max_memories=body.get("max_memories", 5000),
        )

    def dashboard_forgetting_preview(call: Call) -> Any:
        body = _body(call)
        scored = maintenance.score_memories(
            engine, body["tenant_id"], max_memories=body.get("max_memories", 200)
        )
        scored.sort(key=lambda item: item["total_score"])
        hidden = ("rowid", "duplicate_of")
        return {
            "tenant_id": body["tenant_id"],
            "user_id": body.get("user_id") or body["tenant_id"],
            "scanned_count": len(scored),
            "operations_planned": sum(1 for i in scored if i["suggested_action"] != "keep"),
            "duplicates_found": sum(1 for i in scored if i["duplicate_of"]),
            "items": [{k: v for k, v in i.items() if k not in hidden} for i in scored],
        }

    def dashboard_reconsolidate(call: Call) -> Any:
        body = _body(call)
        return maintenance.reconsolidate(engine, body["tenant_id"], user_id=body.get("user_id"))

    def dashboard_bulk_action(call: Call) -> Any:
        body = _body(call)
        return maintenance.bulk_action(engine, body["memory_ids"], body["action"])

    def dashboard_invalidate_fact(call: Call) -> Any:
        return maintenance.invalidate_fact(engine, call.path["fact_id"])

    def dashboard_update_config(call: Call) -> Any:
        return maintenance.update_settings(
            engine, _body(call).get("updates") or {}, tenant=call.tenant
        )

    def dashboard_reset_database(call: Call) -> Any:
        return maintenance.reset_database(engine, tenant=call.tenant)

    # -- views ---------------------------------------------------------------------------------

    def dashboard_overview(call: Call) -> Any:
        return views.overview(engine, _scope(call))

    def dashboard_memories(call: Call) -> Any:
        q = call.query
        return views.memories(
            engine,
            _scope(call),
            page=q["page"],
            per_page=q["per_page"],
            memory_type=q.get("type"),
            status=q.get("status"),
            search=q.get("search"),
            session_id=q.get("source_session_id"),
            sort_by=q["sort_by"],
            order=q["order"],
        )

    def dashboard_events(call: Call) -> Any:
        q = call.query
        return views.events(
            engine,
            _scope(call),
            page=q["page"],
            per_page=q["per_page"],
            event_type=q.get("event_type"),
            operation=q.get("operation"),
        )

    def dashboard_facts(call: Call) -> Any:
        q = call.query
        return views.facts(
            engine,
            _scope(call),
            category=q.get("category"),
            current_only=q["current_only"],
            limit=q["limit"],
            offset=q["offset"],
        )

    def dashboard_jobs(call: Call) -> Any:
        q = call.query
        return views.jobs(engine, _scope(call), job_type=q.get("job_type"), limit=q["limit"])

    def runs_of(job_type: str) -> Handler:
        def handler(call: Call) -> Any:
            return views.jobs(engine, _scope(call), job_type=job_type, limit=call.query["limit"])

        return handler

    def run_of(job_type: str | None) -> Handler:
        def handler(call: Call) -> Any:
            return views.job(engine, call.path["job_id"], job_type=job_type)

        return handler

    def dashboard_graph_explore(call: Call) -> Any:
        q = call.query
        return views.graph_explore(engine, q["tenant_id"], q["entity"], depth=q["depth"])

    def dashboard_graph_search(call: Call) -> Any:
        q = call.query
        return views.graph_search(engine, _scope(call), q["query"], limit=q["limit"])

    def dashboard_graph_neo4j_config(call: Call) -> Any:
        # The graph lives in SQLite: no Neo4j is configured, said with the schema's own fields
        # (empty, so no client mistakes them for settings). A real server answers 200 too; a
        # 501 here made the upstream SDK retry for seconds before failing.
        return {"server_url": "", "server_user": "", "server_password": ""}

    def dashboard_timeline(call: Call) -> Any:
        return views.timeline(engine, _scope(call), days=call.query["days"])

    def dashboard_request_stats(call: Call) -> Any:
        return views.request_stats(engine, hours=call.query["hours"])

    def by_tenant(view: Any) -> Handler:
        return lambda call: view(engine, _scope(call))

    def by_path(view: Any, name: str) -> Handler:
        return lambda call: view(engine, call.path[name])

    def by_body(view: Any) -> Handler:
        def handler(call: Call) -> Any:
            body = _body(call)
            return view(engine, body["tenant_id"], body)

        return handler

    def engine_wide(view: Any) -> Handler:
        return lambda call: view(engine)

    return {
        "trigger_consolidation": trigger_consolidation,
        "trigger_forgetting": trigger_forgetting,
        "consolidation_status": consolidation_status,
        "dashboard_consolidate": dashboard_consolidate,
        "dashboard_forget": dashboard_forget,
        "dashboard_forgetting_preview": dashboard_forgetting_preview,
        "dashboard_reconsolidate": dashboard_reconsolidate,
        "dashboard_bulk_action": dashboard_bulk_action,
        "dashboard_invalidate_fact": dashboard_invalidate_fact,
        "dashboard_update_config": dashboard_update_config,
        "dashboard_reset_database": dashboard_reset_database,
        "dashboard_overview": dashboard_overview,
        "dashboard_memories": dashboard_memories,
        "dashboard_memory": by_path(views.dashboard_memory, "memory_id"),
        "dashboard_memory_lineage": by_path(views.memory_lineage, "memory_id"),
        "dashboard_export_memories": by_tenant(views.export_memories),
        "dashboard_export_events": by_tenant(views.export_events),
        "dashboard_export_facts": by_tenant(views.export_facts),
        "dashboard_timeline": dashboard_timeline,
        "dashboard_events": dashboard_events,
        "dashboard_facts": dashboard_facts,
        "dashboard_fact": by_path(views.fact, "fact_id"),
        "dashboard_fact_evidence": by_path(views.fact_evidence, "fact_id"),
        "dashboard_sessions": by_tenant(views.sessions),
        "dashboard_labile": by_tenant(views.labile),
        "dashboard_quality_overview": by_tenant(views.quality_overview),
        "dashboard_reconsolidation_sessions": by_tenant(views.reconsolidation_sessions),
        "dashboard_jobs": dashboard_jobs,
        "dashboard_job": run_of(None),
        "dashboard_consolidation_runs": runs_of("consolidate"),
        "dashboard_consolidation_run": run_of("consolidate"),
        "dashboard_reconsolidation_runs": runs_of("reconsolidate"),
        "dashboard_reconsolidation_run": run_of("reconsolidate"),
        "dashboard_retrieval": by_body(retrieval.retrieval_test),
        "dashboard_retrieval_explain": by_body(retrieval.explain_retrieval),
        "dashboard_simulate_write": by_body(retrieval.simulate_write),
        "dashboard_graph_stats": engine_wide(views.graph_stats),
        "dashboard_graph_overview": lambda call: views.graph_overview(
            engine, call.query["tenant_id"]
        ),
        "dashboard_graph_explore": dashboard_graph_explore,
        "dashboard_graph_search": dashboard_graph_search,
        "dashboard_graph_neo4j_config": dashboard_graph_neo4j_config,
        "dashboard_components": engine_wide(views.components),
        "dashboard_tenants": engine_wide(views.tenants),
        "dashboard_models_status": engine_wide(views.models_status),
        "dashboard_ops_metrics": engine_wide(views.ops_metrics),
        "dashboard_config": engine_wide(views.config_sections),
        "dashboard_rate_limits": engine_wide(views.rate_limits),
        "dashboard_evaluation_summary": engine_wide(views.evaluation_summary),
        "dashboard_request_stats": dashboard_request_stats,
    }
