"""
The Bolt back ends without a server: a fake driver records the Cypher and parameters and answers
like Neo4j (string `elementId()`) or Memgraph (integer `id()`). The point is Cortex's Memgraph
bug: an id of the wrong type never matches, so each back end must send its own kind.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import neo4j
import pytest

from cml.graph import (
    GraphEdge,
    GraphNode,
    GraphSync,
    GraphSyncError,
    MemgraphGraphSync,
    Neo4jGraphSync,
    facts_batch,
    memory_batch,
)
from cml.text.extract import extract

FACTS = extract("Alice lives in Paris.").facts


class FakeGraph:
    """Nodes by (label, key) with server-side ids of one type; edges as a set of id pairs."""

    def __init__(self, id_function: str, make_id: Callable[[int], Any]) -> None:
        self.id_function = id_function
        self.make_id = make_id
        self.ids: dict[tuple[str, str], Any] = {}
        self.edges: set[tuple[str, Any, Any]] = set()
        self.queries: list[tuple[str, dict[str, Any]]] = []
        self.databases: list[str | None] = []
        self.fail_with: Exception | None = None
        self.closed = False

    def run(self, query: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        self.queries.append((query, parameters))
        if self.fail_with is not None:
            raise self.fail_with
        if match := re.match(r"UNWIND \$rows AS row MERGE \(n:`(\w+)`", query):
            label = match[1]
            for row in parameters["rows"]:
                self.ids.setdefault((label, row["key"]), self.make_id(len(self.ids)))
            return [
                {"key": r["key"], "id": self.ids[(label, r["key"])]} for r in parameters["rows"]
            ]
        if match := re.match(r"UNWIND \$keys AS key MATCH \(n:`(\w+)`", query):
            label = match[1]
            return [
                {"key": key, "id": self.ids[(label, key)]}
                for key in parameters["keys"]
                if (label, key) in self.ids
            ]
        if match := re.search(r"MERGE \(a\)-\[r:`(\w+)`\]", query):
            known = set(self.ids.values())  # compared like a server: "1" != 1
            merged = 0
            for row in parameters["rows"]:
                if row["source"] in known and row["target"] in known:
                    self.edges.add((match[1], row["source"], row["target"]))
                    merged += 1
            return [{"merged": merged}]
        raise AssertionError(f"unexpected query {query}")


class FakeResult:
    def __init__(self, records: list[dict[str, Any]]) -> None:
        self._records = records

    def data(self) -> list[dict[str, Any]]:
        return self._records


class FakeTransaction:
    def __init__(self, graph: FakeGraph) -> None:
        self._graph = graph

    def run(self, query: str, parameters: dict[str, Any]) -> FakeResult:
        return FakeResult(self._graph.run(query, parameters))


class FakeSession:
    def __init__(self, graph: FakeGraph) -> None:
        self._graph = graph

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute_write(self, work: Callable[..., Any], *args: Any) -> Any:
        return work(FakeTransaction(self._graph), *args)


class FakeDriver:
    def __init__(self, graph: FakeGraph) -> None:
        self._graph = graph

    def session(self, database: str | None = None) -> FakeSession:
        self._graph.databases.append(database)
        return FakeSession(self._graph)

    def close(self) -> None:
        self._graph.closed = True


def install(monkeypatch: pytest.MonkeyPatch, graph: FakeGraph) -> list[dict[str, Any]]:
    """Route `neo4j.GraphDatabase.driver` to the fake; returns the calls' keyword arguments."""
    calls: list[dict[str, Any]] = []

    def driver(uri: str, **kwargs: Any) -> FakeDriver:
        calls.append({"uri": uri, **kwargs})
        return FakeDriver(graph)

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", driver)
    return calls


@pytest.fixture
def memgraph_graph(monkeypatch: pytest.MonkeyPatch) -> FakeGraph:
    graph = FakeGraph("id", lambda n: n + 1000)
    install(monkeypatch, graph)
    return graph


@pytest.fixture
def neo4j_graph(monkeypatch: pytest.MonkeyPatch) -> FakeGraph:
    graph = FakeGraph("elementId", lambda n: f"4:0b1c:{n}")
    install(monkeypatch, graph)
    return graph


@pytest.fixture
def memgraph(memgraph_graph: FakeGraph) -> Iterator[MemgraphGraphSync]:
    sync = MemgraphGraphSync("bolt://127.0.0.1:7687")
    yield sync
    sync.close()


@pytest.fixture
def neo4j_sync(neo4j_graph: FakeGraph) -> Iterator[Neo4jGraphSync]:
    sync = Neo4jGraphSync("bolt://127.0.0.1:7687", auth=("neo4j", "s3cret-pw"), database="mem")
    yield sync
    sync.close()


def sync_stream(sync: GraphSync) -> None:
    sync.merge(
        *memory_batch(memory_id="m1", tenant="t", text="Alice", partial=True, session_id="s")
    )
    sync.merge(*facts_batch(memory_id="m1", tenant="t", facts=FACTS))


def edge_ids(graph: FakeGraph) -> list[Any]:
    return [
        value
        for query, params in graph.queries
        if "MERGE (a)-" in query
        for row in params["rows"]
        for value in (row["source"], row["target"])
    ]


def test_memgraph_uses_id_with_integers(
    memgraph: MemgraphGraphSync, memgraph_graph: FakeGraph
) -> None:
    sync_stream(memgraph)

    queries = [query for query, _ in memgraph_graph.queries]
    assert all("elementId" not in query for query in queries)
    assert any("RETURN row.key AS key, id(n) AS id" in query for query in queries)
    assert any("WHERE id(a) = row.source" in query for query in queries)
    ids = edge_ids(memgraph_graph)
    assert ids
    assert all(type(value) is int for value in ids)
    assert len(memgraph_graph.edges) == 2 + 4  # every edge found both its ends
    assert memgraph_graph.databases == [None, None]


def test_neo4j_uses_element_id_with_strings(
    neo4j_sync: Neo4jGraphSync, neo4j_graph: FakeGraph
) -> None:
    sync_stream(neo4j_sync)

    queries = [query for query, _ in neo4j_graph.queries]
    assert all(re.search(r"(?<!element)id\(", query, re.I) is None for query in queries)
    assert any("WHERE elementId(a) = row.source" in query for query in queries)
    ids = edge_ids(neo4j_graph)
    assert ids
    assert all(isinstance(value, str) for value in ids)
    assert len(neo4j_graph.edges) == 2 + 4
    assert neo4j_graph.databases == ["mem", "mem"]


def test_node_ids_in_the_result_have_the_back_end_type(
    memgraph: MemgraphGraphSync, neo4j_sync: Neo4jGraphSync
) -> None:
    batch = memory_batch(memory_id="m1", tenant="t", text="x", partial=True)
    from_memgraph = memgraph.merge(*batch).node_ids
    from_neo4j = neo4j_sync.merge(*batch).node_ids

    assert from_memgraph.keys() == from_neo4j.keys() == {("Memory", "m1"), ("User", "t")}
    assert all(type(value) is int for value in from_memgraph.values())
    assert all(isinstance(value, str) for value in from_neo4j.values())


def test_a_string_id_never_reaches_memgraph(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server or proxy answering id(n) as text ("1000") is converted back to the integer that
    `id(a) = row.source` compares with, which is the fix Cortex needed."""
    graph = FakeGraph("id", lambda n: n + 1000)
    install(monkeypatch, graph)
    original = graph.run

    def stringly(query: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        records = original(query, parameters)
        return [{**r, "id": str(r["id"])} if "id" in r else r for r in records]

    monkeypatch.setattr(graph, "run", stringly)
    result = MemgraphGraphSync("bolt://x").merge(
        *memory_batch(memory_id="m1", tenant="t", text="x", partial=True)
    )

    assert all(type(value) is int for value in edge_ids(graph))
    assert result.node_ids[("Memory", "m1")] == 1000
    assert len(graph.edges) == 1


def test_an_integer_id_never_reaches_neo4j(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = FakeGraph("elementId", lambda n: f"{n}")
    install(monkeypatch, graph)
    original = graph.run

    def numeric(query: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        records = original(query, parameters)
        return [{**r, "id": int(r["id"])} if "id" in r else r for r in records]

    monkeypatch.setattr(graph, "run", numeric)
    Neo4jGraphSync("bolt://x", auth=None).merge(
        *memory_batch(memory_id="m1", tenant="t", text="x", partial=True)
    )

    assert edge_ids(graph) == ["0", "1"]


def test_a_non_integer_memgraph_id_is_a_graph_sync_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    graph = FakeGraph("id", lambda n: f"4:x:{n}")  # an elementId where an id() belongs
    install(monkeypatch, graph)

    with pytest.raises(GraphSyncError, match=r"memgraph: id\(n\) returned '4:x:0'"):
        MemgraphGraphSync("bolt://x").merge([GraphNode("N", "k")], [])


def test_edge_ends_outside_the_batch_are_looked_up(
    memgraph: MemgraphGraphSync, memgraph_graph: FakeGraph
) -> None:
    memgraph.merge([GraphNode("Memory", "m1")], [])
    memgraph.merge(
        [GraphNode("Fact", "f")], [GraphEdge("EXTRACTED_FROM", ("Fact", "f"), ("Memory", "m1"))]
    )

    lookup = [(q, p) for q, p in memgraph_graph.queries if "MATCH (n:`Memory`" in q]
    assert lookup == [
        (
            "UNWIND $keys AS key MATCH (n:`Memory` {key: key}) RETURN key, id(n) AS id",
            {"keys": ["m1"]},
        )
    ]
    assert ("EXTRACTED_FROM", 1001, 1000) in memgraph_graph.edges


def test_a_missing_edge_end_fails_the_merge(
    memgraph: MemgraphGraphSync, memgraph_graph: FakeGraph
) -> None:
    with pytest.raises(
        GraphSyncError, match=r"memgraph: edge ends not in the graph: Memory \['gone'\]"
    ):
        memgraph.merge(*facts_batch(memory_id="gone", tenant="t", facts=FACTS))
    assert not any("MERGE (a)-" in query for query, _ in memgraph_graph.queries)


def test_an_edge_losing_an_end_fails_the_merge(
    memgraph: MemgraphGraphSync, memgraph_graph: FakeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = memgraph_graph.run

    def deleted_meanwhile(query: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        records = original(query, parameters)
        if "MERGE (a)-" in query:
            return [{"merged": 0}]
        return records

    monkeypatch.setattr(memgraph_graph, "run", deleted_meanwhile)
    with pytest.raises(GraphSyncError, match="RELATES_TO: 1 of 1 edges lost an end"):
        memgraph.merge(*memory_batch(memory_id="m1", tenant="t", text="x", partial=True))


def test_driver_errors_become_graph_sync_errors_without_the_password(
    neo4j_sync: Neo4jGraphSync, neo4j_graph: FakeGraph
) -> None:
    neo4j_graph.fail_with = neo4j.exceptions.ServiceUnavailable("cannot reach s3cret-pw@host")

    with pytest.raises(GraphSyncError) as caught:
        neo4j_sync.merge([GraphNode("N", "k")], [])

    assert caught.value.backend == "neo4j"
    assert str(caught.value) == "neo4j: ServiceUnavailable: cannot reach ***@host"
    assert isinstance(caught.value.__cause__, neo4j.exceptions.ServiceUnavailable)


@pytest.mark.parametrize(
    ("nodes", "edges"),
    [
        ([GraphNode("Memory`) DETACH DELETE n //", "k")], []),
        ([GraphNode("N", "k")], [GraphEdge("R]->() DELETE a //", ("N", "k"), ("N", "k"))]),
        ([], [GraphEdge("R", ("N", "k"), ("N x", "k"))]),
    ],
)
def test_unsafe_names_never_reach_cypher(
    memgraph: MemgraphGraphSync,
    memgraph_graph: FakeGraph,
    nodes: list[GraphNode],
    edges: list[GraphEdge],
) -> None:
    with pytest.raises(GraphSyncError, match="invalid"):
        memgraph.merge(nodes, edges)
    assert memgraph_graph.queries == []


def test_keys_and_properties_are_parameters(
    neo4j_sync: Neo4jGraphSync, neo4j_graph: FakeGraph
) -> None:
    hostile = "k'}) DETACH DELETE n //"
    neo4j_sync.merge([GraphNode("N", hostile, {"p": hostile})], [])

    query, params = neo4j_graph.queries[0]
    assert hostile not in query
    assert params == {"rows": [{"key": hostile, "props": {"p": hostile}}]}


def test_driver_settings_and_close(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = FakeGraph("id", lambda n: n)
    calls = install(monkeypatch, graph)

    sync = MemgraphGraphSync(
        "bolt://mg:7687", auth=("u", "p"), driver_config={"max_transaction_retry_time": 1.0}
    )
    sync.close()

    assert calls == [
        {"uri": "bolt://mg:7687", "auth": ("u", "p"), "max_transaction_retry_time": 1.0}
    ]
    assert graph.closed
    assert isinstance(sync, GraphSync)
    assert (sync.name, Neo4jGraphSync.name) == ("memgraph", "neo4j")


def test_a_bad_uri_is_a_graph_sync_error() -> None:
    with pytest.raises(GraphSyncError, match="neo4j: ConfigurationError: URI scheme 'ftp'"):
        Neo4jGraphSync("ftp://not-bolt", auth=("u", "pw-123456"))


def test_without_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "neo4j", None)  # `import neo4j` now fails

    with pytest.raises(GraphSyncError, match=r"install py-cml\[graph\]"):
        Neo4jGraphSync("bolt://x", auth=("u", "p"))
    with pytest.raises(GraphSyncError, match="memgraph: "):
        MemgraphGraphSync("bolt://x")
