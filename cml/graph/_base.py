"""Graph sync: what a memory stream writes to a knowledge graph, independent of the back end.

A sync is a batch of nodes and edges to MERGE: writing the same batch twice changes nothing, so
progressive updates and retries are safe. Back ends: SQLite (`cml.graph.sqlite`) and Bolt
(Neo4j, Memgraph: `cml.graph.bolt`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

__all__ = ["GraphEdge", "GraphNode", "GraphSync", "GraphSyncError", "GraphSyncResult", "NodeRef"]

#: A node's identity in a sync batch: (label, key). The key is the node's `key` property.
NodeRef = tuple[str, str]


@attrs.frozen(slots=True)
class GraphNode:
    """A node to MERGE on (label, key); `properties` are set (overwritten) on every merge."""

    label: str
    key: str
    properties: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def ref(self) -> NodeRef:
        return (self.label, self.key)


@attrs.frozen(slots=True)
class GraphEdge:
    """An edge to MERGE between two nodes of the same batch (or already in the graph)."""

    type: str
    source: NodeRef
    target: NodeRef
    properties: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen(slots=True)
class GraphSyncResult:
    """What one sync did. `node_ids` maps each node of the batch to the back end's own id
    (a string `elementId()` on Neo4j, an integer `id()` on Memgraph, a rowid in SQLite)."""

    backend: str
    nodes: int
    edges: int
    node_ids: Mapping[NodeRef, str | int] = attrs.field(factory=dict)
    elapsed_ms: float = 0.0


class GraphSyncError(Exception):
    """A graph write failed. Raised to the caller (and reported by streams), never only logged."""

    def __init__(self, backend: str, message: str) -> None:
        super().__init__(f"{backend}: {message}")
        self.backend = backend


@runtime_checkable
class GraphSync(Protocol):
    """A graph back end. Implementations are synchronous and thread-safe; async callers run them
    in a worker thread."""

    name: str

    def merge(self, nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> GraphSyncResult:
        """MERGE the nodes, then the edges, in one transaction. Raises `GraphSyncError`."""
        ...

    def close(self) -> None: ...
