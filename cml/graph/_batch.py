"""Checks and de-duplication shared by every back end, so a batch SQLite accepts is one Neo4j and
Memgraph accept too (and the other way round)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ._base import GraphEdge, GraphNode, GraphSyncError, NodeRef

__all__ = ["EdgeRef", "PreparedBatch", "check_identifier", "is_property_value", "prepare"]

#: An edge's identity: (type, source, target). MERGE keeps one edge per identity.
EdgeRef = tuple[str, NodeRef, NodeRef]

# Labels and relationship types are interpolated into Cypher (it has no parameters for them), so
# they are held to plain identifiers everywhere.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PRIMITIVES = (str, int, float, bool)


def check_identifier(backend: str, kind: str, name: str) -> str:
    """`name` if it is a safe label / relationship type / table name, else `GraphSyncError`."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise GraphSyncError(backend, f"invalid {kind} {name!r}: must match [A-Za-z_][A-Za-z0-9_]*")
    return name


def is_property_value(value: object) -> bool:
    """Neo4j's storage rule: a primitive or None, or a list of non-null primitives of one type."""
    if value is None or isinstance(value, _PRIMITIVES):
        return True
    if isinstance(value, list | tuple):
        return all(isinstance(item, _PRIMITIVES) for item in value) and (
            len({type(item) for item in value}) <= 1
        )
    return False


def _properties(backend: str, owner: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for name, value in properties.items():
        if not isinstance(name, str):
            raise GraphSyncError(backend, f"{owner}: property name {name!r} is not a string")
        if not is_property_value(value):
            raise GraphSyncError(
                backend,
                f"{owner}: property {name!r} is a {type(value).__name__}; values must be "
                "str, int, float, bool, None or a list of one of those",
            )
        checked[name] = list(value) if isinstance(value, tuple) else value
    return checked


@attrs.frozen(slots=True)
class PreparedBatch:
    """A checked batch, each node and edge once. A node or edge given twice has its properties
    merged in order (later wins), which is what two `SET n += ...` in a row would leave."""

    nodes: dict[NodeRef, dict[str, Any]]
    edges: dict[EdgeRef, dict[str, Any]]

    def external_refs(self) -> set[NodeRef]:
        """Edge endpoints not in the batch: they must already be in the graph."""
        ends = {end for _, source, target in self.edges for end in (source, target)}
        return ends - self.nodes.keys()


def prepare(backend: str, nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> PreparedBatch:
    """Check labels, types and property values: `GraphSyncError` before anything is written."""
    prepared_nodes: dict[NodeRef, dict[str, Any]] = {}
    for node in nodes:
        check_identifier(backend, "label", node.label)
        owner = f"node {node.label} {node.key!r}"
        if not isinstance(node.key, str):
            raise GraphSyncError(backend, f"{owner}: key must be a string")
        if "key" in node.properties:
            raise GraphSyncError(backend, f"{owner}: 'key' is reserved for the node's key")
        prepared_nodes.setdefault(node.ref, {}).update(_properties(backend, owner, node.properties))
    prepared_edges: dict[EdgeRef, dict[str, Any]] = {}
    for edge in edges:
        check_identifier(backend, "relationship type", edge.type)
        for label, _ in (edge.source, edge.target):
            check_identifier(backend, "label", label)
        owner = f"edge {edge.type} {edge.source} -> {edge.target}"
        prepared_edges.setdefault((edge.type, edge.source, edge.target), {}).update(
            _properties(backend, owner, edge.properties)
        )
    return PreparedBatch(prepared_nodes, prepared_edges)
