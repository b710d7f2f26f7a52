"""The full-text stage's cost: the tenant phrase only where other tenants exist, and the rarest
words searched for within a budget of matches (search.MATCH_BUDGET)."""

from __future__ import annotations

import pytest

from cml.engine import search, storage
from cml.engine.engine import Engine
from cml.engine.search import Searcher


def _common_and_rare(engine: Engine) -> None:
    for i in range(12):
        engine.write("caller", f"Note {i}: the garden needs water on day {i}.")
    engine.write("caller", "The garden gnome is named Bartholomew.")


def test_holds_only_sees_a_tenant_on_either_side(lexical: Engine) -> None:
    lexical.write("m", "A note about tea.")
    with lexical.store.read() as db:
        assert storage.holds_only(db, "m")
    for other in ("a", "z"):  # sorted before and after "m" in the tenant index
        lexical.write(other, "Another note.")
        with lexical.store.read() as db:
            assert not storage.holds_only(db, "m"), other
        with lexical.store.write() as db:
            db.execute("DELETE FROM memories WHERE tenant_id = ?", (other,))


def test_the_partition_phrase_changes_no_score_for_a_sole_tenant(lexical: Engine) -> None:
    _common_and_rare(lexical)
    match = '"garden" OR "gnome"'
    where, params = Searcher.filters(
        "caller",
        context_filter=None,
        memory_types=[],
        since=None,
        until=None,
        namespace=None,
        session_id=None,
    )
    with lexical.store.read() as db:
        sole = storage.fts_match("caller", match, sole_tenant=True)
        plain = Searcher.lexical(db, sole, where, params)
        partitioned = Searcher.lexical(db, storage.fts_match("caller", match), where, params)
    assert len(plain) == 13
    assert plain == partitioned


def test_a_sole_tenant_reads_without_the_partition_and_a_shared_store_with_it(
    lexical: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    original = Searcher.lexical

    def spy(db, match, where, params):  # type: ignore[no-untyped-def]
        seen.append(match)
        return original(db, match, where, params)

    monkeypatch.setattr(Searcher, "lexical", staticmethod(spy))
    lexical.write("caller", "I like green tea.")
    lexical.read("caller", "tea")
    lexical.write("neighbour", "Their tea is black.")
    found = lexical.read("caller", "tea").memories
    assert [m.text for m in found] == ["I like green tea."]
    assert seen[0] == 'text : ("tea")'
    assert seen[1] == f'tenant : {storage.fts_tenant_token("caller")} AND text : ("tea")'


def test_a_common_word_is_left_out_when_a_rarer_one_fills_the_budget(
    lexical: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _common_and_rare(lexical)
    everything = lexical.searcher.explain("caller", "garden gnome")
    assert everything.ranking.fts_query == '"garden" OR "gnome"'
    monkeypatch.setattr(search, "MATCH_BUDGET", 5)
    # Kept words that match fewer memories than a read takes: the next word is searched too.
    assert lexical.searcher.explain("caller", "garden gnome").ranking.fts_query == (
        '"garden" OR "gnome"'
    )
    monkeypatch.setattr(search, "CANDIDATES", 1)
    explained = lexical.searcher.explain("caller", "garden gnome")
    assert explained.ranking.fts_query == '"gnome"'
    assert [m.text for m in explained.response.memories][:1] == [
        "The garden gnome is named Bartholomew."
    ]
    # The rarest word is searched for even beyond the budget, and alone.
    assert lexical.searcher.explain("caller", "garden water").ranking.fts_query == '"water"'
    assert lexical.searcher.explain("caller", "garden").ranking.fts_query == '"garden"'


def test_filtered_matches_ranked_below_many_others_are_found(lexical: Engine) -> None:
    # The best 130 matches are in another namespace: the rows the filter allows come from
    # looking further down the ranking than its first slice.
    moment = "2024-01-01T00:00:00+00:00"
    rows = [
        (f"00000000-0000-4000-8000-{i:012d}", namespace, text)
        for i, (namespace, text) in enumerate(
            [("other", f"tea {i}") for i in range(130)]
            + [
                ("mine", f"a long note that mentions tea once among other words {i}")
                for i in range(20)
            ]
        )
    ]
    with lexical.store.write() as db:
        db.executemany(
            "INSERT INTO memories (id, tenant_id, namespace, text, type, content_hash, timestamp,"
            " written_at, updated_at) VALUES (?, 'caller', ?, ?, 'semantic_fact', ?, ?, ?, ?)",
            [(id_, ns, text, id_, moment, moment, moment) for id_, ns, text in rows],
        )
    ranking = lexical.searcher.explain("caller", "tea", namespace="mine").ranking
    assert len(ranking.lexical) == 20
    found = lexical.read("caller", "tea", namespace="mine", max_results=50).memories
    assert len(found) == 20
    assert all(m.text.startswith("a long note") for m in found)


def test_a_filtered_read_searches_for_every_word(
    lexical: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _common_and_rare(lexical)
    lexical.write("caller", "The garden shed is red.", namespace="yard")
    monkeypatch.setattr(search, "MATCH_BUDGET", 5)
    monkeypatch.setattr(search, "CANDIDATES", 1)
    explained = lexical.searcher.explain("caller", "garden gnome", namespace="yard")
    assert explained.ranking.fts_query == '"garden" OR "gnome"'
    assert [m.text for m in explained.response.memories] == ["The garden shed is red."]
