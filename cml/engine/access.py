"""How often each memory was read: counted in memory, written to the store in batches."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .checks import iso, now
from .storage import Store

__all__ = ["AccessCounts"]

logger = logging.getLogger("cml")

# Access counts are written in batches, not on every read.
_FLUSH_EVERY = 256
_FLUSH_SECONDS = 2.0


class AccessCounts:
    """Counts reads of memories and flushes them every few seconds or few hundred reads."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._pending: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._flushed = time.monotonic()

    def touch(self, ids: Iterable[Any]) -> None:
        """Count one read of each memory in `ids`."""
        with self._lock:
            self._pending.update(str(i) for i in ids)
        self.flush()

    def flush(self, *, force: bool = False) -> None:
        """Write the counts when a batch is due (or now, with `force`)."""
        with self._lock:
            due = (
                force
                or sum(self._pending.values()) >= _FLUSH_EVERY
                or time.monotonic() - self._flushed >= _FLUSH_SECONDS
            )
            if not due or not self._pending:
                return
            pending, self._pending = self._pending, Counter()
            self._flushed = time.monotonic()
        moment = iso(now())
        try:
            # Counts change no vector: no generation bump, so no vector index reloads its rows.
            with self._store.write(bump_generation=False) as db:
                db.executemany(
                    "UPDATE memories SET access_count = access_count + ?, last_accessed_at = ? "
                    "WHERE id = ?",
                    [(count, moment, memory_id) for memory_id, count in pending.items()],
                )
        except Exception:  # access counts are a hint; never fail a read over them
            logger.debug("could not record memory access counts", exc_info=True)
