"""Hybrid retrieval's candidates: full-text (FTS5 bm25) and vector similarity, merged by rowid.

The lexical side drops stop words, since FTS5's porter tokenizer would otherwise reward "what",
"the" and "did". Ranking the candidates is `relevance`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

__all__ = ["STOP_WORDS", "Candidate", "any_of", "fts_query", "merge", "terms"]

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
    return any_of(words)


def any_of(words: Iterable[str]) -> str:
    """An FTS5 MATCH expression for any of `words` (at least one), each quoted as a string."""
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


@attrs.define(slots=True)
class Candidate:
    rowid: int
    bm25: float | None = None  # FTS5 bm25: lower (more negative) is better
    cosine: float | None = None


def merge(*sources: Iterable[tuple[int, str, float]]) -> dict[int, Candidate]:
    """Candidates from several searches, keyed by rowid: (rowid, signal, value) triples."""
    merged: dict[int, Candidate] = {}
    for source in sources:
        for rowid, signal, value in source:
            candidate = merged.setdefault(rowid, Candidate(rowid=rowid))
            setattr(candidate, signal, value)
    return merged
