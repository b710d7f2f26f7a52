"""`cml export` and `cml import`: memories as JSON Lines, one record per stored memory.

A record holds what the write API can restore (text, type, tags, metadata, namespace, session,
agent and turn ids, timestamp) and, for reference, what it cannot (id, status, confidence,
importance, source, written_at): import writes each record as a new memory, so those come out
new. A long memory stored in chunks exports one record per chunk.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from .._client import CognitiveMemoryLayer
from .._exceptions import (
    CMLError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    ValidationError,
)
from ..models import parse_datetime
from ._progress import ProgressBar

__all__ = ["ImportReport", "LineError", "export_records", "import_lines"]

# Errors about one record; anything else (auth, connection, server failure) means the target
# cannot take the import, and it stops instead of failing every remaining line the same way.
_LINE_ERRORS = (InvalidRequestError, ValidationError, ConflictError, NotFoundError)


def _timestamp(value: Any) -> str | None:
    return None if value in (None, "") else parse_datetime(value).isoformat()


def export_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """One exported memory, from a row of the server's memory export (stable keys)."""
    return {
        "id": None if row.get("id") is None else str(row["id"]),
        "text": row.get("text", row.get("content")),
        "type": row.get("type"),
        "status": row.get("status", "active"),
        "context_tags": list(row.get("context_tags") or []),
        "metadata": dict(row.get("metadata") or {}),
        "namespace": row.get("namespace") or None,
        "session_id": row.get("session_id"),
        "agent_id": row.get("agent_id"),
        "turn_id": row.get("turn_id"),
        "timestamp": _timestamp(row.get("timestamp")),
        "written_at": _timestamp(row.get("written_at")),
        "confidence": row.get("confidence"),
        "importance": row.get("importance"),
        "source": row.get("source"),
    }


def export_records(
    client: CognitiveMemoryLayer, *, include_inactive: bool
) -> Iterator[dict[str, Any]]:
    """The tenant's memories, oldest first; only active ones unless `include_inactive`."""
    # The tenant is named: without it the upstream server exports every tenant.
    for row in client.dashboard_export_memories(tenant_id=client.tenant_id):
        if include_inactive or row.get("status", "active") == "active":
            yield export_record(row)


# -- import ------------------------------------------------------------------------------------


@attrs.frozen
class LineError:
    line: int
    type: str
    message: str


@attrs.define
class ImportReport:
    lines: int = 0
    #: New memories.
    stored: int = 0
    #: Lines the store folded into an equivalent memory it had (it reinforces that one).
    merged: int = 0
    errors: list[LineError] = attrs.field(factory=list)
    #: The line that stopped the import (see `_LINE_ERRORS`), or None when it ran to the end.
    stopped_at_line: int | None = None


def _optional_text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InvalidRequestError(f"{key} must be a string, not {type(value).__name__}")


def write_item(line: bytes) -> dict[str, Any]:
    """The `batch_write` item for one line of an export; InvalidRequestError says what is wrong."""
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidRequestError("not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InvalidRequestError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise InvalidRequestError(f"a JSON object was expected, not {type(record).__name__}")
    text = record.get("text", record.get("content"))
    if not isinstance(text, str) or not text.strip():
        raise InvalidRequestError("the record has no text")
    # agent_id, even None, keeps the line out of `write_batch` requests: those answer with
    # counts only, while a single write says whether it stored a memory or merged the line
    # into an equivalent one, which the import reports.
    item: dict[str, Any] = {"content": text, "agent_id": None}
    tags = record.get("context_tags")
    if tags:
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InvalidRequestError("context_tags must be a list of strings")
        item["context_tags"] = tags
    metadata = record.get("metadata")
    if metadata:
        if not isinstance(metadata, dict):
            raise InvalidRequestError("metadata must be a JSON object")
        item["metadata"] = metadata
    timestamp = record.get("timestamp")
    if timestamp is not None:
        try:
            item["timestamp"] = parse_datetime(timestamp)
        except (TypeError, ValueError, OverflowError):
            raise InvalidRequestError(f"timestamp is not an ISO 8601 date: {timestamp!r}") from None
    for key, field in (
        ("type", "memory_type"),
        ("namespace", "namespace"),
        ("session_id", "session_id"),
        ("agent_id", "agent_id"),
        ("turn_id", "turn_id"),
    ):
        value = _optional_text(record, key)
        if value:
            item[field] = value
    return item


def _error(line: int, exc: CMLError) -> LineError:
    return LineError(line=line, type=type(exc).__name__, message=exc.message)


def import_lines(
    client: CognitiveMemoryLayer,
    source: Iterable[bytes],
    report: ImportReport,
    *,
    batch_size: int,
    progress: ProgressBar | None,
) -> None:
    """Write every good line with `batch_write`, `batch_size` at a time, into `report`.

    Bad lines are recorded and skipped. An error that is not about a line (see `_LINE_ERRORS`)
    is raised once its batch is done; `report` then says how far the import got.
    """
    pending: list[tuple[int, dict[str, Any]]] = []
    consumed = 0

    def show(final: bool = False) -> None:
        if progress is None:
            return
        detail = (
            f"{report.stored:,} stored, {report.merged:,} merged, {len(report.errors):,} failed"
        )
        count = report.stored + report.merged
        if final:
            progress.finish(consumed, detail, count=count)
        else:
            progress.update(consumed, detail, count=count)

    def flush() -> None:
        results = client.batch_write([item for _, item in pending])
        fatal: CMLError | None = None
        for (line, _), result in zip(pending, results, strict=True):
            if result.error is None and result.success:
                # A write that created nothing names the memory it reinforced instead.
                if result.chunks_created == 0 and result.memory_id is not None:
                    report.merged += 1
                else:
                    report.stored += 1
            elif result.error is not None and not isinstance(result.error, _LINE_ERRORS):
                fatal = fatal or result.error
                report.stopped_at_line = report.stopped_at_line or line
            else:
                report.errors.append(
                    _error(line, result.error or CMLError(result.message or "not stored"))
                )
        pending.clear()
        if fatal is not None:
            show(final=True)
            raise fatal

    for number, raw in enumerate(source, start=1):
        consumed += len(raw)
        report.lines = number
        if not raw.strip():
            continue
        try:
            pending.append((number, write_item(raw)))
        except InvalidRequestError as exc:
            report.errors.append(_error(number, exc))
        if len(pending) >= batch_size:
            flush()
        show()
    if pending:
        flush()
    show(final=True)
