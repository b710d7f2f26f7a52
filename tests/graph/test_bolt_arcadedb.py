"""
The Neo4j back end against a real Bolt server on loopback (ArcadeDB's Bolt plugin, see
conftest.py). ArcadeDB answers `elementId(n)` with its record id as a string ("#1:0"), so the
Neo4j code path runs unchanged. Each test uses its own tenant and memory ids: the database is
shared by the session.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import neo4j
import pytest

from cml.graph import (
    GraphEdge,
    GraphNode,
    GraphSyncError,
    Neo4jGraphSync,
    facts_batch,
    memory_batch,
)
from cml.text.extract import extract

from .conftest import BoltServer

pytestmark = pytest.mark.integration

FACTS = extract("Alice lives in Paris. Alice works at Acme Corp.").facts


@pytest.fixture
def sync(bolt_server: BoltServer) -> Iterator[Neo4jGraphSync]:
    opened = Neo4jGraphSync(bolt_server.uri, auth=bolt_server.auth, database=bolt_server.database)
    yield opened
    opened.close()


@pytest.fixture
def driver(bolt_server: BoltServer) -> Iterator[neo4j.Driver]:
    """A separate connection to read back what the back end wrote."""
    with neo4j.GraphDatabase.driver(bolt_server.uri, auth=bolt_server.auth) as opened:
        yield opened


@pytest.fixture
def tenant() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


def query(
    driver: neo4j.Driver, bolt_server: BoltServer, cypher: str, **params: Any
) -> list[dict[str, Any]]:
    with driver.session(database=bolt_server.database) as session:
        return session.run(cypher, params).data()


def stream(sync: Neo4jGraphSync, tenant: str, *, partial: bool) -> None:
    sync.merge(
        *memory_batch(
            memory_id=f"{tenant}-m",
            tenant=tenant,
            text="Alice lives in Paris. Alice works at Acme Corp.",
            partial=partial,
            session_id=f"{tenant}-s",
        )
    )
    sync.merge(*facts_batch(memory_id=f"{tenant}-m", tenant=tenant, facts=FACTS))


def graph_of(
    driver: neo4j.Driver, bolt_server: BoltServer, tenant: str
) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per label and edges per type touching this tenant's nodes."""
    nodes = query(
        driver,
        bolt_server,
        "MATCH (n) WHERE n.tenant = $tenant RETURN labels(n)[0] AS label, count(n) AS n",
        tenant=tenant,
    )
    edges = query(
        driver,
        bolt_server,
        "MATCH (a)-[r]->(b) WHERE a.tenant = $tenant RETURN type(r) AS type, count(r) AS n",
        tenant=tenant,
    )
    return {r["label"]: r["n"] for r in nodes}, {r["type"]: r["n"] for r in edges}


EXPECTED = (
    {"Memory": 1, "User": 1, "Conversation": 1, "Fact": 2, "Entity": 3},
    {
        "RELATES_TO": 1,
        "REFERENCES": 1,
        "EXTRACTED_FROM": 2,
        "MENTIONS": 4,
        "LIVES_IN": 1,
        "WORKS_AT": 1,
    },
)


def test_a_stream_graph_is_written_once(
    sync: Neo4jGraphSync, driver: neo4j.Driver, bolt_server: BoltServer, tenant: str
) -> None:
    stream(sync, tenant, partial=True)
    assert graph_of(driver, bolt_server, tenant) == EXPECTED

    stream(sync, tenant, partial=True)  # MERGE: the same batch again adds nothing
    assert graph_of(driver, bolt_server, tenant) == EXPECTED

    fact = query(
        driver,
        bolt_server,
        "MATCH (a:Entity)-[r:LIVES_IN]->(b:Entity) WHERE a.tenant = $tenant "
        "RETURN a.name AS a, b.name AS b, r.fact_key AS key",
        tenant=tenant,
    )
    assert fact == [{"a": "Alice", "b": "Paris", "key": f"{tenant}:alice|lives_in|paris"}]


def test_a_partial_memory_is_finalised(
    sync: Neo4jGraphSync, driver: neo4j.Driver, bolt_server: BoltServer, tenant: str
) -> None:
    stream(sync, tenant, partial=True)
    sync.merge(*memory_batch(memory_id=f"{tenant}-m", tenant=tenant, text="Alice.", partial=False))

    memories = query(
        driver,
        bolt_server,
        "MATCH (m:Memory {key: $key}) RETURN m.partial AS partial, m.length AS length",
        key=f"{tenant}-m",
    )
    assert memories == [{"partial": False, "length": len("Alice.")}]


def test_node_ids_are_element_ids(
    sync: Neo4jGraphSync, driver: neo4j.Driver, bolt_server: BoltServer, tenant: str
) -> None:
    result = sync.merge(
        *memory_batch(memory_id=f"{tenant}-m", tenant=tenant, text="x", partial=True)
    )

    memory_id = result.node_ids[("Memory", f"{tenant}-m")]
    assert isinstance(memory_id, str)
    found = query(
        driver, bolt_server, "MATCH (n) WHERE elementId(n) = $id RETURN n.key AS key", id=memory_id
    )
    assert found == [{"key": f"{tenant}-m"}]
    assert (result.backend, result.nodes, result.edges) == ("neo4j", 2, 1)


def test_a_failed_merge_leaves_nothing(
    sync: Neo4jGraphSync, driver: neo4j.Driver, bolt_server: BoltServer, tenant: str
) -> None:
    with pytest.raises(GraphSyncError, match="neo4j: edge ends not in the graph: Memory"):
        sync.merge(*facts_batch(memory_id=f"{tenant}-missing", tenant=tenant, facts=FACTS))

    assert graph_of(driver, bolt_server, tenant) == ({}, {})  # the facts were rolled back


def test_edges_to_nodes_already_in_the_graph(
    sync: Neo4jGraphSync, driver: neo4j.Driver, bolt_server: BoltServer, tenant: str
) -> None:
    sync.merge([GraphNode("Entity", f"{tenant}:a", {"tenant": tenant})], [])
    sync.merge(
        [GraphNode("Entity", f"{tenant}:b", {"tenant": tenant})],
        [GraphEdge("KNOWS", ("Entity", f"{tenant}:a"), ("Entity", f"{tenant}:b"), {"w": 2})],
    )

    assert graph_of(driver, bolt_server, tenant) == ({"Entity": 2}, {"KNOWS": 1})


def test_a_wrong_password_is_surfaced_without_it(bolt_server: BoltServer) -> None:
    wrong = "wrong-" + bolt_server.auth[1]
    sync = Neo4jGraphSync(bolt_server.uri, auth=("root", wrong), database=bolt_server.database)
    try:
        with pytest.raises(GraphSyncError) as caught:
            sync.merge([GraphNode("N", "k")], [])
    finally:
        sync.close()

    assert caught.value.backend == "neo4j"
    assert wrong not in str(caught.value)
