"""The quality suite (issue 10): does what the user told reach the prompt?

The figures come from benchmarks/quality.py (`python -m benchmarks quality` prints them all); the
thresholds here sit a little under the measured ones, so a regression fails.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from local_server import LocalServer

import cml
from benchmarks import quality
from benchmarks.quality_data import FACTS, FILLER, NEAR_IDENTICAL, REPEATS, UNANSWERABLE
from cml.engine import relevance
from cml.engine.embedders import Embedder
from cml.engine.engine import Engine

CANONICAL = "User prefers vegetarian food and lives in Paris."
OTHERS = (
    "The user's dog is called Pixel.",
    "The user works at a software company.",
    "The user enjoys hiking on weekends.",
    "The user has a meeting with Sam on Thursday.",
    "The user's sister lives in Berlin.",
    "The user drives a red car.",
    "The user is learning Japanese.",
    "The user plays chess online.",
    "The user bought a new laptop.",
    "The user's favourite season is autumn.",
)


def test_the_suite_is_what_the_issue_asks_for() -> None:
    assert len(FACTS) >= 60
    assert len(UNANSWERABLE) == 20
    assert {topic for _, _, topic in FACTS} >= {
        "preferences",
        "family",
        "health",
        "work",
        "places",
        "dates",
        "plans",
    }
    for fact, question, _ in FACTS:
        shared = set(relevance.stems(fact)) & set(relevance.stems(question))
        assert not shared, f"{question!r} shares {shared} with {fact!r}"
    assert len({q for _, q, _ in FACTS}) == len(FACTS)
    assert FILLER
    assert NEAR_IDENTICAL
    assert REPEATS


@pytest.fixture(scope="module")
def suite(embedder: Embedder) -> dict[str, Any]:
    return quality.suite(embedder)


def test_facts_told_in_conversation_reach_the_context(suite: dict[str, Any]) -> None:
    # Measured 0.74 (46 of 62) with the int8 MiniLM: the rest rank below another memory that
    # the model finds closer; `python -m benchmarks quality` lists them.
    assert suite["facts_reaching_context"] >= 0.70, suite["facts_missed"]


def test_questions_no_memory_answers_get_at_most_one_memory(suite: dict[str, Any]) -> None:
    assert suite["unanswerable_at_most_one"] >= 0.95  # measured 1.0 (20 of 20)
    # the best of a bad lot is not offered as an answer: measured 0.35 (7 of 20) get nothing
    assert suite["unanswerable_empty"] >= 0.25


def test_stored_questions_do_not_outrank_the_facts(suite: dict[str, Any]) -> None:
    # turn() stored every question; reading them again must still find the facts first as often
    # as before (a stored copy of the question itself would otherwise win with cosine 1.0).
    assert suite["fact_first_after_questions"] >= suite["fact_first_before_questions"] - 0.1
    # measured 0.68 (42 of 62): a shared everyday word ("home", "job") no longer lifts another
    # memory above the fact (0.58 with the lexical weight at 1.5)
    assert suite["fact_first_after_questions"] >= 0.63
    assert suite["fact_top5_after_questions"] >= 0.9  # measured 0.95


def test_repeated_questions_do_not_pile_up(suite: dict[str, Any]) -> None:
    assert suite["memories_added_by_repeated_questions"] == 0


def test_distinct_near_identical_facts_are_kept_and_repeats_merge(embedder: Embedder) -> None:
    merged = quality.merges(embedder)
    assert merged["distinct_merged"] == 0, merged["distinct_merged_examples"]
    assert merged["repeats_merged"] == merged["repeat_pairs"]


# -- the canonical example, through every way of asking for a context ---------------------------


@pytest.fixture(params=["embedded", "http"])
def client(request: pytest.FixtureRequest, tmp_path: Any, embedder: Embedder) -> Any:
    engine = Engine(tmp_path / "memory.db", embedder=embedder)
    if request.param == "embedded":
        with cml.EmbeddedCognitiveMemoryLayer(engine=engine) as memory:
            yield memory
    else:
        with (
            LocalServer.for_engine(engine, api_key="k", admin_api_key=None) as server,
            cml.CognitiveMemoryLayer(api_key="k", base_url=server.url, max_retries=0) as memory,
        ):
            yield memory
    engine.close()


def _lines(context: str) -> list[str]:
    return [re.sub(r"\(confidence: [0-9.]+\)", "", line) for line in context.splitlines()]


@pytest.mark.parametrize(
    "message",
    ["What should I eat tonight?", "What should I have for dinner?", "I am hungry"],
)
def test_turn_get_context_read_and_chat_agree_on_the_canonical_example(
    client: Any, message: str
) -> None:
    client.batch_write([{"content": text} for text in (CANONICAL, *OTHERS)])
    context = client.get_context(message)
    assert f"- {CANONICAL} (confidence:" in context
    assert client.read(message).context == context
    seen: list[Any] = []

    def llm(messages: list[dict[str, str]]) -> str:
        seen.append(messages)
        return "A vegetable curry."

    chat = client.chat(message, llm)
    assert chat.memory_context == context
    assert context in seen[0][0]["content"]
    # chat stored the exchange; the message asked again still brings the fact, and the turn,
    # get_context and read agree on the store as it now is.
    turned = client.turn(message)
    assert f"- {CANONICAL} (confidence:" in turned.memory_context
    assert turned.memories_retrieved >= 1
    again = client.get_context(message)
    assert client.read(message).context == again
    # (the turn stored the message again: a repeat, so only its confidence went up)
    assert _lines(again) == _lines(turned.memory_context)


@pytest.mark.parametrize(
    "message", ["hi, how are you?", "thanks!", "What is the capital of Australia?"]
)
def test_small_talk_gets_no_context(client: Any, message: str) -> None:
    client.batch_write([{"content": text} for text in (CANONICAL, *OTHERS)])
    assert client.turn(message).memory_context == ""
    assert client.get_context(message) == ""


def test_the_question_a_turn_stored_does_not_outrank_the_fact(client: Any) -> None:
    client.batch_write([{"content": text} for text in (CANONICAL, *OTHERS)])
    client.turn("What should I eat tonight?")
    found = client.read("What does the user eat?")
    assert found.memories[0].text == CANONICAL


# -- the scale -------------------------------------------------------------------------------


def test_unrelated_memories_score_low_even_as_the_best_of_a_bad_lot(embedder: Embedder) -> None:
    with Engine(":memory:", embedder=embedder) as engine:
        for text in OTHERS:
            engine.write("t", text)
        for question in ("What does the user eat?", "What is the capital of Australia?"):
            best = engine.read("t", question).memories[0]
            assert best.relevance < 0.3, (question, best)
        engine.write("t", CANONICAL)
        best = engine.read("t", "What does the user eat?").memories[0]
        assert best.text == CANONICAL
        assert best.relevance > 0.4


def test_lexical_only_weighs_words_by_rarity() -> None:
    with Engine(":memory:", embedder="none") as engine:
        for text in (CANONICAL, *OTHERS):
            engine.write("t", text)
        found = engine.read("t", "Is the user vegetarian?").memories
        assert found[0].text == CANONICAL
        assert found[0].relevance > 0.5
        # "user" is in every memory: matching only it is next to nothing, never 1.0
        assert all(m.relevance < 0.1 for m in found[1:]), found
        only_user = engine.read("t", "What does the user eat?").memories
        assert all(m.relevance < 0.1 for m in only_user), only_user


def test_a_greeting_gets_no_memory_even_when_one_mentions_greetings(embedder: Embedder) -> None:
    # Being the best memory for "hello!" says nothing: small talk gets no 'best memory' lift.
    with Engine(":memory:", embedder=embedder) as engine:
        for text in (*OTHERS, "The user says hello to the neighbours every morning."):
            engine.write("t", text)
        for message in ("hello!", "hi there", "good morning"):
            assert engine.turn("t", message).memory_context == "", message
        # a greeting asks nothing: the memories are still ranked, and none is an answer
        found = engine.read("t", "hello!").memories
        assert found[0].text == "The user says hello to the neighbours every morning."
        assert all(m.relevance == 0.0 for m in found), found


def test_a_repeat_merges_with_its_own_namespace_even_when_another_is_nearer(
    embedder: Embedder,
) -> None:
    with Engine(":memory:", embedder=embedder) as engine:
        mine = engine.write("t", "I'm allergic to peanuts!", namespace="health")
        # the same text in another namespace: the nearest vector of the tenant (cosine 1.0), but
        # not this namespace's; this namespace's own (cosine 0.99) is the repeat
        engine.write("t", "I'm allergic to peanuts!!", namespace="notes")
        again = engine.write("t", "I'm allergic to peanuts!!", namespace="health")
        assert again.chunks_created == 0
        assert again.memory_id == mine.memory_id
        # a different fact beside it is kept
        other = engine.write("t", "I'm not allergic to peanuts.", namespace="health")
        assert other.chunks_created == 1


def test_a_possessive_word_is_as_common_as_the_word() -> None:
    with Engine(":memory:", embedder="none") as engine:
        for text in (CANONICAL, *OTHERS):
            engine.write("t", text)
        # "user's" is the word "user", found in every memory: it weighs (next to) nothing, and
        # a memory matching only it scores as low as one matching nothing
        found = engine.read("t", "What is the user's favourite food?").memories
        assert {m.text for m in found[:2]} == {CANONICAL, "The user's favourite season is autumn."}
        assert all(m.relevance < 0.05 for m in found[2:]), found
