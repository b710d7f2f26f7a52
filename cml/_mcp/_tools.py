"""The memory tools `cml mcp` offers, each a thin call of the public client.

The descriptions are written for the model that chooses and calls the tools: when to call, what
comes back. Every tool returns a JSON object (MCP structured content, mirrored as text); a CML
error comes back as a tool error carrying its type and message, never a traceback.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any, Literal, ParamSpec, TypeVar
from uuid import UUID

import attrs
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from .. import CMLError, CognitiveMemoryLayer, InvalidRequestError, MemoryItem, MemoryType

__all__ = ["add_tools", "memory_json", "tool_errors"]

log = logging.getLogger("cml.mcp")

P = ParamSpec("P")
R = TypeVar("R")

MemoryTypeName = Literal[
    "episodic_event",
    "semantic_fact",
    "preference",
    "task_state",
    "procedure",
    "constraint",
    "hypothesis",
    "conversation",
    "message",
    "tool_result",
    "reasoning_step",
    "scratch",
    "knowledge",
    "observation",
    "plan",
]


def tool_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a CML error into an MCP tool error with its type and message (plus its hint).

    The SDK puts "Error executing tool NAME: " before the message.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CMLError as exc:
            hint = f" ({exc.hint})" if exc.hint else ""
            raise ToolError(f"{type(exc).__name__}: {exc.message}{hint}") from None
        except Exception as exc:
            # A bug, not the caller's mistake: the type only (the text may hold anything).
            log.error("cml mcp: %s failed with %s", fn.__name__, type(exc).__name__)
            raise ToolError(f"internal error ({type(exc).__name__}) in {fn.__name__}") from None

    return wrapper


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, MemoryType):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def memory_json(item: MemoryItem) -> dict[str, Any]:
    """One memory as the tools return it."""
    return {
        "id": str(item.id),
        "text": item.text,
        "type": _plain(item.type),
        "relevance": round(item.relevance, 4),
        "confidence": round(item.confidence, 4),
        "timestamp": item.timestamp.isoformat(),
        "metadata": _plain(item.metadata),
    }


def _model_json(model: Any, *, drop: tuple[str, ...] = ("error",)) -> dict[str, Any]:
    fields = attrs.asdict(model, recurse=False)
    return {key: _plain(value) for key, value in fields.items() if key not in drop}


_READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
_WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)
_DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=False)

Types = Annotated[
    list[MemoryTypeName] | None,
    Field(description="Only memories of these types; omit for all."),
]
SessionId = Annotated[
    str | None,
    Field(description="The conversation's session id, to group memories by conversation."),
]


def add_tools(server: MCPServer[Any], client: CognitiveMemoryLayer) -> None:
    """Register the memory tools on `server`, each calling `client`."""

    @server.tool(
        name="remember",
        title="Remember",
        annotations=_WRITES,
        description="Store one durable memory about the user or the task: a fact, a "
        "preference, a decision, a constraint. Write it as a self-contained sentence in the "
        "third person ('User is allergic to peanuts.'), one fact per call. Do not store small "
        "talk. Returns the memory id; an equivalent memory already stored is reinforced instead "
        "(merged_into_existing).",
    )
    @tool_errors
    def remember(
        text: Annotated[
            str, Field(min_length=1, max_length=100_000, description="The memory, as a sentence.")
        ],
        memory_type: Annotated[
            MemoryTypeName | None,
            Field(description="Its kind; omit to let the memory layer classify it."),
        ] = None,
        tags: Annotated[
            list[str] | None,
            Field(description="Short topic tags (e.g. ['food', 'health']), usable as filters."),
        ] = None,
        session_id: SessionId = None,
        metadata: Annotated[
            dict[str, Any] | None, Field(description="Any JSON object kept with the memory.")
        ] = None,
    ) -> dict[str, Any]:
        result = client.write(
            text,
            memory_type=MemoryType(memory_type) if memory_type else None,
            context_tags=tags,
            session_id=session_id,
            metadata=metadata,
        )
        stored = result.success and result.memory_id is not None
        return {
            "stored": stored,
            "memory_id": None if result.memory_id is None else str(result.memory_id),
            # An equivalent memory was there already: it was reinforced, nothing new was added.
            "merged_into_existing": stored and result.chunks_created == 0,
            "chunks": result.chunks_created,
            "message": result.message,
        }

    @server.tool(
        name="recall",
        title="Recall",
        annotations=_READ_ONLY,
        description="Search long-term memory for what is relevant to a question or topic. "
        "Returns the memories ranked by relevance (with ids, for update or forget) and "
        "`context`, a ready-to-use block summarizing them for your answer. Call it before "
        "answering anything that may depend on the user's history, preferences or earlier work.",
    )
    @tool_errors
    def recall(
        query: Annotated[
            str,
            Field(min_length=1, max_length=10_000, description="What to look for, in words."),
        ],
        *,
        max_results: Annotated[
            int, Field(ge=1, le=50, description="How many memories at most (1 to 50).")
        ] = 10,
        memory_types: Types = None,
        tags: Annotated[
            list[str] | None, Field(description="Only memories with one of these tags.")
        ] = None,
        since: Annotated[
            datetime | None, Field(description="Only memories from this time on (ISO 8601).")
        ] = None,
        until: Annotated[
            datetime | None, Field(description="Only memories before this time (ISO 8601).")
        ] = None,
    ) -> dict[str, Any]:
        result = client.read(
            query,
            max_results=max_results,
            memory_types=[MemoryType(t) for t in memory_types] if memory_types else None,
            context_filter=tags,
            since=since,
            until=until,
        )
        return {
            "memories": [memory_json(item) for item in result.memories],
            "total_count": result.total_count,
            "context": result.context,
        }

    @server.tool(
        name="context_for_message",
        title="Memory context for a message",
        annotations=_WRITES,
        description="One conversation turn in a single call: give the user's latest message "
        "(and your previous answer, if any); get back the memory context to answer it with. "
        "The exchange is stored as conversation memory too, so call it once per user message, "
        "not for searches (use recall for those).",
    )
    @tool_errors
    def context_for_message(
        message: Annotated[
            str, Field(min_length=1, max_length=100_000, description="The user's message.")
        ],
        assistant_response: Annotated[
            str | None, Field(description="Your answer to the previous message, to store too.")
        ] = None,
        session_id: SessionId = None,
        max_context_tokens: Annotated[
            int, Field(ge=100, le=20_000, description="Budget for the returned context.")
        ] = 1500,
    ) -> dict[str, Any]:
        result = client.turn(
            message,
            assistant_response=assistant_response,
            session_id=session_id,
            max_context_tokens=max_context_tokens,
        )
        return {
            "context": result.memory_context,
            "memories_retrieved": result.memories_retrieved,
            "memories_stored": result.memories_stored,
        }

    @server.tool(
        name="forget",
        title="Forget",
        annotations=_DESTRUCTIVE,
        description="Delete (or archive, or silence) memories that are wrong, outdated or that "
        "the user asked you to forget. Choose them by id (from recall) or by a query. Call it "
        "first with dry_run=true to see exactly which memories would be affected, then again "
        "without it. A query selects every memory relevant to it, so prefer ids.",
    )
    @tool_errors
    def forget(
        memory_ids: Annotated[
            list[UUID] | None, Field(description="Ids of the memories, as recall returns them.")
        ] = None,
        query: Annotated[
            str | None,
            Field(min_length=1, description="Forget the memories highly relevant to this."),
        ] = None,
        action: Annotated[
            Literal["delete", "archive", "silence"],
            Field(
                description="delete removes them; archive and silence keep them out of recall "
                "but stored."
            ),
        ] = "delete",
        dry_run: Annotated[
            bool, Field(description="Only list what would be affected; change nothing.")
        ] = False,
    ) -> dict[str, Any]:
        if not memory_ids and query is None:
            raise InvalidRequestError("give memory_ids, a query, or both")
        if dry_run:
            matched = client.preview_forget(query=query) if query is not None else []
            chosen = {str(i) for i in memory_ids or ()}
            return {
                "dry_run": True,
                "action": action,
                "memory_ids": sorted(chosen),
                "matched_by_query": [
                    memory_json(item) for item in matched if str(item.id) not in chosen
                ],
                "would_affect": len(chosen | {str(item.id) for item in matched}),
            }
        result = client.forget(memory_ids=memory_ids, query=query, action=action)
        return {"dry_run": False, "action": action, "affected": result.affected_count}

    @server.tool(
        name="update_memory",
        title="Update or give feedback on a memory",
        annotations=_WRITES,
        description="Correct a memory's text, or give feedback on it: 'correct' confirms it, "
        "'incorrect' and 'outdated' lower its weight so recall prefers better ones. Use the "
        "id recall returned.",
    )
    @tool_errors
    def update_memory(
        memory_id: Annotated[UUID, Field(description="The memory's id.")],
        text: Annotated[
            str | None, Field(min_length=1, description="The corrected text, replacing the old.")
        ] = None,
        feedback: Annotated[
            Literal["correct", "incorrect", "outdated"] | None,
            Field(description="Your judgement of the memory."),
        ] = None,
        importance: Annotated[
            float | None, Field(ge=0.0, le=1.0, description="How much it matters, 0 to 1.")
        ] = None,
        metadata: Annotated[
            dict[str, Any] | None, Field(description="A JSON object to keep with it.")
        ] = None,
    ) -> dict[str, Any]:
        if text is None and feedback is None and importance is None and metadata is None:
            raise InvalidRequestError("give text, feedback, importance or metadata")
        result = client.update(
            memory_id, text=text, feedback=feedback, importance=importance, metadata=metadata
        )
        return _model_json(result)

    @server.tool(
        name="memory_stats",
        title="Memory statistics",
        annotations=_READ_ONLY,
        description="How many memories are stored, by type and status, with their average "
        "confidence and the oldest and newest. For questions about the memory itself.",
    )
    @tool_errors
    def memory_stats() -> dict[str, Any]:
        return _model_json(client.stats())

    @server.tool(
        name="session_context",
        title="Session context",
        annotations=_READ_ONLY,
        description="What one conversation session holds: its messages, tool results and "
        "scratch pad, and a context block built from them. For resuming a conversation.",
    )
    @tool_errors
    def session_context(
        session_id: Annotated[str, Field(min_length=1, description="The session id.")],
    ) -> dict[str, Any]:
        result = client.get_session_context(session_id)
        return {
            "session_id": result.session_id,
            "messages": [memory_json(item) for item in result.messages],
            "tool_results": [memory_json(item) for item in result.tool_results],
            "scratch_pad": [memory_json(item) for item in result.scratch_pad],
            "context": result.context_string,
        }
