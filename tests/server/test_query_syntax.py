"""Queries holding full-text syntax, through the local server: every route that searches
answers 200 and finds the memories that hold the query's words (tests/embedded/
test_query_syntax.py has the exact cases, on the engine)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from scenarios.conftest import LocalServer

import cml

from .conftest import ADMIN_KEY, USER_KEY

MEMORIES = [
    "O'Brien's pub serves lamb stew on Fridays.",
    "The user's cat is named Tom.",
    "Meeting near the station at noon.",
]
QUERIES = ["O'Brien's stew", "user's \"cat", "NEAR(station noon) -cat", "(stew* OR) text:cat"]


@pytest.fixture
def client(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[cml.CognitiveMemoryLayer]:
    for name in ("CML_API_KEY", "CML_ADMIN_API_KEY", "CML_BASE_URL", "CML_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    with cml.CognitiveMemoryLayer(
        api_key=USER_KEY, admin_api_key=ADMIN_KEY, base_url=server.url, max_retries=0
    ) as opened:
        for text in MEMORIES:
            opened.write(text)
        yield opened


@pytest.mark.parametrize("query", QUERIES)
def test_reads_answer_queries_with_fts_syntax(client: cml.CognitiveMemoryLayer, query: str) -> None:
    found = client.read(query, max_results=3, response_format="list").memories
    streamed = list(client.read_stream(query, max_results=3))
    assert found
    assert [m.id for m in streamed] == [m.id for m in found]


def test_the_read_ranks_the_memory_holding_the_words_first(
    client: cml.CognitiveMemoryLayer,
) -> None:
    assert client.read("O'Brien's stew", max_results=1).memories[0].text == MEMORIES[0]
    assert client.read("the user's cat", max_results=1).memories[0].text == MEMORIES[1]


def test_explain_runs_the_full_text_search_on_words(server: LocalServer, client: object) -> None:
    headers = {"X-API-Key": ADMIN_KEY, "X-Requested-With": "XMLHttpRequest"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
        answer = http.post(
            "/api/v1/dashboard/retrieval/explain",
            json={"tenant_id": "default", "query": "O'Brien's (stew*", "max_results": 3},
        )
    assert answer.status_code == 200, answer.text
    fts = next(s for s in answer.json()["execution_steps"] if s["source"] == "fts5")
    assert fts["success"]
    assert fts["result_count"] == 1  # only the pub holds "o'brien's" or "stew"
    assert [p["text"] for p in fts["result_preview"]] == [MEMORIES[0]]


def test_forget_by_a_query_with_an_apostrophe(client: cml.CognitiveMemoryLayer) -> None:
    forgotten = client.forget(query="the user's cat Tom", action="archive")
    assert forgotten.affected_count == 1
    left = client.read("the user's cat", max_results=5, response_format="list").memories
    assert MEMORIES[1] not in [m.text for m in left]
