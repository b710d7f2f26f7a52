"""Answers already given for an `Idempotency-Key`: a retried request gets the first answer."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from .._exceptions import InvalidRequestError
from ..models import WriteResponse
from .checks import iso, now
from .storage import Store

__all__ = ["CLAIM_STALE", "IDEMPOTENCY_TTL", "Replies"]

# A retry follows its first attempt by seconds or minutes: a day covers it with room to spare,
# and keeps the table from growing with every write a long-running server ever took.
IDEMPOTENCY_TTL = timedelta(hours=24)
# A claimed Idempotency-Key whose answer never came: its request died with its process.
CLAIM_STALE = timedelta(minutes=10)
_PENDING = "pending"
# Expired answers are deleted by a write at most this often (per engine).
_IDEMPOTENCY_PURGE_SECONDS = 600.0


class Replies:
    """Answers already given for an `Idempotency-Key`, kept for `IDEMPOTENCY_TTL`.

    The engine records its own (write, write_batch) inside the write they answer; the HTTP layer
    records whole responses through `lookup` / `store`.
    """

    def __init__(self, store: Store, ttl: timedelta = IDEMPOTENCY_TTL) -> None:
        self._store = store
        self._ttl = ttl
        self._purged_at = float("-inf")  # time.monotonic() of the last purge

    def find(self, db: Any, tenant: str, key: str) -> tuple[str, str] | None:
        """The (operation, answer JSON) recorded for `key`, unless it has expired."""
        row = db.execute(
            "SELECT operation, response FROM idempotency "
            "WHERE tenant_id = ? AND key = ? AND created_at >= ?",
            (tenant, key, iso(now() - self._ttl)),
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def record(self, db: Any, tenant: str, key: str, operation: str, answer: str) -> None:
        """Record an answer inside the caller's write transaction (which has checked `find`)."""
        if time.monotonic() - self._purged_at >= _IDEMPOTENCY_PURGE_SECONDS:
            db.execute("DELETE FROM idempotency WHERE created_at < ?", (iso(now() - self._ttl),))
            self._purged_at = time.monotonic()
        # REPLACE: the only row it can meet is an expired one for the same key.
        db.execute(
            "INSERT OR REPLACE INTO idempotency (tenant_id, key, operation, response, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (tenant, key, operation, answer, iso(now())),
        )

    def replay(
        self, tenant: str, key: str, operation: str, db: Any = None
    ) -> dict[str, Any] | None:
        """The answer the engine recorded for `key` and `operation`, or None.

        A key already used for another operation is an error: its answer has another shape,
        so replaying it would be wrong and storing anew a clash.
        """
        found = self.find(db or self._store.db, tenant, key)
        if found is None:
            return None
        recorded_for, response = found
        if recorded_for != operation:
            raise InvalidRequestError(
                f"Idempotency-Key {key!r} was already used for a {recorded_for} request"
            )
        answer: dict[str, Any] = json.loads(response)
        if answer.get("memory_id"):
            answer["memory_id"] = uuid.UUID(answer["memory_id"])
        return answer

    def record_write(
        self, db: Any, tenant: str, key: str, operation: str, response: WriteResponse
    ) -> None:
        """Record a write's answer inside that write's transaction."""
        answer = {
            "success": response.success,
            "memory_id": str(response.memory_id) if response.memory_id else None,
            "chunks_created": response.chunks_created,
            "message": response.message,
        }
        self.record(db, tenant, key, operation, json.dumps(answer))

    def lookup(self, tenant: str, key: str) -> dict[str, Any] | None:
        """The answer recorded for `key`, or `None` (also while a claim on it is pending)."""
        found = self.find(self._store.db, tenant, key)
        if found is None or found[0] == _PENDING:
            return None
        return dict(json.loads(found[1]))

    def claim(self, tenant: str, key: str) -> bool:
        """Claim `key` before running its request: `False` when a live claim or an answer
        holds it already. A claim older than `CLAIM_STALE` belongs to a process that died."""
        with self._store.write(bump_generation=False) as db:
            found = self.find(db, tenant, key)
            if found is not None:
                if found[0] != _PENDING:
                    return False
                row = db.execute(
                    "SELECT created_at FROM idempotency WHERE tenant_id = ? AND key = ?",
                    (tenant, key),
                ).fetchone()
                if str(row[0]) >= iso(now() - CLAIM_STALE):
                    return False
            self.record(db, tenant, key, _PENDING, "{}")
            return True

    def release(self, tenant: str, key: str) -> None:
        """Drop a claim whose request failed, so that a retry runs it."""
        with self._store.write(bump_generation=False) as db:
            db.execute(
                "DELETE FROM idempotency WHERE tenant_id = ? AND key = ? AND operation = ?",
                (tenant, key, _PENDING),
            )

    def store(self, tenant: str, key: str, payload: Mapping[str, Any]) -> None:
        """Record the answer of a claimed key (replacing the claim)."""
        # A recorded answer is no memory data: no generation bump, no vector index reload.
        with self._store.write(bump_generation=False) as db:
            found = self.find(db, tenant, key)
            if found is None or found[0] == _PENDING:  # the first answer recorded wins
                self.record(db, tenant, key, "http", json.dumps(payload, default=str))
