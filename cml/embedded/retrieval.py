"""Hybrid ranking: full-text (FTS5 bm25), vector similarity, and recency / importance / confidence.

Each signal is scaled to [0, 1] within the query's candidates and blended with fixed weights, so
`relevance` is in [0, 1] and comparable across queries of one store. The weights were chosen on
the LoCoMo development split (see benchmarks/); the lexical side drops stop words, since FTS5's
porter tokenizer would otherwise reward "what", "the" and "did".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import attrs

__all__ = ["Candidate", "Weights", "fts_query", "rank", "terms"]

_WORD = re.compile(r"[\w']+", re.UNICODE)
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "he'd",
        "he'll",
        "he's",
        "her",
        "here",
        "here's",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "how's",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "she'd",
        "she'll",
        "she's",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they'd",
        "they'll",
        "they're",
        "they've",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "wasn't",
        "we",
        "we'd",
        "we'll",
        "we're",
        "we've",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "when's",
        "where",
        "where's",
        "which",
        "while",
        "who",
        "who's",
        "whom",
        "why",
        "why's",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "you'd",
        "you'll",
        "you're",
        "you've",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "ever",
        "also",
        "just",
    ]
)


def terms(text: str) -> list[str]:
    """The content words of `text`, lowercased, in order, without repeats."""
    seen: dict[str, None] = {}
    for found in _WORD.findall(text.lower()):
        word = found.strip("'")
        if word and word not in STOP_WORDS:
            seen.setdefault(word, None)
    return list(seen)


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression: any content word. Each term is quoted, so user text can never be
    read as FTS syntax."""
    words = terms(text)
    if not words:
        return None
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


@attrs.frozen(slots=True)
class Weights:
    vector: float = 0.5
    lexical: float = 0.4
    recency: float = 0.04
    importance: float = 0.03
    confidence: float = 0.03
    # Cosine is mapped linearly from the floor (0) to the ceiling (1). MiniLM-style cosines:
    # unrelated texts score near 0.1, related ones 0.35-0.7; a ceiling much below 0.7 saturates
    # and stops telling the best matches apart (LoCoMo recall@10 0.643 at 0.55, 0.66 at 0.7).
    vector_floor: float = 0.0
    vector_ceiling: float = 0.7
    # Days for a memory's recency score to halve.
    recency_half_life_days: float = 30.0


@attrs.define(slots=True)
class Candidate:
    rowid: int
    bm25: float | None = None  # FTS5 bm25: lower (more negative) is better
    cosine: float | None = None
    timestamp: datetime | None = None
    importance: float = 0.5
    confidence: float = 0.5
    relevance: float = 0.0


def rank(
    candidates: Mapping[int, Candidate],
    *,
    weights: Weights,
    now: datetime | None = None,
    lexical_only: bool = False,
) -> list[Candidate]:
    """Score every candidate (sets `relevance`) and return them best first."""
    if not candidates:
        return []
    now = now or datetime.now(UTC)
    best_bm25 = min((c.bm25 for c in candidates.values() if c.bm25 is not None), default=None)
    # Without vectors the lexical signal carries the vector's weight too.
    w_lex = weights.lexical + (weights.vector if lexical_only else 0.0)
    w_vec = 0.0 if lexical_only else weights.vector
    for c in candidates.values():
        lexical = c.bm25 / best_bm25 if c.bm25 is not None and best_bm25 else 0.0
        vector = 0.0
        if c.cosine is not None:
            span = weights.vector_ceiling - weights.vector_floor
            vector = min(1.0, max(0.0, (c.cosine - weights.vector_floor) / span))
        recency = 0.0
        if c.timestamp is not None:
            age_days = max(0.0, (now - c.timestamp).total_seconds() / 86400.0)
            recency = math.exp(-math.log(2) * age_days / weights.recency_half_life_days)
        score = (
            w_vec * vector
            + w_lex * lexical
            + weights.recency * recency
            + weights.importance * c.importance
            + weights.confidence * c.confidence
        )
        c.relevance = min(1.0, max(0.0, score))
    return sorted(candidates.values(), key=lambda c: (-c.relevance, -c.rowid))


def merge(*sources: Iterable[tuple[int, str, float]]) -> dict[int, Candidate]:
    """Candidates from several searches, keyed by rowid: (rowid, signal, value) triples."""
    merged: dict[int, Candidate] = {}
    for source in sources:
        for rowid, signal, value in source:
            candidate = merged.setdefault(rowid, Candidate(rowid=rowid))
            setattr(candidate, signal, value)
    return merged
