"""Reads: filters, the full-text and vector candidates, and their ranking on one relevance scale.

A read gathers candidates from FTS5 (bm25) and from the vector index (cosine), keeps those its
snapshot holds and its filters allow, and ranks them with `relevance` (see that module for the
scale). The rarity of the query's terms comes from `rarity`.

bm25 is computed for every match before `ORDER BY ... LIMIT` keeps the best, so the full-text
stage costs in proportion to the matches: it searches for the query's rarest words within a budget
of matches (`MATCH_BUDGET`), and a store that holds one tenant leaves out the tenant phrase (see
`storage.fts_match`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple, TypedDict, Unpack

from .._exceptions import InvalidRequestError
from ..models import MemoryItem, MemoryType, ReadResponse, parse_datetime
from . import relevance, retrieval
from .access import AccessCounts
from .backend import Backend, generation
from .checks import MAX_QUERY_CHARS, check_tags, check_text, check_type, iso, now
from .items import memory_item, read_response
from .rarity import TermRarity
from .storage import fts_match, holds_only
from .user_time import day_window, narrowed, user_zone

__all__ = ["CANDIDATES", "TURN_TAGS", "Explained", "Ranking", "Searcher", "speaker"]

#: Retrieval looks at this many candidates from each search before ranking.
CANDIDATES = 100
# The columns a read ranks and returns: every one but the 1.5 KB embedding (the index has it).
_READ_COLUMNS = ", ".join(
    f"m.{name}"
    for name in (
        "rowid",
        "id",
        "tenant_id",
        "namespace",
        "text",
        "type",
        "status",
        "source",
        "confidence",
        "importance",
        "access_count",
        "last_accessed_at",
        "decay_rate",
        "version",
        "supersedes",
        "superseded_by",
        "valid_from",
        "valid_to",
        "context_tags",
        "session_id",
        "agent_id",
        "turn_id",
        "metadata",
        "timestamp",
        "written_at",
        "updated_at",
        "content_hash",
        "parent_id",
        "chunk_index",
        "chunk_count",
        "embedder",
    )
)
# Up to this many ranked full-text hits are checked against the filters with one `IN (?, ...)`
# list; a larger window goes through `json_each` (a join: slower, but no limit on parameters).
_IN_LIST_LIMIT = 2_000
# bm25 costs about a microsecond per match (it is computed for every match before ORDER BY ...
# LIMIT keeps the best): the words searched for are the rarest ones, as many as fit this many
# matches in the whole store (always at least the rarest word). See `Searcher.searched_words`.
MATCH_BUDGET = 8_000
# The filter of a read with no filters: the tenant's active memories.
_UNFILTERED = "m.tenant_id = ? AND m.status = 'active'"
#: The tags `turn()` gives the messages it stores (besides "conversation"), by speaker.
TURN_TAGS = {"user_input": "user", "assistant_response": "assistant"}


def speaker(tags: Sequence[str]) -> str | None:
    """Who said a message `turn()` stored ("user" or "assistant"); None for other memories."""
    return next((TURN_TAGS[tag] for tag in tags if tag in TURN_TAGS), None)


class Ranking(NamedTuple):
    """How a read ranked its candidates: what each search found, and every candidate scored."""

    #: The FTS5 query the text became (None: no word to search for).
    fts_query: str | None
    #: (rowid, "bm25", score) of the full-text hits, best first (lower bm25 is better).
    lexical: list[tuple[int, str, float]]
    #: (rowid, "cosine", similarity) of the vector hits, best first.
    semantic: list[tuple[int, str, float]]
    #: Every candidate that passed the filters, by rowid, with its raw signals.
    candidates: dict[int, retrieval.Candidate]
    #: The stored row of each candidate, by rowid.
    rows: dict[int, Any]
    #: Every candidate on the relevance scale, best first; a read returns the first ones.
    scored: list[relevance.Scored]
    lexical_ms: float
    semantic_ms: float

    def items(self, limit: int) -> list[MemoryItem]:
        """The best `limit` candidates as a read returns them."""
        return [memory_item(self.rows[s.rowid], s.relevance) for s in self.scored[:limit]]


class ReadOptions(TypedDict, total=False):
    """What a read may be asked besides its tenant and query: `Searcher.explain`'s keywords,
    named once here so that the `Engine` front and `read` pass them on without listing them."""

    max_results: int
    context_filter: Sequence[str] | None
    memory_types: Sequence[MemoryType | str] | None
    since: datetime | None
    until: datetime | None
    response_format: str
    namespace: str | None
    session_id: str | None
    min_relevance: float
    user_timezone: str | None


class Explained(NamedTuple):
    """A read's answer, and the ranking it was cut from (`Searcher.explain`)."""

    response: ReadResponse
    ranking: Ranking
    #: The memory types the read was limited to (checked), empty for all.
    memory_types: list[str]


class Searcher:
    """Finds and ranks memories for a query."""

    def __init__(self, backend: Backend, access: AccessCounts) -> None:
        self.backend = backend
        self.access = access
        self.rarity = TermRarity()

    def read(self, tenant: str, query: str, **options: Unpack[ReadOptions]) -> ReadResponse:
        return self.explain(tenant, query, **options).response

    def explain(
        self,
        tenant: str,
        query: str,
        *,
        max_results: int = 10,
        context_filter: Sequence[str] | None = None,
        memory_types: Sequence[MemoryType | str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        response_format: str = "packet",
        namespace: str | None = None,
        session_id: str | None = None,
        min_relevance: float = 0.0,
        user_timezone: str | None = None,
    ) -> Explained:
        """A read, with the ranking it was cut from: `read` is `explain(...).response`.

        With `user_timezone`, a query that names a day ("today", "yesterday") keeps the
        memories of that day of the user's (see `user_time`).
        """
        started = time.perf_counter()
        query = check_text(query, "query", limit=MAX_QUERY_CHARS)
        if not isinstance(max_results, int) or not 1 <= max_results <= 50:
            raise InvalidRequestError(f"max_results must be between 1 and 50, not {max_results}")
        if response_format not in ("packet", "list", "llm_context"):
            raise InvalidRequestError(
                f"format must be 'packet', 'list' or 'llm_context', not {response_format!r}"
            )
        types = [t for t in (check_type(t) for t in memory_types or ()) if t is not None]
        zone = user_zone(user_timezone)
        if zone is not None:
            since, until = narrowed(since, until, day_window(query, zone, now()))
        where, params = self.filters(
            tenant,
            context_filter=context_filter,
            memory_types=types,
            since=since,
            until=until,
            namespace=namespace,
            session_id=session_id,
        )
        ranking = self.rank(tenant, query, where, params)
        items = ranking.items(max_results)
        items = [item for item in items if item.relevance >= min_relevance]
        self.access.touch(item.id for item in items)
        response = read_response(
            query, items, response_format, started, embedder=self.backend.embedder
        )
        return Explained(response, ranking, types)

    @staticmethod
    def filters(
        tenant: str,
        *,
        context_filter: Sequence[str] | None,
        memory_types: Sequence[str],
        since: datetime | None,
        until: datetime | None,
        namespace: str | None,
        session_id: str | None,
    ) -> tuple[str, list[Any]]:
        """The SQL condition (over `memories m`) and its parameters for a read's filters."""
        where = [_UNFILTERED]
        params: list[Any] = [tenant]
        if memory_types:
            where.append(f"m.type IN ({', '.join('?' * len(memory_types))})")
            params.extend(memory_types)
        if context_filter:
            tags = check_tags(context_filter)
            where.append(
                "EXISTS (SELECT 1 FROM json_each(m.context_tags) "
                f"WHERE value IN ({', '.join('?' * len(tags))}))"
            )
            params.extend(tags)
        if since is not None:
            where.append("m.timestamp >= ?")
            params.append(iso(since))
        if until is not None:
            where.append("m.timestamp <= ?")
            params.append(iso(until))
        if namespace is not None:
            where.append("m.namespace = ?")
            params.append(namespace)
        if session_id is not None:
            where.append("m.session_id = ?")
            params.append(session_id)
        return " AND ".join(where), params

    def search(
        self, tenant: str, query: str, where: str, params: list[Any], *, limit: int
    ) -> list[MemoryItem]:
        """The best `limit` memories for `query` among those `where` allows."""
        return self.rank(tenant, query, where, params).items(limit)

    def rank(self, tenant: str, query: str, where: str, params: list[Any]) -> Ranking:
        """Every candidate for `query` among those `where` allows, ranked, with what found it."""
        vectors = self.backend.vectors
        with self.backend.store.read() as db:
            started = time.perf_counter()
            lexical: list[tuple[int, str, float]] = []
            words = retrieval.terms(query)
            if where == _UNFILTERED:
                words = self.searched_words(db, words)
            match = retrieval.any_of(words) if words else None
            if match is not None:
                sole = holds_only(db, tenant)
                lexical = self.lexical(
                    db, fts_match(tenant, match, sole_tenant=sole), where, params
                )
            lexical_ms = (time.perf_counter() - started) * 1000.0
            started = time.perf_counter()
            semantic: list[tuple[int, str, float]] = []
            if vectors is not None:
                vectors.sync(generation(db))
                vector = self.backend.embed([query])[0]
                semantic = [
                    (rowid, "cosine", score)
                    for rowid, score in self.semantic(db, vector, tenant, where, params)
                ]
            candidates = retrieval.merge(lexical, semantic)
            if not candidates:
                return Ranking(match, lexical, semantic, {}, {}, [], lexical_ms, 0.0)
            if vectors is not None:
                # A full-text hit outside the vector top-k still has a similarity: score it,
                # or in a large store it would rank as if unrelated to the query (cosine 0).
                missing = [rowid for rowid, c in candidates.items() if c.cosine is None]
                for rowid, cosine in vectors.similarity(vector, missing).items():
                    candidates[rowid].cosine = cosine
            semantic_ms = (time.perf_counter() - started) * 1000.0
            # The vector index is shared by threads and may be a little older or newer than this
            # read's snapshot: keep only the candidates this snapshot holds and the filters allow.
            # NOT INDEXED: look the rowids up; never scan a secondary index of the whole tenant.
            by_rowid = {
                int(r["rowid"]): r
                for r in db.execute(
                    f"SELECT {_READ_COLUMNS} FROM memories m NOT INDEXED WHERE m.rowid IN "
                    f"({', '.join('?' * len(candidates))}) AND {where}",
                    [*candidates, *params],
                )
            }
            candidates = {rowid: c for rowid, c in candidates.items() if rowid in by_rowid}
            scored = self.score(db, tenant, query, candidates, by_rowid)
        return Ranking(
            match, lexical, semantic, candidates, by_rowid, scored, lexical_ms, semantic_ms
        )

    def searched_words(self, db: Any, words: Sequence[str]) -> list[str]:
        """The words of `words` an unfiltered read's full-text search looks for, in their order:
        the rarest, then the next rarest while their matches in the store stay within
        `MATCH_BUDGET` (or number fewer than `CANDIDATES`).

        A word left out is commoner than every word kept, so it weighs less in bm25 and in the
        relevance's lexical share (see `rarity`), and the words kept match more memories than a
        read takes from this search; the memories that hold only such words still come in
        through the vector search. A filtered read searches for every word: the few memories
        its filters allow may hold only the common ones.
        """
        if len(words) <= 1:
            return list(words)
        stamp = generation(db)
        counts = {word: self.rarity.matches(db, word, stamp) for word in words}
        if sum(counts.values()) <= MATCH_BUDGET:
            return list(words)
        kept: set[str] = set()
        total = 0
        for word in sorted(words, key=lambda w: counts[w]):
            if total >= CANDIDATES and total + counts[word] > MATCH_BUDGET:
                break
            kept.add(word)
            total += counts[word]
        return [word for word in words if word in kept]

    def score(
        self,
        db: Any,
        tenant: str,
        query: str,
        candidates: Mapping[int, retrieval.Candidate],
        rows: Mapping[int, Mapping[str, Any]],
    ) -> list[relevance.Scored]:
        """Every candidate on the calibrated relevance scale, best first (see `relevance`)."""
        weights = self.rarity.weights(db, tenant, query, generation(db))
        memories = []
        for rowid, candidate in candidates.items():
            row = rows[rowid]
            said_by = speaker(json.loads(row["context_tags"]))
            memories.append(
                relevance.Memory(
                    rowid=rowid,
                    text=row["text"],
                    cosine=candidate.cosine,
                    timestamp=parse_datetime(row["timestamp"]),
                    thread=(row["namespace"], row["session_id"], said_by is not None),
                    speaker=said_by,
                )
            )
        calibration = (
            relevance.WITH_VECTORS if self.backend.vectors is not None else relevance.LEXICAL_ONLY
        )
        return relevance.rank(
            memories,
            query=weights,
            now=now(),
            calibration=calibration,
            small_talk=relevance.is_filler(relevance.stems(query)),
        )

    def semantic(
        self, db: Any, vector: Any, tenant: str, where: str, params: list[Any]
    ) -> list[tuple[int, float]]:
        """The best vector candidates that pass the filters, best first.

        Listing every row a filter allows costs a Python loop over most of a large tenant (a
        time range, a type); checking a window of the best hits by rowid is far cheaper. The
        result is the same as filtering first: the window is used only when it holds enough
        passing hits, or every vector of the tenant; a selective filter falls back to the list.
        """
        vectors = self.backend.vectors
        assert vectors is not None
        if where == _UNFILTERED:
            return list(vectors.search(vector, tenant, CANDIDATES))
        window = CANDIDATES * 4
        hits = vectors.search(vector, tenant, window)
        if not hits:
            return []
        passing = {
            int(r[0])
            for r in db.execute(
                f"SELECT m.rowid FROM memories m NOT INDEXED WHERE m.rowid IN "
                f"({', '.join('?' * len(hits))}) AND {where}",
                [*(rowid for rowid, _ in hits), *params],
            )
        }
        kept = [hit for hit in hits if hit[0] in passing][:CANDIDATES]
        if len(kept) == CANDIDATES or len(hits) < window:
            return kept
        allowed = {
            int(r[0]) for r in db.execute(f"SELECT m.rowid FROM memories m WHERE {where}", params)
        }
        return list(vectors.search(vector, tenant, CANDIDATES, allowed))

    @staticmethod
    def lexical(db: Any, match: str, where: str, params: list[Any]) -> list[tuple[int, str, float]]:
        """The best full-text candidates that pass the filters, best first.

        Ranking every match joined to its row is slow when a common word matches most of a large
        store; ranking in FTS5 alone and filtering a window of the best is several times faster.
        The window grows until it holds enough rows that pass the filters, or every match, so
        the result is the same as filtering first: no tenant's matches are crowded out.
        """
        window = CANDIDATES * 4
        while True:
            ranked = db.execute(
                # Weight 0 for the tenant column: it only partitions (see storage.fts_match).
                "SELECT rowid, bm25(memories_fts, 1.0, 0.0) FROM memories_fts "
                "WHERE memories_fts MATCH ? "
                "ORDER BY 2 LIMIT ?",
                [match, window],
            ).fetchall()
            # Check the best first: most reads need only a little more than CANDIDATES rows
            # looked up, and each lookup costs a few microseconds. Bounded: the slice grows
            # fourfold over the window fetched, and the window fourfold until it holds every match.
            found: list[tuple[int, str, float]] = []
            checked = 0
            while len(found) < CANDIDATES and checked < len(ranked):
                upto = min(len(ranked), max(CANDIDATES + CANDIDATES // 4, checked * 4))
                found.extend(Searcher._passing(db, ranked[checked:upto], where, params))
                checked = upto
            if len(found) >= CANDIDATES or len(ranked) < window:
                return found[:CANDIDATES]
            window *= 4

    @staticmethod
    def _passing(
        db: Any, ranked: Sequence[Any], where: str, params: list[Any]
    ) -> list[tuple[int, str, float]]:
        """The (rowid, "bm25", score) of `ranked` that pass the filters, in their order."""
        if len(ranked) <= _IN_LIST_LIMIT:
            # NOT INDEXED: look each ranked rowid up, never scan the tenant's rows.
            check = (
                "SELECT m.rowid FROM memories m NOT INDEXED WHERE m.rowid IN "
                f"({', '.join('?' * len(ranked))}) AND {where}"
            )
            arguments = [*(r[0] for r in ranked), *params]
        else:
            # CROSS JOIN keeps this order: look each ranked rowid up.
            check = (
                "SELECT m.rowid FROM json_each(?) AS j CROSS JOIN memories AS m "
                f"ON m.rowid = j.value WHERE {where}"
            )
            arguments = [json.dumps([r[0] for r in ranked]), *params]
        passing = {int(r[0]) for r in db.execute(check, arguments)}
        return [(int(r[0]), "bm25", float(r[1])) for r in ranked if int(r[0]) in passing]
