"""Writes: a write checked and prepared into rows, the near-duplicate check, the insert.

A write is prepared (checked, classified, chunked when long) outside the transaction, embedded,
then inserted in one write transaction with its knowledge-graph facts and its event. A short
write that says again what an active memory of the same namespace says reinforces that memory
instead of storing a second copy.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple, TypedDict, Unpack

from .._exceptions import InvalidRequestError
from ..models import MemoryType, WriteResponse, parse_datetime
from ..text.chunking import ChunkingConfig, chunk_text
from ..text.classify import Classification, classify
from ..text.extract import Extraction, extract
from .backend import Backend, generation, record_event
from .checks import (
    check_metadata,
    check_tags,
    check_text,
    check_type,
    content_hash,
    iso,
    now,
)
from .duplicates import NEAR_DUPLICATE_COSINE, same_statement
from .knowledge import record_knowledge
from .replies import Replies

__all__ = [
    "CHUNKING",
    "CHUNK_THRESHOLD_CHARS",
    "MAX_BATCH_TURNS",
    "NO_REPEAT",
    "BatchWritten",
    "Repeat",
    "RepeatCheck",
    "WritePlan",
    "Writer",
]

#: Content longer than this is stored as linked chunk memories.
CHUNK_THRESHOLD_CHARS = 2_000
#: How long content is cut into chunks.
CHUNKING = ChunkingConfig(strategy="sentence", max_chunk_size=8, overlap_size=1)
#: The most turns one `write_batch` takes.
MAX_BATCH_TURNS = 500
# A write compares itself with the closest memories of its tenant above the near-duplicate
# cosine: first this many, widening (x4) while all of them are that close (see
# `Writer.check_repeat`) ...
_DUPLICATE_CANDIDATES = 8
# ... up to this many. Reading and comparing each costs ~4 us; a write into a cluster of 4,000
# near-identical memories that each state another fact took 30 ms with no limit, against 2 ms
# for the write itself. Past it, a repeat behind 512 closer memories is stored again.
_MOST_DUPLICATE_CANDIDATES = 512


class Repeat(NamedTuple):
    """The active memory a write says again."""

    rowid: int
    memory_id: str
    #: How close the texts are; None for the same text (equal content hashes).
    cosine: float | None


class RepeatCheck(NamedTuple):
    """The outcome of the repeat check for one prepared write."""

    #: The memory the write would reinforce instead of storing itself; None: it is stored.
    repeat: Repeat | None
    #: The closest active memory of the same namespace among those within the near-duplicate
    #: cosine (None: none is that close, or the check found the same text).
    nearest: float | None


NO_REPEAT = RepeatCheck(None, None)


class WritePlan(NamedTuple):
    """What a write would do (`Writer.plan`): the rows, why, and whether it repeats a memory."""

    #: The rows `write` would insert (one per chunk), as `Writer.prepare` makes them.
    rows: list[dict[str, Any]]
    classification: Classification
    check: RepeatCheck
    #: What the write would add to the knowledge graph (unless it reinforces a memory instead).
    knowledge: Extraction


class BatchWritten(NamedTuple):
    """What `Engine.write_batch` did: counts, and per turn the id of the memory it stored."""

    turns_processed: int
    chunks_created: int
    #: One per turn, in order: the new memory's id, or None when the turn stored nothing new
    #: (an equivalent memory existed and was reinforced). None as a whole for a replayed answer
    #: recorded before ids were.
    memory_ids: list[str | None] | None
    #: One per turn: the memories (chunks) it created, 0 when it stored nothing new.
    chunks_per_turn: list[int] | None


def _batch_replayed(replay: Mapping[str, Any]) -> BatchWritten:
    ids, per_turn = replay.get("memory_ids"), replay.get("chunks_per_turn")
    return BatchWritten(
        int(replay["turns_processed"]),
        int(replay["chunks_created"]),
        list(ids) if ids is not None else None,
        list(per_turn) if per_turn is not None else None,
    )


class MemoryFields(TypedDict, total=False):
    """What a memory may be written with besides its content: the keywords of `write` and
    `plan_write`, named once here so that the `Engine` front and the `Writer` pass them on
    without listing them. Missing keys take the defaults `classified` gives them."""

    context_tags: Sequence[str] | None
    session_id: str | None
    memory_type: MemoryType | str | None
    namespace: str | None
    metadata: Mapping[str, Any] | None
    turn_id: str | None
    agent_id: str | None
    timestamp: datetime | None
    source: str


class Writer:
    """Stores memories: `write`, `write_batch`, and the steps they share."""

    def __init__(
        self,
        backend: Backend,
        replies: Replies,
        classifier: Callable[[str], str | None] | None = None,
    ) -> None:
        self.backend = backend
        self.replies = replies
        self.classifier = classifier

    def write(
        self,
        tenant: str,
        content: str,
        *,
        idempotency_key: str | None = None,
        **fields: Unpack[MemoryFields],
    ) -> WriteResponse:
        prepared = self.prepare(content, **fields)
        if idempotency_key is not None:
            replay = self.replies.replay(tenant, idempotency_key, "write")
            if replay is not None:
                return WriteResponse(**replay)
        vectors = self.backend.embed([p["text"] for p in prepared])
        before = None
        with self.backend.store.write() as db:
            before = generation(db)
            if idempotency_key is not None:
                replay = self.replies.replay(tenant, idempotency_key, "write", db)
                if replay is not None:
                    return WriteResponse(**replay)
            response, added = self.insert(db, tenant, prepared, vectors)
            if idempotency_key is not None:
                self.replies.record_write(db, tenant, idempotency_key, "write", response)
        self.backend.after_write(before, tenant, added)
        return response

    def prepare(self, content: Any, **fields: Unpack[MemoryFields]) -> list[dict[str, Any]]:
        """Validate one write and turn it into the rows to insert (one per chunk)."""
        return self.classified(content, **fields)[0]

    def classified(
        self, content: Any, **fields: Unpack[MemoryFields]
    ) -> tuple[list[dict[str, Any]], Classification]:
        """`prepare`, with the classification that chose the rows' type, trust and tags."""
        text = check_text(content, "content")
        memory_type = check_type(fields.get("memory_type"))
        tags = check_tags(fields.get("context_tags"))
        metadata = check_metadata(fields.get("metadata"))
        namespace = fields.get("namespace") or ""
        if not isinstance(namespace, str):
            raise InvalidRequestError("namespace must be a string")
        timestamp = fields.get("timestamp")
        moment = parse_datetime(timestamp) if timestamp is not None else now()
        classification = classify(text, hook=self.classifier)
        if memory_type is None:
            memory_type = classification.memory_type
        if not tags:
            tags = list(classification.context_tags)
        pieces = (
            [c.text for c in chunk_text(text, CHUNKING)]
            if len(text) > CHUNK_THRESHOLD_CHARS
            else [text]
        )
        group = str(uuid.uuid4())
        rows = []
        for index, piece in enumerate(pieces):
            rows.append(
                {
                    "id": group if index == 0 else str(uuid.uuid4()),
                    "namespace": namespace,
                    "text": piece,
                    "type": memory_type,
                    "source": fields.get("source", "user_explicit"),
                    "confidence": classification.confidence,
                    "importance": classification.importance,
                    "context_tags": json.dumps(tags),
                    "session_id": fields.get("session_id"),
                    "agent_id": fields.get("agent_id"),
                    "turn_id": fields.get("turn_id"),
                    "metadata": json.dumps(metadata),
                    "timestamp": iso(moment),
                    "content_hash": content_hash(piece),
                    "parent_id": group if len(pieces) > 1 else None,
                    "chunk_index": index if len(pieces) > 1 else None,
                    "chunk_count": len(pieces) if len(pieces) > 1 else None,
                    "full_text": text,
                }
            )
        return rows, classification

    def check_repeat(
        self,
        db: Any,
        tenant: str,
        row: Mapping[str, Any],
        vector: Any,
        neighbours: Sequence[tuple[int, float]] | None = None,
    ) -> RepeatCheck:
        """Whether `row` says again what an active memory of the same tenant and namespace says:
        the same text, or a near-identical one (cosine) stating the same numbers, dates, names
        and negations (see `duplicates`). `neighbours`: the vector's nearest memories, when a
        batch already looked them up for all its rows at once."""
        # The unary `+` keeps SQLite on the (tenant_id, content_hash) index: left to itself it
        # picks memories_scope (three equalities) and scans every active memory on each write.
        found = db.execute(
            "SELECT rowid, id FROM memories WHERE tenant_id = ? AND content_hash = ? "
            "AND +namespace = ? AND +status = 'active' LIMIT 1",
            (tenant, row["content_hash"], row["namespace"]),
        ).fetchone()
        if found is not None:
            return RepeatCheck(Repeat(int(found["rowid"]), str(found["id"]), None), None)
        vectors = self.backend.vectors
        if vector is None or vectors is None:
            return NO_REPEAT
        if neighbours is None:
            vectors.sync(generation(db))
        # Every close neighbour of the tenant, not only the nearest few: those may all be of
        # other namespaces, or state other facts, with the true repeat behind them. The search
        # widens until it reaches one below the threshold (or its limit). A batch hands in the
        # first, narrowest search of each of its turns, made with one query for the whole batch.
        wanted = _DUPLICATE_CANDIDATES
        while True:
            if neighbours is None:
                neighbours = vectors.search_many([vector], tenant, wanted, near=True)[0]
            close = {
                rowid: cosine for rowid, cosine in neighbours if cosine >= NEAR_DUPLICATE_COSINE
            }
            if len(close) < wanted or wanted >= _MOST_DUPLICATE_CANDIDATES:
                break
            wanted *= 4
            neighbours = None
        if not close:
            return NO_REPEAT
        rows = {
            int(r["rowid"]): r
            for r in db.execute(
                # CROSS JOIN keeps this order: each close rowid looked up, no scan.
                "SELECT m.rowid, m.id, m.text FROM json_each(?) AS j CROSS JOIN memories AS m "
                "ON m.rowid = j.value WHERE m.tenant_id = ? AND m.namespace = ? "
                "AND m.status = 'active'",
                [json.dumps(list(close)), tenant, row["namespace"]],
            )
        }
        nearest = max((close[rowid] for rowid in rows), default=None)
        for rowid, cosine in close.items():  # best first
            if rowid in rows and same_statement(rows[rowid]["text"], row["text"]):
                return RepeatCheck(Repeat(rowid, str(rows[rowid]["id"]), cosine), nearest)
        return RepeatCheck(None, nearest)

    def decide(
        self,
        db: Any,
        tenant: str,
        rows: Sequence[Mapping[str, Any]],
        vectors: Any,
        neighbours: Sequence[tuple[int, float]] | None = None,
    ) -> RepeatCheck:
        """What inserting the prepared `rows` would do: reinforce the memory a short write
        repeats (`RepeatCheck.repeat`), or store the rows. Chunks of a long write are always
        stored: a long text is not reinforced piece by piece."""
        if len(rows) != 1:
            return NO_REPEAT
        vector = vectors[0] if vectors is not None else None
        return self.check_repeat(db, tenant, rows[0], vector, neighbours)

    def plan(self, tenant: str, content: Any, **fields: Unpack[MemoryFields]) -> WritePlan:
        """What `write` would do with these arguments, computed by the steps `write` runs
        (checks, classification, chunking, embedding, the repeat check), storing nothing."""
        rows, classification = self.classified(content, **fields)
        vectors = self.backend.embed([r["text"] for r in rows])
        with self.backend.store.read() as db:
            check = self.decide(db, tenant, rows, vectors)
        return WritePlan(rows, classification, check, extract(rows[0]["full_text"]))

    def insert(
        self,
        db: Any,
        tenant: str,
        rows: Sequence[Mapping[str, Any]],
        vectors: Any,
        neighbours: Sequence[tuple[int, float]] | None = None,
    ) -> tuple[WriteResponse, list[tuple[int, Any]]]:
        """Insert one prepared write (or reinforce the memory it repeats) inside `db`'s
        transaction: its answer, and the (rowid, vector) of each row added."""
        moment = iso(now())
        added: list[tuple[int, Any]] = []
        repeat = self.decide(db, tenant, rows, vectors, neighbours).repeat
        if repeat is not None:
            db.execute(
                "UPDATE memories SET access_count = access_count + 1, "
                "confidence = MIN(1.0, confidence + 0.05), "
                "importance = MIN(1.0, importance + 0.02), updated_at = ? WHERE rowid = ?",
                (moment, repeat.rowid),
            )
            record_event(db, tenant, "memory", "reinforce", memory_id=repeat.memory_id)
            return (
                WriteResponse(
                    success=True,
                    memory_id=uuid.UUID(repeat.memory_id),
                    chunks_created=0,
                    message="An equivalent memory exists; it was reinforced.",
                ),
                [],
            )
        embedder = self.backend.embedder
        for index, row in enumerate(rows):
            vector = vectors[index] if vectors is not None else None
            cursor = db.execute(
                "INSERT INTO memories (id, tenant_id, namespace, text, type, source, confidence, "
                "importance, context_tags, session_id, agent_id, turn_id, metadata, timestamp, "
                "written_at, updated_at, content_hash, parent_id, chunk_index, chunk_count, "
                "embedding, embedder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?)",
                (
                    row["id"],
                    tenant,
                    row["namespace"],
                    row["text"],
                    row["type"],
                    row["source"],
                    row["confidence"],
                    row["importance"],
                    row["context_tags"],
                    row["session_id"],
                    row["agent_id"],
                    row["turn_id"],
                    row["metadata"],
                    row["timestamp"],
                    moment,
                    moment,
                    row["content_hash"],
                    row["parent_id"],
                    row["chunk_index"],
                    row["chunk_count"],
                    vector.tobytes() if vector is not None else None,
                    embedder.name if vector is not None and embedder else None,
                ),
            )
            added.append((int(cursor.lastrowid or 0), vector))
        record_knowledge(db, tenant, rows[0]["id"], rows[0]["full_text"])
        record_event(db, tenant, "memory", "write", memory_id=rows[0]["id"])
        return (
            WriteResponse(
                success=True,
                memory_id=uuid.UUID(rows[0]["id"]),
                chunks_created=len(rows),
                message="Stored." if len(rows) == 1 else f"Stored in {len(rows)} chunks.",
            ),
            added,
        )

    def neighbours_of_turns(
        self, db: Any, tenant: str, prepared: Sequence[Sequence[Any]], vectors: Any
    ) -> dict[int, list[tuple[int, float]]]:
        """For each one-row turn of a batch, its nearest stored memories (the repeat check's
        candidates), found with one search for the whole batch instead of one per turn.

        The index holds what was stored before the batch, as it does for a turn written alone;
        repeats inside the batch are caught by the content hash, as before."""
        index = self.backend.vectors
        if index is None or vectors is None:
            return {}
        index.sync(generation(db))
        turns, rows, offset = [], [], 0
        for number, turn in enumerate(prepared):
            if len(turn) == 1:
                turns.append(number)
                rows.append(offset)
            offset += len(turn)
        if not turns:
            return {}
        found = index.search_many(vectors[rows], tenant, _DUPLICATE_CANDIDATES, near=True)
        return dict(zip(turns, found, strict=True))

    def write_batch(
        self, tenant: str, turns: Sequence[Any], *, idempotency_key: str | None = None
    ) -> BatchWritten:
        if not isinstance(turns, Sequence) or isinstance(turns, (str, bytes)) or not turns:
            raise InvalidRequestError("turns must be a non-empty list")
        if len(turns) > MAX_BATCH_TURNS:
            raise InvalidRequestError(
                f"at most {MAX_BATCH_TURNS} turns per batch, not {len(turns)}"
            )
        prepared: list[list[dict[str, Any]]] = []
        for index, turn in enumerate(turns):
            if not isinstance(turn, Mapping):
                raise InvalidRequestError(f"turn {index} is not an object")
            try:
                prepared.append(
                    self.prepare(
                        turn.get("content"),
                        context_tags=turn.get("context_tags"),
                        session_id=turn.get("session_id"),
                        memory_type=turn.get("memory_type"),
                        namespace=turn.get("namespace"),
                        metadata=turn.get("metadata"),
                        turn_id=turn.get("turn_id"),
                        agent_id=turn.get("agent_id"),
                        timestamp=turn.get("timestamp"),
                        source="user_explicit",
                    )
                )
            except InvalidRequestError as exc:
                raise InvalidRequestError(f"turn {index}: {exc.message}") from None
        if idempotency_key is not None:
            replay = self.replies.replay(tenant, idempotency_key, "write_batch")
            if replay is not None:
                return _batch_replayed(replay)
        flat = [row for rows in prepared for row in rows]
        vectors = self.backend.embed([row["text"] for row in flat])
        chunks = 0
        added: list[tuple[int, Any]] = []
        offset = 0
        with self.backend.store.write() as db:
            before = generation(db)
            if idempotency_key is not None:
                replay = self.replies.replay(tenant, idempotency_key, "write_batch", db)
                if replay is not None:
                    return _batch_replayed(replay)
            ids: list[str | None] = []
            per_turn: list[int] = []
            neighbours = self.neighbours_of_turns(db, tenant, prepared, vectors)
            for number, rows in enumerate(prepared):
                part = vectors[offset : offset + len(rows)] if vectors is not None else None
                offset += len(rows)
                response, new = self.insert(db, tenant, rows, part, neighbours.get(number))
                chunks += response.chunks_created
                added.extend(new)
                # No chunk created: the turn matched an existing memory, which was reinforced.
                stored = response.chunks_created > 0 and response.memory_id is not None
                ids.append(str(response.memory_id) if stored else None)
                per_turn.append(response.chunks_created)
            if idempotency_key is not None:
                answer = {
                    "turns_processed": len(turns),
                    "chunks_created": chunks,
                    "memory_ids": ids,
                    "chunks_per_turn": per_turn,
                }
                self.replies.record(db, tenant, idempotency_key, "write_batch", json.dumps(answer))
        self.backend.after_write(before, tenant, added)
        return BatchWritten(len(turns), chunks, ids, per_turn)
