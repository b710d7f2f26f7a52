"""The graph shape of a memory stream: the nodes and edges every back end receives."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from cml.graph import GraphEdge, GraphNode, facts_batch, memory_batch
from cml.graph._batch import check_identifier, is_property_value, prepare
from cml.graph.shape import PREVIEW_CHARS, entity_key, fact_key, relationship_type
from cml.text.extract import Fact, extract

FACTS = extract("Alice lives in Paris. Alice works at Acme Corp.").facts


def by_ref(nodes: list[GraphNode]) -> dict[tuple[str, str], GraphNode]:
    return {node.ref: node for node in nodes}


def edge_set(edges: list[GraphEdge]) -> set[tuple[str, tuple[str, str], tuple[str, str]]]:
    return {(edge.type, edge.source, edge.target) for edge in edges}


def test_memory_batch_without_session() -> None:
    nodes, edges = memory_batch(memory_id="m1", tenant="acme", text="hello", partial=True)

    assert set(by_ref(nodes)) == {("Memory", "m1"), ("User", "acme")}
    assert edge_set(edges) == {("RELATES_TO", ("Memory", "m1"), ("User", "acme"))}
    memory = by_ref(nodes)[("Memory", "m1")].properties
    assert memory["tenant"] == "acme"
    assert memory["preview"] == "hello"
    assert memory["length"] == 5
    assert memory["partial"] is True
    assert memory["stream_id"] is None
    assert datetime.fromisoformat(memory["updated_at"]).tzinfo is not None


def test_memory_batch_with_session_links_the_conversation() -> None:
    nodes, edges = memory_batch(
        memory_id="m1", tenant="acme", text="x", partial=False, session_id="s1", stream_id="st"
    )

    assert by_ref(nodes)[("Conversation", "s1")].properties == {"tenant": "acme"}
    assert edge_set(edges) == {
        ("RELATES_TO", ("Memory", "m1"), ("User", "acme")),
        ("REFERENCES", ("Memory", "m1"), ("Conversation", "s1")),
    }
    memory = by_ref(nodes)[("Memory", "m1")].properties
    assert memory["partial"] is False
    assert memory["stream_id"] == "st"
    assert memory["session_id"] == "s1"


def test_memory_preview_is_capped_and_length_is_the_whole_text() -> None:
    text = "a" * (PREVIEW_CHARS + 50)
    nodes, _ = memory_batch(memory_id="m1", tenant="t", text=text, partial=True)

    memory = by_ref(nodes)[("Memory", "m1")].properties
    assert memory["preview"] == "a" * PREVIEW_CHARS
    assert memory["length"] == PREVIEW_CHARS + 50


def test_metadata_becomes_primitive_properties() -> None:
    nodes, _ = memory_batch(
        memory_id="m1",
        tenant="t",
        text="x",
        partial=True,
        metadata={"source": "chat", "score": 0.5, "tags": ("a", "b"), "nested": {"k": [1, "x"]}},
    )

    memory = by_ref(nodes)[("Memory", "m1")].properties
    assert memory["meta_source"] == "chat"
    assert memory["meta_score"] == 0.5
    assert memory["meta_tags"] == ["a", "b"]
    assert json.loads(memory["meta_nested"]) == {"k": [1, "x"]}


def test_facts_batch_nodes_and_edges() -> None:
    nodes, edges = facts_batch(memory_id="m1", tenant="acme", facts=FACTS)

    alice, paris, acme = (entity_key("acme", name) for name in ("Alice", "Paris", "Acme Corp"))
    lives, works = (fact_key("acme", fact) for fact in FACTS)
    assert set(by_ref(nodes)) == {
        ("Fact", lives),
        ("Fact", works),
        ("Entity", alice),
        ("Entity", paris),
        ("Entity", acme),
    }
    assert edge_set(edges) == {
        ("EXTRACTED_FROM", ("Fact", lives), ("Memory", "m1")),
        ("EXTRACTED_FROM", ("Fact", works), ("Memory", "m1")),
        ("MENTIONS", ("Fact", lives), ("Entity", alice)),
        ("MENTIONS", ("Fact", lives), ("Entity", paris)),
        ("MENTIONS", ("Fact", works), ("Entity", alice)),
        ("MENTIONS", ("Fact", works), ("Entity", acme)),
        ("LIVES_IN", ("Entity", alice), ("Entity", paris)),
        ("WORKS_AT", ("Entity", alice), ("Entity", acme)),
    }
    fact = by_ref(nodes)[("Fact", lives)].properties
    assert fact == {
        "subject": "Alice",
        "predicate": "lives_in",
        "value": "Paris",
        "text": "Alice lives in Paris.",
        "tenant": "acme",
    }
    assert by_ref(nodes)[("Entity", paris)].properties == {"name": "Paris", "tenant": "acme"}
    predicate_edges = [edge for edge in edges if edge.type == "LIVES_IN"]
    assert [edge.properties for edge in predicate_edges] == [{"fact_key": lives}]


def test_keys_are_stable_and_tenant_scoped() -> None:
    first = facts_batch(memory_id="m1", tenant="acme", facts=FACTS)
    again = facts_batch(memory_id="m1", tenant="acme", facts=FACTS)
    other = facts_batch(memory_id="m1", tenant="globex", facts=FACTS)

    assert first == again
    assert not {node.ref for node in first[0]} & {node.ref for node in other[0]}
    assert entity_key("acme", "New  York") == entity_key("acme", "new york") == "acme:new york"
    assert fact_key("acme", FACTS[0]) == "acme:alice|lives_in|paris"


def test_memory_batch_keys_are_stable() -> None:
    first, first_edges = memory_batch(memory_id="m", tenant="t", text="a", partial=True)
    later, later_edges = memory_batch(memory_id="m", tenant="t", text="ab", partial=False)

    assert [node.ref for node in first] == [node.ref for node in later]
    assert first_edges == later_edges


def test_each_node_and_edge_once_however_many_facts_share_it() -> None:
    facts = [
        Fact("Alice", "likes", "Alice", "Alice likes Alice.", "alice|likes|alice"),
        Fact("alice", "likes", "ALICE", "alice likes ALICE.", "alice|likes|alice"),
    ]
    nodes, edges = facts_batch(memory_id="m1", tenant="t", facts=facts)

    assert len(nodes) == len({node.ref for node in nodes}) == 2  # one fact, one entity
    assert len(edges) == len(edge_set(edges)) == 3  # EXTRACTED_FROM, MENTIONS, LIKES


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        ("lives_in", "LIVES_IN"),
        ("is a", "IS_A"),
        ("born-on", "BORN_ON"),
        ("3d prints", "_3D_PRINTS"),
        ("héllo wörld", "H_LLO_W_RLD"),
        ("x`]->() DETACH DELETE n //", "X_DETACH_DELETE_N"),
        ("!!!", "RELATED_TO"),
    ],
)
def test_predicates_are_sanitised(predicate: str, expected: str) -> None:
    assert relationship_type(predicate) == expected
    check_identifier("test", "type", relationship_type(predicate))
    fact = Fact("a", predicate, "b", "a b.", f"a|{predicate}|b")
    _, edges = facts_batch(memory_id="m", tenant="t", facts=[fact])
    assert expected in {edge.type for edge in edges}


def test_every_property_is_storable_and_batches_pass_the_checks() -> None:
    memory = memory_batch(
        memory_id="m1", tenant="t", text="x", partial=True, session_id="s", metadata={"d": {}}
    )
    facts = facts_batch(memory_id="m1", tenant="t", facts=FACTS)
    for nodes, edges in (memory, facts):
        properties = [item.properties for item in nodes] + [item.properties for item in edges]
        assert all(is_property_value(v) for props in properties for v in props.values())
        prepare("test", nodes, edges)  # labels, types and values accepted by every back end


def test_empty_facts_give_an_empty_batch() -> None:
    assert facts_batch(memory_id="m", tenant="t", facts=[]) == ([], [])
