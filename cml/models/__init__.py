"""The public models: what every mode (HTTP sync/async, embedded) returns.

Small frozen attrs classes with plain Python values. Optional values are `None`, never a sentinel;
timestamps are timezone-aware (`datetime` in UTC when the server sent none, as the CML server does
for memory items).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import attrs
from dateutil import parser as _dateparser

if TYPE_CHECKING:
    from .._exceptions import CMLError

__all__ = [
    "ForgetAction",
    "ForgetResponse",
    "HealthResponse",
    "MemoryItem",
    "MemorySource",
    "MemoryStatus",
    "MemoryType",
    "ReadResponse",
    "ResponseFormat",
    "ServerCheck",
    "SessionContextResponse",
    "SessionResponse",
    "StatsResponse",
    "TurnResponse",
    "UpdateResponse",
    "WriteResponse",
]

ResponseFormat = Literal["packet", "list", "llm_context"]
ForgetAction = Literal["delete", "archive", "silence"]
Feedback = Literal["correct", "incorrect", "outdated"]


class MemoryType(enum.StrEnum):
    """What kind of memory a record is. The server stores `episodic_event` when none is given."""

    EPISODIC_EVENT = "episodic_event"
    SEMANTIC_FACT = "semantic_fact"
    PROCEDURE = "procedure"
    CONSTRAINT = "constraint"
    HYPOTHESIS = "hypothesis"
    PREFERENCE = "preference"
    TASK_STATE = "task_state"
    CONVERSATION = "conversation"
    MESSAGE = "message"
    TOOL_RESULT = "tool_result"
    REASONING_STEP = "reasoning_step"
    SCRATCH = "scratch"
    KNOWLEDGE = "knowledge"
    OBSERVATION = "observation"
    PLAN = "plan"


class MemoryStatus(enum.StrEnum):
    """Lifecycle state: only `active` memories are retrieved by default."""

    ACTIVE = "active"
    SILENT = "silent"
    COMPRESSED = "compressed"
    ARCHIVED = "archived"
    DELETED = "deleted"


class MemorySource(enum.StrEnum):
    """Where a memory came from."""

    USER_EXPLICIT = "user_explicit"
    USER_CONFIRMED = "user_confirmed"
    AGENT_INFERRED = "agent_inferred"
    TOOL_RESULT = "tool_result"
    CONSOLIDATION = "consolidation"
    RECONSOLIDATION = "reconsolidation"


def parse_datetime(value: datetime | str) -> datetime:
    """Parse an ISO-8601 timestamp with or without a zone; a naive one is taken as UTC."""
    if isinstance(value, datetime):
        parsed = value
    else:
        try:  # the C parser handles what servers send (with or without a zone, "Z" included)
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = _dateparser.isoparse(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _optional_datetime(value: datetime | str | None) -> datetime | None:
    return None if value is None else parse_datetime(value)


def _memory_type(value: MemoryType | str) -> MemoryType | str:
    # A newer server may send a type this client does not know; keep it as text, don't fail.
    try:
        return MemoryType(value)
    except ValueError:
        return str(value)


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return dict(value or {})


@attrs.frozen(slots=True)
class MemoryItem:
    """One retrieved memory."""

    id: UUID = attrs.field(converter=_uuid)
    text: str
    type: MemoryType | str = attrs.field(converter=_memory_type)
    confidence: float
    relevance: float
    timestamp: datetime = attrs.field(converter=parse_datetime)
    metadata: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)


def _optional_strings(values: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def _items(values: Sequence[MemoryItem] | None) -> tuple[MemoryItem, ...]:
    return tuple(values or ())


@attrs.frozen(slots=True)
class ReadResponse:
    """The result of a read: ranked memories, grouped by kind, and a context string for an LLM."""

    query: str
    memories: tuple[MemoryItem, ...] = attrs.field(converter=_items)
    total_count: int
    elapsed_ms: float
    facts: tuple[MemoryItem, ...] = attrs.field(factory=tuple, converter=_items)
    preferences: tuple[MemoryItem, ...] = attrs.field(factory=tuple, converter=_items)
    episodes: tuple[MemoryItem, ...] = attrs.field(factory=tuple, converter=_items)
    constraints: tuple[MemoryItem, ...] = attrs.field(factory=tuple, converter=_items)
    llm_context: str | None = None
    retrieval_meta: Mapping[str, Any] | None = None
    #: Whether the memories found suffice to answer the query, as the server judges it (server
    #: 2.0.0 and later; None from a 1.5.1 server).
    sufficiency: Mapping[str, Any] | None = None
    #: Caveats about the answer (server 2.0.0 and later; None from a 1.5.1 server).
    warnings: tuple[str, ...] | None = attrs.field(default=None, converter=_optional_strings)
    #: What the memories found leave open (server 2.0.0 and later; None from a 1.5.1 server).
    open_questions: tuple[str, ...] | None = attrs.field(default=None, converter=_optional_strings)
    #: Set only in `batch_read` results, for a query that failed; the other fields are then empty.
    error: CMLError | None = attrs.field(default=None, eq=False)

    @property
    def context(self) -> str:
        """The memories formatted for injection into an LLM prompt.

        The server's own `llm_context` when it sent one (format `llm_context`), otherwise the same
        layout built from the memories returned.
        """
        if self.llm_context is not None:
            return self.llm_context
        from .._context import format_memory_context

        return format_memory_context(self)

    @property
    def ok(self) -> bool:
        return self.error is None

    def __len__(self) -> int:
        return len(self.memories)

    def __iter__(self) -> Any:
        return iter(self.memories)


@attrs.frozen(slots=True)
class WriteResponse:
    """The result of a write; `memory_id` is None when nothing was stored (e.g. skipped)."""

    success: bool
    memory_id: UUID | None = None
    chunks_created: int = 0
    message: str = ""
    eval_outcome: Literal["stored", "skipped"] | None = None
    eval_reason: str | None = None
    #: Set only in `batch_write` results, for an item that failed; `success` is then False.
    error: CMLError | None = attrs.field(default=None, eq=False)

    @property
    def ok(self) -> bool:
        return self.success and self.error is None


@attrs.frozen(slots=True)
class TurnResponse:
    """The result of a conversation turn: the memory context to use, and what was stored."""

    memory_context: str
    memories_retrieved: int
    memories_stored: int
    reconsolidation_applied: bool = False


@attrs.frozen(slots=True)
class UpdateResponse:
    success: bool
    memory_id: UUID
    version: int
    message: str = ""


@attrs.frozen(slots=True)
class ForgetResponse:
    success: bool
    affected_count: int
    message: str = ""


@attrs.frozen(slots=True)
class StatsResponse:
    """Counts and averages over the caller's memories."""

    total_memories: int
    active_memories: int
    silent_memories: int
    archived_memories: int
    by_type: Mapping[str, int]
    avg_confidence: float
    avg_importance: float
    estimated_size_mb: float
    oldest_memory: datetime | None = attrs.field(default=None, converter=_optional_datetime)
    newest_memory: datetime | None = attrs.field(default=None, converter=_optional_datetime)


@attrs.frozen(slots=True)
class SessionResponse:
    session_id: str
    created_at: datetime = attrs.field(converter=parse_datetime)
    expires_at: datetime | None = attrs.field(default=None, converter=_optional_datetime)


@attrs.frozen(slots=True)
class SessionContextResponse:
    """What a session holds: its messages, tool results and scratch pad, and a context string."""

    session_id: str
    messages: tuple[MemoryItem, ...] = attrs.field(factory=tuple, converter=_items)
    tool_results: tuple[MemoryItem, ...] = attrs.field(factory=tuple, converter=_items)
    scratch_pad: tuple[MemoryItem, ...] = attrs.field(factory=tuple, converter=_items)
    context_string: str = ""


@attrs.frozen(slots=True)
class HealthResponse:
    """Server health. py-cml's own server reports `version`; the upstream server sends none."""

    status: str
    timestamp: datetime | None = attrs.field(default=None, converter=_optional_datetime)
    version: str | None = None
    api_version: str | None = None
    #: Per-component health, when the server sends it (the upstream model has the field).
    components: Mapping[str, Any] | None = None


@attrs.frozen(slots=True)
class ServerCheck:
    """Which CML server release the server runs, against the release the client is pinned to.

    `server_api_version` is the release told from the server's OpenAPI document (servers do not
    report it); None when the document matches no supported release exactly, and then `closest`
    and `differences` say how near it came. `compatible` is None when the release is unknown.
    """

    client_api_version: str
    server_api_version: str | None
    server_version: str | None
    compatible: bool | None
    message: str
    closest: str | None = None
    differences: tuple[str, ...] = ()

    @property
    def status(self) -> Literal["match", "mismatch", "unknown"]:
        if self.compatible is None:
            return "unknown"
        return "match" if self.compatible else "mismatch"


# The upstream SDK's other model names. `OperationType` is one enum; the others are derived from
# the generated models on first use (building ~50 attrs classes costs `import cml` ~50 ms).
from .._lazy import lazy_exports  # noqa: E402
from .enums import OperationType  # noqa: E402

if TYPE_CHECKING:
    from .memory import (
        MemoryPacket,
        MemoryRecord,
    )
    from .requests import (
        BulkActionRequest,
        ConfigUpdateRequest,
        CreateSessionRequest,
        DashboardConsolidateRequest,
        DashboardForgetRequest,
        DashboardReconsolidateRequest,
        DashboardRetrievalRequest,
        ForgetRequest,
        ReadRequest,
        TurnRequest,
        UpdateRequest,
        WriteRequest,
    )
    from .responses import (
        ComponentStatus,
        ConfigItem,
        ConfigSection,
        ConsolidationResult,
        DashboardComponentsResponse,
        DashboardConfigResponse,
        DashboardEventItem,
        DashboardEventListResponse,
        DashboardFactItem,
        DashboardFactListResponse,
        DashboardJobItem,
        DashboardJobsResponse,
        DashboardLabileResponse,
        DashboardMemoryDetail,
        DashboardMemoryListItem,
        DashboardMemoryListResponse,
        DashboardOverview,
        DashboardRateLimitsResponse,
        DashboardRetrievalResponse,
        DashboardSessionsResponse,
        DashboardTenantsResponse,
        DashboardTimelineResponse,
        ForgettingResult,
        GraphEdgeInfo,
        GraphExploreResponse,
        GraphNeo4jConfigResponse,
        GraphNodeInfo,
        GraphSearchResponse,
        GraphSearchResult,
        GraphStatsResponse,
        HourlyRequestCount,
        RateLimitEntry,
        ReconsolidationResult,
        RequestStatsResponse,
        RetrievalResultItem,
        SessionInfo,
        TenantInfo,
        TenantLabileInfo,
        TimelinePoint,
    )

_LAZY = {
    "MemoryPacket": "memory",
    "MemoryRecord": "memory",
    "BulkActionRequest": "requests",
    "ConfigUpdateRequest": "requests",
    "CreateSessionRequest": "requests",
    "DashboardConsolidateRequest": "requests",
    "DashboardForgetRequest": "requests",
    "DashboardReconsolidateRequest": "requests",
    "DashboardRetrievalRequest": "requests",
    "ForgetRequest": "requests",
    "ReadRequest": "requests",
    "TurnRequest": "requests",
    "UpdateRequest": "requests",
    "WriteRequest": "requests",
    "ComponentStatus": "responses",
    "ConfigItem": "responses",
    "ConfigSection": "responses",
    "ConsolidationResult": "responses",
    "DashboardComponentsResponse": "responses",
    "DashboardConfigResponse": "responses",
    "DashboardEventItem": "responses",
    "DashboardEventListResponse": "responses",
    "DashboardFactItem": "responses",
    "DashboardFactListResponse": "responses",
    "DashboardJobItem": "responses",
    "DashboardJobsResponse": "responses",
    "DashboardLabileResponse": "responses",
    "DashboardMemoryDetail": "responses",
    "DashboardMemoryListItem": "responses",
    "DashboardMemoryListResponse": "responses",
    "DashboardOverview": "responses",
    "DashboardRateLimitsResponse": "responses",
    "DashboardRetrievalResponse": "responses",
    "DashboardSessionsResponse": "responses",
    "DashboardTenantsResponse": "responses",
    "DashboardTimelineResponse": "responses",
    "ForgettingResult": "responses",
    "GraphEdgeInfo": "responses",
    "GraphExploreResponse": "responses",
    "GraphNeo4jConfigResponse": "responses",
    "GraphNodeInfo": "responses",
    "GraphSearchResponse": "responses",
    "GraphSearchResult": "responses",
    "GraphStatsResponse": "responses",
    "HourlyRequestCount": "responses",
    "RateLimitEntry": "responses",
    "ReconsolidationResult": "responses",
    "RequestStatsResponse": "responses",
    "RetrievalResultItem": "responses",
    "SessionInfo": "responses",
    "TenantInfo": "responses",
    "TenantLabileInfo": "responses",
    "TimelinePoint": "responses",
}


__getattr__ = lazy_exports(globals(), {name: f".{module}" for name, module in _LAZY.items()})


__all__ += [
    "BulkActionRequest",
    "ComponentStatus",
    "ConfigItem",
    "ConfigSection",
    "ConfigUpdateRequest",
    "ConsolidationResult",
    "CreateSessionRequest",
    "DashboardComponentsResponse",
    "DashboardConfigResponse",
    "DashboardConsolidateRequest",
    "DashboardEventItem",
    "DashboardEventListResponse",
    "DashboardFactItem",
    "DashboardFactListResponse",
    "DashboardForgetRequest",
    "DashboardJobItem",
    "DashboardJobsResponse",
    "DashboardLabileResponse",
    "DashboardMemoryDetail",
    "DashboardMemoryListItem",
    "DashboardMemoryListResponse",
    "DashboardOverview",
    "DashboardRateLimitsResponse",
    "DashboardReconsolidateRequest",
    "DashboardRetrievalRequest",
    "DashboardRetrievalResponse",
    "DashboardSessionsResponse",
    "DashboardTenantsResponse",
    "DashboardTimelineResponse",
    "ForgetRequest",
    "ForgettingResult",
    "GraphEdgeInfo",
    "GraphExploreResponse",
    "GraphNeo4jConfigResponse",
    "GraphNodeInfo",
    "GraphSearchResponse",
    "GraphSearchResult",
    "GraphStatsResponse",
    "HourlyRequestCount",
    "MemoryPacket",
    "MemoryRecord",
    "OperationType",
    "RateLimitEntry",
    "ReadRequest",
    "ReconsolidationResult",
    "RequestStatsResponse",
    "RetrievalResultItem",
    "SessionInfo",
    "TenantInfo",
    "TenantLabileInfo",
    "TimelinePoint",
    "TurnRequest",
    "UpdateRequest",
    "WriteRequest",
]
