"""The knowledge graph: statistics, overview, exploring from an entity, search."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from ..engine import Engine
from ._common import (
    _GRAPH_NODES,
    _marks,
    _one,
)

_OVERVIEW_NODES = 50

# -- graph -------------------------------------------------------------------------------------


def _node(row: Any, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "entity": row["name"],
        "entity_type": row["kind"],
        "properties": {"key": row["key"], "mentions": int(row["mentions"]), **extra},
    }


def _edges(db: sqlite3.Connection, tenant: str, ids: Iterable[int]) -> list[dict[str, Any]]:
    ids = list(ids)
    if not ids:
        return []
    marks = _marks(len(ids))
    rows = db.execute(
        "SELECT subject_id, predicate, object_id, COUNT(*) AS mentions, MIN(created_at) AS first, "
        "GROUP_CONCAT(memory_id) AS memories FROM relations WHERE tenant_id = ? "
        f"AND subject_id IN ({marks}) AND object_id IN ({marks}) "
        "GROUP BY subject_id, predicate, object_id ORDER BY first",
        [tenant, *ids, *ids],
    ).fetchall()
    return [
        {
            "source": str(r["subject_id"]),
            "target": str(r["object_id"]),
            "predicate": r["predicate"],
            "properties": {
                "mentions": int(r["mentions"]),
                "first_seen": r["first"],
                "memory_ids": str(r["memories"]).split(","),
            },
        }
        for r in rows
    ]


def graph_stats(engine: Engine) -> dict[str, Any]:
    """The size of the knowledge graph, over every tenant."""
    with engine.store.read() as db:
        nodes = int(_one(db, "SELECT COUNT(*) FROM entities"))
        edges = int(_one(db, "SELECT COUNT(*) FROM relations"))
        kinds = {
            r[0]: int(r[1]) for r in db.execute("SELECT kind, COUNT(*) FROM entities GROUP BY kind")
        }
        owners = sorted(r[0] for r in db.execute("SELECT DISTINCT tenant_id FROM entities"))
    return {
        "total_nodes": nodes,
        "total_edges": edges,
        "entity_types": kinds,
        "tenants_with_graph": owners,
    }


def graph_overview(engine: Engine, tenant: str) -> dict[str, Any]:
    """The most mentioned entities of a tenant and the relations between them."""
    with engine.store.read() as db:
        rows = db.execute(
            "SELECT * FROM entities WHERE tenant_id = ? ORDER BY mentions DESC, id LIMIT ?",
            (tenant, _OVERVIEW_NODES),
        ).fetchall()
        edges = _edges(db, tenant, [r["id"] for r in rows])
    return {"center_entity": None, "nodes": [_node(r) for r in rows], "edges": edges}


def graph_explore(engine: Engine, tenant: str, entity: str, *, depth: int = 2) -> dict[str, Any]:
    """The entities within `depth` relations of `entity` (by name, case-insensitive), and the
    relations between them. An unknown entity has an empty neighbourhood."""
    with engine.store.read() as db:
        start = db.execute(
            "SELECT * FROM entities WHERE tenant_id = ? AND (key = ? OR name = ? COLLATE NOCASE) "
            "ORDER BY mentions DESC LIMIT 1",
            (tenant, " ".join(entity.lower().split()), entity.strip()),
        ).fetchone()
        if start is None:
            return {"center_entity": None, "nodes": [], "edges": []}
        distance = {int(start["id"]): 0}
        frontier = [int(start["id"])]
        for hop in range(1, depth + 1):
            if not frontier or len(distance) >= _GRAPH_NODES:
                break
            marks = _marks(len(frontier))
            neighbours = db.execute(
                f"SELECT object_id FROM relations WHERE tenant_id = ? AND subject_id IN ({marks}) "
                f"UNION SELECT subject_id FROM relations WHERE tenant_id = ? "
                f"AND object_id IN ({marks})",
                [tenant, *frontier, tenant, *frontier],
            ).fetchall()
            frontier = []
            for (node,) in neighbours:
                if int(node) not in distance and len(distance) < _GRAPH_NODES:
                    distance[int(node)] = hop
                    frontier.append(int(node))
        ids = list(distance)
        rows = db.execute(
            f"SELECT * FROM entities WHERE id IN ({_marks(len(ids))})", ids
        ).fetchall()
        edges = _edges(db, tenant, ids)
    ordered = sorted(rows, key=lambda r: (distance[int(r["id"])], -int(r["mentions"])))
    return {
        "center_entity": start["name"],
        "nodes": [_node(r, depth=distance[int(r["id"])]) for r in ordered],
        "edges": edges,
    }


def graph_search(engine: Engine, tenant: str, query: str, *, limit: int = 25) -> dict[str, Any]:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = engine.store.execute(
        "SELECT name, kind, tenant_id FROM entities WHERE tenant_id = ? "
        "AND name LIKE ? ESCAPE '\\' ORDER BY (key = ?) DESC, mentions DESC, name LIMIT ?",
        (tenant, f"%{escaped}%", query.lower(), limit),
    ).fetchall()
    return {
        "results": [
            {
                "entity": r["name"],
                "entity_type": r["kind"],
                "tenant_id": r["tenant_id"],
                "scope_id": r["tenant_id"],
            }
            for r in rows
        ]
    }
