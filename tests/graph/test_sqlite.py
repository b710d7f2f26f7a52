"""The SQLite back end: idempotent upserts, one transaction per merge, safe across threads."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from cml.engine.storage import Store
from cml.graph import (
    GraphEdge,
    GraphNode,
    GraphSync,
    GraphSyncError,
    SQLiteGraphSync,
    facts_batch,
    memory_batch,
)
from cml.text.extract import extract

FACTS = extract("Alice lives in Paris. Alice works at Acme Corp.").facts


@pytest.fixture
def graph(tmp_path: Path) -> Iterator[SQLiteGraphSync]:
    opened = SQLiteGraphSync(tmp_path / "graph.db")
    yield opened
    opened.close()


def sync_stream(graph: SQLiteGraphSync, *, partial: bool, memory_id: str = "m1") -> None:
    graph.merge(
        *memory_batch(
            memory_id=memory_id, tenant="t", text="Alice", partial=partial, session_id="s"
        )
    )
    graph.merge(*facts_batch(memory_id=memory_id, tenant="t", facts=FACTS))


def counts(graph: SQLiteGraphSync) -> tuple[int, int]:
    return len(graph.nodes()), len(graph.edges())


def test_is_a_graph_sync(graph: SQLiteGraphSync) -> None:
    assert isinstance(graph, GraphSync)
    assert graph.name == "sqlite"


def test_merge_writes_the_stream_graph(graph: SQLiteGraphSync) -> None:
    result = graph.merge(
        *memory_batch(memory_id="m1", tenant="t", text="Alice", partial=True, session_id="s")
    )

    assert (result.backend, result.nodes, result.edges) == ("sqlite", 3, 2)
    memory = graph.node("Memory", "m1")
    assert memory is not None
    assert result.node_ids[("Memory", "m1")] == memory["id"]
    assert all(isinstance(node_id, int) for node_id in result.node_ids.values())
    assert memory["properties"]["partial"] is True

    graph.merge(*facts_batch(memory_id="m1", tenant="t", facts=FACTS))
    assert counts(graph) == (3 + 5, 2 + 8)
    assert {(e["source"], e["target"]) for e in graph.edges("LIVES_IN")} == {
        (("Entity", "t:alice"), ("Entity", "t:paris"))
    }


def test_merging_twice_changes_nothing(graph: SQLiteGraphSync) -> None:
    sync_stream(graph, partial=True)
    before = (graph.nodes(), graph.edges())

    sync_stream(graph, partial=True)

    nodes, edges = graph.nodes(), graph.edges()
    assert [n["id"] for n in nodes] == [n["id"] for n in before[0]]  # same rows, same ids
    assert edges == before[1]


def test_a_partial_memory_is_finalised(graph: SQLiteGraphSync) -> None:
    sync_stream(graph, partial=True)
    first = graph.node("Memory", "m1")

    graph.merge(*memory_batch(memory_id="m1", tenant="t", text="Alice lives", partial=False))

    final = graph.node("Memory", "m1")
    assert first is not None
    assert final is not None
    assert final["id"] == first["id"]
    assert final["properties"]["partial"] is False
    assert final["properties"]["length"] == len("Alice lives")
    assert len(graph.nodes("Memory")) == 1


def test_properties_merge_like_cypher_set_plus_equals(graph: SQLiteGraphSync) -> None:
    graph.merge([GraphNode("N", "k", {"a": 1, "b": [1, 2], "c": "x"})], [])
    graph.merge([GraphNode("N", "k", {"a": 2, "c": None, "d": True})], [])

    node = graph.node("N", "k")
    assert node is not None
    assert node["properties"] == {"a": 2, "b": [1, 2], "d": True}  # None removes, others stay


def test_edges_are_unique_and_their_properties_updated(graph: SQLiteGraphSync) -> None:
    nodes = [GraphNode("N", "a"), GraphNode("N", "b")]
    graph.merge(nodes, [GraphEdge("KNOWS", ("N", "a"), ("N", "b"), {"since": 1})])
    graph.merge(nodes, [GraphEdge("KNOWS", ("N", "a"), ("N", "b"), {"since": 2})])
    graph.merge(
        [],
        [
            GraphEdge("KNOWS", ("N", "a"), ("N", "b"), {"w": 1}),
            GraphEdge("KNOWS", ("N", "a"), ("N", "b"), {"w": 3}),  # twice in a batch: later wins
            GraphEdge("KNOWS", ("N", "b"), ("N", "a")),  # the other direction is another edge
        ],
    )

    edges = graph.edges("KNOWS")
    assert [(e["source"], e["target"], e["properties"]) for e in edges] == [
        (("N", "a"), ("N", "b"), {"since": 2, "w": 3}),
        (("N", "b"), ("N", "a"), {}),
    ]


def test_neighbours_in_both_directions(graph: SQLiteGraphSync) -> None:
    sync_stream(graph, partial=False)

    around_alice = graph.neighbours("Entity", "t:alice")
    assert sorted((n["type"], n["direction"], n["node"]["key"]) for n in around_alice) == [
        ("LIVES_IN", "out", "t:paris"),
        ("MENTIONS", "in", "t:alice|lives_in|paris"),
        ("MENTIONS", "in", "t:alice|works_at|acme corp"),
        ("WORKS_AT", "out", "t:acme corp"),
    ]
    assert graph.neighbours("Entity", "nobody") == []
    assert graph.node("Entity", "nobody") is None


def test_an_edge_to_a_missing_node_fails_and_writes_nothing(graph: SQLiteGraphSync) -> None:
    sync_stream(graph, partial=True)
    before = (graph.nodes(), graph.edges())

    with pytest.raises(GraphSyncError, match=r"sqlite: edge end Memory 'm-missing'") as caught:
        graph.merge(*facts_batch(memory_id="m-missing", tenant="t2", facts=FACTS))

    assert caught.value.backend == "sqlite"
    assert (graph.nodes(), graph.edges()) == before  # the batch's nodes were rolled back


@pytest.mark.parametrize(
    ("nodes", "edges", "message"),
    [
        ([GraphNode("N", "k", {"bad": {"nested": 1}})], [], "property 'bad' is a dict"),
        ([GraphNode("N", "k", {"mixed": [1, "a"]})], [], "property 'mixed'"),
        ([GraphNode("N", "k", {"nulls": [None]})], [], "property 'nulls'"),
        ([GraphNode("N", "k", {"key": "x"})], [], "'key' is reserved"),
        ([GraphNode("Bad Label", "k")], [], "invalid label"),
        ([GraphNode("N", "k")], [GraphEdge("X-Y", ("N", "k"), ("N", "k"))], "invalid relationship"),
    ],
)
def test_an_invalid_batch_fails_before_writing(
    graph: SQLiteGraphSync, nodes: list[GraphNode], edges: list[GraphEdge], message: str
) -> None:
    with pytest.raises(GraphSyncError, match=message):
        graph.merge([GraphNode("N", "first"), *nodes], edges)
    assert graph.nodes() == []


def test_concurrent_merges_from_threads_and_connections(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    graphs = [SQLiteGraphSync(path), SQLiteGraphSync(path)]  # two connections, like two processes
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(worker: int) -> None:
        graph = graphs[worker % 2]
        try:
            barrier.wait()
            for round_ in range(15):
                memory_id = f"m{round_ % 5}"  # every worker writes the same five memories
                graph.merge(*memory_batch(memory_id=memory_id, tenant="t", text="x", partial=True))
                graph.merge(*facts_batch(memory_id=memory_id, tenant="t", facts=FACTS))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    # 5 memories + 1 user + 2 facts + 3 entities; 5 RELATES_TO + 2 facts x 5 EXTRACTED_FROM
    # + 4 MENTIONS + 2 predicate edges
    assert counts(graphs[0]) == (11, 21)
    for graph in graphs:
        graph.close()


def test_lives_beside_the_engine_tables_without_touching_them(tmp_path: Path) -> None:
    path = tmp_path / "memory.db"
    store = Store(path)
    schema = store.schema_version
    engine_tables = _tables(path)

    graph = SQLiteGraphSync(path)
    sync_stream(graph, partial=False)
    with store.write() as db:  # the engine still writes to its file
        db.execute("INSERT INTO config (key, value) VALUES ('k', 'v')")

    assert store.schema_version == schema
    assert _tables(path) == engine_tables | {"graph_nodes", "graph_edges"}
    graph.close()
    store.close()


def test_table_prefixes_keep_graphs_apart(tmp_path: Path) -> None:
    first = SQLiteGraphSync(tmp_path / "g.db")
    second = SQLiteGraphSync(tmp_path / "g.db", table_prefix="other_")
    first.merge([GraphNode("N", "k")], [])

    assert second.node("N", "k") is None
    assert {"other_nodes", "other_edges"} <= _tables(tmp_path / "g.db")
    with pytest.raises(GraphSyncError, match="invalid table prefix"):
        SQLiteGraphSync(tmp_path / "g.db", table_prefix="x; DROP TABLE y")
    first.close()
    second.close()


def test_in_memory_graph() -> None:
    graph = SQLiteGraphSync(":memory:")
    sync_stream(graph, partial=True)
    assert counts(graph) == (8, 10)
    graph.close()


def test_a_closed_graph_refuses_work(graph: SQLiteGraphSync) -> None:
    graph.close()
    graph.close()  # twice is fine

    with pytest.raises(GraphSyncError, match="closed"):
        graph.merge([GraphNode("N", "k")], [])
    with pytest.raises(GraphSyncError, match="closed"):
        graph.node("N", "k")


def test_an_unopenable_file_is_a_graph_sync_error(tmp_path: Path) -> None:
    (tmp_path / "not-a-db").write_bytes(b"this is not a sqlite file" * 100)
    with pytest.raises(GraphSyncError, match="cannot open"):
        SQLiteGraphSync(tmp_path / "not-a-db")


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
