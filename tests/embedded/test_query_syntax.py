"""A query is words, never full-text syntax: apostrophes, quotes, `*`, `NEAR`, `-`, `:`,
parentheses and FTS5's operators in a query neither raise nor change what it matches.

The engine here has no embedder, so every result comes from the full-text index and the
expected sets are exact: a query matches the memories that hold one of its content words.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cml.engine.engine import Engine

TENANT = "syntax"
MEMORIES = {
    "olives": "I don't like olives.",
    "cat": "The user's cat is named Tom.",
    "station": "Meeting near the station at noon.",
    "flag": "Use the -v flag for verbose output.",
    "hello": 'He said "hello" to everyone.',
    "ratio": "The ratio is 3:4 in the mix (approximately).",
    "star": "A star marks the answer.",
    "start": "We start at dawn.",
    "irish": "O'Brien's pub serves stew.",
}

CASES = [
    # Apostrophes: inside a word, around it, alone, several.
    ("user's cat", {"cat"}),
    ("O'Brien's", {"irish"}),
    ("o'brien's stew", {"irish"}),
    ("'olives'", {"olives"}),
    ("olives'", {"olives"}),
    ("'", set()),
    ("''' olives '''", {"olives"}),
    ("a'b'c", set()),
    # Double quotes: unbalanced, empty, around several words (no phrase: any word matches).
    ('"hello', {"hello"}),
    ('hello"', {"hello"}),
    ('""', set()),
    ('"olives station"', {"olives", "station"}),
    ('"dawn answer"', {"start", "star"}),
    # `*` is no prefix operator: "star*" is the word "star", not "start".
    ("star*", {"star"}),
    ("*", set()),
    ("sta*", set()),
    # NEAR, AND, OR, NOT are words, in any case; no operator joins or excludes.
    ("station NEAR noon", {"station"}),
    ("NEAR(olives station, 2)", {"olives", "station"}),
    ("NEAR", {"station"}),
    ("AND", set()),
    ("OR olives", {"olives"}),
    ("olives NOT cat", {"olives", "cat"}),
    ("olives AND dawn", {"olives", "start"}),
    # `-` and `+` neither exclude nor require.
    ("-v flag", {"flag"}),
    ("olives -cat", {"olives", "cat"}),
    ("+olives +dawn", {"olives", "start"}),
    # `:` is no column filter: "text:" and "tenant:" are words like any other.
    ("3:4", {"ratio"}),
    ("text:olives", {"olives"}),
    ("tenant:syntax", set()),
    ("tenant : olives", {"olives"}),
    # The word the index stores beside each memory to partition it by tenant matches nothing.
    (f"t{TENANT.encode().hex()}0", set()),
    (f"tenant:t{TENANT.encode().hex()}0 olives", {"olives"}),
    # Parentheses and `^` group and anchor nothing.
    ("(approximately", {"ratio"}),
    ("approximately)", {"ratio"}),
    ("(olives OR) dawn(", {"olives", "start"}),
    ("^olives", {"olives"}),
    ("{olives cat}", {"olives", "cat"}),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("syntax") / "lexical.db"
    with Engine(path, embedder="none") as opened:
        for text in MEMORIES.values():
            opened.write(TENANT, text)
        yield opened


def _found(engine: Engine, query: str) -> set[str]:
    names = {text: name for name, text in MEMORIES.items()}
    response = engine.read(TENANT, query, max_results=20, response_format="list")
    return {names[memory.text] for memory in response.memories}


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q for q, _ in CASES])
def test_query_syntax_is_read_as_words(engine: Engine, query: str, expected: set[str]) -> None:
    assert _found(engine, query) == expected


def test_forget_by_a_query_with_an_apostrophe(tmp_path: Path) -> None:
    with Engine(tmp_path / "forget.db", embedder="none") as engine:
        for text in MEMORIES.values():
            engine.write(TENANT, text)
        forgotten = engine.forget(TENANT, query="the user's cat Tom", action="archive")
        assert forgotten.affected_count == 1
        assert "cat" not in _found(engine, "user's cat")
