"""`PreparedOperation` and what every group of operations shares: the argument checks that
raise `InvalidRequestError` before anything is sent, and the conversions from the generated
response models to `cml.models`.
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

from .._exceptions import InvalidRequestError
from .._releases import unset_types
from ..models import (
    MemoryItem,
    MemoryType,
    ReadResponse,
    WriteResponse,
)

if TYPE_CHECKING:
    from ..models import responses
else:

    class _Responses:
        # `cml.models.responses` on first use, so `import cml` does not build its classes.
        def __getattr__(self, name: str) -> Any:
            from ..models import responses as module

            return getattr(module, name)

    responses = _Responses()


__all__ = [
    "BATCH_FIELDS",
    "JSON",
    "MAX_BATCH_TURNS",
    "PreparedOperation",
    "as_dict",
    "as_dict_list",
    "checked_mapping",
    "checked_strings",
    "checked_text",
    "checked_uuid",
    "free_form",
    "memory_item",
    "memory_items",
    "naive_utc",
    "opt",
    "plain",
    "read_response",
    "responses",
    "unset_to_none",
    "wire_types",
    "write_response",
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


def opt(value: T | None) -> T | Unset:
    """Leave a field out of the request when the caller did not give it."""
    return UNSET if value is None else value


def naive_utc(value: datetime | None) -> datetime | Unset:
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


def wire_types(types: Iterable[MemoryType | str] | None) -> list[wire.MemoryType] | Unset:
    if types is None:
        return UNSET
    try:
        return [wire.MemoryType(str(t.value if isinstance(t, MemoryType) else t)) for t in types]
    except ValueError as exc:
        known = ", ".join(m.value for m in MemoryType)
        raise InvalidRequestError(f"unknown memory type: {exc}; known types: {known}") from None


def checked_text(value: str, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise InvalidRequestError(f"{name} must not be empty")
    return value


def checked_strings(values: Sequence[str] | None, name: str) -> list[str] | Unset:
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


def checked_mapping(value: Mapping[str, Any] | None, name: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidRequestError(f"{name} must be a mapping, not {type(value).__name__}")
    return dict(value)


def as_dict(parsed: Any) -> JSON:
    return dict(parsed.to_dict())


def as_dict_list(parsed: Any) -> list[JSON]:
    return [dict(item.to_dict()) if hasattr(item, "to_dict") else dict(item) for item in parsed]


def unset_to_none(value: Any) -> Any:
    # A response is parsed by the pinned release's models, each release with its own `Unset`.
    return None if isinstance(value, unset_types()) else value


# -- conversions from the generated models -----------------------------------------------------


def memory_item(wire: Any) -> MemoryItem:
    metadata = unset_to_none(wire.metadata)
    return MemoryItem(
        id=wire.id,
        text=wire.text,
        type=wire.type_,
        confidence=wire.confidence,
        relevance=wire.relevance,
        timestamp=wire.timestamp,
        metadata=metadata.to_dict() if metadata is not None else {},
    )


def memory_items(values: Any) -> list[MemoryItem]:
    return [memory_item(v) for v in unset_to_none(values) or ()]


def read_response(wire: Any) -> ReadResponse:
    meta = unset_to_none(wire.retrieval_meta)
    return ReadResponse(
        query=wire.query,
        memories=memory_items(wire.memories),
        total_count=wire.total_count,
        elapsed_ms=wire.elapsed_ms,
        facts=memory_items(wire.facts),
        preferences=memory_items(wire.preferences),
        episodes=memory_items(wire.episodes),
        constraints=memory_items(wire.constraints),
        llm_context=unset_to_none(wire.llm_context),
        retrieval_meta=meta.to_dict() if meta is not None else None,
        # New in server 2.0.0: a 1.5.1 answer is parsed by 1.5.1's model, which lacks them.
        sufficiency=plain(getattr(wire, "sufficiency", None)),
        warnings=unset_to_none(getattr(wire, "warnings", None)),
        open_questions=unset_to_none(getattr(wire, "open_questions", None)),
    )


def free_form(parsed: Any) -> Any:
    if hasattr(parsed, "to_dict"):
        return dict(parsed.to_dict())
    return parsed


def plain(value: Any) -> Any:
    return free_form(unset_to_none(value))


def write_response(wire: Any) -> WriteResponse:
    outcome = unset_to_none(wire.eval_outcome)
    return WriteResponse(
        success=wire.success,
        memory_id=unset_to_none(wire.memory_id),
        chunks_created=unset_to_none(wire.chunks_created) or 0,
        message=unset_to_none(wire.message) or "",
        eval_outcome=outcome.value if outcome is not None else None,
        eval_reason=unset_to_none(wire.eval_reason),
    )


def checked_uuid(value: UUID | str, name: str) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise InvalidRequestError(f"{name} is not a UUID: {value!r}") from None
