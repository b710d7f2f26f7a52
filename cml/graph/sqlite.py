"""
The graph in a SQLite file: the embedded mode's default back end, needing no server.

It keeps two tables of its own (`<prefix>nodes`, `<prefix>edges`), so it can share the embedded
engine's database file without touching the engine's tables or schema version. A merge is one
`BEGIN IMMEDIATE` transaction of upserts: writers in other threads or processes queue on SQLite's
lock (with a long busy timeout), and a failed merge leaves nothing behind. Node properties are
merged with `json_patch`, which does what Cypher's `SET n += $props` does: given properties are
overwritten, a `None` removes one, the others stay.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypedDict

from ._base import GraphEdge, GraphNode, GraphSyncError, GraphSyncResult, NodeRef
from ._batch import PreparedBatch, check_identifier, prepare

__all__ = ["EdgeRow", "Neighbour", "NodeRow", "SQLiteGraphSync"]

# As long as the engine's own writers wait for each other (cml.engine.storage).
_BUSY_TIMEOUT_S = 60.0


class NodeRow(TypedDict):
    id: int
    label: str
    key: str
    properties: dict[str, Any]


class EdgeRow(TypedDict):
    id: int
    type: str
    source: NodeRef
    target: NodeRef
    properties: dict[str, Any]


class Neighbour(TypedDict):
    """A node joined to another by an edge of `type`, going `out` of that node or `in` to it."""

    type: str
    direction: Literal["out", "in"]
    node: NodeRow


class SQLiteGraphSync:
    """A graph in `path` (a file, created if missing, or `":memory:"`). Thread-safe: one
    connection, used by one thread at a time."""

    name = "sqlite"

    def __init__(self, path: str | Path, *, table_prefix: str = "graph_") -> None:
        self.path = str(path)
        check_identifier(self.name, "table prefix", table_prefix)
        self._nodes = f"{table_prefix}nodes"
        self._edges = f"{table_prefix}edges"
        self._lock = threading.Lock()
        self._closed = False
        in_memory = self.path == ":memory:"
        try:
            if not in_memory:
                Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path if in_memory else str(Path(self.path).expanduser()),
                timeout=_BUSY_TIMEOUT_S,
                isolation_level=None,  # transactions are explicit
                check_same_thread=False,  # guarded by self._lock instead
            )
        except (sqlite3.Error, OSError) as exc:
            raise GraphSyncError(self.name, f"cannot open {self.path}: {exc}") from exc
        try:
            if not in_memory:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            with self._transaction() as db:
                self._create_tables(db, table_prefix)
        except sqlite3.Error as exc:
            self._db.close()
            raise GraphSyncError(self.name, f"cannot open {self.path}: {exc}") from exc

    def _create_tables(self, db: sqlite3.Connection, prefix: str) -> None:
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {self._nodes} (
                id INTEGER PRIMARY KEY,
                label TEXT NOT NULL,
                key TEXT NOT NULL,
                properties TEXT NOT NULL DEFAULT '{{}}',
                UNIQUE (label, key)
            )"""
        )
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {self._edges} (
                id INTEGER PRIMARY KEY,
                type TEXT NOT NULL,
                source_id INTEGER NOT NULL REFERENCES {self._nodes} (id) ON DELETE CASCADE,
                target_id INTEGER NOT NULL REFERENCES {self._nodes} (id) ON DELETE CASCADE,
                properties TEXT NOT NULL DEFAULT '{{}}',
                UNIQUE (type, source_id, target_id)
            )"""
        )
        # UNIQUE leads with the type; walking from a node needs these.
        db.execute(f"CREATE INDEX IF NOT EXISTS {prefix}edges_source ON {self._edges} (source_id)")
        db.execute(f"CREATE INDEX IF NOT EXISTS {prefix}edges_target ON {self._edges} (target_id)")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it commits, or none of it."""
        with self._lock:
            if self._closed:
                raise GraphSyncError(self.name, "the graph is closed")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def merge(self, nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> GraphSyncResult:
        """Upsert the nodes, then the edges, in one transaction. An edge whose end is neither in
        the batch nor in the graph fails the whole merge."""
        started = time.perf_counter()
        batch = prepare(self.name, nodes, edges)
        try:
            with self._transaction() as db:
                node_ids = self._merge(db, batch)
        except sqlite3.Error as exc:
            raise GraphSyncError(self.name, str(exc)) from exc
        return GraphSyncResult(
            backend=self.name,
            nodes=len(batch.nodes),
            edges=len(batch.edges),
            node_ids=node_ids,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def _merge(self, db: sqlite3.Connection, batch: PreparedBatch) -> dict[NodeRef, str | int]:
        db.executemany(
            f"INSERT INTO {self._nodes} (label, key, properties) "
            "VALUES (:label, :key, json_patch('{}', :props)) "
            "ON CONFLICT (label, key) DO UPDATE SET properties = json_patch(properties, :props)",
            [
                {"label": label, "key": key, "props": json.dumps(properties)}
                for (label, key), properties in batch.nodes.items()
            ],
        )
        # Looked up rather than RETURNING'd, which would need SQLite 3.35.
        find = f"SELECT id FROM {self._nodes} WHERE label = ? AND key = ?"
        node_ids: dict[NodeRef, str | int] = {
            ref: int(db.execute(find, ref).fetchone()[0]) for ref in batch.nodes
        }
        ends = dict(node_ids)
        for ref in batch.external_refs():
            row = db.execute(find, ref).fetchone()
            if row is None:
                raise GraphSyncError(self.name, f"edge end {ref[0]} {ref[1]!r} is not in the graph")
            ends[ref] = int(row[0])
        db.executemany(
            f"INSERT INTO {self._edges} (type, source_id, target_id, properties) "
            "VALUES (:type, :source, :target, json_patch('{}', :props)) "
            "ON CONFLICT (type, source_id, target_id) "
            "DO UPDATE SET properties = json_patch(properties, :props)",
            [
                {
                    "type": type_,
                    "source": ends[source],
                    "target": ends[target],
                    "props": json.dumps(properties),
                }
                for (type_, source, target), properties in batch.edges.items()
            ],
        )
        return node_ids

    # --- reading -------------------------------------------------------------------------------

    def node(self, label: str, key: str) -> NodeRow | None:
        """The node (label, key), or None."""
        rows = self._select(
            f"SELECT id, label, key, properties FROM {self._nodes} WHERE label = ? AND key = ?",
            (label, key),
        )
        return _node_row(rows[0]) if rows else None

    def nodes(self, label: str | None = None) -> list[NodeRow]:
        """Every node (with `label`, if given), oldest first."""
        where, params = ("WHERE label = ?", (label,)) if label is not None else ("", ())
        rows = self._select(
            f"SELECT id, label, key, properties FROM {self._nodes} {where} ORDER BY id", params
        )
        return [_node_row(row) for row in rows]

    def edges(self, type: str | None = None) -> list[EdgeRow]:
        """Every edge (of `type`, if given), oldest first."""
        where, params = ("WHERE e.type = ?", (type,)) if type is not None else ("", ())
        rows = self._select(
            f"""SELECT e.id, e.type, s.label, s.key, t.label, t.key, e.properties
                FROM {self._edges} e
                JOIN {self._nodes} s ON s.id = e.source_id
                JOIN {self._nodes} t ON t.id = e.target_id
                {where} ORDER BY e.id""",
            params,
        )
        return [
            EdgeRow(
                id=row[0],
                type=row[1],
                source=(row[2], row[3]),
                target=(row[4], row[5]),
                properties=json.loads(row[6]),
            )
            for row in rows
        ]

    def neighbours(self, label: str, key: str) -> list[Neighbour]:
        """The nodes joined to (label, key) by an edge in either direction, with the edge's type;
        empty if the node is not in the graph."""
        rows = self._select(
            f"""WITH me AS (SELECT id FROM {self._nodes} WHERE label = ? AND key = ?)
                SELECT e.type, 'out', n.id, n.label, n.key, n.properties, e.id
                FROM {self._edges} e JOIN {self._nodes} n ON n.id = e.target_id
                WHERE e.source_id = (SELECT id FROM me)
                UNION ALL
                SELECT e.type, 'in', n.id, n.label, n.key, n.properties, e.id
                FROM {self._edges} e JOIN {self._nodes} n ON n.id = e.source_id
                WHERE e.target_id = (SELECT id FROM me)
                ORDER BY 7""",
            (label, key),
        )
        return [Neighbour(type=row[0], direction=row[1], node=_node_row(row[2:6])) for row in rows]

    def _select(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self._lock:
            if self._closed:
                raise GraphSyncError(self.name, "the graph is closed")
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise GraphSyncError(self.name, str(exc)) from exc

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()


def _node_row(row: Sequence[Any]) -> NodeRow:
    return NodeRow(id=row[0], label=row[1], key=row[2], properties=json.loads(row[3]))
