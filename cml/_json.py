"""The public models as JSON-ready data: what the local server sends and `cml --json` prints."""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import attrs

__all__ = ["jsonable"]

# `error` is set only on batch results, which report it in their own shape.
_SKIPPED_FIELDS = frozenset({"error"})
# Exactly these types (not subclasses: a str enum is an enum) are JSON as they are.
_AS_IS = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _fields(kind: type) -> tuple[str, ...] | None:
    """The field names of a model class, in order; None for any other type. Cached: a read
    answer holds hundreds of values of a handful of types."""
    if not attrs.has(kind):
        return None
    return tuple(f.name for f in attrs.fields(kind) if f.name not in _SKIPPED_FIELDS)


def jsonable(value: Any) -> Any:
    """`value` with models as objects keyed by field name, datetimes as ISO 8601 in UTC, UUIDs
    and enums as their text; mappings and sequences converted item by item."""
    kind: type = type(value)
    if kind in _AS_IS:
        return value
    names = _fields(kind)
    if names is not None:
        return {name: jsonable(getattr(value, name)) for name in names}
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value
