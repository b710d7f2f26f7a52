"""Input checks of the engine, and the canonical forms it stores (times, content hashes).

Every public operation checks its arguments here before it touches the store: bad input is an
`InvalidRequestError` and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from .._exceptions import InvalidRequestError
from ..models import MemoryType, parse_datetime

__all__ = [
    "MAX_CONTENT_CHARS",
    "MAX_METADATA_CHARS",
    "MAX_METADATA_DEPTH",
    "MAX_QUERY_CHARS",
    "check_metadata",
    "check_tags",
    "check_text",
    "check_type",
    "check_unit",
    "content_hash",
    "iso",
    "now",
]

#: The wire contract's limit for one write's content.
MAX_CONTENT_CHARS = 100_000
#: The longest query a read takes.
MAX_QUERY_CHARS = 10_000
#: The largest metadata of one memory (as JSON text), and how deeply it may nest: what is stored
#: is sent back with every read of the memory.
MAX_METADATA_CHARS = 100_000
MAX_METADATA_DEPTH = 32

_VALID_TYPES = frozenset(t.value for t in MemoryType)


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """The stored form of a moment: UTC, ISO 8601 with microseconds (sorts as text)."""
    try:
        return parse_datetime(moment).astimezone(UTC).isoformat(timespec="microseconds")
    except OverflowError:
        # "9999-12-31T23:59:59-14:00" is a valid date that has no UTC counterpart.
        raise InvalidRequestError(
            f"date {moment} is out of range once converted to UTC (years 1 to 9999)"
        ) from None


def content_hash(text: str) -> str:
    """The hash an exact repeat is found by: case and runs of white space do not count."""
    normalized = " ".join(text.lower().split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def check_text(value: Any, name: str, *, limit: int = MAX_CONTENT_CHARS) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise InvalidRequestError(f"{name} must not be empty")
    if len(value) > limit:
        raise InvalidRequestError(f"{name} is {len(value)} characters; the limit is {limit}")
    if "\x00" in value:
        raise InvalidRequestError(f"{name} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequestError(f"{name} is not valid UTF-8 text (lone surrogates)") from None
    return value


def check_type(memory_type: Any) -> str | None:
    if memory_type is None:
        return None
    value = str(memory_type.value if isinstance(memory_type, MemoryType) else memory_type)
    if value not in _VALID_TYPES:
        raise InvalidRequestError(
            f"unknown memory type {value!r}; known: {', '.join(sorted(_VALID_TYPES))}"
        )
    return value


def check_tags(tags: Any) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str) or not all(isinstance(t, str) for t in tags):
        raise InvalidRequestError("context_tags must be a list of strings")
    return list(dict.fromkeys(tags))


def _nesting(value: Any) -> int:
    """How many objects and arrays deep `value` goes (iterative: no recursion limit to hit)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Iterable[Any] = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_METADATA_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def check_metadata(metadata: Any) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise InvalidRequestError("metadata must be a JSON object")
    checked: dict[str, Any] = dict(metadata)
    if _nesting(checked) > MAX_METADATA_DEPTH:
        raise InvalidRequestError(f"metadata is nested more than {MAX_METADATA_DEPTH} levels deep")
    try:
        text = json.dumps(checked, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequestError("metadata contains a lone surrogate (not valid text)") from None
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(f"metadata must be JSON-serialisable: {exc}") from None
    if len(text) > MAX_METADATA_CHARS:
        raise InvalidRequestError(
            f"metadata is {len(text)} characters as JSON; the limit is {MAX_METADATA_CHARS}"
        )
    return checked


def check_unit(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise InvalidRequestError(f"{name} must be a number between 0 and 1, not {value!r}")
    return float(value)
