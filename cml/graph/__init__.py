"""Knowledge-graph sync for memory streams: SQLite, Neo4j and Memgraph back ends.

Importing this package never needs the `neo4j` driver: the Bolt back ends import it when built.
"""

from ._base import GraphEdge, GraphNode, GraphSync, GraphSyncError, GraphSyncResult, NodeRef
from .bolt import MemgraphGraphSync, Neo4jGraphSync
from .shape import facts_batch, memory_batch
from .sqlite import SQLiteGraphSync

__all__ = [
    "GraphEdge",
    "GraphNode",
    "GraphSync",
    "GraphSyncError",
    "GraphSyncResult",
    "MemgraphGraphSync",
    "Neo4jGraphSync",
    "NodeRef",
    "SQLiteGraphSync",
    "facts_batch",
    "memory_batch",
]
