"""The public models as JSON-ready data: what the local server sends and `cml --json` prints."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import attrs

__all__ = ["jsonable"]

# `error` is set only on batch results, which report it in their own shape.
_SKIPPED_FIELDS = frozenset({"error"})


def jsonable(value: Any) -> Any:
    """`value` with models as objects keyed by field name, datetimes as ISO 8601 in UTC, UUIDs
    and enums as their text; mappings and sequences converted item by item."""
    if attrs.has(type(value)):
        return {
            field.name: jsonable(getattr(value, field.name))
            for field in attrs.fields(type(value))
            if field.name not in _SKIPPED_FIELDS
        }
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
