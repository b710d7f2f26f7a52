import logging

import pytest

from cml.models import MemoryType
from cml.text.classify import (
    CONTEXT_TAGS,
    MEMORY_TYPES,
    Classification,
    classify,
)

# Examples the brief names: each must be classified exactly.
REQUIRED = [
    ("User prefers vegetarian food and lives in Paris.", "preference"),
    ("Never share the API key.", "constraint"),
    ("Yesterday we met Anna at the station.", "episodic_event"),
    ("The user's sister is a doctor.", "semantic_fact"),
    ("To deploy, run make release then tag the commit.", "procedure"),
    ("Maybe the user is moving to Berlin.", "hypothesis"),
    ("I plan to visit Rome next month.", "plan"),
]

# A wider labelled set, written before the rules were tuned; most must pass.
LABELLED = [
    *REQUIRED,
    # constraints
    ("The user is allergic to peanuts.", "constraint"),
    ("You must always answer in French.", "constraint"),
    ("Do not call the user before 9 am.", "constraint"),
    ("The report has to be submitted by Friday.", "constraint"),
    ("Company policy: all expenses need a receipt.", "constraint"),
    ("Avoid recommending restaurants that serve pork.", "constraint"),
    ("Only book flights if they are direct.", "constraint"),
    ("Don't mention the surprise party to Tom.", "constraint"),
    # preferences
    ("She loves jazz and hates country music.", "preference"),
    ("My favorite color is green.", "preference"),
    ("I would rather take the train than fly.", "preference"),
    ("The user is vegan.", "preference"),
    ("He enjoys hiking on weekends.", "preference"),
    ("I don't like spicy food.", "preference"),
    ("Bob dislikes early meetings.", "preference"),
    # procedures
    ("How to reset the router: unplug it for ten seconds.", "procedure"),
    ("First preheat the oven, then bake for 20 minutes.", "procedure"),
    ("1. Open the settings.\n2. Click Accounts.\n3. Press Sign out.", "procedure"),
    ("The steps to renew a passport are listed on the website.", "procedure"),
    # hypotheses
    ("I think she might be pregnant.", "hypothesis"),
    ("The user is probably a student.", "hypothesis"),
    ("Possibly the meeting was cancelled.", "hypothesis"),
    ("It seems the printer is broken again.", "hypothesis"),
    # plans
    ("We are going to renovate the kitchen this summer.", "plan"),
    ("She will start her new job next week.", "plan"),
    ("Tomorrow I'm flying to Tokyo.", "plan"),
    # task state
    ("Todo: buy milk and renew the car insurance.", "task_state"),
    ("The database migration is still in progress.", "task_state"),
    ("I need to fix the login bug.", "task_state"),
    ("Ticket 4521 is blocked waiting on the vendor.", "task_state"),
    # facts
    ("Alice works at Acme Corp.", "semantic_fact"),
    ("My name is Jordan.", "semantic_fact"),
    ("He was born in 1990 in Lisbon.", "semantic_fact"),
    ("The user has a golden retriever named Max.", "semantic_fact"),
    ("Paris is the capital of France.", "semantic_fact"),
    ("The user is 34 years old.", "semantic_fact"),
    ("Water boils at 100 degrees Celsius.", "semantic_fact"),
    # events
    ("Last week the user visited the dentist.", "episodic_event"),
    ("We had dinner at Luigi's on Monday.", "episodic_event"),
    ("She called me two days ago.", "episodic_event"),
    ("I went to the concert and it was amazing.", "episodic_event"),
    # conversation
    ("Hi, how are you today?", "conversation"),
    ("What time is it?", "conversation"),
    ("Thanks, that was really helpful!", "conversation"),
    ("Where does the user live?", "conversation"),
    # a second batch, first scored blind (15 of 26 right), then used to widen the cues
    ("The client insists that invoices are sent in PDF.", "constraint"),
    ("Please keep answers under 100 words.", "constraint"),
    ("Nobody may enter the lab without goggles.", "constraint"),
    ("She can't eat shellfish.", "constraint"),
    ("Tom is crazy about Italian cars.", "preference"),
    ("I usually pick window seats.", "preference"),
    ("The user likes dark mode.", "preference"),
    ("Coffee over tea, always.", "preference"),
    ("Use pip install -e . to set up the dev environment.", "procedure"),
    ("Clone the repo, then run the tests with pytest.", "procedure"),
    ("To reset the password, open the admin panel and click Reset.", "procedure"),
    ("He could be allergic to cats, not sure.", "hypothesis"),
    ("The server crash was likely caused by a memory leak.", "hypothesis"),
    ("We are flying to Lisbon in two weeks.", "plan"),
    ("Next year the user wants to learn Japanese.", "plan"),
    ("The landing page redesign is half done.", "task_state"),
    ("Still waiting for the legal review before merging.", "task_state"),
    ("Berlin has about 3.7 million inhabitants.", "semantic_fact"),
    ("The user's dog is called Rex.", "semantic_fact"),
    ("Maria speaks Portuguese and Spanish.", "semantic_fact"),
    ("Our team uses Postgres for everything.", "semantic_fact"),
    ("We celebrated her promotion last Friday.", "episodic_event"),
    ("The user lost their keys this morning.", "episodic_event"),
    ("In March the office flooded.", "episodic_event"),
    ("Good morning!", "conversation"),
    ("Can you help me with something?", "conversation"),
]


def accuracy() -> float:
    hits = sum(classify(text).memory_type == label for text, label in LABELLED)
    return hits / len(LABELLED)


@pytest.mark.parametrize(("text", "expected"), REQUIRED)
def test_required_examples(text: str, expected: str) -> None:
    assert classify(text).memory_type == expected


def test_accuracy_on_the_labelled_table() -> None:
    assert len(LABELLED) >= 40
    misses = [
        (text, label, classify(text).memory_type)
        for text, label in LABELLED
        if classify(text).memory_type != label
    ]
    assert accuracy() >= 0.9, misses


@pytest.mark.parametrize(("text", "label"), LABELLED)
def test_every_answer_is_well_formed(text: str, label: str) -> None:
    result = classify(text)
    assert isinstance(result, Classification)
    assert result.memory_type in MEMORY_TYPES
    assert 0.0 <= result.confidence <= 1.0
    assert 0.0 <= result.importance <= 1.0
    assert result.context_tags
    assert set(result.context_tags) <= set(CONTEXT_TAGS)
    assert result.reason


def test_memory_types_are_the_enum() -> None:
    assert frozenset(t.value for t in MemoryType) == MEMORY_TYPES


def test_constraints_matter_more_than_chit_chat() -> None:
    constraint = classify("Never share the API key.")
    chat = classify("Hi, how are you today?")
    assert chat.memory_type == "conversation"
    assert constraint.importance > chat.importance
    assert classify("The user is allergic to peanuts.").importance >= 0.8


def test_no_cue_falls_back_to_the_server_default() -> None:
    result = classify("Blue.")
    assert result.memory_type == "episodic_event"
    assert result.reason == "default"
    assert result.confidence < 0.5
    assert classify("").memory_type == "episodic_event"


def test_reason_names_the_cues() -> None:
    result = classify("User prefers vegetarian food and lives in Paris.")
    assert result.reason.startswith("rules:")
    assert "prefers" in result.reason


def test_strong_cues_are_more_confident_than_weak_ones() -> None:
    strong = classify("Never share the API key, you must always refuse.")
    weak = classify("The sky is blue.")
    assert strong.confidence > weak.confidence


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("User prefers tea.", ("personal",)),
        ("To deploy, run make release then tag the commit.", ("procedural",)),
        ("I plan to visit Rome next month.", ("task",)),
        ("Hi, how are you today?", ("conversation",)),
        ("Paris is the capital of France.", ("world",)),
        ("My name is Jordan.", ("personal",)),
        ("Never share the API key.", ("task",)),
        ("The user is allergic to peanuts.", ("personal",)),
    ],
)
def test_context_tags(text: str, tags: tuple[str, ...]) -> None:
    assert classify(text).context_tags == tags


# --- the hook ---------------------------------------------------------------------------------


def test_a_valid_hook_answer_wins() -> None:
    result = classify("Yesterday we met Anna.", hook=lambda _: "semantic_fact")
    assert result.memory_type == "semantic_fact"
    assert result.confidence == 0.9
    assert result.reason == "hook"
    assert result.context_tags == ("personal",)  # "we"


def test_hook_answers_are_normalised() -> None:
    assert classify("x", hook=lambda _: "  Preference\n").memory_type == "preference"


def test_the_hook_sees_the_text() -> None:
    seen: list[str] = []

    def hook(text: str) -> str | None:
        seen.append(text)
        return None

    classify("Never share the API key.", hook=hook)
    assert seen == ["Never share the API key."]


@pytest.mark.parametrize("answer", [None, "", "fact", "EPISODIC", 42])
def test_an_unusable_hook_answer_falls_back_to_the_rules(answer: object) -> None:
    result = classify("Never share the API key.", hook=lambda _: answer)  # type: ignore[arg-type,return-value]
    assert result.memory_type == "constraint"
    assert result.reason != "hook"


def test_a_failing_hook_falls_back_to_the_rules(caplog: pytest.LogCaptureFixture) -> None:
    def hook(text: str) -> str | None:
        raise RuntimeError("model unavailable")

    with caplog.at_level(logging.DEBUG, logger="cml"):
        result = classify("Never share the API key.", hook=hook)
    assert result.memory_type == "constraint"
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)
    assert all(r.levelno == logging.DEBUG for r in caplog.records)
