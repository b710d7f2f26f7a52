"""How rare each query word is in a tenant's memories: the inverse document frequencies that
weight the lexical signal of `relevance`.

Counts come from the full-text index (its porter stemmer, so "eat" counts "eating" too), limited
to the tenant's active memories. Counting a word found in most of a large store walks its whole
posting list, so counts are cached: a small store recounts after every write (it is cheap and
tests expect it), a large one at most every `LARGE_STORE_TTL_SECONDS`; a rarity a few seconds
old ranks the same.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from . import relevance

__all__ = ["LARGE_STORE_TTL_SECONDS", "TermRarity"]

LARGE_STORE_TTL_SECONDS = 30.0
# Below this many memories a tenant's counts are redone whenever the store changed.
_SMALL_STORE = 2_000
# Bounds the cache: beyond it, the oldest half is dropped.
_MAX_ENTRIES = 50_000


class TermRarity:
    """A per-engine cache of (tenant, word) document frequencies and tenant sizes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # key -> (value, generation, monotonic time)
        self._cache: dict[tuple[str, str], tuple[int, int, float]] = {}

    def _cached(self, key: tuple[str, str], generation: int, size: int | None) -> int | None:
        with self._lock:
            entry = self._cache.get(key)
        if entry is None:
            return None
        value, seen, at = entry
        if seen == generation:
            return value
        large = (size if size is not None else value) >= _SMALL_STORE
        if large and time.monotonic() - at < LARGE_STORE_TTL_SECONDS:
            return value
        return None

    def _keep(self, key: tuple[str, str], value: int, generation: int) -> None:
        with self._lock:
            if len(self._cache) >= _MAX_ENTRIES:
                for old in list(self._cache)[: _MAX_ENTRIES // 2]:
                    del self._cache[old]
            self._cache[key] = (value, generation, time.monotonic())

    def weights(self, db: Any, tenant: str, query: str, generation: int) -> dict[str, float]:
        """Stem -> idf for the content words of `query`, among the tenant's active memories."""
        words = relevance.stems(query)
        if not words:
            return {}
        size_key = (tenant, "")
        size = self._cached(size_key, generation, None)
        if size is None:
            size = int(
                db.execute(
                    "SELECT count(*) FROM memories WHERE tenant_id = ? AND status = 'active'",
                    (tenant,),
                ).fetchone()[0]
            )
            self._keep(size_key, size, generation)
        weights = {}
        for stem, word in words.items():
            key = (tenant, word)
            count = self._cached(key, generation, size)
            if count is None:
                # CROSS JOIN keeps the order: the word's matches first, each looked up by rowid.
                count = int(
                    db.execute(
                        "SELECT count(*) FROM memories_fts AS f CROSS JOIN memories AS m "
                        "ON m.rowid = f.rowid WHERE memories_fts MATCH ? AND m.tenant_id = ? "
                        "AND m.status = 'active'",
                        ('"' + word.replace('"', '""') + '"', tenant),
                    ).fetchone()[0]
                )
                self._keep(key, count, generation)
            weights[stem] = relevance.idf(count, size)
        return weights
