"""Changing and forgetting memories: `update`, `forget`, `delete_all`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypedDict

from .._constants import FORGET_MIN_RELEVANCE, FORGET_QUERY_LIMIT
from .._exceptions import InvalidRequestError, NotFoundError
from ..models import ForgetResponse, UpdateResponse
from .backend import Backend, generation, record_event
from .checks import check_metadata, check_text, check_unit, content_hash, iso, now
from .knowledge import record_knowledge
from .search import Searcher

__all__ = ["FORGET_ACTIONS", "Changes"]

#: What `forget` may do to a memory, and the status each action leaves it in.
FORGET_ACTIONS = {"delete": "deleted", "archive": "archived", "silence": "silent"}


class ForgetCriteria(TypedDict, total=False):
    """`Changes.forget`'s keywords, named once so that the `Engine` front passes them on
    without listing them."""

    memory_ids: Sequence[Any] | None
    query: str | None
    before: datetime | None
    action: str


class UpdateFields(TypedDict, total=False):
    """`Changes.update`'s keywords, named once so that the `Engine` front passes them on
    without listing them."""

    text: str | None
    confidence: float | None
    importance: float | None
    metadata: Mapping[str, Any] | None
    feedback: str | None


class Changes:
    """Edits memories (new text makes a new version), and forgets them."""

    def __init__(self, backend: Backend, searcher: Searcher) -> None:
        self.backend = backend
        self.searcher = searcher

    def row(self, tenant: str, memory_id: Any) -> Any:
        """The stored row of one memory of `tenant`: `NotFoundError` when there is none."""
        try:
            key = str(uuid.UUID(str(memory_id)))
        except ValueError:
            raise InvalidRequestError(f"memory_id is not a UUID: {memory_id!r}") from None
        row = self.backend.store.execute(
            "SELECT * FROM memories WHERE id = ? AND tenant_id = ?", (key, tenant)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no memory {key}", status_code=404)
        return row

    def update(
        self,
        tenant: str,
        memory_id: Any,
        *,
        text: str | None = None,
        confidence: float | None = None,
        importance: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        feedback: str | None = None,
    ) -> UpdateResponse:
        confidence = check_unit(confidence, "confidence")
        importance = check_unit(importance, "importance")
        if feedback is not None and feedback not in ("correct", "incorrect", "outdated"):
            raise InvalidRequestError(
                f"feedback must be correct, incorrect or outdated, not {feedback!r}"
            )
        new_text = check_text(text, "text") if text is not None else None
        meta = check_metadata(metadata) if metadata is not None else None
        embedder = self.backend.embedder
        vector = self.backend.embed([new_text])[0] if new_text is not None and embedder else None
        with self.backend.store.write() as db:
            before = generation(db)
            row = self.row(tenant, memory_id)
            moment = iso(now())
            fields: dict[str, Any] = {"updated_at": moment, "version": row["version"] + 1}
            if new_text is not None:
                fields.update(text=new_text, content_hash=content_hash(new_text))
                if vector is not None and embedder is not None:
                    fields.update(embedding=vector.tobytes(), embedder=embedder.name)
            if confidence is not None:
                fields["confidence"] = confidence
            if importance is not None:
                fields["importance"] = importance
            if meta is not None:
                # The merge is checked too: two updates each under the limit can add up past it.
                merged = check_metadata({**json.loads(row["metadata"]), **meta})
                fields["metadata"] = json.dumps(merged)
            if feedback == "correct":
                fields["confidence"] = min(1.0, (confidence or row["confidence"]) + 0.2)
                fields["source"] = "user_confirmed"
            elif feedback == "incorrect":
                # Wrong memories stop being recalled; kept (silent) for the audit trail.
                fields["confidence"] = 0.0
                fields["status"] = "silent"
            elif feedback == "outdated":
                fields["valid_to"] = moment
                fields["status"] = "archived"
            assignments = ", ".join(f"{name} = ?" for name in fields)
            db.execute(
                f"UPDATE memories SET {assignments} WHERE rowid = ?",
                [*fields.values(), row["rowid"]],
            )
            if new_text is not None:
                db.execute(
                    "DELETE FROM facts WHERE memory_id = ? AND tenant_id = ?", (row["id"], tenant)
                )
                record_knowledge(db, tenant, row["id"], new_text)
            record_event(db, tenant, "memory", f"update:{feedback or 'edit'}", memory_id=row["id"])
        self.backend.after_write(
            before,
            tenant,
            deactivated=[row["rowid"]] if fields.get("status") in ("silent", "archived") else [],
            replaced=[(row["rowid"], vector)] if vector is not None else [],
        )
        return UpdateResponse(
            success=True,
            memory_id=uuid.UUID(row["id"]),
            version=fields["version"],
            message=f"Updated to version {fields['version']}.",
        )

    def forget(
        self,
        tenant: str,
        *,
        memory_ids: Sequence[Any] | None = None,
        query: str | None = None,
        before: datetime | None = None,
        action: str = "delete",
    ) -> ForgetResponse:
        if action not in FORGET_ACTIONS:
            raise InvalidRequestError(f"action must be delete, archive or silence, not {action!r}")
        if not memory_ids and query is None and before is None:
            raise InvalidRequestError("forget needs memory_ids, query or before")
        targets: set[str] = set()
        if memory_ids:
            for memory_id in memory_ids:
                try:
                    targets.add(str(uuid.UUID(str(memory_id))))
                except ValueError:
                    raise InvalidRequestError(f"not a UUID: {memory_id!r}") from None
        if query is not None:
            found = self.searcher.read(
                tenant, query, max_results=FORGET_QUERY_LIMIT, min_relevance=FORGET_MIN_RELEVANCE
            )
            targets.update(str(item.id) for item in found.memories)
        if before is not None:
            targets.update(
                r[0]
                for r in self.backend.store.execute(
                    "SELECT id FROM memories WHERE tenant_id = ? AND timestamp < ? "
                    "AND status != 'deleted'",
                    (tenant, iso(before)),
                )
            )
        count = self.apply(tenant, targets, action)
        return ForgetResponse(
            success=True, affected_count=count, message=f"{count} memories: {action}."
        )

    def apply(self, tenant: str, ids: Iterable[str], action: str) -> int:
        """Delete, archive or silence the memories `ids` (and their chunks): how many changed."""
        ids = list(ids)
        if not ids:
            return 0
        status = FORGET_ACTIONS[action]
        count = 0
        changed: list[int] = []
        with self.backend.store.write() as db:
            before = generation(db)
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                marks = ", ".join("?" * len(part))
                # Chunks of a long memory go with it.
                scope = f"tenant_id = ? AND (id IN ({marks}) OR parent_id IN ({marks}))"
                changed.extend(
                    int(r[0])
                    for r in db.execute(
                        f"SELECT rowid FROM memories WHERE {scope}", [tenant, *part, *part]
                    )
                )
                if action == "delete":
                    cursor = db.execute(
                        f"DELETE FROM memories WHERE {scope}", [tenant, *part, *part]
                    )
                    db.execute(
                        f"DELETE FROM facts WHERE tenant_id = ? AND memory_id IN ({marks})",
                        [tenant, *part],
                    )
                    db.execute(
                        f"DELETE FROM relations WHERE tenant_id = ? AND memory_id IN ({marks})",
                        [tenant, *part],
                    )
                else:
                    cursor = db.execute(
                        f"UPDATE memories SET status = ?, updated_at = ? WHERE {scope} "
                        "AND status != ?",
                        [status, iso(now()), tenant, *part, *part, status],
                    )
                count += cursor.rowcount
            record_event(db, tenant, "memory", f"forget:{action}", detail={"count": count})
        self.backend.after_write(before, tenant, deactivated=changed)
        return count

    def delete_all(self, tenant: str) -> int:
        with self.backend.store.write() as db:
            before = generation(db)
            rowids = [
                int(r[0])
                for r in db.execute("SELECT rowid FROM memories WHERE tenant_id = ?", (tenant,))
            ]
            count = db.execute("DELETE FROM memories WHERE tenant_id = ?", (tenant,)).rowcount
            for table in ("facts", "relations", "entities", "sessions"):
                db.execute(f"DELETE FROM {table} WHERE tenant_id = ?", (tenant,))
            record_event(db, tenant, "memory", "delete_all", detail={"count": count})
        self.backend.after_write(before, tenant, deactivated=rowids)
        return int(count)
