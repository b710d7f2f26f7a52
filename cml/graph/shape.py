"""
The graph a memory stream writes, the same on every back end.

A stream's memory is a `Memory` node, linked to its `Conversation` (`REFERENCES`) and to the
tenant's `User` (`RELATES_TO`). Each fact extracted from it is a `Fact` node (`EXTRACTED_FROM`
the memory) that `MENTIONS` the `Entity` nodes of its subject and value, and the two entities are
joined by an edge named after the predicate (`lives_in` becomes `LIVES_IN`). Keys are stable, so
syncing the same memory or fact again updates its nodes instead of adding new ones; fact and
entity keys start with the tenant, so two tenants never share a node.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ._base import GraphEdge, GraphNode, NodeRef
from ._batch import is_property_value

if TYPE_CHECKING:  # only the attributes are read: importing cml.graph needs no embedded engine
    from ..text.extract import Fact

__all__ = [
    "PREVIEW_CHARS",
    "entity_key",
    "fact_key",
    "facts_batch",
    "memory_batch",
    "relationship_type",
]

#: How much of the memory's text its node carries: enough to recognise it in a graph browser.
PREVIEW_CHARS = 200

Batch = tuple[list[GraphNode], list[GraphEdge]]


def memory_batch(
    *,
    memory_id: str,
    tenant: str,
    text: str,
    partial: bool,
    session_id: str | None = None,
    stream_id: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Batch:
    """
    The `Memory` node for `memory_id`, its `Conversation` (when `session_id` is given) and the
    tenant's `User`. Sent at a stream's start with `partial=True`, again as it flows, and once
    more at the end with `partial=False`: each sync overwrites the node's properties.

    `metadata` entries become `meta_<name>` properties; a value a graph cannot store as a
    property (a dict, a mixed list) is stored as its JSON text.
    """
    properties: dict[str, Any] = {
        "tenant": tenant,
        "preview": text[:PREVIEW_CHARS],
        "length": len(text),
        "partial": partial,
        "session_id": session_id,
        "stream_id": stream_id,
        "updated_at": datetime.now(UTC).isoformat(),
    }
    for name, value in (metadata or {}).items():
        properties[f"meta_{name}"] = _property_value(value)
    memory = GraphNode("Memory", memory_id, properties)
    user = GraphNode("User", tenant, {"tenant": tenant})
    nodes = [memory, user]
    edges = [GraphEdge("RELATES_TO", memory.ref, user.ref)]
    if session_id is not None:
        conversation = GraphNode("Conversation", session_id, {"tenant": tenant})
        nodes.append(conversation)
        edges.append(GraphEdge("REFERENCES", memory.ref, conversation.ref))
    return nodes, edges


def facts_batch(*, memory_id: str, tenant: str, facts: Sequence[Fact]) -> Batch:
    """
    A `Fact` node per fact, `EXTRACTED_FROM` the memory's node (which must already be in the
    graph: sync `memory_batch` first), the `Entity` nodes it `MENTIONS`, and the predicate edge
    from subject to value. Each node and edge appears once, however many facts share it.
    """
    nodes: dict[NodeRef, GraphNode] = {}
    edges: dict[tuple[str, NodeRef, NodeRef], GraphEdge] = {}

    def add_edge(edge: GraphEdge) -> None:
        edges.setdefault((edge.type, edge.source, edge.target), edge)

    memory: NodeRef = ("Memory", memory_id)
    for fact in facts:
        fact_node = GraphNode(
            "Fact",
            fact_key(tenant, fact),
            {
                "subject": fact.subject,
                "predicate": fact.predicate,
                "value": fact.value,
                "text": fact.text,
                "tenant": tenant,
            },
        )
        subject, value = (
            GraphNode("Entity", entity_key(tenant, name), {"name": name, "tenant": tenant})
            for name in (fact.subject, fact.value)
        )
        for node in (fact_node, subject, value):
            nodes.setdefault(node.ref, node)
        add_edge(GraphEdge("EXTRACTED_FROM", fact_node.ref, memory))
        add_edge(GraphEdge("MENTIONS", fact_node.ref, subject.ref))
        add_edge(GraphEdge("MENTIONS", fact_node.ref, value.ref))
        add_edge(
            GraphEdge(
                relationship_type(fact.predicate),
                subject.ref,
                value.ref,
                {"fact_key": fact_node.key},
            )
        )
    return list(nodes.values()), list(edges.values())


def fact_key(tenant: str, fact: Fact) -> str:
    """The key of a fact's node: the tenant, then the fact's own de-duplication key."""
    return f"{tenant}:{fact.key}"


def entity_key(tenant: str, name: str) -> str:
    """The key of an entity's node: the tenant, then the name lowercased and single-spaced (as
    the extractor keys entities), so "New York" and "new  york" are one node."""
    return f"{tenant}:{' '.join(name.split()).lower()}"


def relationship_type(predicate: str) -> str:
    """A predicate as an edge type: upper case, anything outside [A-Z0-9_] replaced by `_`, and
    never starting with a digit (Cypher identifiers cannot)."""
    name = re.sub(r"[^A-Z0-9_]+", "_", predicate.upper()).strip("_") or "RELATED_TO"
    return f"_{name}" if name[0].isdigit() else name


def _property_value(value: Any) -> Any:
    if is_property_value(value):
        return list(value) if isinstance(value, tuple) else value
    return json.dumps(value, sort_keys=True, default=str)
