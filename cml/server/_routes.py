"""Route handlers: each operation of the spec, as a call on the engine and a wire-shaped answer."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import attrs

from .._json import jsonable
from .._releases import DEFAULT_RELEASE
from .._version import __version__
from ..engine.engine import Engine
from ..models import MemoryItem, ReadResponse, WriteResponse, parse_datetime
from ._api import Call, Handler, Stream

__all__ = ["handlers"]

#: How long a session lasts when its request gives no `ttl_hours` (the spec's default).
_SESSION_TTL_HOURS = 24


def _when(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _write(engine: Engine, call: Call, session_id: str | None = None) -> dict[str, Any]:
    body = call.body
    response: WriteResponse = engine.write(
        call.tenant,
        body["content"],
        context_tags=body.get("context_tags"),
        session_id=session_id or body.get("session_id"),
        memory_type=body.get("memory_type"),
        namespace=body.get("namespace"),
        metadata=body.get("metadata"),
        turn_id=body.get("turn_id"),
        agent_id=body.get("agent_id"),
        timestamp=_when(body.get("timestamp")),
        idempotency_key=call.idempotency_key,
    )
    answer: dict[str, Any] = jsonable(response)
    if call.headers.get("x-eval-mode", "").lower() == "true":
        stored = bool(response.chunks_created)
        answer["eval_outcome"] = "stored" if stored else "skipped"
        answer["eval_reason"] = response.message
    return answer


def _read(engine: Engine, call: Call, session_id: str | None = None) -> ReadResponse:
    body = call.body
    response = engine.read(
        call.tenant,
        body["query"],
        max_results=body.get("max_results", 10),
        context_filter=body.get("context_filter"),
        memory_types=body.get("memory_types"),
        since=_when(body.get("since")),
        until=_when(body.get("until")),
        response_format=body.get("format", "packet"),
        session_id=session_id,
        user_timezone=body.get("user_timezone"),
    )
    return _judged(response)


def _judged(response: ReadResponse) -> ReadResponse:
    """The read fields server 2.0.0 added; a 1.5.1 answer leaves them out (see `Api._answer`).

    This engine does not reason about answers: a read suffices when it found anything, and the
    only warning it gives is that nothing was found. It raises no open questions.
    """
    found = bool(response.memories)
    return attrs.evolve(
        response,
        sufficiency={"sufficient": found, "memories_found": response.total_count},
        warnings=() if found else ("no stored memory matches the query",),
        open_questions=(),
    )


def _sse(items: Iterable[MemoryItem], response: ReadResponse) -> Iterator[bytes]:
    for item in items:
        yield f"data: {json.dumps(jsonable(item))}\n\n".encode()
    done = {
        "total_count": response.total_count,
        "elapsed_ms": response.elapsed_ms,
        "retrieval_meta": jsonable(response.retrieval_meta),
    }
    yield f"event: done\ndata: {json.dumps(done)}\n\n".encode()


def handlers(engine: Engine, api_version: str = DEFAULT_RELEASE) -> dict[str, Handler]:
    """Every operation of every supported release, bound to `engine` (`Api` serves those of the
    release it speaks, `api_version`, which health reports)."""
    from ._dashboard import dashboard_handlers

    def health_check(call: Call) -> Any:
        return {
            "status": "healthy",
            "timestamp": datetime.now(UTC).isoformat(),
            "version": __version__,
            "api_version": api_version,
        }

    def write_memory(call: Call) -> Any:
        return _write(engine, call)

    def session_write(call: Call) -> Any:
        return _write(engine, call, session_id=call.path["session_id"])

    def write_memory_batch(call: Call) -> Any:
        done = engine.write_batch(
            call.tenant, call.body["turns"], idempotency_key=call.idempotency_key
        )
        answer: dict[str, Any] = {
            "success": True,
            "turns_processed": done.turns_processed,
            "chunks_created": done.chunks_created,
            "message": f"Processed {done.turns_processed} turns into {done.chunks_created} chunks.",
        }
        if done.memory_ids is not None and done.chunks_per_turn is not None:
            # py-cml's extension (the live servers answer counts only): per turn, the id of the
            # memory it stored, or null when an equivalent memory existed and nothing was stored,
            # and how many memories (chunks) it created.
            answer["memory_ids"] = done.memory_ids
            answer["chunks_per_turn"] = done.chunks_per_turn
        return answer

    def read_memory(call: Call) -> Any:
        return jsonable(_read(engine, call))

    def session_read(call: Call) -> Any:
        return jsonable(_read(engine, call, session_id=call.path["session_id"]))

    def read_memory_stream(call: Call) -> Any:
        # Ranking needs every candidate before the first result is known, so the stream is
        # produced from one complete read; errors before the first byte are ordinary 4xx.
        response = _read(engine, call)
        return Stream(_sse(response.memories, response))

    def process_turn(call: Call) -> Any:
        body = call.body
        return jsonable(
            engine.turn(
                call.tenant,
                body["user_message"],
                assistant_response=body.get("assistant_response"),
                session_id=body.get("session_id"),
                max_context_tokens=body.get("max_context_tokens", 1500),
                timestamp=_when(body.get("timestamp")),
                idempotency_key=call.idempotency_key,
                user_timezone=body.get("user_timezone"),
            )
        )

    def update_memory(call: Call) -> Any:
        body = call.body
        return jsonable(
            engine.update(
                call.tenant,
                body["memory_id"],
                text=body.get("text"),
                confidence=body.get("confidence"),
                importance=body.get("importance"),
                metadata=body.get("metadata"),
                feedback=body.get("feedback"),
            )
        )

    def forget_memory(call: Call) -> Any:
        body = call.body
        return jsonable(
            engine.forget(
                call.tenant,
                memory_ids=body.get("memory_ids"),
                query=body.get("query"),
                before=_when(body.get("before")),
                action=body.get("action", "delete"),
            )
        )

    def get_memory_stats(call: Call) -> Any:
        return jsonable(engine.stats(call.tenant))

    def delete_all_memories(call: Call) -> Any:
        return {"affected_count": engine.delete_all(call.tenant)}

    def create_session(call: Call) -> Any:
        body = call.body or {}
        # A null ttl_hours is the default day, as on the live servers (the engine reads None as
        # "never expires", which the wire does not offer).
        ttl_hours = body.get("ttl_hours")
        return jsonable(
            engine.create_session(
                call.tenant,
                name=body.get("name"),
                ttl_hours=_SESSION_TTL_HOURS if ttl_hours is None else ttl_hours,
                metadata=body.get("metadata"),
            )
        )

    def get_session_context(call: Call) -> Any:
        return jsonable(engine.session_context(call.tenant, call.path["session_id"]))

    routes: dict[str, Handler] = {
        "health_check": health_check,
        "write_memory": write_memory,
        "session_write": session_write,
        "write_memory_batch": write_memory_batch,
        "read_memory": read_memory,
        "session_read": session_read,
        "read_memory_stream": read_memory_stream,
        "process_turn": process_turn,
        "update_memory": update_memory,
        "forget_memory": forget_memory,
        "get_memory_stats": get_memory_stats,
        "delete_all_memories": delete_all_memories,
        "create_session": create_session,
        "get_session_context": get_session_context,
    }
    routes.update(dashboard_handlers(engine))
    return routes
