"""
The settings of `remember_stream` besides `StreamingOptions`: `StreamHooks` (its callbacks) and
`WriteOptions` (a plain write's options, applied to every memory a stream stores).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from ..exceptions import InvalidRequestError
from ..models import MemoryType

if TYPE_CHECKING:
    from ._events import ChunkEvent, ProgressEvent, StreamCompleteEvent, StreamErrorEvent

__all__ = ["WRITE_FIELDS", "StreamHooks", "WriteOptions", "snake_case"]

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake_case(name: str) -> str:
    """`partialResponseInterval` -> `partial_response_interval` (snake_case is left as is)."""
    return _CAMEL.sub(r"_\1", name).lower()


def _optional_callable(value: Any) -> Any:
    if value is not None and not callable(value):
        raise InvalidRequestError(f"a hook must be callable, not {type(value).__name__}")
    return value


@attrs.frozen
class StreamHooks:
    """
    Callbacks on a stream's events: plain functions or coroutine functions.

    They run in the background worker, in event order, never on the path that hands chunks to
    the caller: a slow hook does not slow the stream down. An exception raised in a hook is
    logged (logger `cml`) and ignored; it never breaks the stream.
    """

    on_chunk: Callable[[ChunkEvent], Awaitable[None] | None] | None = attrs.field(
        default=None, validator=lambda _i, _a, v: _optional_callable(v)
    )
    on_progress: Callable[[ProgressEvent], Awaitable[None] | None] | None = attrs.field(
        default=None, validator=lambda _i, _a, v: _optional_callable(v)
    )
    on_error: Callable[[StreamErrorEvent], Awaitable[None] | None] | None = attrs.field(
        default=None, validator=lambda _i, _a, v: _optional_callable(v)
    )
    on_complete: Callable[[StreamCompleteEvent], Awaitable[None] | None] | None = attrs.field(
        default=None, validator=lambda _i, _a, v: _optional_callable(v)
    )

    @classmethod
    def coerce(cls, value: StreamHooks | Mapping[str, Any] | None) -> StreamHooks:
        """A `StreamHooks` from itself, `None`, or a dict (`on_chunk` or `onChunk` keys)."""
        if value is None:
            return cls()
        if isinstance(value, StreamHooks):
            return value
        if not isinstance(value, Mapping):
            raise InvalidRequestError(
                f"hooks must be a StreamHooks or a dict, not {type(value).__name__}"
            )
        names = {f.name for f in attrs.fields(cls)}
        given: dict[str, Any] = {}
        for key, hook in value.items():
            name = snake_case(str(key))
            if name not in names:
                raise InvalidRequestError(
                    f"unknown hook {key!r}", hint=f"Hooks are {', '.join(sorted(names))}."
                )
            given[name] = hook
        return cls(**given)


def _tags(value: Sequence[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise InvalidRequestError("context_tags must be a list of strings, not a string")
    return tuple(value)


def _memory_type(value: MemoryType | str | None) -> MemoryType | str | None:
    if value is None or isinstance(value, MemoryType):
        return value
    try:
        return MemoryType(value)
    except ValueError:
        raise InvalidRequestError(f"unknown memory_type {value!r}") from None


def _metadata(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidRequestError(f"metadata must be a dict, not {type(value).__name__}")
    return dict(value)


@attrs.frozen
class WriteOptions:
    """
    The options of a plain `write`, applied to every memory a stream stores (the user message,
    the answer, its chunks and its facts): parity with `write`.

    Stream memories add their own context tags (`conversation`, `user_input`,
    `assistant_response`, ...) after the caller's, and their own metadata keys (`stream_id`,
    `partial`, `role`, ...) over the caller's. `memory_type` applies to the message, answer and
    chunk memories; fact memories are always `semantic_fact`, since that is what they are.
    """

    context_tags: tuple[str, ...] | None = attrs.field(default=None, converter=_tags)
    memory_type: MemoryType | str | None = attrs.field(default=None, converter=_memory_type)
    namespace: str | None = None
    metadata: Mapping[str, Any] = attrs.field(factory=dict, converter=_metadata)
    turn_id: str | None = None
    agent_id: str | None = None
    timestamp: datetime | None = None
    eval_mode: bool = False
    session_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form, kept with a resume token."""
        return {
            "context_tags": list(self.context_tags) if self.context_tags is not None else None,
            "memory_type": str(self.memory_type) if self.memory_type is not None else None,
            "namespace": self.namespace,
            "metadata": dict(self.metadata),
            "turn_id": self.turn_id,
            "agent_id": self.agent_id,
            "timestamp": self.timestamp.isoformat() if self.timestamp is not None else None,
            "eval_mode": self.eval_mode,
            "session_id": self.session_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WriteOptions:
        from ..models import parse_datetime

        stamp = data.get("timestamp")
        return cls(
            context_tags=data.get("context_tags"),
            memory_type=data.get("memory_type"),
            namespace=data.get("namespace"),
            metadata=data.get("metadata") or {},
            turn_id=data.get("turn_id"),
            agent_id=data.get("agent_id"),
            timestamp=parse_datetime(stamp) if stamp else None,
            eval_mode=bool(data.get("eval_mode", False)),
            session_id=data.get("session_id"),
        )

    def merged(self, other: Mapping[str, Any]) -> WriteOptions:
        """These options with the explicitly given (not None) entries of `other` over them."""
        given = {k: v for k, v in other.items() if v is not None and v is not False}
        return attrs.evolve(self, **given) if given else self


WRITE_FIELDS = frozenset(f.name for f in attrs.fields(WriteOptions))
