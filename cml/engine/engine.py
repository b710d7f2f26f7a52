"""The memory engine: every operation of the CML API, in-process, on one SQLite file.

`Engine` is synchronous and thread-safe; the embedded clients and the local server (`cml serve`)
are thin layers over it, and it returns the same `cml.models` as the HTTP clients. Every public
method takes the tenant first: tenants never see each other's data.

`Engine` is a front: each job is done by one collaborator sharing the store, the embedder and
the vector index (`Backend`): `Writer` (writes), `Searcher` (reads), `Sessions` (turns and
sessions), `Changes` (updates and forgetting), `Replies` (idempotent answers), `AccessCounts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Unpack

from ..models import (
    ForgetResponse,
    ReadResponse,
    SessionContextResponse,
    SessionResponse,
    StatsResponse,
    TurnResponse,
    UpdateResponse,
    WriteResponse,
)
from . import stats as _stats
from .access import AccessCounts
from .backend import Backend
from .changes import Changes, ForgetCriteria, UpdateFields
from .checks import MAX_CONTENT_CHARS, MAX_METADATA_CHARS, MAX_QUERY_CHARS
from .embedders import resolve_embedder
from .replies import IDEMPOTENCY_TTL, Replies
from .search import Explained, ReadOptions, Searcher
from .sessions import TURN_CANDIDATES, Sessions, TurnOptions
from .storage import Store
from .writes import BatchWritten, MemoryFields, WritePlan, Writer

__all__ = [
    "IDEMPOTENCY_TTL",
    "MAX_CONTENT_CHARS",
    "MAX_METADATA_CHARS",
    "MAX_QUERY_CHARS",
    "TURN_CANDIDATES",
    "BatchWritten",
    "Engine",
    "Explained",
    "Replies",
    "WritePlan",
    "default_db_path",
]


def default_db_path() -> Path:
    """Where embedded memories live when no `db_path` is given: one file per user."""
    import os

    base = os.environ.get("CML_DB_PATH")
    if base:
        return Path(base).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return data_home / "py-cml" / "memory.db"


class Engine:
    """The whole memory system for one database file (or `":memory:"`)."""

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        embedder: Any = "default",
        classifier: Callable[[str], str | None] | None = None,
    ) -> None:
        self.store = Store(default_db_path() if db_path is None else db_path)
        self.backend = Backend(self.store, resolve_embedder(embedder))
        self.replies = Replies(self.store)
        self.access = AccessCounts(self.store)
        self.writer = Writer(self.backend, self.replies, classifier)
        self.searcher = Searcher(self.backend, self.access)
        self.sessions = Sessions(self.store, self.searcher, self.writer)
        self.changes = Changes(self.backend, self.searcher)

    @property
    def embedder(self) -> Any:
        """The embedder (None: full-text search only)."""
        return self.backend.embedder

    @property
    def classifier(self) -> Callable[[str], str | None] | None:
        """The hook that may choose a write's memory type (see `cml.text.classify`)."""
        return self.writer.classifier

    @classifier.setter
    def classifier(self, hook: Callable[[str], str | None] | None) -> None:
        self.writer.classifier = hook

    def close(self) -> None:
        self.access.flush(force=True)
        self.backend.save_vectors()
        self.store.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------------

    def write(
        self,
        tenant: str,
        content: str,
        *,
        idempotency_key: str | None = None,
        **fields: Unpack[MemoryFields],
    ) -> WriteResponse:
        """Store one memory (chunked when long); a near-duplicate reinforces the existing one.

        The keywords are `MemoryFields`: `context_tags`, `session_id`, `memory_type`,
        `namespace`, `metadata`, `turn_id`, `agent_id`, `timestamp` and `source`.
        """
        return self.writer.write(tenant, content, idempotency_key=idempotency_key, **fields)

    def plan_write(self, tenant: str, content: str, **fields: Unpack[MemoryFields]) -> WritePlan:
        """What `write` with these arguments would do (store, or reinforce memory X), computed
        by the code `write` runs; nothing is stored. Bad input raises as `write` would."""
        return self.writer.plan(tenant, content, **fields)

    def write_batch(
        self, tenant: str, turns: Sequence[Any], *, idempotency_key: str | None = None
    ) -> BatchWritten:
        """Store many memories in one transaction: all of them, or (on bad input) none."""
        return self.writer.write_batch(tenant, turns, idempotency_key=idempotency_key)

    # -- reading -------------------------------------------------------------------------------

    def read(self, tenant: str, query: str, **options: Unpack[ReadOptions]) -> ReadResponse:
        """The memories that best answer `query`, best first, on the calibrated relevance scale.

        The keywords are `ReadOptions`: `max_results` (1-50), `context_filter`, `memory_types`,
        `since`, `until`, `response_format`, `namespace`, `session_id`, `min_relevance`, and
        `user_timezone` (an IANA name: the day a query names is read in the user's zone).
        """
        return self.searcher.read(tenant, query, **options)

    def explain_read(self, tenant: str, query: str, **options: Unpack[ReadOptions]) -> Explained:
        """`read`, with the ranking it was cut from: what each search found and how every
        candidate scored (the read's answer is `.response`; it counts as a read)."""
        return self.searcher.explain(tenant, query, **options)

    # -- turns and sessions --------------------------------------------------------------------

    def turn(self, tenant: str, user_message: str, **options: Unpack[TurnOptions]) -> TurnResponse:
        """The context for a message, then the message (and the answer) stored.

        The keywords are `TurnOptions`: `assistant_response`, `session_id`,
        `max_context_tokens`, `timestamp`, `namespace`, `idempotency_key`, `user_timezone`.
        """
        return self.sessions.turn(tenant, user_message, **options)

    def create_session(
        self,
        tenant: str,
        *,
        name: str | None = None,
        ttl_hours: int | None = 24,
        metadata: Mapping[str, Any] | None = None,
    ) -> SessionResponse:
        return self.sessions.create_session(
            tenant, name=name, ttl_hours=ttl_hours, metadata=metadata
        )

    def session_context(self, tenant: str, session_id: str) -> SessionContextResponse:
        return self.sessions.session_context(tenant, session_id)

    # -- changing and forgetting ---------------------------------------------------------------

    def update(self, tenant: str, memory_id: Any, **fields: Unpack[UpdateFields]) -> UpdateResponse:
        """Change a memory. New text makes a new version; feedback changes trust and status.

        The keywords are `UpdateFields`: `text`, `confidence`, `importance`, `metadata`,
        `feedback`.
        """
        return self.changes.update(tenant, memory_id, **fields)

    def forget(self, tenant: str, **criteria: Unpack[ForgetCriteria]) -> ForgetResponse:
        """Delete, archive or silence memories chosen by `ForgetCriteria`: `memory_ids`,
        `query`, `before`, and the `action`."""
        return self.changes.forget(tenant, **criteria)

    def delete_all(self, tenant: str) -> int:
        return self.changes.delete_all(tenant)

    # -- statistics ----------------------------------------------------------------------------

    def stats(self, tenant: str) -> StatsResponse:
        return _stats.stats(self.store, tenant)

    def iter_rows(self, tenant: str, *, status: str | None = None) -> Iterator[Any]:
        """Every memory row of a tenant, oldest first (for export and maintenance jobs)."""
        return _stats.iter_rows(self.store, tenant, status=status)
