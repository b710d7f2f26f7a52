"""Low-level client for the Cognitive Memory Layer API, server release 2.0.0, generated from openapi/. Do not edit by hand.

`__api_version__` is the server release this package speaks, `__spec_sha256__` the SHA-256 of the
document it was generated from (bundled beside it as openapi.json), and `__operations__` maps each
operation id to the `api` subpackage holding its module.
"""

from .client import AuthenticatedClient, Client

__api_version__ = "2.0.0"
__spec_sha256__ = "848959a9dfaf1f7a80ab96866a02d374e2042b417b5f02be34002b3ca0887af4"
__operations__ = {
    "consolidation_status": "admin",
    "trigger_consolidation": "admin",
    "trigger_forgetting": "admin",
    "dashboard_bulk_action": "dashboard",
    "dashboard_components": "dashboard",
    "dashboard_config": "dashboard",
    "dashboard_consolidate": "dashboard",
    "dashboard_consolidation_runs": "dashboard",
    "dashboard_evaluation_summary": "dashboard",
    "dashboard_export_facts": "dashboard",
    "dashboard_export_memories": "dashboard",
    "dashboard_fact": "dashboard",
    "dashboard_fact_evidence": "dashboard",
    "dashboard_facts": "dashboard",
    "dashboard_forget": "dashboard",
    "dashboard_forgetting_preview": "dashboard",
    "dashboard_graph_explore": "dashboard",
    "dashboard_graph_neo4j_config": "dashboard",
    "dashboard_graph_overview": "dashboard",
    "dashboard_graph_search": "dashboard",
    "dashboard_graph_stats": "dashboard",
    "dashboard_invalidate_fact": "dashboard",
    "dashboard_job": "dashboard",
    "dashboard_jobs": "dashboard",
    "dashboard_labile": "dashboard",
    "dashboard_memories": "dashboard",
    "dashboard_memory": "dashboard",
    "dashboard_memory_lineage": "dashboard",
    "dashboard_ops_metrics": "dashboard",
    "dashboard_overview": "dashboard",
    "dashboard_quality_overview": "dashboard",
    "dashboard_rate_limits": "dashboard",
    "dashboard_reconsolidate": "dashboard",
    "dashboard_reconsolidation_runs": "dashboard",
    "dashboard_reconsolidation_sessions": "dashboard",
    "dashboard_request_stats": "dashboard",
    "dashboard_reset_database": "dashboard",
    "dashboard_retrieval": "dashboard",
    "dashboard_retrieval_explain": "dashboard",
    "dashboard_sessions": "dashboard",
    "dashboard_simulate_write": "dashboard",
    "dashboard_tenants": "dashboard",
    "dashboard_timeline": "dashboard",
    "dashboard_update_config": "dashboard",
    "create_session": "memory",
    "delete_all_memories": "memory",
    "forget_memory": "memory",
    "get_memory_stats": "memory",
    "get_session_context": "memory",
    "health_check": "memory",
    "process_turn": "memory",
    "read_memory": "memory",
    "read_memory_stream": "memory",
    "session_read": "memory",
    "session_write": "memory",
    "update_memory": "memory",
    "write_memory": "memory",
    "write_memory_batch": "memory",
}

__all__ = (
    "AuthenticatedClient",
    "Client",
    "__api_version__",
    "__operations__",
    "__spec_sha256__",
)
