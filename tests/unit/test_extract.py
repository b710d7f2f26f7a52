import pytest
from hypothesis import given
from hypothesis import strategies as st

from cml.text.extract import (
    Entity,
    Extraction,
    Fact,
    FactAccumulator,
    Relation,
    extract,
)


def triples(extraction: Extraction) -> list[tuple[str, str, str]]:
    return [(f.subject, f.predicate, f.value) for f in extraction.facts]


def relations(extraction: Extraction) -> list[tuple[str, str, str]]:
    return [(r.subject, r.predicate, r.object) for r in extraction.relations]


def kinds(extraction: Extraction) -> dict[str, str]:
    return {e.name: e.kind for e in extraction.entities}


def test_the_user_example() -> None:
    found = extract("User prefers vegetarian food and lives in Paris.")
    assert triples(found) == [("user", "prefers", "vegetarian food"), ("user", "lives_in", "Paris")]
    assert Entity("Paris", "place", "paris") in found.entities
    assert kinds(found)["user"] == "person"
    assert kinds(found)["vegetarian food"] == "food"
    assert Relation("user", "lives_in", "Paris") in found.relations


def test_works_at() -> None:
    found = extract("Alice works at Acme Corp.")
    assert relations(found) == [("Alice", "works_at", "Acme Corp")]
    assert kinds(found) == {"Alice": "person", "Acme Corp": "organization"}
    assert found.facts == (
        Fact(
            "Alice",
            "works_at",
            "Acme Corp",
            "Alice works at Acme Corp.",
            "alice|works_at|acme corp",
        ),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The user lives in Berlin.", [("user", "lives_in", "Berlin")]),
        ("I live in New York City with my wife.", [("user", "lives_in", "New York City")]),
        (
            "Bob works for Mozilla Foundation in Berlin.",
            [("Bob", "works_at", "Mozilla Foundation")],
        ),
        ("I prefer the window seat.", [("user", "prefers", "window seat")]),
        (
            "Anna loves jazz and hates country music.",
            [
                ("Anna", "likes", "jazz"),
                ("Anna", "dislikes", "country music"),
            ],
        ),
        (
            "The user really likes hiking, enjoys chess and works at Acme Inc.",
            [
                ("user", "likes", "hiking"),
                ("user", "likes", "chess"),
                ("user", "works_at", "Acme Inc"),
            ],
        ),
        ("I don't like spicy food.", [("user", "dislikes", "spicy food")]),
        ("The user is allergic to peanuts.", [("user", "allergic_to", "peanuts")]),
        ("I'm allergic to shellfish.", [("user", "allergic_to", "shellfish")]),
        ("My name is Jordan.", [("user", "named", "Jordan")]),
        ("The user's name is Sam.", [("user", "named", "Sam")]),
        ("Alice's name is Ally.", [("Alice", "named", "Ally")]),
        ("The user's dog is called Rex.", [("user's dog", "named", "Rex")]),
        ("The user's sister is a doctor.", [("user's sister", "is_a", "doctor")]),
        ("My brother is an engineer.", [("user's brother", "is_a", "engineer")]),
        ("I'm a software engineer.", [("user", "is_a", "software engineer")]),
        ("Paris is a city in France.", [("Paris", "is_a", "city")]),
        ("The user has a golden retriever named Max.", [("user", "has", "golden retriever")]),
        (
            "Bob was born in 1990 in Lisbon.",
            [("Bob", "born_on", "1990"), ("Bob", "born_in", "Lisbon")],
        ),
        ("I was born on March 3, 1985.", [("user", "born_on", "March 3, 1985")]),
        ("My parents live in Lyon.", [("user's parents", "lives_in", "Lyon")]),
    ],
)
def test_clause_patterns(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert triples(extract(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Cities like Paris are expensive.",  # "like" is a preposition here
        "I don't live in Rome.",  # a negation is not the fact
        "He lives in Rome.",  # no coreference: "he" is nobody in particular
        "Her name is Bo.",
        "The weather is nice today.",
        "It likes it.",
        "",
    ],
)
def test_clauses_it_cannot_read_yield_no_fact(text: str) -> None:
    assert extract(text).facts == ()
    assert extract(text).relations == ()


def test_names_and_their_kinds() -> None:
    found = extract("Yesterday we met Anna at the station. Dr. Smith visited Rome on Friday.")
    assert kinds(found) == {"Anna": "person", "Smith": "person", "Rome": "place", "Friday": "date"}


def test_multi_word_names() -> None:
    found = extract("We visited the Louvre last week with John Smith and Acme Labs.")
    assert kinds(found) == {
        "Louvre": "place",
        "John Smith": "person",
        "Acme Labs": "organization",
    }


def test_sentence_initial_common_words_are_not_names() -> None:
    found = extract("Cooking is fun. Maybe tomorrow. The Beatles played. Yesterday Alice sang.")
    names = {e.name for e in found.entities}
    assert "Cooking" not in names
    assert "Maybe" not in names
    assert "Yesterday" not in names
    assert "Beatles" in names
    assert "Alice" in names


def test_a_sentence_initial_name_is_kept_when_a_relation_uses_it() -> None:
    assert "Alice" in {e.name for e in extract("Alice likes tea.").entities}


def test_no_duplicates_within_a_text() -> None:
    text = (
        "User prefers vegetarian food and lives in Paris. The user prefers vegetarian food. "
        "I live in Paris. Paris is lovely and Paris is big."
    )
    found = extract(text)
    assert triples(found) == [("user", "prefers", "vegetarian food"), ("user", "lives_in", "Paris")]
    assert len(found.relations) == 2
    keys = [e.key for e in found.entities]
    assert len(keys) == len(set(keys))
    assert keys.count("paris") == 1


def test_keys_are_lowercase_and_single_spaced() -> None:
    found = extract("Alice   works at ACME   Corp.")
    assert [f.key for f in found.facts] == ["alice|works_at|acme corp"]
    assert {e.key for e in found.entities} == {"alice", "acme corp"}
    for entity in found.entities:
        assert entity.key == " ".join(entity.name.split()).lower()


def test_relation_ends_are_entities() -> None:
    found = extract("The user's sister is a doctor and lives in Rome. Bob has a cat.")
    keys = {e.key for e in found.entities}
    for relation in found.relations:
        assert relation.subject.lower() in keys
        assert relation.object.lower() in keys


def test_fact_texts_are_short_sentences() -> None:
    texts = [
        f.text
        for f in extract(
            "My name is Jordan. I'm a software engineer and I have an old car. "
            "The user's dog is called Rex. Bob was born in Lisbon."
        ).facts
    ]
    assert texts == [
        "User's name is Jordan.",
        "User is a software engineer.",
        "User has an old car.",
        "User's dog is named Rex.",
        "Bob was born in Lisbon.",
    ]


def test_predicates_are_snake_case() -> None:
    text = (
        "I live in Rome, work at Acme Corp, prefer tea, like jazz and hate rain. "
        "I am allergic to nuts. My name is Al. I'm a chef. I have a dog. I was born in Oslo."
    )
    predicates = {f.predicate for f in extract(text).facts}
    assert predicates == {
        "lives_in",
        "works_at",
        "prefers",
        "likes",
        "dislikes",
        "allergic_to",
        "named",
        "is_a",
        "has",
        "born_in",
    }


# --- the accumulator --------------------------------------------------------------------------

STREAM = (
    "User prefers vegetarian food and lives in Paris. Alice works at Acme Corp. "
    "The user prefers vegetarian food.\nMy name is Jordan. Dr. Smith is a doctor. "
    "I'm allergic to peanuts and I don't like spicy food"
)


def test_accumulator_in_three_character_pieces() -> None:
    accumulator = FactAccumulator()
    facts: list[Fact] = []
    for i in range(0, len(STREAM), 3):
        facts += accumulator.add(STREAM[i : i + 3])
    facts += accumulator.flush()
    keys = [f.key for f in facts]
    assert len(keys) == len(set(keys)), "a fact was returned twice"
    assert facts == list(extract(STREAM).facts)
    assert "user|dislikes|spicy food" in keys  # from the unfinished sentence, at flush
    assert accumulator.seen == len(keys)


def test_accumulator_waits_for_the_sentence_to_end() -> None:
    accumulator = FactAccumulator()
    assert accumulator.add("Alice works at Acme") == []
    assert accumulator.add(" Corp") == []
    assert [f.key for f in accumulator.add(". Bob")] == ["alice|works_at|acme corp"]
    assert accumulator.add(" likes tea.") == []  # "tea." may yet go on: "tea.x"
    assert [f.key for f in accumulator.add(" Hi")] == ["bob|likes|tea"]
    assert accumulator.flush() == []


def test_accumulator_remembers_across_flushes() -> None:
    accumulator = FactAccumulator()
    assert accumulator.add("I live in Rome") == []
    assert len(accumulator.flush()) == 1
    assert accumulator.add("I live in Rome. And more.") == []
    assert accumulator.flush() == []


def test_accumulator_memory_is_bounded() -> None:
    accumulator = FactAccumulator(max_keys=10)
    for i in range(50):
        accumulator.add(f"User{i} lives in Rome. ")
    assert accumulator.seen == 10
    with pytest.raises(ValueError, match="max_keys"):
        FactAccumulator(max_keys=0)


@given(cuts=st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=40))
def test_accumulator_any_split_gives_each_fact_once(cuts: list[int]) -> None:
    accumulator = FactAccumulator()
    facts: list[Fact] = []
    previous = 0
    for cut in [*sorted(cuts), len(STREAM)]:
        facts += accumulator.add(STREAM[previous:cut])
        previous = cut
    facts += accumulator.flush()
    assert facts == list(extract(STREAM).facts)


@given(st.text(max_size=300))
def test_extract_never_fails(text: str) -> None:
    found = extract(text)
    for fact in found.facts:
        assert fact.key == f"{fact.subject}|{fact.predicate}|{fact.value}".lower()
        assert fact.value.strip()
        assert fact.subject.strip()
    keys = [e.key for e in found.entities]
    assert len(keys) == len(set(keys))
