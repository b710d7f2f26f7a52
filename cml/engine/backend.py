"""What every part of the engine shares: the store, the embedder and the vector index.

`Backend` keeps the vector index in step with the store (`after_write`) and records events;
the engine's collaborators (writes, search, changes, maintenance) all work through one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .checks import iso, now
from .embedders import Embedder
from .storage import Store

__all__ = ["Backend", "generation", "record_event"]


def generation(db: Any) -> int:
    """The store's change counter as `db` (a connection or transaction) sees it."""
    return int(db.execute("SELECT value FROM generation WHERE id = 1").fetchone()[0])


def record_event(
    db: Any,
    tenant: str,
    event_type: str,
    operation: str,
    *,
    memory_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Add one row to the event log, inside the caller's write transaction."""
    db.execute(
        "INSERT INTO events (tenant_id, event_type, operation, memory_id, created_at, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (tenant, event_type, operation, memory_id, iso(now()), json.dumps(detail or {})),
    )


class Backend:
    """The store, the embedder (None: full-text search only) and its vector index."""

    def __init__(self, store: Store, embedder: Embedder | None) -> None:
        self.store = store
        self.embedder = embedder
        self.vectors: Any = None
        if embedder is not None:
            from .vectors import VectorIndex

            self.vectors = VectorIndex(store, embedder.dim)

    def embed(self, texts: Sequence[str]) -> Any:
        """The vectors of `texts` (one row each), or None without an embedder."""
        if self.embedder is None or not texts:
            return None
        return self.embedder.embed(list(texts))

    def sync_vectors(self, db: Any) -> None:
        """Bring the vector index up to the generation `db` sees (before searching it)."""
        if self.vectors is not None:
            self.vectors.sync(generation(db))

    def save_vectors(self) -> None:
        """Save the approximate vector indexes beside the database (on close)."""
        if self.vectors is not None:
            self.vectors.save()

    def invalidate_vectors(self) -> None:
        """Make the vector index reload everything (after a change it was not told about)."""
        if self.vectors is not None:
            self.vectors.invalidate()

    def after_write(
        self,
        before: int | None,
        tenant: str,
        added: Sequence[tuple[int, Any]] = (),
        *,
        deactivated: Iterable[int] = (),
        replaced: Sequence[tuple[int, Any]] = (),
    ) -> None:
        """Bring the vector index up to date with a write this process just committed.

        `before` is the generation read inside that write's transaction, which bumped it by one.
        Reading the counter again here would be wrong: another process may have committed in
        between, and the index would then claim a generation whose rows it never loaded.
        """
        if self.vectors is None or before is None:
            return
        self.vectors.apply(
            before,
            before + 1,
            tenant=tenant,
            added=[(rowid, v) for rowid, v in added if v is not None],
            deactivated=deactivated,
            replaced=replaced,
        )
