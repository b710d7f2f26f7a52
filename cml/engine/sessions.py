"""Conversation turns and sessions: `turn`, `create_session`, `session_context`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TypedDict

from .._context import DEFAULT_CONTEXT_TOKENS, build_context, format_sections
from .._exceptions import InvalidRequestError, NotFoundError
from ..models import SessionContextResponse, SessionResponse, TurnResponse, parse_datetime
from . import relevance
from .checks import MAX_QUERY_CHARS, check_metadata, check_text, iso, now
from .items import memory_item
from .search import Searcher
from .storage import Store
from .writes import Writer

__all__ = ["TURN_CANDIDATES", "Sessions"]

#: A turn builds its context from this many of the best memories (then the cut-off and the token
#: budget choose); `get_context` from its `max_results`, 10 by default.
TURN_CANDIDATES = 20


class TurnOptions(TypedDict, total=False):
    """`Sessions.turn`'s keywords, named once so that the `Engine` front passes them on
    without listing them."""

    assistant_response: str | None
    session_id: str | None
    max_context_tokens: int
    timestamp: datetime | None
    namespace: str | None
    idempotency_key: str | None
    user_timezone: str | None


class Sessions:
    """Turns (read the context, store the messages) and the sessions they may belong to."""

    def __init__(self, store: Store, searcher: Searcher, writer: Writer) -> None:
        self.store = store
        self.searcher = searcher
        self.writer = writer

    def turn(
        self,
        tenant: str,
        user_message: str,
        *,
        assistant_response: str | None = None,
        session_id: str | None = None,
        max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
        timestamp: datetime | None = None,
        namespace: str | None = None,
        idempotency_key: str | None = None,
        user_timezone: str | None = None,
    ) -> TurnResponse:
        check_text(user_message, "user_message")
        # Both texts are checked before either is stored: a bad answer must not leave the
        # user's message behind as half a turn.
        if isinstance(assistant_response, str) and not assistant_response.strip():
            assistant_response = None  # a blank answer is no answer
        if assistant_response is not None:
            check_text(assistant_response, "assistant_response")
        # The same read and the same builder as `get_context` (and so `chat`): one message gets
        # one context, whichever way it is asked for (up to 10 memories: get_context's default).
        # A message may be longer than a query may be: its beginning finds the context.
        found = self.searcher.read(
            tenant,
            user_message[:MAX_QUERY_CHARS],
            max_results=TURN_CANDIDATES,
            namespace=namespace,
            user_timezone=user_timezone,
        )
        used = [m for m in found.memories if m.relevance >= relevance.CONTEXT_MIN_RELEVANCE]
        context = build_context(used, max_tokens=max_context_tokens)
        stored = 0
        for text, tag in ((user_message, "user_input"), (assistant_response, "assistant_response")):
            if text is None:
                continue
            self.writer.write(
                tenant,
                text,
                context_tags=["conversation", tag],
                session_id=session_id,
                timestamp=timestamp,
                namespace=namespace,
                source="user_explicit" if tag == "user_input" else "agent_inferred",
                # A retried turn must not store its messages twice.
                idempotency_key=f"{idempotency_key}:{tag}" if idempotency_key else None,
            )
            stored += 1
        return TurnResponse(
            memory_context=context,
            memories_retrieved=len(used),
            memories_stored=stored,
            reconsolidation_applied=False,
        )

    def create_session(
        self,
        tenant: str,
        *,
        name: str | None = None,
        ttl_hours: int | None = 24,
        metadata: Mapping[str, Any] | None = None,
    ) -> SessionResponse:
        if ttl_hours is not None and (not isinstance(ttl_hours, int) or ttl_hours <= 0):
            raise InvalidRequestError(f"ttl_hours must be a positive integer, not {ttl_hours!r}")
        created = now()
        try:
            expires = created + timedelta(hours=ttl_hours) if ttl_hours is not None else None
        except OverflowError:  # past the year 9999
            raise InvalidRequestError(f"ttl_hours is too large: {ttl_hours}") from None
        session_id = str(uuid.uuid4())
        with self.store.write() as db:
            db.execute(
                "INSERT INTO sessions (id, tenant_id, name, metadata, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    tenant,
                    name,
                    json.dumps(check_metadata(metadata)),
                    iso(created),
                    iso(expires) if expires else None,
                ),
            )
        return SessionResponse(session_id=session_id, created_at=created, expires_at=expires)

    def session_context(self, tenant: str, session_id: str) -> SessionContextResponse:
        session = self.store.execute(
            "SELECT expires_at FROM sessions WHERE id = ? AND tenant_id = ?", (session_id, tenant)
        ).fetchone()
        rows = self.store.execute(
            "SELECT * FROM memories WHERE tenant_id = ? AND session_id = ? AND status = 'active' "
            "ORDER BY timestamp, rowid",
            (tenant, session_id),
        ).fetchall()
        if session is None and not rows:
            raise NotFoundError(f"no session {session_id!r}", status_code=404)
        if (
            session is not None
            and session["expires_at"]
            and parse_datetime(session["expires_at"]) < now()
        ):
            raise NotFoundError(f"session {session_id!r} has expired", status_code=404)
        items = [memory_item(r, 1.0) for r in rows]
        messages = [i for i in items if str(i.type) not in ("tool_result", "scratch")]
        return SessionContextResponse(
            session_id=session_id,
            messages=messages,
            tool_results=[i for i in items if str(i.type) == "tool_result"],
            scratch_pad=[i for i in items if str(i.type) == "scratch"],
            context_string=format_sections(items),
        )
