"""How rare each query word is in a tenant's memories: the inverse document frequencies that
weight the lexical signal of `relevance`.

Counts come from the full-text index (its porter stemmer, so "eat" counts "eating" too), limited
to the tenant's active memories for a word found in at most `_EXACT_UP_TO` memories of the store;
a more common word's share of the whole store stands in for its share of the tenant's (looking
each of its matches up would cost a walk over much of the store). Counts are cached: a small
store recounts after every write (it is cheap and tests expect it), a large one at most every
`LARGE_STORE_TTL_SECONDS`; a rarity a few seconds old ranks the same.
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
# A word in at most this many memories of the whole store is counted exactly for the tenant.
_EXACT_UP_TO = 2_000
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

    def _count(
        self,
        db: Any,
        key: tuple[str, str],
        generation: int,
        sql: str,
        params: tuple[Any, ...],
        *,
        size: int | None = None,
    ) -> int:
        """A cached count (see the module docstring for when it is redone)."""
        value = self._cached(key, generation, size)
        if value is None:
            value = int(db.execute(sql, params).fetchone()[0])
            self._keep(key, value, generation)
        return value

    def matches(self, db: Any, word: str, generation: int, *, size: int | None = None) -> int:
        """How many memories of the whole store hold `word` (cached like the other counts):
        cheap, as FTS5 walks the word's matches only."""
        return self._count(
            db,
            ("", word),
            generation,
            "SELECT count(*) FROM memories_fts WHERE memories_fts MATCH ?",
            ('"' + word.replace('"', '""') + '"',),
            size=size,
        )

    def weights(self, db: Any, tenant: str, query: str, generation: int) -> dict[str, float]:
        """Stem -> idf for the content words of `query`, among the tenant's active memories."""
        words = relevance.stems(query)
        if not words:
            return {}
        size = self._count(
            db,
            (tenant, ""),
            generation,
            "SELECT count(*) FROM memories WHERE tenant_id = ? AND status = 'active'",
            (tenant,),
        )
        weights = {}
        for stem, word in words.items():
            phrase = '"' + word.replace('"', '""') + '"'
            # The whole index first: cheap, as it walks the word's matches only.
            anywhere = self.matches(db, word, generation, size=size)
            if anywhere <= _EXACT_UP_TO:
                # CROSS JOIN keeps the order: the word's matches first, each looked up by rowid.
                count = self._count(
                    db,
                    (tenant, word),
                    generation,
                    "SELECT count(*) FROM memories_fts AS f CROSS JOIN memories AS m "
                    "ON m.rowid = f.rowid WHERE memories_fts MATCH ? AND m.tenant_id = ? "
                    "AND m.status = 'active'",
                    (phrase, tenant),
                    size=size,
                )
            else:
                # A common word: looking each match up would cost a walk over much of the store;
                # its share of the whole store stands in for its share of the tenant's.
                everything = self._count(
                    db, ("", ""), generation, "SELECT count(*) FROM memories", (), size=size
                )
                count = round(anywhere * size / max(everything, 1))
            weights[stem] = relevance.idf(count, size)
        return weights
