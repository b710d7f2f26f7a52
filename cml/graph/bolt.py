"""
Graph back ends over Bolt, with the official `neo4j` driver: Neo4j 5+ (and servers speaking its
protocol, such as ArcadeDB) and Memgraph.

A merge is one write transaction (retried by the driver on transient errors, which is safe since
every statement is a MERGE): the nodes, one `UNWIND` per label, each returning its id; the ids of
edge ends already in the graph; then the edges, one `UNWIND` per type, matched by those ids. Ids
are where the two servers differ, and where Cortex's sync broke: Neo4j's `elementId(n)` is a
string, Memgraph's `id(n)` an integer, and a string never equals `id(n)`. Each back end uses its
own function and converts what comes back to its own type before sending it again.

Labels and relationship types cannot be Cypher parameters, so they are interpolated, only after
matching `[A-Za-z_][A-Za-z0-9_]*`; keys and properties are always parameters. MERGE alone does not
stop two concurrent writers from creating the same node: for that, give each label a uniqueness
constraint on `key` in the database.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._base import GraphEdge, GraphNode, GraphSyncError, GraphSyncResult, NodeRef
from ._batch import PreparedBatch, prepare

if TYPE_CHECKING:
    import neo4j

__all__ = ["MemgraphGraphSync", "Neo4jGraphSync"]


class _BoltGraphSync(ABC):
    """What Neo4j and Memgraph share; subclasses name their id function and its type."""

    name: str
    _id_function: str

    def __init__(
        self,
        uri: str,
        *,
        auth: tuple[str, str] | None,
        database: str | None = None,
        driver_config: Mapping[str, Any] | None = None,
    ) -> None:
        try:
            import neo4j
        except ImportError as exc:
            raise GraphSyncError(
                self.name, "the neo4j driver is not installed: install py-cml[graph]"
            ) from exc
        self._database = database
        self._secret = auth[1] if auth else None  # kept only to blank it out of error messages
        self._driver_errors = (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError)
        try:
            self._driver: neo4j.Driver = neo4j.GraphDatabase.driver(
                uri, auth=auth, **(driver_config or {})
            )
        except (*self._driver_errors, ValueError) as exc:
            raise self._error(exc) from exc

    @abstractmethod
    def _node_id(self, value: Any) -> str | int:
        """An id as the server returned it, in the type its id function compares with."""

    def merge(self, nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> GraphSyncResult:
        """MERGE the nodes, then the edges, in one transaction. An edge whose end is neither in
        the batch nor in the graph fails the whole merge."""
        started = time.perf_counter()
        batch = prepare(self.name, nodes, edges)
        try:
            with self._driver.session(database=self._database) as session:
                node_ids = session.execute_write(self._write, batch)
        except self._driver_errors as exc:
            raise self._error(exc) from exc
        return GraphSyncResult(
            backend=self.name,
            nodes=len(batch.nodes),
            edges=len(batch.edges),
            node_ids=node_ids,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def _write(
        self, tx: neo4j.ManagedTransaction, batch: PreparedBatch
    ) -> dict[NodeRef, str | int]:
        node_ids = self._merge_nodes(tx, batch)
        ends = {**node_ids, **self._find_nodes(tx, batch.external_refs())}
        self._merge_edges(tx, batch, ends)
        return node_ids

    def _merge_nodes(
        self, tx: neo4j.ManagedTransaction, batch: PreparedBatch
    ) -> dict[NodeRef, str | int]:
        by_label: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        for (label, key), properties in batch.nodes.items():
            by_label[label].append({"key": key, "props": properties})
        node_ids: dict[NodeRef, str | int] = {}
        for label, rows in by_label.items():
            records = tx.run(
                f"UNWIND $rows AS row MERGE (n:`{label}` {{key: row.key}}) SET n += row.props "
                f"RETURN row.key AS key, {self._id_function}(n) AS id",
                {"rows": rows},
            ).data()
            node_ids.update({(label, r["key"]): self._node_id(r["id"]) for r in records})
        return node_ids

    def _find_nodes(
        self, tx: neo4j.ManagedTransaction, refs: set[NodeRef]
    ) -> dict[NodeRef, str | int]:
        """The ids of nodes already in the graph; `GraphSyncError` if one is not."""
        by_label: defaultdict[str, list[str]] = defaultdict(list)
        for label, key in sorted(refs):
            by_label[label].append(key)
        found: dict[NodeRef, str | int] = {}
        for label, keys in by_label.items():
            records = tx.run(
                f"UNWIND $keys AS key MATCH (n:`{label}` {{key: key}}) "
                f"RETURN key, {self._id_function}(n) AS id",
                {"keys": keys},
            ).data()
            found.update({(label, r["key"]): self._node_id(r["id"]) for r in records})
            missing = [key for key in keys if (label, key) not in found]
            if missing:
                raise GraphSyncError(self.name, f"edge ends not in the graph: {label} {missing}")
        return found

    def _merge_edges(
        self,
        tx: neo4j.ManagedTransaction,
        batch: PreparedBatch,
        ends: dict[NodeRef, str | int],
    ) -> None:
        by_type: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        for (type_, source, target), properties in batch.edges.items():
            by_type[type_].append(
                {"source": ends[source], "target": ends[target], "props": properties}
            )
        node_id = self._id_function
        for type_, rows in by_type.items():
            records = tx.run(
                "UNWIND $rows AS row "
                f"MATCH (a) WHERE {node_id}(a) = row.source "
                f"MATCH (b) WHERE {node_id}(b) = row.target "
                f"MERGE (a)-[r:`{type_}`]->(b) SET r += row.props "
                "RETURN count(r) AS merged",
                {"rows": rows},
            ).data()
            merged = records[0]["merged"] if records else 0
            if merged != len(rows):  # an end deleted by another writer since it was found
                raise GraphSyncError(
                    self.name, f"{type_}: {len(rows) - merged} of {len(rows)} edges lost an end"
                )

    def _error(self, exc: Exception) -> GraphSyncError:
        message = f"{type(exc).__name__}: {exc}"
        if self._secret:
            message = message.replace(self._secret, "***")
        return GraphSyncError(self.name, message)

    def close(self) -> None:
        self._driver.close()


class Neo4jGraphSync(_BoltGraphSync):
    """Neo4j 5+ (or a server speaking its Bolt dialect, such as ArcadeDB's Bolt plugin), at
    `uri` (`bolt://` or `neo4j://`), in `database` (the server's default if None). Nodes are
    found by `elementId(n)`, a string. `driver_config` goes to `neo4j.GraphDatabase.driver`
    (TLS, timeouts, `max_transaction_retry_time`: how long transient failures are retried)."""

    name = "neo4j"
    _id_function = "elementId"

    def _node_id(self, value: Any) -> str:
        return str(value)


class MemgraphGraphSync(_BoltGraphSync):
    """Memgraph at `uri` (`bolt://`). Nodes are found by `id(n)`, an integer."""

    name = "memgraph"
    _id_function = "id"

    def __init__(
        self,
        uri: str,
        *,
        auth: tuple[str, str] | None = None,
        driver_config: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(uri, auth=auth, driver_config=driver_config)

    def _node_id(self, value: Any) -> int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise GraphSyncError(self.name, f"id(n) returned {value!r}, not an integer") from None
