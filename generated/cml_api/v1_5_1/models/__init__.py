"""Every data model of this release. Each loads on first use, so importing one loads only its module."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .bulk_action import BulkAction
    from .bulk_action_request import BulkActionRequest
    from .bulk_action_result import BulkActionResult
    from .component_status import ComponentStatus
    from .component_status_details import ComponentStatusDetails
    from .config_item import ConfigItem
    from .config_section import ConfigSection
    from .config_update_request import ConfigUpdateRequest
    from .config_update_request_updates import ConfigUpdateRequestUpdates
    from .config_update_result import ConfigUpdateResult
    from .consolidate_result import ConsolidateResult
    from .consolidation_trigger_result import ConsolidationTriggerResult
    from .create_session_request import CreateSessionRequest
    from .create_session_request_metadata import CreateSessionRequestMetadata
    from .create_session_response import CreateSessionResponse
    from .dashboard_components_response import DashboardComponentsResponse
    from .dashboard_config_response import DashboardConfigResponse
    from .dashboard_consolidate_request import DashboardConsolidateRequest
    from .dashboard_evaluation_artifact import DashboardEvaluationArtifact
    from .dashboard_evaluation_summary import DashboardEvaluationSummary
    from .dashboard_evaluation_summary_comparisons_item import DashboardEvaluationSummaryComparisonsItem
    from .dashboard_evaluation_summary_readiness import DashboardEvaluationSummaryReadiness
    from .dashboard_event_item import DashboardEventItem
    from .dashboard_event_list_response import DashboardEventListResponse
    from .dashboard_fact_detail import DashboardFactDetail
    from .dashboard_fact_detail_lineage_item import DashboardFactDetailLineageItem
    from .dashboard_fact_detail_superseded_by_item import DashboardFactDetailSupersededByItem
    from .dashboard_fact_evidence_item import DashboardFactEvidenceItem
    from .dashboard_fact_evidence_item_metadata import DashboardFactEvidenceItemMetadata
    from .dashboard_fact_evidence_response import DashboardFactEvidenceResponse
    from .dashboard_forget_request import DashboardForgetRequest
    from .dashboard_forgetting_preview_item import DashboardForgettingPreviewItem
    from .dashboard_forgetting_preview_item_duplicate_matches_item import (
        DashboardForgettingPreviewItemDuplicateMatchesItem,
    )
    from .dashboard_forgetting_preview_request import DashboardForgettingPreviewRequest
    from .dashboard_forgetting_preview_response import DashboardForgettingPreviewResponse
    from .dashboard_forgetting_preview_response_summary import DashboardForgettingPreviewResponseSummary
    from .dashboard_job_item import DashboardJobItem
    from .dashboard_jobs_response import DashboardJobsResponse
    from .dashboard_labile_response import DashboardLabileResponse
    from .dashboard_lineage_memory import DashboardLineageMemory
    from .dashboard_memory_detail import DashboardMemoryDetail
    from .dashboard_memory_detail_related_events_item import DashboardMemoryDetailRelatedEventsItem
    from .dashboard_memory_lineage_response import DashboardMemoryLineageResponse
    from .dashboard_memory_list_item import DashboardMemoryListItem
    from .dashboard_memory_list_response import DashboardMemoryListResponse
    from .dashboard_ops_metric import DashboardOpsMetric
    from .dashboard_ops_metric_labels import DashboardOpsMetricLabels
    from .dashboard_ops_response import DashboardOpsResponse
    from .dashboard_ops_response_highlights import DashboardOpsResponseHighlights
    from .dashboard_overview import DashboardOverview
    from .dashboard_overview_by_status import DashboardOverviewByStatus
    from .dashboard_overview_by_type import DashboardOverviewByType
    from .dashboard_overview_events_by_operation import DashboardOverviewEventsByOperation
    from .dashboard_overview_events_by_type import DashboardOverviewEventsByType
    from .dashboard_overview_facts_by_category import DashboardOverviewFactsByCategory
    from .dashboard_quality_issue import DashboardQualityIssue
    from .dashboard_quality_response import DashboardQualityResponse
    from .dashboard_quality_response_graph_hygiene import DashboardQualityResponseGraphHygiene
    from .dashboard_quality_response_invalidation_hotspots_item import DashboardQualityResponseInvalidationHotspotsItem
    from .dashboard_rate_limits_response import DashboardRateLimitsResponse
    from .dashboard_reconsolidate_request import DashboardReconsolidateRequest
    from .dashboard_reconsolidation_session_item import DashboardReconsolidationSessionItem
    from .dashboard_reconsolidation_session_item_memories_item import DashboardReconsolidationSessionItemMemoriesItem
    from .dashboard_reconsolidation_sessions_response import DashboardReconsolidationSessionsResponse
    from .dashboard_related_job import DashboardRelatedJob
    from .dashboard_retrieval_explain_response import DashboardRetrievalExplainResponse
    from .dashboard_retrieval_explain_response_retrieval_meta import DashboardRetrievalExplainResponseRetrievalMeta
    from .dashboard_retrieval_request import DashboardRetrievalRequest
    from .dashboard_retrieval_response import DashboardRetrievalResponse
    from .dashboard_sessions_response import DashboardSessionsResponse
    from .dashboard_tenants_response import DashboardTenantsResponse
    from .dashboard_timeline_response import DashboardTimelineResponse
    from .dashboard_write_simulation_chunk import DashboardWriteSimulationChunk
    from .dashboard_write_simulation_chunk_entities_item import DashboardWriteSimulationChunkEntitiesItem
    from .dashboard_write_simulation_chunk_extracted_constraints_item import (
        DashboardWriteSimulationChunkExtractedConstraintsItem,
    )
    from .dashboard_write_simulation_chunk_extracted_facts_item import DashboardWriteSimulationChunkExtractedFactsItem
    from .dashboard_write_simulation_chunk_extractor_outputs import DashboardWriteSimulationChunkExtractorOutputs
    from .dashboard_write_simulation_chunk_redactions_item import DashboardWriteSimulationChunkRedactionsItem
    from .dashboard_write_simulation_chunk_relations_item import DashboardWriteSimulationChunkRelationsItem
    from .dashboard_write_simulation_request import DashboardWriteSimulationRequest
    from .dashboard_write_simulation_request_metadata import DashboardWriteSimulationRequestMetadata
    from .dashboard_write_simulation_response import DashboardWriteSimulationResponse
    from .dashboard_write_simulation_response_summary import DashboardWriteSimulationResponseSummary
    from .delete_all_response import DeleteAllResponse
    from .error_response import ErrorResponse
    from .eval_outcome import EvalOutcome
    from .exported_event import ExportedEvent
    from .exported_fact import ExportedFact
    from .exported_memory import ExportedMemory
    from .fact_item import FactItem
    from .fact_list_response import FactListResponse
    from .forget_action import ForgetAction
    from .forget_request import ForgetRequest
    from .forget_response import ForgetResponse
    from .forgetting_run_result import ForgettingRunResult
    from .forgetting_trigger_result import ForgettingTriggerResult
    from .graph_edge_info import GraphEdgeInfo
    from .graph_edge_info_properties import GraphEdgeInfoProperties
    from .graph_explore_response import GraphExploreResponse
    from .graph_neo4j_config_response import GraphNeo4JConfigResponse
    from .graph_node_info import GraphNodeInfo
    from .graph_node_info_properties import GraphNodeInfoProperties
    from .graph_search_response import GraphSearchResponse
    from .graph_search_result import GraphSearchResult
    from .graph_stats_response import GraphStatsResponse
    from .graph_stats_response_entity_types import GraphStatsResponseEntityTypes
    from .health_response import HealthResponse
    from .health_response_components_type_0 import HealthResponseComponentsType0
    from .hourly_request_count import HourlyRequestCount
    from .http_validation_error import HTTPValidationError
    from .invalidate_fact_result import InvalidateFactResult
    from .job_result import JobResult
    from .latest_evaluation_summary import LatestEvaluationSummary
    from .memory_item import MemoryItem
    from .memory_item_metadata import MemoryItemMetadata
    from .memory_stats import MemoryStats
    from .memory_stats_by_type import MemoryStatsByType
    from .memory_type import MemoryType
    from .model_status_response import ModelStatusResponse
    from .process_turn_request import ProcessTurnRequest
    from .process_turn_response import ProcessTurnResponse
    from .rate_limit_entry import RateLimitEntry
    from .read_memory_request import ReadMemoryRequest
    from .read_memory_response import ReadMemoryResponse
    from .read_stream_done import ReadStreamDone
    from .read_stream_done_retrieval_meta import ReadStreamDoneRetrievalMeta
    from .read_stream_error import ReadStreamError
    from .reconsolidate_result import ReconsolidateResult
    from .related_job_result import RelatedJobResult
    from .request_stats_response import RequestStatsResponse
    from .reset_database_result import ResetDatabaseResult
    from .response_format import ResponseFormat
    from .retrieval_explain_analysis import RetrievalExplainAnalysis
    from .retrieval_explain_analysis_metadata import RetrievalExplainAnalysisMetadata
    from .retrieval_explain_execution_step import RetrievalExplainExecutionStep
    from .retrieval_explain_execution_step_filters import RetrievalExplainExecutionStepFilters
    from .retrieval_explain_execution_step_result_preview_item import RetrievalExplainExecutionStepResultPreviewItem
    from .retrieval_explain_plan_step import RetrievalExplainPlanStep
    from .retrieval_explain_rerank_item import RetrievalExplainRerankItem
    from .retrieval_explain_rerank_item_breakdown import RetrievalExplainRerankItemBreakdown
    from .retrieval_format import RetrievalFormat
    from .retrieval_meta import RetrievalMeta
    from .retrieval_result_item import RetrievalResultItem
    from .retrieval_result_item_metadata import RetrievalResultItemMetadata
    from .retrieval_time_filter import RetrievalTimeFilter
    from .session_context_response import SessionContextResponse
    from .session_info import SessionInfo
    from .session_info_metadata import SessionInfoMetadata
    from .tenant_info import TenantInfo
    from .tenant_labile_info import TenantLabileInfo
    from .timeline_point import TimelinePoint
    from .update_memory_metadata import UpdateMemoryMetadata
    from .update_memory_request import UpdateMemoryRequest
    from .update_memory_response import UpdateMemoryResponse
    from .validation_error_context import ValidationErrorContext
    from .validation_error_detail import ValidationErrorDetail
    from .write_batch_request import WriteBatchRequest
    from .write_batch_response import WriteBatchResponse
    from .write_batch_turn import WriteBatchTurn
    from .write_batch_turn_metadata import WriteBatchTurnMetadata
    from .write_memory_request import WriteMemoryRequest
    from .write_memory_request_metadata import WriteMemoryRequestMetadata
    from .write_memory_response import WriteMemoryResponse
    from .x_requested_with import XRequestedWith

# Class name -> the module (of this package) that defines it.
_MODULES = {
    "BulkAction": "bulk_action",
    "BulkActionRequest": "bulk_action_request",
    "BulkActionResult": "bulk_action_result",
    "ComponentStatus": "component_status",
    "ComponentStatusDetails": "component_status_details",
    "ConfigItem": "config_item",
    "ConfigSection": "config_section",
    "ConfigUpdateRequest": "config_update_request",
    "ConfigUpdateRequestUpdates": "config_update_request_updates",
    "ConfigUpdateResult": "config_update_result",
    "ConsolidateResult": "consolidate_result",
    "ConsolidationTriggerResult": "consolidation_trigger_result",
    "CreateSessionRequest": "create_session_request",
    "CreateSessionRequestMetadata": "create_session_request_metadata",
    "CreateSessionResponse": "create_session_response",
    "DashboardComponentsResponse": "dashboard_components_response",
    "DashboardConfigResponse": "dashboard_config_response",
    "DashboardConsolidateRequest": "dashboard_consolidate_request",
    "DashboardEvaluationArtifact": "dashboard_evaluation_artifact",
    "DashboardEvaluationSummary": "dashboard_evaluation_summary",
    "DashboardEvaluationSummaryComparisonsItem": "dashboard_evaluation_summary_comparisons_item",
    "DashboardEvaluationSummaryReadiness": "dashboard_evaluation_summary_readiness",
    "DashboardEventItem": "dashboard_event_item",
    "DashboardEventListResponse": "dashboard_event_list_response",
    "DashboardFactDetail": "dashboard_fact_detail",
    "DashboardFactDetailLineageItem": "dashboard_fact_detail_lineage_item",
    "DashboardFactDetailSupersededByItem": "dashboard_fact_detail_superseded_by_item",
    "DashboardFactEvidenceItem": "dashboard_fact_evidence_item",
    "DashboardFactEvidenceItemMetadata": "dashboard_fact_evidence_item_metadata",
    "DashboardFactEvidenceResponse": "dashboard_fact_evidence_response",
    "DashboardForgetRequest": "dashboard_forget_request",
    "DashboardForgettingPreviewItem": "dashboard_forgetting_preview_item",
    "DashboardForgettingPreviewItemDuplicateMatchesItem": "dashboard_forgetting_preview_item_duplicate_matches_item",
    "DashboardForgettingPreviewRequest": "dashboard_forgetting_preview_request",
    "DashboardForgettingPreviewResponse": "dashboard_forgetting_preview_response",
    "DashboardForgettingPreviewResponseSummary": "dashboard_forgetting_preview_response_summary",
    "DashboardJobItem": "dashboard_job_item",
    "DashboardJobsResponse": "dashboard_jobs_response",
    "DashboardLabileResponse": "dashboard_labile_response",
    "DashboardLineageMemory": "dashboard_lineage_memory",
    "DashboardMemoryDetail": "dashboard_memory_detail",
    "DashboardMemoryDetailRelatedEventsItem": "dashboard_memory_detail_related_events_item",
    "DashboardMemoryLineageResponse": "dashboard_memory_lineage_response",
    "DashboardMemoryListItem": "dashboard_memory_list_item",
    "DashboardMemoryListResponse": "dashboard_memory_list_response",
    "DashboardOpsMetric": "dashboard_ops_metric",
    "DashboardOpsMetricLabels": "dashboard_ops_metric_labels",
    "DashboardOpsResponse": "dashboard_ops_response",
    "DashboardOpsResponseHighlights": "dashboard_ops_response_highlights",
    "DashboardOverview": "dashboard_overview",
    "DashboardOverviewByStatus": "dashboard_overview_by_status",
    "DashboardOverviewByType": "dashboard_overview_by_type",
    "DashboardOverviewEventsByOperation": "dashboard_overview_events_by_operation",
    "DashboardOverviewEventsByType": "dashboard_overview_events_by_type",
    "DashboardOverviewFactsByCategory": "dashboard_overview_facts_by_category",
    "DashboardQualityIssue": "dashboard_quality_issue",
    "DashboardQualityResponse": "dashboard_quality_response",
    "DashboardQualityResponseGraphHygiene": "dashboard_quality_response_graph_hygiene",
    "DashboardQualityResponseInvalidationHotspotsItem": "dashboard_quality_response_invalidation_hotspots_item",
    "DashboardRateLimitsResponse": "dashboard_rate_limits_response",
    "DashboardReconsolidateRequest": "dashboard_reconsolidate_request",
    "DashboardReconsolidationSessionItem": "dashboard_reconsolidation_session_item",
    "DashboardReconsolidationSessionItemMemoriesItem": "dashboard_reconsolidation_session_item_memories_item",
    "DashboardReconsolidationSessionsResponse": "dashboard_reconsolidation_sessions_response",
    "DashboardRelatedJob": "dashboard_related_job",
    "DashboardRetrievalExplainResponse": "dashboard_retrieval_explain_response",
    "DashboardRetrievalExplainResponseRetrievalMeta": "dashboard_retrieval_explain_response_retrieval_meta",
    "DashboardRetrievalRequest": "dashboard_retrieval_request",
    "DashboardRetrievalResponse": "dashboard_retrieval_response",
    "DashboardSessionsResponse": "dashboard_sessions_response",
    "DashboardTenantsResponse": "dashboard_tenants_response",
    "DashboardTimelineResponse": "dashboard_timeline_response",
    "DashboardWriteSimulationChunk": "dashboard_write_simulation_chunk",
    "DashboardWriteSimulationChunkEntitiesItem": "dashboard_write_simulation_chunk_entities_item",
    "DashboardWriteSimulationChunkExtractedConstraintsItem": "dashboard_write_simulation_chunk_extracted_constraints_item",
    "DashboardWriteSimulationChunkExtractedFactsItem": "dashboard_write_simulation_chunk_extracted_facts_item",
    "DashboardWriteSimulationChunkExtractorOutputs": "dashboard_write_simulation_chunk_extractor_outputs",
    "DashboardWriteSimulationChunkRedactionsItem": "dashboard_write_simulation_chunk_redactions_item",
    "DashboardWriteSimulationChunkRelationsItem": "dashboard_write_simulation_chunk_relations_item",
    "DashboardWriteSimulationRequest": "dashboard_write_simulation_request",
    "DashboardWriteSimulationRequestMetadata": "dashboard_write_simulation_request_metadata",
    "DashboardWriteSimulationResponse": "dashboard_write_simulation_response",
    "DashboardWriteSimulationResponseSummary": "dashboard_write_simulation_response_summary",
    "DeleteAllResponse": "delete_all_response",
    "ErrorResponse": "error_response",
    "EvalOutcome": "eval_outcome",
    "ExportedEvent": "exported_event",
    "ExportedFact": "exported_fact",
    "ExportedMemory": "exported_memory",
    "FactItem": "fact_item",
    "FactListResponse": "fact_list_response",
    "ForgetAction": "forget_action",
    "ForgetRequest": "forget_request",
    "ForgetResponse": "forget_response",
    "ForgettingRunResult": "forgetting_run_result",
    "ForgettingTriggerResult": "forgetting_trigger_result",
    "GraphEdgeInfo": "graph_edge_info",
    "GraphEdgeInfoProperties": "graph_edge_info_properties",
    "GraphExploreResponse": "graph_explore_response",
    "GraphNeo4JConfigResponse": "graph_neo4j_config_response",
    "GraphNodeInfo": "graph_node_info",
    "GraphNodeInfoProperties": "graph_node_info_properties",
    "GraphSearchResponse": "graph_search_response",
    "GraphSearchResult": "graph_search_result",
    "GraphStatsResponse": "graph_stats_response",
    "GraphStatsResponseEntityTypes": "graph_stats_response_entity_types",
    "HealthResponse": "health_response",
    "HealthResponseComponentsType0": "health_response_components_type_0",
    "HourlyRequestCount": "hourly_request_count",
    "HTTPValidationError": "http_validation_error",
    "InvalidateFactResult": "invalidate_fact_result",
    "JobResult": "job_result",
    "LatestEvaluationSummary": "latest_evaluation_summary",
    "MemoryItem": "memory_item",
    "MemoryItemMetadata": "memory_item_metadata",
    "MemoryStats": "memory_stats",
    "MemoryStatsByType": "memory_stats_by_type",
    "MemoryType": "memory_type",
    "ModelStatusResponse": "model_status_response",
    "ProcessTurnRequest": "process_turn_request",
    "ProcessTurnResponse": "process_turn_response",
    "RateLimitEntry": "rate_limit_entry",
    "ReadMemoryRequest": "read_memory_request",
    "ReadMemoryResponse": "read_memory_response",
    "ReadStreamDone": "read_stream_done",
    "ReadStreamDoneRetrievalMeta": "read_stream_done_retrieval_meta",
    "ReadStreamError": "read_stream_error",
    "ReconsolidateResult": "reconsolidate_result",
    "RelatedJobResult": "related_job_result",
    "RequestStatsResponse": "request_stats_response",
    "ResetDatabaseResult": "reset_database_result",
    "ResponseFormat": "response_format",
    "RetrievalExplainAnalysis": "retrieval_explain_analysis",
    "RetrievalExplainAnalysisMetadata": "retrieval_explain_analysis_metadata",
    "RetrievalExplainExecutionStep": "retrieval_explain_execution_step",
    "RetrievalExplainExecutionStepFilters": "retrieval_explain_execution_step_filters",
    "RetrievalExplainExecutionStepResultPreviewItem": "retrieval_explain_execution_step_result_preview_item",
    "RetrievalExplainPlanStep": "retrieval_explain_plan_step",
    "RetrievalExplainRerankItem": "retrieval_explain_rerank_item",
    "RetrievalExplainRerankItemBreakdown": "retrieval_explain_rerank_item_breakdown",
    "RetrievalFormat": "retrieval_format",
    "RetrievalMeta": "retrieval_meta",
    "RetrievalResultItem": "retrieval_result_item",
    "RetrievalResultItemMetadata": "retrieval_result_item_metadata",
    "RetrievalTimeFilter": "retrieval_time_filter",
    "SessionContextResponse": "session_context_response",
    "SessionInfo": "session_info",
    "SessionInfoMetadata": "session_info_metadata",
    "TenantInfo": "tenant_info",
    "TenantLabileInfo": "tenant_labile_info",
    "TimelinePoint": "timeline_point",
    "UpdateMemoryMetadata": "update_memory_metadata",
    "UpdateMemoryRequest": "update_memory_request",
    "UpdateMemoryResponse": "update_memory_response",
    "ValidationErrorContext": "validation_error_context",
    "ValidationErrorDetail": "validation_error_detail",
    "WriteBatchRequest": "write_batch_request",
    "WriteBatchResponse": "write_batch_response",
    "WriteBatchTurn": "write_batch_turn",
    "WriteBatchTurnMetadata": "write_batch_turn_metadata",
    "WriteMemoryRequest": "write_memory_request",
    "WriteMemoryRequestMetadata": "write_memory_request_metadata",
    "WriteMemoryResponse": "write_memory_response",
    "XRequestedWith": "x_requested_with",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = (
    "BulkAction",
    "BulkActionRequest",
    "BulkActionResult",
    "ComponentStatus",
    "ComponentStatusDetails",
    "ConfigItem",
    "ConfigSection",
    "ConfigUpdateRequest",
    "ConfigUpdateRequestUpdates",
    "ConfigUpdateResult",
    "ConsolidateResult",
    "ConsolidationTriggerResult",
    "CreateSessionRequest",
    "CreateSessionRequestMetadata",
    "CreateSessionResponse",
    "DashboardComponentsResponse",
    "DashboardConfigResponse",
    "DashboardConsolidateRequest",
    "DashboardEvaluationArtifact",
    "DashboardEvaluationSummary",
    "DashboardEvaluationSummaryComparisonsItem",
    "DashboardEvaluationSummaryReadiness",
    "DashboardEventItem",
    "DashboardEventListResponse",
    "DashboardFactDetail",
    "DashboardFactDetailLineageItem",
    "DashboardFactDetailSupersededByItem",
    "DashboardFactEvidenceItem",
    "DashboardFactEvidenceItemMetadata",
    "DashboardFactEvidenceResponse",
    "DashboardForgetRequest",
    "DashboardForgettingPreviewItem",
    "DashboardForgettingPreviewItemDuplicateMatchesItem",
    "DashboardForgettingPreviewRequest",
    "DashboardForgettingPreviewResponse",
    "DashboardForgettingPreviewResponseSummary",
    "DashboardJobItem",
    "DashboardJobsResponse",
    "DashboardLabileResponse",
    "DashboardLineageMemory",
    "DashboardMemoryDetail",
    "DashboardMemoryDetailRelatedEventsItem",
    "DashboardMemoryLineageResponse",
    "DashboardMemoryListItem",
    "DashboardMemoryListResponse",
    "DashboardOpsMetric",
    "DashboardOpsMetricLabels",
    "DashboardOpsResponse",
    "DashboardOpsResponseHighlights",
    "DashboardOverview",
    "DashboardOverviewByStatus",
    "DashboardOverviewByType",
    "DashboardOverviewEventsByOperation",
    "DashboardOverviewEventsByType",
    "DashboardOverviewFactsByCategory",
    "DashboardQualityIssue",
    "DashboardQualityResponse",
    "DashboardQualityResponseGraphHygiene",
    "DashboardQualityResponseInvalidationHotspotsItem",
    "DashboardRateLimitsResponse",
    "DashboardReconsolidateRequest",
    "DashboardReconsolidationSessionItem",
    "DashboardReconsolidationSessionItemMemoriesItem",
    "DashboardReconsolidationSessionsResponse",
    "DashboardRelatedJob",
    "DashboardRetrievalExplainResponse",
    "DashboardRetrievalExplainResponseRetrievalMeta",
    "DashboardRetrievalRequest",
    "DashboardRetrievalResponse",
    "DashboardSessionsResponse",
    "DashboardTenantsResponse",
    "DashboardTimelineResponse",
    "DashboardWriteSimulationChunk",
    "DashboardWriteSimulationChunkEntitiesItem",
    "DashboardWriteSimulationChunkExtractedConstraintsItem",
    "DashboardWriteSimulationChunkExtractedFactsItem",
    "DashboardWriteSimulationChunkExtractorOutputs",
    "DashboardWriteSimulationChunkRedactionsItem",
    "DashboardWriteSimulationChunkRelationsItem",
    "DashboardWriteSimulationRequest",
    "DashboardWriteSimulationRequestMetadata",
    "DashboardWriteSimulationResponse",
    "DashboardWriteSimulationResponseSummary",
    "DeleteAllResponse",
    "ErrorResponse",
    "EvalOutcome",
    "ExportedEvent",
    "ExportedFact",
    "ExportedMemory",
    "FactItem",
    "FactListResponse",
    "ForgetAction",
    "ForgetRequest",
    "ForgetResponse",
    "ForgettingRunResult",
    "ForgettingTriggerResult",
    "GraphEdgeInfo",
    "GraphEdgeInfoProperties",
    "GraphExploreResponse",
    "GraphNeo4JConfigResponse",
    "GraphNodeInfo",
    "GraphNodeInfoProperties",
    "GraphSearchResponse",
    "GraphSearchResult",
    "GraphStatsResponse",
    "GraphStatsResponseEntityTypes",
    "HealthResponse",
    "HealthResponseComponentsType0",
    "HourlyRequestCount",
    "HTTPValidationError",
    "InvalidateFactResult",
    "JobResult",
    "LatestEvaluationSummary",
    "MemoryItem",
    "MemoryItemMetadata",
    "MemoryStats",
    "MemoryStatsByType",
    "MemoryType",
    "ModelStatusResponse",
    "ProcessTurnRequest",
    "ProcessTurnResponse",
    "RateLimitEntry",
    "ReadMemoryRequest",
    "ReadMemoryResponse",
    "ReadStreamDone",
    "ReadStreamDoneRetrievalMeta",
    "ReadStreamError",
    "ReconsolidateResult",
    "RelatedJobResult",
    "RequestStatsResponse",
    "ResetDatabaseResult",
    "ResponseFormat",
    "RetrievalExplainAnalysis",
    "RetrievalExplainAnalysisMetadata",
    "RetrievalExplainExecutionStep",
    "RetrievalExplainExecutionStepFilters",
    "RetrievalExplainExecutionStepResultPreviewItem",
    "RetrievalExplainPlanStep",
    "RetrievalExplainRerankItem",
    "RetrievalExplainRerankItemBreakdown",
    "RetrievalFormat",
    "RetrievalMeta",
    "RetrievalResultItem",
    "RetrievalResultItemMetadata",
    "RetrievalTimeFilter",
    "SessionContextResponse",
    "SessionInfo",
    "SessionInfoMetadata",
    "TenantInfo",
    "TenantLabileInfo",
    "TimelinePoint",
    "UpdateMemoryMetadata",
    "UpdateMemoryRequest",
    "UpdateMemoryResponse",
    "ValidationErrorContext",
    "ValidationErrorDetail",
    "WriteBatchRequest",
    "WriteBatchResponse",
    "WriteBatchTurn",
    "WriteBatchTurnMetadata",
    "WriteMemoryRequest",
    "WriteMemoryRequestMetadata",
    "WriteMemoryResponse",
    "XRequestedWith",
)
