"""The operations on one session: create a session, read its context, write into it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The request models load on first use (the generated package is lazy): building their attrs
# classes is most of what `import cml` would otherwise spend here.
from cml_api.v2_0_0 import models as wire
from cml_api.v2_0_0.types import UNSET

from .._exceptions import InvalidRequestError
from ..models import (
    SessionContextResponse,
    SessionResponse,
    WriteResponse,
)
from .base import (
    PreparedOperation,
    checked_mapping,
    checked_text,
    memory_items,
    opt,
    unset_to_none,
)


def create_session_call(
    *, name: str | None = None, ttl_hours: int = 24, metadata: Mapping[str, Any] | None = None
) -> PreparedOperation[SessionResponse]:
    if ttl_hours is not None and (
        not isinstance(ttl_hours, int) or isinstance(ttl_hours, bool) or ttl_hours <= 0
    ):
        raise InvalidRequestError(f"ttl_hours must be a positive integer, not {ttl_hours!r}")
    metadata = checked_mapping(metadata, "metadata")
    body = wire.CreateSessionRequest(
        name=opt(name),
        ttl_hours=ttl_hours,
        metadata=wire.CreateSessionRequestMetadata.from_dict(metadata) if metadata else UNSET,
    )

    def convert(wire: Any) -> SessionResponse:
        return SessionResponse(
            session_id=wire.session_id,
            created_at=wire.created_at,
            expires_at=unset_to_none(wire.expires_at),
        )

    return PreparedOperation("create_session", {"body": body}, convert)


def session_context(session_id: str) -> PreparedOperation[SessionContextResponse]:
    def convert(wire: Any) -> SessionContextResponse:
        return SessionContextResponse(
            session_id=wire.session_id,
            messages=memory_items(wire.messages),
            tool_results=memory_items(wire.tool_results),
            scratch_pad=memory_items(wire.scratch_pad),
            context_string=unset_to_none(wire.context_string) or "",
        )

    return PreparedOperation(
        "get_session_context", {"session_id": checked_text(session_id, "session_id")}, convert
    )


def write_in_session(
    session_id: str, write_call: PreparedOperation[WriteResponse]
) -> PreparedOperation[WriteResponse]:
    """The same write, sent to the session's own route."""
    kwargs = {"session_id": checked_text(session_id, "session_id"), **write_call.kwargs}
    return PreparedOperation(
        "session_write", kwargs, write_call.convert, headers=write_call.headers
    )
