"""Each client method as a `PreparedOperation`: which operation, which arguments, which converter.

The sync and async clients both build their requests here, so the wire shape of every call is
written once. Request bodies are generated models and responses are parsed by generated code;
this module only translates between them and `cml.models`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from uuid import UUID

import attrs

# The request models load on first use (the generated package is lazy): building their attrs
# classes is most of what `import cml` would otherwise spend here.
from cml_api.v2_0_0 import models as wire
from cml_api.v2_0_0.types import UNSET, Unset

from ._exceptions import InvalidRequestError
from ._releases import unset_types
from .models import (
    ForgetAction,
    ForgetResponse,
    HealthResponse,
    MemoryItem,
    MemoryType,
    ReadResponse,
    ResponseFormat,
    SessionContextResponse,
    SessionResponse,
    StatsResponse,
    TurnResponse,
    UpdateResponse,
    WriteResponse,
    parse_datetime,
)

if TYPE_CHECKING:
    from .models import responses as R
else:

    class _Responses:
        # `cml.models.responses` on first use, so `import cml` does not build its classes.
        def __getattr__(self, name: str) -> Any:
            from .models import responses

            return getattr(responses, name)

    R = _Responses()

__all__ = [
    "BATCH_FIELDS",
    "MAX_BATCH_TURNS",
    "PreparedOperation",
    "memory_item",
    "read_response",
]

T = TypeVar("T")
JSON = dict[str, Any]


@attrs.frozen(slots=True)
class PreparedOperation(Generic[T]):
    """One API operation, ready to send: its operation id, its arguments, a converter.

    The client takes the operation's generated module from the server release it is pinned to
    (every release names it alike); the module's `_get_kwargs` builds the request and its
    `_parse_response` parses a success, so the wire shape always comes from the spec. Request
    bodies are built with the newest release's models: a body's wire form is its `to_dict()`.
    """

    operation: str
    kwargs: Mapping[str, Any]
    convert: Callable[[Any], T]
    #: Send-time options the client applies (e.g. `X-Eval-Mode`).
    headers: Mapping[str, str] = attrs.field(factory=dict)


#: The most turns `POST /memory/write_batch` accepts in one request.
MAX_BATCH_TURNS = 500
#: Write fields `write_batch` turns can carry; an item with any other field is written alone.
BATCH_FIELDS = frozenset({"content", "metadata", "session_id", "timestamp", "turn_id"})
FEEDBACK = ("correct", "incorrect", "outdated")


def _opt(value: T | None) -> T | Unset:
    """Leave a field out of the request when the caller did not give it."""
    return UNSET if value is None else value


def _naive_utc(value: datetime | None) -> datetime | Unset:
    """A time as both live server releases compare it: in UTC, without a zone.

    They compare `before` / `since` / `until` with naive stored times, and answer 500 for an
    aware value; a naive value is taken as UTC already and sent as it is.
    """
    if value is None:
        return UNSET
    if not isinstance(value, datetime):
        raise InvalidRequestError(f"expected a datetime, not {type(value).__name__}")
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _wire_types(types: Iterable[MemoryType | str] | None) -> list[wire.MemoryType] | Unset:
    if types is None:
        return UNSET
    try:
        return [wire.MemoryType(str(t.value if isinstance(t, MemoryType) else t)) for t in types]
    except ValueError as exc:
        known = ", ".join(m.value for m in MemoryType)
        raise InvalidRequestError(f"unknown memory type: {exc}; known types: {known}") from None


def _text(value: str, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise InvalidRequestError(f"{name} must not be empty")
    return value


def _strings(values: Sequence[str] | None, name: str) -> list[str] | Unset:
    """A list of strings for the wire; one bare string is refused, not split into letters."""
    if values is None:
        return UNSET
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise InvalidRequestError(
            f"{name} must be a list of strings, not {type(values).__name__}",
            hint=f"Pass {name}=[...] even for one value.",
        )
    listed = list(values)
    for value in listed:
        if not isinstance(value, str):
            raise InvalidRequestError(f"{name} must hold strings, not {type(value).__name__}")
    return listed


def _mapping(value: Mapping[str, Any] | None, name: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidRequestError(f"{name} must be a mapping, not {type(value).__name__}")
    return dict(value)


def _to_dict(parsed: Any) -> JSON:
    return dict(parsed.to_dict())


def _to_dict_list(parsed: Any) -> list[JSON]:
    return [dict(item.to_dict()) if hasattr(item, "to_dict") else dict(item) for item in parsed]


def _unset_to_none(value: Any) -> Any:
    # A response is parsed by the pinned release's models, each release with its own `Unset`.
    return None if isinstance(value, unset_types()) else value


# -- conversions from the generated models -----------------------------------------------------


def memory_item(wire: Any) -> MemoryItem:
    metadata = _unset_to_none(wire.metadata)
    return MemoryItem(
        id=wire.id,
        text=wire.text,
        type=wire.type_,
        confidence=wire.confidence,
        relevance=wire.relevance,
        timestamp=wire.timestamp,
        metadata=metadata.to_dict() if metadata is not None else {},
    )


def _items(values: Any) -> list[MemoryItem]:
    return [memory_item(v) for v in _unset_to_none(values) or ()]


def read_response(wire: Any) -> ReadResponse:
    meta = _unset_to_none(wire.retrieval_meta)
    return ReadResponse(
        query=wire.query,
        memories=_items(wire.memories),
        total_count=wire.total_count,
        elapsed_ms=wire.elapsed_ms,
        facts=_items(wire.facts),
        preferences=_items(wire.preferences),
        episodes=_items(wire.episodes),
        constraints=_items(wire.constraints),
        llm_context=_unset_to_none(wire.llm_context),
        retrieval_meta=meta.to_dict() if meta is not None else None,
        # New in server 2.0.0: a 1.5.1 answer is parsed by 1.5.1's model, which lacks them.
        sufficiency=_plain(getattr(wire, "sufficiency", None)),
        warnings=_unset_to_none(getattr(wire, "warnings", None)),
        open_questions=_unset_to_none(getattr(wire, "open_questions", None)),
    )


def _plain(value: Any) -> Any:
    return _free_form(_unset_to_none(value))


def write_response(wire: Any) -> WriteResponse:
    outcome = _unset_to_none(wire.eval_outcome)
    return WriteResponse(
        success=wire.success,
        memory_id=_unset_to_none(wire.memory_id),
        chunks_created=_unset_to_none(wire.chunks_created) or 0,
        message=_unset_to_none(wire.message) or "",
        eval_outcome=outcome.value if outcome is not None else None,
        eval_reason=_unset_to_none(wire.eval_reason),
    )


# -- memory ------------------------------------------------------------------------------------


def write(
    content: str,
    *,
    context_tags: Sequence[str] | None = None,
    session_id: str | None = None,
    memory_type: MemoryType | str | None = None,
    namespace: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    turn_id: str | None = None,
    agent_id: str | None = None,
    timestamp: datetime | None = None,
    eval_mode: bool = False,
) -> PreparedOperation[WriteResponse]:
    types = _wire_types([memory_type] if memory_type is not None else None)
    metadata = _mapping(metadata, "metadata")
    body = wire.WriteMemoryRequest(
        content=_text(content, "content"),
        context_tags=_strings(context_tags, "context_tags"),
        session_id=_opt(session_id),
        memory_type=types[0] if not isinstance(types, Unset) else UNSET,
        namespace=_opt(namespace),
        metadata=wire.WriteMemoryRequestMetadata.from_dict(metadata) if metadata else UNSET,
        turn_id=_opt(turn_id),
        agent_id=_opt(agent_id),
        timestamp=_opt(timestamp),
    )
    headers = {"X-Eval-Mode": "true"} if eval_mode else {}
    return PreparedOperation("write_memory", {"body": body}, write_response, headers=headers)


def batch_turns(
    items: Sequence[Mapping[str, Any]], session_id: str | None
) -> PreparedOperation[Any]:
    turns = []
    for item in items:
        metadata = _mapping(item.get("metadata"), "metadata")
        turns.append(
            wire.WriteBatchTurn(
                content=_text(item["content"], "content"),
                metadata=wire.WriteBatchTurnMetadata.from_dict(metadata) if metadata else UNSET,
                session_id=_opt(item.get("session_id", session_id)),
                timestamp=_opt(item.get("timestamp")),
                turn_id=_opt(item.get("turn_id")),
            )
        )
    return PreparedOperation(
        "write_memory_batch", {"body": wire.WriteBatchRequest(turns=turns)}, lambda wire: wire
    )


def read(
    query: str,
    *,
    max_results: int = 10,
    context_filter: Sequence[str] | None = None,
    memory_types: Sequence[MemoryType | str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    response_format: ResponseFormat = "packet",
    user_timezone: str | None = None,
    session_id: str | None = None,
) -> PreparedOperation[ReadResponse]:
    """`POST /memory/read` (or the session's read); `streamed()` sends it to the stream route.

    The one place a read's arguments are listed below the clients: a new read parameter is
    added here, as a field of the body, and in the async client's read methods.
    """
    if not 1 <= max_results <= 50:
        raise InvalidRequestError(f"max_results must be between 1 and 50, not {max_results}")
    try:
        wire_format = wire.ResponseFormat(response_format)
    except ValueError:
        raise InvalidRequestError(
            f"response_format must be 'packet', 'list' or 'llm_context', not {response_format!r}"
        ) from None
    body = wire.ReadMemoryRequest(
        query=_text(query, "query"),
        max_results=max_results,
        context_filter=_strings(context_filter, "context_filter"),
        memory_types=_wire_types(memory_types),
        since=_naive_utc(since),
        until=_naive_utc(until),
        format_=wire_format,
        user_timezone=_opt(user_timezone),
    )
    if session_id is not None:
        return PreparedOperation(
            "session_read", {"session_id": session_id, "body": body}, read_response
        )
    return PreparedOperation("read_memory", {"body": body}, read_response)


def streamed(read_call: PreparedOperation[ReadResponse]) -> PreparedOperation[None]:
    """The same read, sent to `POST /memory/read/stream` (its items come as events)."""
    return PreparedOperation("read_memory_stream", read_call.kwargs, lambda _: None)


def turn(
    user_message: str,
    *,
    assistant_response: str | None = None,
    session_id: str | None = None,
    max_context_tokens: int = 1500,
    timestamp: datetime | None = None,
    user_timezone: str | None = None,
) -> PreparedOperation[TurnResponse]:
    body = wire.ProcessTurnRequest(
        user_message=_text(user_message, "user_message"),
        assistant_response=_opt(assistant_response),
        session_id=_opt(session_id),
        max_context_tokens=max_context_tokens,
        timestamp=_opt(timestamp),
        user_timezone=_opt(user_timezone),
    )

    def convert(wire: Any) -> TurnResponse:
        return TurnResponse(
            memory_context=wire.memory_context,
            memories_retrieved=wire.memories_retrieved,
            memories_stored=wire.memories_stored,
            reconsolidation_applied=bool(_unset_to_none(wire.reconsolidation_applied)),
        )

    return PreparedOperation("process_turn", {"body": body}, convert)


def update(
    memory_id: UUID | str,
    *,
    text: str | None = None,
    confidence: float | None = None,
    importance: float | None = None,
    metadata: Mapping[str, Any] | None = None,
    feedback: str | None = None,
) -> PreparedOperation[UpdateResponse]:
    if feedback is not None and feedback not in FEEDBACK:
        raise InvalidRequestError(
            f"feedback must be one of {', '.join(FEEDBACK)}, not {feedback!r}"
        )
    for name, value in (("confidence", confidence), ("importance", importance)):
        if value is not None and not 0.0 <= value <= 1.0:
            raise InvalidRequestError(f"{name} must be between 0 and 1, not {value}")
    body = wire.UpdateMemoryRequest(
        memory_id=_uuid(memory_id, "memory_id"),
        text=_opt(_text(text, "text") if text is not None else None),
        confidence=_opt(confidence),
        importance=_opt(importance),
        metadata=(
            wire.UpdateMemoryMetadata.from_dict(_mapping(metadata, "metadata") or {})
            if metadata is not None
            else UNSET
        ),
        feedback=_opt(feedback),
    )

    def convert(wire: Any) -> UpdateResponse:
        return UpdateResponse(
            success=wire.success,
            memory_id=wire.memory_id,
            version=wire.version,
            message=_unset_to_none(wire.message) or "",
        )

    return PreparedOperation("update_memory", {"body": body}, convert)


def namespace_name(namespace: str) -> str:
    return _text(namespace, "namespace")


def tenant_name(tenant_id: str) -> str:
    return _text(tenant_id, "tenant_id")


class MemoryPager:
    """Walks the dashboard memory listing page by page for `iter_memories`."""

    def __init__(
        self,
        *,
        memory_types: Sequence[MemoryType | str] | None,
        status: str | None,
        batch_size: int,
    ) -> None:
        if not 1 <= batch_size <= 200:
            raise InvalidRequestError(f"batch_size must be between 1 and 200, not {batch_size}")
        self._types = {str(t.value if isinstance(t, MemoryType) else t) for t in memory_types or ()}
        # One type can be filtered by the server; several are filtered here.
        self._type = next(iter(self._types)) if len(self._types) == 1 else None
        self._status = status
        self._size = batch_size
        self._page = 1
        self._done = False

    def next_call(self) -> PreparedOperation[R.DashboardMemoryListResponse] | None:
        if self._done:
            return None
        return memories_page(
            tenant_id=None,
            page=self._page,
            per_page=self._size,
            type=self._type,
            status=self._status,
            search=None,
            sort_by="timestamp",
            order="asc",
        )

    def take(self, listing: R.DashboardMemoryListResponse) -> list[MemoryItem]:
        page = listing.to_dict()
        items = page.get("items", [])
        self._done = not items or self._page >= int(page.get("total_pages", self._page))
        self._page += 1
        return [
            MemoryItem(
                id=item["id"],
                text=item["text"],
                type=item["type"],
                confidence=item.get("confidence", 0.5),
                relevance=1.0,
                timestamp=item.get("timestamp") or item.get("written_at") or _EPOCH,
                metadata={k: v for k, v in item.items() if k not in _ITEM_FIELDS},
            )
            for item in items
            if not self._types or item["type"] in self._types
        ]


_ITEM_FIELDS = frozenset({"id", "text", "type", "confidence", "timestamp"})
_EPOCH = "1970-01-01T00:00:00+00:00"


def _uuid(value: UUID | str, name: str) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise InvalidRequestError(f"{name} is not a UUID: {value!r}") from None


def forget(
    *,
    memory_ids: Sequence[UUID | str] | None = None,
    query: str | None = None,
    before: datetime | None = None,
    action: ForgetAction = "delete",
) -> PreparedOperation[ForgetResponse]:
    if not memory_ids and query is None and before is None:
        raise InvalidRequestError("forget needs memory_ids, query or before (or several)")
    try:
        wire_action = wire.ForgetAction(action)
    except ValueError:
        raise InvalidRequestError(
            f"action must be 'delete', 'archive' or 'silence', not {action!r}"
        ) from None
    body = wire.ForgetRequest(
        memory_ids=[_uuid(m, "memory_ids") for m in memory_ids] if memory_ids else UNSET,
        query=_opt(query),
        before=_naive_utc(before),
        action=wire_action,
    )

    def convert(wire: Any) -> ForgetResponse:
        return ForgetResponse(
            success=wire.success,
            affected_count=wire.affected_count,
            message=_unset_to_none(wire.message) or "",
        )

    return PreparedOperation("forget_memory", {"body": body}, convert)


def stats() -> PreparedOperation[StatsResponse]:
    def convert(wire: Any) -> StatsResponse:
        return StatsResponse(
            total_memories=wire.total_memories,
            active_memories=wire.active_memories,
            silent_memories=wire.silent_memories,
            archived_memories=wire.archived_memories,
            by_type=dict(wire.by_type.to_dict()),
            avg_confidence=wire.avg_confidence,
            avg_importance=wire.avg_importance,
            estimated_size_mb=wire.estimated_size_mb,
            oldest_memory=_unset_to_none(wire.oldest_memory),
            newest_memory=_unset_to_none(wire.newest_memory),
        )

    return PreparedOperation("get_memory_stats", {}, convert)


def health() -> PreparedOperation[HealthResponse]:
    def convert(wire: Any) -> HealthResponse:
        return HealthResponse(
            status=wire.status,
            timestamp=_unset_to_none(wire.timestamp),
            version=_unset_to_none(wire.version),
            api_version=_unset_to_none(wire.api_version),
            # Upstream's model has it; the overlay documents it as optional.
            components=_plain(getattr(wire, "components", None)),
        )

    return PreparedOperation("health_check", {}, convert)


def delete_all(*, confirm: bool) -> PreparedOperation[int]:
    if confirm is not True:
        raise InvalidRequestError(
            "delete_all removes every memory of the tenant; pass confirm=True to do it"
        )
    return PreparedOperation("delete_all_memories", {}, lambda wire: int(wire.affected_count))


# -- sessions ----------------------------------------------------------------------------------


def create_session_call(
    *, name: str | None = None, ttl_hours: int = 24, metadata: Mapping[str, Any] | None = None
) -> PreparedOperation[SessionResponse]:
    if ttl_hours is not None and (
        not isinstance(ttl_hours, int) or isinstance(ttl_hours, bool) or ttl_hours <= 0
    ):
        raise InvalidRequestError(f"ttl_hours must be a positive integer, not {ttl_hours!r}")
    metadata = _mapping(metadata, "metadata")
    body = wire.CreateSessionRequest(
        name=_opt(name),
        ttl_hours=ttl_hours,
        metadata=wire.CreateSessionRequestMetadata.from_dict(metadata) if metadata else UNSET,
    )

    def convert(wire: Any) -> SessionResponse:
        return SessionResponse(
            session_id=wire.session_id,
            created_at=wire.created_at,
            expires_at=_unset_to_none(wire.expires_at),
        )

    return PreparedOperation("create_session", {"body": body}, convert)


def session_context(session_id: str) -> PreparedOperation[SessionContextResponse]:
    def convert(wire: Any) -> SessionContextResponse:
        return SessionContextResponse(
            session_id=wire.session_id,
            messages=_items(wire.messages),
            tool_results=_items(wire.tool_results),
            scratch_pad=_items(wire.scratch_pad),
            context_string=_unset_to_none(wire.context_string) or "",
        )

    return PreparedOperation(
        "get_session_context", {"session_id": _text(session_id, "session_id")}, convert
    )


def write_in_session(
    session_id: str, write_call: PreparedOperation[WriteResponse]
) -> PreparedOperation[WriteResponse]:
    """The same write, sent to the session's own route."""
    kwargs = {"session_id": _text(session_id, "session_id"), **write_call.kwargs}
    return PreparedOperation(
        "session_write", kwargs, write_call.convert, headers=write_call.headers
    )


# -- admin and dashboard -----------------------------------------------------------------------


def _admin(
    operation: str, kwargs: Mapping[str, Any] | None = None, convert: Any = _to_dict
) -> PreparedOperation[Any]:
    # Admin key and CSRF header are added by the client from the route (see _base_client).
    return PreparedOperation(operation, dict(kwargs or {}), convert)


def admin_consolidate(user_id: str) -> PreparedOperation[R.ConsolidationResult]:
    return _admin(
        "trigger_consolidation",
        {"user_id": _text(user_id, "user_id")},
        lambda parsed: R.ConsolidationResult(_free_form(parsed)),
    )


def admin_forget(user_id: str, *, dry_run: bool = True) -> PreparedOperation[R.ForgettingResult]:
    return _admin(
        "trigger_forgetting",
        {"user_id": _text(user_id, "user_id"), "dry_run": dry_run},
        lambda parsed: R.ForgettingResult(_free_form(parsed)),
    )


def consolidation_status() -> PreparedOperation[JSON]:
    return _admin("consolidation_status", convert=_free_form)


def _free_form(parsed: Any) -> Any:
    if hasattr(parsed, "to_dict"):
        return dict(parsed.to_dict())
    return parsed


def consolidate(tenant_id: str, user_id: str | None) -> PreparedOperation[R.ConsolidationResult]:
    body = wire.DashboardConsolidateRequest(tenant_id=tenant_id, user_id=_opt(user_id))
    return _admin(
        "dashboard_consolidate",
        {"body": body},
        lambda parsed: R.ConsolidationResult(_free_form(parsed)),
    )


def reconsolidate(
    tenant_id: str, user_id: str | None
) -> PreparedOperation[R.ReconsolidationResult]:
    body = wire.DashboardReconsolidateRequest(tenant_id=tenant_id, user_id=_opt(user_id))
    return _admin(
        "dashboard_reconsolidate",
        {"body": body},
        lambda parsed: R.ReconsolidationResult(_free_form(parsed)),
    )


def run_forgetting(
    tenant_id: str, user_id: str | None, *, dry_run: bool, max_memories: int
) -> PreparedOperation[R.ForgettingResult]:
    body = wire.DashboardForgetRequest(
        tenant_id=tenant_id, user_id=_opt(user_id), dry_run=dry_run, max_memories=max_memories
    )
    return _admin(
        "dashboard_forget", {"body": body}, lambda parsed: R.ForgettingResult(_free_form(parsed))
    )


def bulk_memory_action(memory_ids: Sequence[UUID | str], action: str) -> PreparedOperation[JSON]:
    try:
        wire_action = wire.BulkAction(action)
    except ValueError:
        raise InvalidRequestError(
            f"action must be 'archive', 'silence' or 'delete', not {action!r}"
        ) from None
    body = wire.BulkActionRequest(
        memory_ids=[_uuid(m, "memory_ids") for m in memory_ids], action=wire_action
    )
    return _admin("dashboard_bulk_action", {"body": body}, _free_form)


def component_health() -> PreparedOperation[R.DashboardComponentsResponse]:
    return _admin("dashboard_components", {}, R.DashboardComponentsResponse.from_wire)


def dashboard_export(tenant_id: str | None) -> PreparedOperation[list[JSON]]:
    return _admin("dashboard_export_memories", {"tenant_id": _opt(tenant_id)}, _to_dict_list)


def facts(
    *, tenant_id: str | None, category: str | None, current_only: bool, limit: int, offset: int
) -> PreparedOperation[R.DashboardFactListResponse]:
    kwargs = {
        "tenant_id": _opt(tenant_id),
        "category": _opt(category),
        "current_only": current_only,
        "limit": limit,
        "offset": offset,
    }
    return _admin("dashboard_facts", kwargs, R.DashboardFactListResponse.from_wire)


def invalidate_fact(fact_id: str) -> PreparedOperation[JSON]:
    return _admin("dashboard_invalidate_fact", {"fact_id": _text(fact_id, "fact_id")}, _free_form)


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
        "tenant_id": _opt(tenant_id),
        "page": page,
        "per_page": per_page,
        "type_": _opt(type),
        "status": _opt(status),
        "search": _opt(search),
        "sort_by": sort_by,
        "order": order,
    }
    return _admin("dashboard_memories", kwargs, R.DashboardMemoryListResponse.from_wire)


def memory_detail(memory_id: UUID | str) -> PreparedOperation[R.DashboardMemoryDetail]:
    return _admin(
        "dashboard_memory",
        {"memory_id": _uuid(memory_id, "memory_id")},
        R.DashboardMemoryDetail.from_wire,
    )


def neo4j_config() -> PreparedOperation[R.GraphNeo4jConfigResponse]:
    return _admin("dashboard_graph_neo4j_config", {}, R.GraphNeo4jConfigResponse.from_wire)


def overview(tenant_id: str | None) -> PreparedOperation[R.DashboardOverview]:
    return _admin(
        "dashboard_overview", {"tenant_id": _opt(tenant_id)}, R.DashboardOverview.from_wire
    )


def timeline(
    tenant_id: str | None, days: int, metric: str = "memories"
) -> PreparedOperation[R.DashboardTimelineResponse]:
    # Kept for upstream compatibility; the server's timeline counts memories and nothing else.
    if metric != "memories":
        raise InvalidRequestError(f"the server's timeline only counts 'memories', not {metric!r}")
    return _admin(
        "dashboard_timeline",
        {"tenant_id": _opt(tenant_id), "days": days},
        R.DashboardTimelineResponse.from_wire,
    )


def explore_graph(
    tenant_id: str, entity: str, scope_id: str, depth: int
) -> PreparedOperation[R.GraphExploreResponse]:
    kwargs = {
        "tenant_id": tenant_id,
        "entity": _text(entity, "entity"),
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
    return _admin("dashboard_update_config", {"body": body}, _free_form)


def events(
    *, page: int, per_page: int, event_type: str | None
) -> PreparedOperation[R.DashboardEventListResponse]:
    return _admin(
        "dashboard_events",
        {"page": page, "per_page": per_page, "event_type": _opt(event_type)},
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
        {"tenant_id": _opt(tenant_id), "job_type": _opt(job_type), "limit": limit},
        R.DashboardJobsResponse.from_wire,
    )


def labile(tenant_id: str | None) -> PreparedOperation[R.DashboardLabileResponse]:
    return _admin(
        "dashboard_labile", {"tenant_id": _opt(tenant_id)}, R.DashboardLabileResponse.from_wire
    )


def rate_limits() -> PreparedOperation[R.DashboardRateLimitsResponse]:
    return _admin("dashboard_rate_limits", {}, R.DashboardRateLimitsResponse.from_wire)


def request_stats(hours: int) -> PreparedOperation[R.RequestStatsResponse]:
    return _admin("dashboard_request_stats", {"hours": hours}, R.RequestStatsResponse.from_wire)


def sessions(tenant_id: str | None) -> PreparedOperation[R.DashboardSessionsResponse]:
    return _admin(
        "dashboard_sessions", {"tenant_id": _opt(tenant_id)}, R.DashboardSessionsResponse.from_wire
    )


def graph_overview(
    tenant_id: str, scope_id: str | None
) -> PreparedOperation[R.GraphExploreResponse]:
    return _admin(
        "dashboard_graph_overview",
        {"tenant_id": tenant_id, "scope_id": _opt(scope_id)},
        R.GraphExploreResponse.from_wire,
    )


def tenants() -> PreparedOperation[R.DashboardTenantsResponse]:
    return _admin("dashboard_tenants", {}, R.DashboardTenantsResponse.from_wire)


def reset_database(*, confirm: bool) -> PreparedOperation[JSON]:
    if confirm is not True:
        raise InvalidRequestError(
            "reset_database erases the whole server database; pass confirm=True to do it"
        )
    return _admin("dashboard_reset_database", {}, _free_form)


def search_graph(
    query: str, tenant_id: str | None, limit: int
) -> PreparedOperation[R.GraphSearchResponse]:
    kwargs = {"query": _text(query, "query"), "tenant_id": _opt(tenant_id), "limit": limit}
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
        query=_text(query, "query"),
        max_results=max_results,
        context_filter=_strings(context_filter, "context_filter"),
        memory_types=_opt(list(memory_types) if memory_types is not None else None),
        format_=wire.RetrievalFormat(response_format),
    )
    return _admin("dashboard_retrieval", {"body": body}, R.DashboardRetrievalResponse.from_wire)
