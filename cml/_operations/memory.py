"""The memory operations: write, read, turn, update, forget, list, stats, health."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

# The request models load on first use (the generated package is lazy): building their attrs
# classes is most of what `import cml` would otherwise spend here.
from cml_api.v2_0_0 import models as wire
from cml_api.v2_0_0.types import UNSET, Unset

from .._exceptions import InvalidRequestError
from ..models import (
    ForgetAction,
    ForgetResponse,
    HealthResponse,
    MemoryItem,
    MemoryType,
    ReadResponse,
    ResponseFormat,
    StatsResponse,
    TurnResponse,
    UpdateResponse,
    WriteResponse,
)
from .base import (
    PreparedOperation,
    checked_mapping,
    checked_strings,
    checked_text,
    checked_uuid,
    naive_utc,
    opt,
    plain,
    read_response,
    unset_to_none,
    wire_types,
    write_response,
)
from .base import (
    responses as R,
)
from .dashboard import memories_page

FEEDBACK = ("correct", "incorrect", "outdated")


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
    types = wire_types([memory_type] if memory_type is not None else None)
    metadata = checked_mapping(metadata, "metadata")
    body = wire.WriteMemoryRequest(
        content=checked_text(content, "content"),
        context_tags=checked_strings(context_tags, "context_tags"),
        session_id=opt(session_id),
        memory_type=types[0] if not isinstance(types, Unset) else UNSET,
        namespace=opt(namespace),
        metadata=wire.WriteMemoryRequestMetadata.from_dict(metadata) if metadata else UNSET,
        turn_id=opt(turn_id),
        agent_id=opt(agent_id),
        timestamp=opt(timestamp),
    )
    headers = {"X-Eval-Mode": "true"} if eval_mode else {}
    return PreparedOperation("write_memory", {"body": body}, write_response, headers=headers)


def batch_turns(
    items: Sequence[Mapping[str, Any]], session_id: str | None
) -> PreparedOperation[Any]:
    turns = []
    for item in items:
        metadata = checked_mapping(item.get("metadata"), "metadata")
        turns.append(
            wire.WriteBatchTurn(
                content=checked_text(item["content"], "content"),
                metadata=wire.WriteBatchTurnMetadata.from_dict(metadata) if metadata else UNSET,
                session_id=opt(item.get("session_id", session_id)),
                timestamp=opt(item.get("timestamp")),
                turn_id=opt(item.get("turn_id")),
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
        query=checked_text(query, "query"),
        max_results=max_results,
        context_filter=checked_strings(context_filter, "context_filter"),
        memory_types=wire_types(memory_types),
        since=naive_utc(since),
        until=naive_utc(until),
        format_=wire_format,
        user_timezone=opt(user_timezone),
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
        user_message=checked_text(user_message, "user_message"),
        assistant_response=opt(assistant_response),
        session_id=opt(session_id),
        max_context_tokens=max_context_tokens,
        timestamp=opt(timestamp),
        user_timezone=opt(user_timezone),
    )

    def convert(wire: Any) -> TurnResponse:
        return TurnResponse(
            memory_context=wire.memory_context,
            memories_retrieved=wire.memories_retrieved,
            memories_stored=wire.memories_stored,
            reconsolidation_applied=bool(unset_to_none(wire.reconsolidation_applied)),
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
        memory_id=checked_uuid(memory_id, "memory_id"),
        text=opt(checked_text(text, "text") if text is not None else None),
        confidence=opt(confidence),
        importance=opt(importance),
        metadata=(
            wire.UpdateMemoryMetadata.from_dict(checked_mapping(metadata, "metadata") or {})
            if metadata is not None
            else UNSET
        ),
        feedback=opt(feedback),
    )

    def convert(wire: Any) -> UpdateResponse:
        return UpdateResponse(
            success=wire.success,
            memory_id=wire.memory_id,
            version=wire.version,
            message=unset_to_none(wire.message) or "",
        )

    return PreparedOperation("update_memory", {"body": body}, convert)


def namespace_name(namespace: str) -> str:
    return checked_text(namespace, "namespace")


def tenant_name(tenant_id: str) -> str:
    return checked_text(tenant_id, "tenant_id")


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
        memory_ids=[checked_uuid(m, "memory_ids") for m in memory_ids] if memory_ids else UNSET,
        query=opt(query),
        before=naive_utc(before),
        action=wire_action,
    )

    def convert(wire: Any) -> ForgetResponse:
        return ForgetResponse(
            success=wire.success,
            affected_count=wire.affected_count,
            message=unset_to_none(wire.message) or "",
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
            oldest_memory=unset_to_none(wire.oldest_memory),
            newest_memory=unset_to_none(wire.newest_memory),
        )

    return PreparedOperation("get_memory_stats", {}, convert)


def health() -> PreparedOperation[HealthResponse]:
    def convert(wire: Any) -> HealthResponse:
        return HealthResponse(
            status=wire.status,
            timestamp=unset_to_none(wire.timestamp),
            version=unset_to_none(wire.version),
            api_version=unset_to_none(wire.api_version),
            # Upstream's model has it; the overlay documents it as optional.
            components=plain(getattr(wire, "components", None)),
        )

    return PreparedOperation("health_check", {}, convert)


def delete_all(*, confirm: bool) -> PreparedOperation[int]:
    if confirm is not True:
        raise InvalidRequestError(
            "delete_all removes every memory of the tenant; pass confirm=True to do it"
        )
    return PreparedOperation("delete_all_memories", {}, lambda wire: int(wire.affected_count))
