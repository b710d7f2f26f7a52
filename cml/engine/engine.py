"""The memory engine: every operation of the CML API, in-process, on one SQLite file.

`Engine` is synchronous and thread-safe; the embedded clients and the local server (`cml serve`)
are thin layers over it, and it returns the same `cml.models` as the HTTP clients. Every public
method takes the tenant first: tenants never see each other's data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from .._constants import FORGET_MIN_RELEVANCE, FORGET_QUERY_LIMIT
from .._context import (
    CONTEXT_CUTOFF_KEY,
    DEFAULT_CONTEXT_TOKENS,
    build_context,
    format_sections,
    group_of,
)
from .._exceptions import InvalidRequestError, NotFoundError
from ..models import (
    ForgetResponse,
    MemoryItem,
    MemoryType,
    ReadResponse,
    SessionContextResponse,
    SessionResponse,
    StatsResponse,
    TurnResponse,
    UpdateResponse,
    WriteResponse,
    parse_datetime,
)
from ..text.chunking import ChunkingConfig, chunk_text
from ..text.classify import classify
from ..text.extract import extract
from . import relevance, retrieval
from .duplicates import NEAR_DUPLICATE_COSINE, same_statement
from .embedders import Embedder, resolve_embedder
from .rarity import TermRarity
from .storage import Store, fts_match

__all__ = ["MAX_CONTENT_CHARS", "Engine", "default_db_path"]

logger = logging.getLogger("cml")

#: The wire contract's limit for one write's content.
MAX_CONTENT_CHARS = 100_000
#: The longest query a read takes.
MAX_QUERY_CHARS = 10_000
#: The largest metadata of one memory (as JSON text), and how deeply it may nest: what is stored
#: is sent back with every read of the memory.
MAX_METADATA_CHARS = 100_000
MAX_METADATA_DEPTH = 32
#: Content longer than this is stored as linked chunk memories.
CHUNK_THRESHOLD_CHARS = 2_000
_CHUNKING = ChunkingConfig(strategy="sentence", max_chunk_size=8, overlap_size=1)
# Retrieval looks at this many candidates from each search before ranking.
_CANDIDATES = 100
# The filter of a read with no filters: the tenant's active memories.
_UNFILTERED = "m.tenant_id = ? AND m.status = 'active'"
# How many of the closest memories a write compares itself with (see `_duplicate_of`).
_DUPLICATE_CANDIDATES = 8
# A turn builds its context from this many of the best memories (then the cut-off and the token
# budget choose); `get_context` from its `max_results`, 10 by default.
TURN_CANDIDATES = 20
# The tags `turn()` gives the messages it stores (besides "conversation"), by speaker.
_TURN_TAGS = {"user_input": "user", "assistant_response": "assistant"}
# Access counts are written in batches, not on every read.
_ACCESS_FLUSH_EVERY = 256
_ACCESS_FLUSH_SECONDS = 2.0
# A retry follows its first attempt by seconds or minutes: a day covers it with room to spare,
# and keeps the table from growing with every write a long-running server ever took.
IDEMPOTENCY_TTL = timedelta(hours=24)
# A claimed Idempotency-Key whose answer never came: its request died with its process.
CLAIM_STALE = timedelta(minutes=10)
_PENDING = "pending"
# Expired answers are deleted by a write at most this often (per engine).
_IDEMPOTENCY_PURGE_SECONDS = 600.0

_VALID_TYPES = frozenset(t.value for t in MemoryType)
# Predicates with one current value: a new one replaces the old ("is_a" is not: one can be
# a doctor and a father).
_SINGLE_VALUED = frozenset({"lives_in", "works_at", "named", "born_in"})


def _speaker(tags: Sequence[str]) -> str | None:
    """Who said a message `turn()` stored ("user" or "assistant"); None for other memories."""
    return next((_TURN_TAGS[tag] for tag in tags if tag in _TURN_TAGS), None)


def default_db_path() -> Path:
    """Where embedded memories live when no `db_path` is given: one file per user."""
    import os

    base = os.environ.get("CML_DB_PATH")
    if base:
        return Path(base).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return data_home / "py-cml" / "memory.db"


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    try:
        return parse_datetime(moment).astimezone(UTC).isoformat(timespec="microseconds")
    except OverflowError:
        # "9999-12-31T23:59:59-14:00" is a valid date that has no UTC counterpart.
        raise InvalidRequestError(
            f"date {moment} is out of range once converted to UTC (years 1 to 9999)"
        ) from None


def _hash(text: str) -> str:
    normalized = " ".join(text.lower().split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def _check_text(value: Any, name: str, *, limit: int = MAX_CONTENT_CHARS) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise InvalidRequestError(f"{name} must not be empty")
    if len(value) > limit:
        raise InvalidRequestError(f"{name} is {len(value)} characters; the limit is {limit}")
    if "\x00" in value:
        raise InvalidRequestError(f"{name} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequestError(f"{name} is not valid UTF-8 text (lone surrogates)") from None
    return value


def _check_type(memory_type: Any) -> str | None:
    if memory_type is None:
        return None
    value = str(memory_type.value if isinstance(memory_type, MemoryType) else memory_type)
    if value not in _VALID_TYPES:
        raise InvalidRequestError(
            f"unknown memory type {value!r}; known: {', '.join(sorted(_VALID_TYPES))}"
        )
    return value


def _check_tags(tags: Any) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str) or not all(isinstance(t, str) for t in tags):
        raise InvalidRequestError("context_tags must be a list of strings")
    return list(dict.fromkeys(tags))


def _nesting(value: Any) -> int:
    """How many objects and arrays deep `value` goes (iterative: no recursion limit to hit)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Iterable[Any] = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_METADATA_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _check_metadata(metadata: Any) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise InvalidRequestError("metadata must be a JSON object")
    checked: dict[str, Any] = dict(metadata)
    if _nesting(checked) > MAX_METADATA_DEPTH:
        raise InvalidRequestError(f"metadata is nested more than {MAX_METADATA_DEPTH} levels deep")
    try:
        text = json.dumps(checked, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequestError("metadata contains a lone surrogate (not valid text)") from None
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(f"metadata must be JSON-serialisable: {exc}") from None
    if len(text) > MAX_METADATA_CHARS:
        raise InvalidRequestError(
            f"metadata is {len(text)} characters as JSON; the limit is {MAX_METADATA_CHARS}"
        )
    return checked


def _unit(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise InvalidRequestError(f"{name} must be a number between 0 and 1, not {value!r}")
    return float(value)


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


class Replies:
    """Answers already given for an `Idempotency-Key`, kept for `IDEMPOTENCY_TTL`.

    The engine records its own (write, write_batch) inside the write they answer; the HTTP layer
    records whole responses through `lookup` / `store`.
    """

    def __init__(self, store: Store, ttl: timedelta = IDEMPOTENCY_TTL) -> None:
        self._store = store
        self._ttl = ttl
        self._purged_at = float("-inf")  # time.monotonic() of the last purge

    def find(self, db: Any, tenant: str, key: str) -> tuple[str, str] | None:
        """The (operation, answer JSON) recorded for `key`, unless it has expired."""
        row = db.execute(
            "SELECT operation, response FROM idempotency "
            "WHERE tenant_id = ? AND key = ? AND created_at >= ?",
            (tenant, key, _iso(_now() - self._ttl)),
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def record(self, db: Any, tenant: str, key: str, operation: str, answer: str) -> None:
        """Record an answer inside the caller's write transaction (which has checked `find`)."""
        if time.monotonic() - self._purged_at >= _IDEMPOTENCY_PURGE_SECONDS:
            db.execute("DELETE FROM idempotency WHERE created_at < ?", (_iso(_now() - self._ttl),))
            self._purged_at = time.monotonic()
        # REPLACE: the only row it can meet is an expired one for the same key.
        db.execute(
            "INSERT OR REPLACE INTO idempotency (tenant_id, key, operation, response, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (tenant, key, operation, answer, _iso(_now())),
        )

    def lookup(self, tenant: str, key: str) -> dict[str, Any] | None:
        """The answer recorded for `key`, or `None` (also while a claim on it is pending)."""
        found = self.find(self._store.db, tenant, key)
        if found is None or found[0] == _PENDING:
            return None
        return dict(json.loads(found[1]))

    def claim(self, tenant: str, key: str) -> bool:
        """Claim `key` before running its request: `False` when a live claim or an answer
        holds it already. A claim older than `CLAIM_STALE` belongs to a process that died."""
        with self._store.write(bump_generation=False) as db:
            found = self.find(db, tenant, key)
            if found is not None:
                if found[0] != _PENDING:
                    return False
                row = db.execute(
                    "SELECT created_at FROM idempotency WHERE tenant_id = ? AND key = ?",
                    (tenant, key),
                ).fetchone()
                if str(row[0]) >= _iso(_now() - CLAIM_STALE):
                    return False
            self.record(db, tenant, key, _PENDING, "{}")
            return True

    def release(self, tenant: str, key: str) -> None:
        """Drop a claim whose request failed, so that a retry runs it."""
        with self._store.write(bump_generation=False) as db:
            db.execute(
                "DELETE FROM idempotency WHERE tenant_id = ? AND key = ? AND operation = ?",
                (tenant, key, _PENDING),
            )

    def store(self, tenant: str, key: str, payload: Mapping[str, Any]) -> None:
        """Record the answer of a claimed key (replacing the claim)."""
        # A recorded answer is no memory data: no generation bump, no vector index reload.
        with self._store.write(bump_generation=False) as db:
            found = self.find(db, tenant, key)
            if found is None or found[0] == _PENDING:  # the first answer recorded wins
                self.record(db, tenant, key, "http", json.dumps(payload, default=str))


def _batch_replayed(replay: Mapping[str, Any]) -> BatchWritten:
    ids, per_turn = replay.get("memory_ids"), replay.get("chunks_per_turn")
    return BatchWritten(
        int(replay["turns_processed"]),
        int(replay["chunks_created"]),
        list(ids) if ids is not None else None,
        list(per_turn) if per_turn is not None else None,
    )


class Engine:
    """The whole memory system for one database file (or `":memory:"`)."""

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        embedder: Any = "default",
        classifier: Callable[[str], str | None] | None = None,
    ) -> None:
        self.store = Store(default_db_path() if db_path is None else db_path)
        self.embedder: Embedder | None = resolve_embedder(embedder)
        self.classifier = classifier
        self._vectors: Any = None
        if self.embedder is not None:
            from .vectors import VectorIndex

            self._vectors = VectorIndex(self.store, self.embedder.dim)
        self.replies = Replies(self.store)
        self._rarity = TermRarity()
        self._access: Counter[str] = Counter()
        self._access_lock = threading.Lock()
        self._access_flushed = time.monotonic()

    def close(self) -> None:
        self._flush_access(force=True)
        self.store.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- embedding -----------------------------------------------------------------------------

    def _embed(self, texts: Sequence[str]) -> Any:
        if self.embedder is None or not texts:
            return None
        return self.embedder.embed(list(texts))

    # -- writing -------------------------------------------------------------------------------

    def write(
        self,
        tenant: str,
        content: str,
        *,
        context_tags: Sequence[str] | None = None,
        session_id: str | None = None,
        memory_type: MemoryType | str | None = None,
        namespace: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        turn_id: str | None = None,
        agent_id: str | None = None,
        timestamp: datetime | None = None,
        source: str = "user_explicit",
        idempotency_key: str | None = None,
    ) -> WriteResponse:
        """Store one memory (chunked when long); a near-duplicate reinforces the existing one."""
        prepared = self._prepare(
            content,
            context_tags=context_tags,
            session_id=session_id,
            memory_type=memory_type,
            namespace=namespace,
            metadata=metadata,
            turn_id=turn_id,
            agent_id=agent_id,
            timestamp=timestamp,
            source=source,
        )
        if idempotency_key is not None:
            replay = self._replay(tenant, idempotency_key, "write")
            if replay is not None:
                return WriteResponse(**replay)
        vectors = self._embed([p["text"] for p in prepared])
        before = None
        with self.store.write() as db:
            before = self._generation(db)
            if idempotency_key is not None:
                replay = self._replay(tenant, idempotency_key, "write", db)
                if replay is not None:
                    return WriteResponse(**replay)
            response, added = self._insert(db, tenant, prepared, vectors)
            if idempotency_key is not None:
                self._remember_answer(db, tenant, idempotency_key, "write", response)
        self._after_write(before, tenant, added)
        return response

    def _prepare(self, content: Any, **fields: Any) -> list[dict[str, Any]]:
        """Validate one write and turn it into the rows to insert (one per chunk)."""
        text = _check_text(content, "content")
        memory_type = _check_type(fields["memory_type"])
        tags = _check_tags(fields["context_tags"])
        metadata = _check_metadata(fields["metadata"])
        namespace = fields["namespace"] or ""
        if not isinstance(namespace, str):
            raise InvalidRequestError("namespace must be a string")
        timestamp = fields["timestamp"]
        moment = parse_datetime(timestamp) if timestamp is not None else _now()
        classification = classify(text, hook=self.classifier)
        if memory_type is None:
            memory_type = classification.memory_type
        if not tags:
            tags = list(classification.context_tags)
        pieces = (
            [c.text for c in chunk_text(text, _CHUNKING)]
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
                    "source": fields["source"],
                    "confidence": classification.confidence,
                    "importance": classification.importance,
                    "context_tags": json.dumps(tags),
                    "session_id": fields["session_id"],
                    "agent_id": fields["agent_id"],
                    "turn_id": fields["turn_id"],
                    "metadata": json.dumps(metadata),
                    "timestamp": _iso(moment),
                    "content_hash": _hash(piece),
                    "parent_id": group if len(pieces) > 1 else None,
                    "chunk_index": index if len(pieces) > 1 else None,
                    "chunk_count": len(pieces) if len(pieces) > 1 else None,
                    "full_text": text,
                }
            )
        return rows

    def _duplicate_of(self, db: Any, tenant: str, row: Mapping[str, Any], vector: Any) -> Any:
        """The active memory of the same tenant and namespace that `row` says again, if any: the
        same text, or a near-identical one (cosine) stating the same numbers, dates, names and
        negations (see `duplicates`)."""
        # The unary `+` keeps SQLite on the (tenant_id, content_hash) index: left to itself it
        # picks memories_scope (three equalities) and scans every active memory on each write.
        found = db.execute(
            "SELECT rowid, id FROM memories WHERE tenant_id = ? AND content_hash = ? "
            "AND +namespace = ? AND +status = 'active' LIMIT 1",
            (tenant, row["content_hash"], row["namespace"]),
        ).fetchone()
        if found is not None or vector is None or self._vectors is None:
            return found
        self._vectors.sync(self._generation(db))
        # Every close neighbour, not only the nearest: the nearest may be of another namespace,
        # or a different fact, while the true repeat is the second.
        close = [
            rowid
            for rowid, cosine in self._vectors.search(vector, tenant, _DUPLICATE_CANDIDATES)
            if cosine >= NEAR_DUPLICATE_COSINE
        ]
        if not close:
            return None
        rows = {
            int(r["rowid"]): r
            for r in db.execute(
                f"SELECT rowid, id, text FROM memories NOT INDEXED WHERE rowid IN "
                f"({', '.join('?' * len(close))}) AND namespace = ? AND status = 'active'",
                [*close, row["namespace"]],
            )
        }
        for rowid in close:  # best first
            if rowid in rows and same_statement(rows[rowid]["text"], row["text"]):
                return rows[rowid]
        return None

    def _insert(
        self, db: Any, tenant: str, rows: Sequence[Mapping[str, Any]], vectors: Any
    ) -> tuple[WriteResponse, list[tuple[int, Any]]]:
        now = _iso(_now())
        added: list[tuple[int, Any]] = []
        if len(rows) == 1:
            vector = vectors[0] if vectors is not None else None
            duplicate = self._duplicate_of(db, tenant, rows[0], vector)
            if duplicate is not None:
                db.execute(
                    "UPDATE memories SET access_count = access_count + 1, "
                    "confidence = MIN(1.0, confidence + 0.05), "
                    "importance = MIN(1.0, importance + 0.02), updated_at = ? WHERE rowid = ?",
                    (now, duplicate["rowid"]),
                )
                self._event(db, tenant, "memory", "reinforce", memory_id=duplicate["id"])
                return (
                    WriteResponse(
                        success=True,
                        memory_id=uuid.UUID(duplicate["id"]),
                        chunks_created=0,
                        message="An equivalent memory exists; it was reinforced.",
                    ),
                    [],
                )
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
                    now,
                    now,
                    row["content_hash"],
                    row["parent_id"],
                    row["chunk_index"],
                    row["chunk_count"],
                    vector.tobytes() if vector is not None else None,
                    self.embedder.name if vector is not None and self.embedder else None,
                ),
            )
            added.append((int(cursor.lastrowid or 0), vector))
        self._extract(db, tenant, rows[0]["id"], rows[0]["full_text"])
        self._event(db, tenant, "memory", "write", memory_id=rows[0]["id"])
        return (
            WriteResponse(
                success=True,
                memory_id=uuid.UUID(rows[0]["id"]),
                chunks_created=len(rows),
                message="Stored." if len(rows) == 1 else f"Stored in {len(rows)} chunks.",
            ),
            added,
        )

    def _extract(self, db: Any, tenant: str, memory_id: str, text: str) -> None:
        """Entities, relations and facts into the knowledge graph (same transaction)."""
        found = extract(text)
        now = _iso(_now())
        ids: dict[str, int] = {}
        for entity in found.entities:
            db.execute(
                "INSERT INTO entities (tenant_id, key, name, kind) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (tenant_id, key) DO UPDATE SET mentions = mentions + 1",
                (tenant, entity.key, entity.name, entity.kind),
            )
        for relation in found.relations:
            for name in (relation.subject, relation.object):
                key = name.lower()
                if key not in ids:
                    db.execute(
                        "INSERT INTO entities (tenant_id, key, name, kind) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (tenant_id, key) DO NOTHING",
                        (tenant, key, name, "thing"),
                    )
                    ids[key] = db.execute(
                        "SELECT id FROM entities WHERE tenant_id = ? AND key = ?", (tenant, key)
                    ).fetchone()[0]
            db.execute(
                "INSERT OR IGNORE INTO relations (tenant_id, subject_id, predicate, object_id, "
                "memory_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    tenant,
                    ids[relation.subject.lower()],
                    relation.predicate,
                    ids[relation.object.lower()],
                    memory_id,
                    now,
                ),
            )
        for fact in found.facts:
            if fact.predicate in _SINGLE_VALUED:
                # A new value of a single-valued fact replaces the old one (lives_in, works_at).
                db.execute(
                    "UPDATE facts SET is_current = 0, invalidated_at = ? WHERE tenant_id = ? "
                    "AND subject = ? AND predicate = ? AND key != ? AND is_current = 1",
                    (now, tenant, fact.subject, fact.predicate, fact.key),
                )
            exists = db.execute(
                "SELECT 1 FROM facts WHERE tenant_id = ? AND key = ? AND is_current = 1",
                (tenant, fact.key),
            ).fetchone()
            if exists is None:
                db.execute(
                    "INSERT INTO facts (id, tenant_id, key, subject, predicate, value, text, "
                    "memory_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        str(uuid.uuid4()),
                        tenant,
                        fact.key,
                        fact.subject,
                        fact.predicate,
                        fact.value,
                        fact.text,
                        memory_id,
                        now,
                    ),
                )

    def write_batch(
        self, tenant: str, turns: Sequence[Any], *, idempotency_key: str | None = None
    ) -> BatchWritten:
        """Store many memories in one transaction: all of them, or (on bad input) none."""
        if not isinstance(turns, Sequence) or isinstance(turns, (str, bytes)) or not turns:
            raise InvalidRequestError("turns must be a non-empty list")
        if len(turns) > 500:
            raise InvalidRequestError(f"at most 500 turns per batch, not {len(turns)}")
        prepared: list[list[dict[str, Any]]] = []
        for index, turn in enumerate(turns):
            if not isinstance(turn, Mapping):
                raise InvalidRequestError(f"turn {index} is not an object")
            try:
                prepared.append(
                    self._prepare(
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
            replay = self._replay(tenant, idempotency_key, "write_batch")
            if replay is not None:
                return _batch_replayed(replay)
        flat = [row for rows in prepared for row in rows]
        vectors = self._embed([row["text"] for row in flat])
        chunks = 0
        added: list[tuple[int, Any]] = []
        offset = 0
        with self.store.write() as db:
            before = self._generation(db)
            if idempotency_key is not None:
                replay = self._replay(tenant, idempotency_key, "write_batch", db)
                if replay is not None:
                    return _batch_replayed(replay)
            ids: list[str | None] = []
            per_turn: list[int] = []
            for rows in prepared:
                part = vectors[offset : offset + len(rows)] if vectors is not None else None
                offset += len(rows)
                response, new = self._insert(db, tenant, rows, part)
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
        self._after_write(before, tenant, added)
        return BatchWritten(len(turns), chunks, ids, per_turn)

    def _after_write(
        self,
        before: int | None,
        tenant: str,
        added: Sequence[tuple[int, Any]] = (),
        *,
        deactivated: Iterable[int] = (),
        replaced: Sequence[tuple[int, Any]] = (),
    ) -> None:
        """Bring the vector index up to date with a write this process just committed.

        `before` is the generation read inside that write's transaction, which bumped it by one.
        Reading the counter again here would be wrong: another process may have committed in
        between, and the index would then claim a generation whose rows it never loaded.
        """
        if self._vectors is None or before is None:
            return
        self._vectors.apply(
            before,
            before + 1,
            tenant=tenant,
            added=[(rowid, v) for rowid, v in added if v is not None],
            deactivated=deactivated,
            replaced=replaced,
        )

    @staticmethod
    def _generation(db: Any) -> int:
        return int(db.execute("SELECT value FROM generation WHERE id = 1").fetchone()[0])

    # -- idempotency ---------------------------------------------------------------------------

    def _replay(
        self, tenant: str, key: str, operation: str, db: Any = None
    ) -> dict[str, Any] | None:
        found = self.replies.find(db or self.store.db, tenant, key)
        if found is None:
            return None
        recorded_for, response = found
        if recorded_for != operation:
            # Its answer has another shape: replaying it would be wrong, storing anew a clash.
            raise InvalidRequestError(
                f"Idempotency-Key {key!r} was already used for a {recorded_for} request"
            )
        answer: dict[str, Any] = json.loads(response)
        if answer.get("memory_id"):
            answer["memory_id"] = uuid.UUID(answer["memory_id"])
        return answer

    def _remember_answer(self, db: Any, tenant: str, key: str, op: str, response: Any) -> None:
        answer = {
            "success": response.success,
            "memory_id": str(response.memory_id) if response.memory_id else None,
            "chunks_created": response.chunks_created,
            "message": response.message,
        }
        self.replies.record(db, tenant, key, op, json.dumps(answer))

    # -- reading -------------------------------------------------------------------------------

    def read(
        self,
        tenant: str,
        query: str,
        *,
        max_results: int = 10,
        context_filter: Sequence[str] | None = None,
        memory_types: Sequence[MemoryType | str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        response_format: str = "packet",
        namespace: str | None = None,
        session_id: str | None = None,
        min_relevance: float = 0.0,
    ) -> ReadResponse:
        started = time.perf_counter()
        query = _check_text(query, "query", limit=MAX_QUERY_CHARS)
        if not isinstance(max_results, int) or not 1 <= max_results <= 50:
            raise InvalidRequestError(f"max_results must be between 1 and 50, not {max_results}")
        if response_format not in ("packet", "list", "llm_context"):
            raise InvalidRequestError(
                f"format must be 'packet', 'list' or 'llm_context', not {response_format!r}"
            )
        types = [t for t in (_check_type(t) for t in memory_types or ()) if t is not None]
        where, params = self._filters(
            tenant,
            context_filter=context_filter,
            memory_types=types,
            since=since,
            until=until,
            namespace=namespace,
            session_id=session_id,
        )
        items = self._search(tenant, query, where, params, limit=max_results)
        items = [item for item in items if item.relevance >= min_relevance]
        self._touch(item.id for item in items)
        return self._response(query, items, response_format, started)

    def _filters(
        self,
        tenant: str,
        *,
        context_filter: Sequence[str] | None,
        memory_types: Sequence[str],
        since: datetime | None,
        until: datetime | None,
        namespace: str | None,
        session_id: str | None,
    ) -> tuple[str, list[Any]]:
        where = [_UNFILTERED]
        params: list[Any] = [tenant]
        if memory_types:
            where.append(f"m.type IN ({', '.join('?' * len(memory_types))})")
            params.extend(memory_types)
        if context_filter:
            tags = _check_tags(context_filter)
            where.append(
                "EXISTS (SELECT 1 FROM json_each(m.context_tags) "
                f"WHERE value IN ({', '.join('?' * len(tags))}))"
            )
            params.extend(tags)
        if since is not None:
            where.append("m.timestamp >= ?")
            params.append(_iso(since))
        if until is not None:
            where.append("m.timestamp <= ?")
            params.append(_iso(until))
        if namespace is not None:
            where.append("m.namespace = ?")
            params.append(namespace)
        if session_id is not None:
            where.append("m.session_id = ?")
            params.append(session_id)
        return " AND ".join(where), params

    def _search(
        self, tenant: str, query: str, where: str, params: list[Any], *, limit: int
    ) -> list[MemoryItem]:
        with self.store.read() as db:
            lexical: list[tuple[int, str, float]] = []
            match = retrieval.fts_query(query)
            if match is not None:
                lexical = self._lexical(db, fts_match(tenant, match), where, params)
            semantic: list[tuple[int, str, float]] = []
            if self._vectors is not None:
                self._vectors.sync(self._generation(db))
                vector = self._embed([query])[0]
                semantic = [
                    (rowid, "cosine", score)
                    for rowid, score in self._semantic(db, vector, tenant, where, params)
                ]
            candidates = retrieval.merge(lexical, semantic)
            if not candidates:
                return []
            if self._vectors is not None:
                # A full-text hit outside the vector top-k still has a similarity: score it,
                # or in a large store it would rank as if unrelated to the query (cosine 0).
                missing = [rowid for rowid, c in candidates.items() if c.cosine is None]
                for rowid, cosine in self._vectors.similarity(vector, missing).items():
                    candidates[rowid].cosine = cosine
            # The vector index is shared by threads and may be a little older or newer than this
            # read's snapshot: keep only the candidates this snapshot holds and the filters allow.
            # NOT INDEXED: look the rowids up; never scan a secondary index of the whole tenant.
            by_rowid = {
                int(r["rowid"]): r
                for r in db.execute(
                    f"SELECT * FROM memories m NOT INDEXED WHERE m.rowid IN "
                    f"({', '.join('?' * len(candidates))}) AND {where}",
                    [*candidates, *params],
                )
            }
            candidates = {rowid: c for rowid, c in candidates.items() if rowid in by_rowid}
            scored = self._score(db, tenant, query, candidates, by_rowid)
        return [self._item(by_rowid[s.rowid], s.relevance) for s in scored[:limit]]

    def _score(
        self,
        db: Any,
        tenant: str,
        query: str,
        candidates: Mapping[int, retrieval.Candidate],
        rows: Mapping[int, Mapping[str, Any]],
    ) -> list[relevance.Scored]:
        """Every candidate on the calibrated relevance scale, best first (see `relevance`)."""
        weights = self._rarity.weights(db, tenant, query, self._generation(db))
        memories = []
        for rowid, candidate in candidates.items():
            row = rows[rowid]
            speaker = _speaker(json.loads(row["context_tags"]))
            memories.append(
                relevance.Memory(
                    rowid=rowid,
                    text=row["text"],
                    cosine=candidate.cosine,
                    timestamp=parse_datetime(row["timestamp"]),
                    thread=(row["namespace"], row["session_id"], speaker is not None),
                    speaker=speaker,
                )
            )
        calibration = (
            relevance.WITH_VECTORS if self._vectors is not None else relevance.LEXICAL_ONLY
        )
        return relevance.rank(
            memories,
            query=weights,
            now=_now(),
            calibration=calibration,
            small_talk=relevance.is_filler(relevance.stems(query)),
        )

    def _semantic(
        self, db: Any, vector: Any, tenant: str, where: str, params: list[Any]
    ) -> list[tuple[int, float]]:
        """The best vector candidates that pass the filters, best first.

        Listing every row a filter allows costs a Python loop over most of a large tenant (a
        time range, a type); checking a window of the best hits by rowid is far cheaper. The
        result is the same as filtering first: the window is used only when it holds enough
        passing hits, or every vector of the tenant; a selective filter falls back to the list.
        """
        assert self._vectors is not None
        if where == _UNFILTERED:
            return list(self._vectors.search(vector, tenant, _CANDIDATES))
        window = _CANDIDATES * 4
        hits = self._vectors.search(vector, tenant, window)
        if not hits:
            return []
        passing = {
            int(r[0])
            for r in db.execute(
                f"SELECT m.rowid FROM memories m NOT INDEXED WHERE m.rowid IN "
                f"({', '.join('?' * len(hits))}) AND {where}",
                [*(rowid for rowid, _ in hits), *params],
            )
        }
        kept = [hit for hit in hits if hit[0] in passing][:_CANDIDATES]
        if len(kept) == _CANDIDATES or len(hits) < window:
            return kept
        allowed = {
            int(r[0]) for r in db.execute(f"SELECT m.rowid FROM memories m WHERE {where}", params)
        }
        return list(self._vectors.search(vector, tenant, _CANDIDATES, allowed))

    @staticmethod
    def _lexical(
        db: Any, match: str, where: str, params: list[Any]
    ) -> list[tuple[int, str, float]]:
        """The best full-text candidates that pass the filters, best first.

        Ranking every match joined to its row is slow when a common word matches most of a large
        store; ranking in FTS5 alone and filtering a window of the best is several times faster.
        The window grows until it holds enough rows that pass the filters, or every match, so
        the result is the same as filtering first: no tenant's matches are crowded out.
        """
        window = _CANDIDATES * 4
        while True:
            ranked = db.execute(
                # Weight 0 for the tenant column: it only partitions (see storage.fts_match).
                "SELECT rowid, bm25(memories_fts, 1.0, 0.0) FROM memories_fts "
                "WHERE memories_fts MATCH ? "
                "ORDER BY 2 LIMIT ?",
                [match, window],
            ).fetchall()
            passing = {
                int(r[0])
                for r in db.execute(
                    # CROSS JOIN keeps this order: look each ranked rowid up, never scan
                    # the tenant's rows.
                    "SELECT m.rowid FROM json_each(?) AS j CROSS JOIN memories AS m "
                    f"ON m.rowid = j.value WHERE {where}",
                    [json.dumps([r[0] for r in ranked]), *params],
                )
            }
            found = [(int(r[0]), "bm25", float(r[1])) for r in ranked if int(r[0]) in passing]
            # Bounded: the window quadruples until it holds every match.
            if len(found) >= _CANDIDATES or len(ranked) < window:
                return found[:_CANDIDATES]
            window *= 4

    @staticmethod
    def _item(row: Mapping[str, Any], relevance: float) -> MemoryItem:
        metadata = json.loads(row["metadata"])
        metadata.setdefault("context_tags", json.loads(row["context_tags"]))
        if row["namespace"]:
            metadata.setdefault("namespace", row["namespace"])
        if row["session_id"]:
            metadata.setdefault("session_id", row["session_id"])
        if row["parent_id"]:
            metadata.setdefault(
                "chunk",
                {
                    "parent_id": row["parent_id"],
                    "index": row["chunk_index"],
                    "count": row["chunk_count"],
                },
            )
        return MemoryItem(
            id=row["id"],
            text=row["text"],
            type=row["type"],
            confidence=row["confidence"],
            relevance=round(relevance, 6),
            timestamp=row["timestamp"],
            metadata=metadata,
        )

    def _response(
        self, query: str, items: list[MemoryItem], response_format: str, started: float
    ) -> ReadResponse:
        groups: dict[str, list[MemoryItem]] = {
            "facts": [],
            "preferences": [],
            "episodes": [],
            "constraints": [],
        }
        if response_format != "list":
            for item in items:
                groups[group_of(str(item.type))].append(item)
        return ReadResponse(
            query=query,
            memories=items,
            total_count=len(items),
            elapsed_ms=round((time.perf_counter() - started) * 1000.0, 3),
            llm_context=(
                build_context(items, min_relevance=relevance.CONTEXT_MIN_RELEVANCE)
                if response_format == "llm_context"
                else None
            ),
            retrieval_meta={
                "engine": "embedded",
                # Relevance here is calibrated (cml.engine.relevance): the context cut-off.
                CONTEXT_CUTOFF_KEY: relevance.CONTEXT_MIN_RELEVANCE,
                "sources": ["fts5", "vector"] if self._vectors is not None else ["fts5"],
                "embedder": self.embedder.name if self.embedder is not None else None,
            },
            facts=groups["facts"],
            preferences=groups["preferences"],
            episodes=groups["episodes"],
            constraints=groups["constraints"],
        )

    def _touch(self, ids: Iterable[Any]) -> None:
        with self._access_lock:
            self._access.update(str(i) for i in ids)
        self._flush_access()

    def _flush_access(self, *, force: bool = False) -> None:
        with self._access_lock:
            due = (
                force
                or sum(self._access.values()) >= _ACCESS_FLUSH_EVERY
                or time.monotonic() - self._access_flushed >= _ACCESS_FLUSH_SECONDS
            )
            if not due or not self._access:
                return
            pending, self._access = self._access, Counter()
            self._access_flushed = time.monotonic()
        now = _iso(_now())
        try:
            # Counts change no vector: no generation bump, so no vector index reloads its rows.
            with self.store.write(bump_generation=False) as db:
                db.executemany(
                    "UPDATE memories SET access_count = access_count + ?, last_accessed_at = ? "
                    "WHERE id = ?",
                    [(count, now, memory_id) for memory_id, count in pending.items()],
                )
        except Exception:  # access counts are a hint; never fail a read over them
            logger.debug("could not record memory access counts", exc_info=True)

    # -- turns and sessions --------------------------------------------------------------------

    def turn(
        self,
        tenant: str,
        user_message: str,
        *,
        assistant_response: str | None = None,
        session_id: str | None = None,
        max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
        timestamp: datetime | None = None,
        namespace: str | None = None,
        idempotency_key: str | None = None,
    ) -> TurnResponse:
        _check_text(user_message, "user_message")
        # Both texts are checked before either is stored: a bad answer must not leave the
        # user's message behind as half a turn.
        if isinstance(assistant_response, str) and not assistant_response.strip():
            assistant_response = None  # a blank answer is no answer
        if assistant_response is not None:
            _check_text(assistant_response, "assistant_response")
        # The same read and the same builder as `get_context` (and so `chat`): one message gets
        # one context, whichever way it is asked for (up to 10 memories: get_context's default).
        # A message may be longer than a query may be: its beginning finds the context.
        found = self.read(
            tenant, user_message[:MAX_QUERY_CHARS], max_results=TURN_CANDIDATES, namespace=namespace
        )
        used = [m for m in found.memories if m.relevance >= relevance.CONTEXT_MIN_RELEVANCE]
        context = build_context(used, max_tokens=max_context_tokens)
        stored = 0
        for text, tag in ((user_message, "user_input"), (assistant_response, "assistant_response")):
            if text is None:
                continue
            self.write(
                tenant,
                text,
                context_tags=["conversation", tag],
                session_id=session_id,
                timestamp=timestamp,
                namespace=namespace,
                source="user_explicit" if tag == "user_input" else "agent_inferred",
                # A retried turn must not store its messages twice.
                idempotency_key=f"{idempotency_key}:{tag}" if idempotency_key else None,
            )
            stored += 1
        return TurnResponse(
            memory_context=context,
            memories_retrieved=len(used),
            memories_stored=stored,
            reconsolidation_applied=False,
        )

    def create_session(
        self,
        tenant: str,
        *,
        name: str | None = None,
        ttl_hours: int | None = 24,
        metadata: Mapping[str, Any] | None = None,
    ) -> SessionResponse:
        if ttl_hours is not None and (not isinstance(ttl_hours, int) or ttl_hours <= 0):
            raise InvalidRequestError(f"ttl_hours must be a positive integer, not {ttl_hours!r}")
        created = _now()
        try:
            expires = created + timedelta(hours=ttl_hours) if ttl_hours is not None else None
        except OverflowError:  # past the year 9999
            raise InvalidRequestError(f"ttl_hours is too large: {ttl_hours}") from None
        session_id = str(uuid.uuid4())
        with self.store.write() as db:
            db.execute(
                "INSERT INTO sessions (id, tenant_id, name, metadata, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    tenant,
                    name,
                    json.dumps(_check_metadata(metadata)),
                    _iso(created),
                    _iso(expires) if expires else None,
                ),
            )
        return SessionResponse(session_id=session_id, created_at=created, expires_at=expires)

    def session_context(self, tenant: str, session_id: str) -> SessionContextResponse:
        session = self.store.execute(
            "SELECT expires_at FROM sessions WHERE id = ? AND tenant_id = ?", (session_id, tenant)
        ).fetchone()
        rows = self.store.execute(
            "SELECT * FROM memories WHERE tenant_id = ? AND session_id = ? AND status = 'active' "
            "ORDER BY timestamp, rowid",
            (tenant, session_id),
        ).fetchall()
        if session is None and not rows:
            raise NotFoundError(f"no session {session_id!r}", status_code=404)
        if (
            session is not None
            and session["expires_at"]
            and parse_datetime(session["expires_at"]) < _now()
        ):
            raise NotFoundError(f"session {session_id!r} has expired", status_code=404)
        items = [self._item(r, 1.0) for r in rows]
        messages = [i for i in items if str(i.type) not in ("tool_result", "scratch")]
        return SessionContextResponse(
            session_id=session_id,
            messages=messages,
            tool_results=[i for i in items if str(i.type) == "tool_result"],
            scratch_pad=[i for i in items if str(i.type) == "scratch"],
            context_string=format_sections(items),
        )

    # -- changing and forgetting ---------------------------------------------------------------

    def _row(self, tenant: str, memory_id: Any) -> Any:
        try:
            key = str(uuid.UUID(str(memory_id)))
        except ValueError:
            raise InvalidRequestError(f"memory_id is not a UUID: {memory_id!r}") from None
        row = self.store.execute(
            "SELECT * FROM memories WHERE id = ? AND tenant_id = ?", (key, tenant)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no memory {key}", status_code=404)
        return row

    def update(
        self,
        tenant: str,
        memory_id: Any,
        *,
        text: str | None = None,
        confidence: float | None = None,
        importance: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        feedback: str | None = None,
    ) -> UpdateResponse:
        """Change a memory. New text makes a new version; feedback changes trust and status."""
        confidence = _unit(confidence, "confidence")
        importance = _unit(importance, "importance")
        if feedback is not None and feedback not in ("correct", "incorrect", "outdated"):
            raise InvalidRequestError(
                f"feedback must be correct, incorrect or outdated, not {feedback!r}"
            )
        new_text = _check_text(text, "text") if text is not None else None
        meta = _check_metadata(metadata) if metadata is not None else None
        vector = self._embed([new_text])[0] if new_text is not None and self.embedder else None
        with self.store.write() as db:
            before = self._generation(db)
            row = self._row(tenant, memory_id)
            now = _iso(_now())
            fields: dict[str, Any] = {"updated_at": now, "version": row["version"] + 1}
            if new_text is not None:
                fields.update(text=new_text, content_hash=_hash(new_text))
                if vector is not None:
                    fields.update(embedding=vector.tobytes(), embedder=self.embedder.name)  # type: ignore[union-attr]
            if confidence is not None:
                fields["confidence"] = confidence
            if importance is not None:
                fields["importance"] = importance
            if meta is not None:
                # The merge is checked too: two updates each under the limit can add up past it.
                merged = _check_metadata({**json.loads(row["metadata"]), **meta})
                fields["metadata"] = json.dumps(merged)
            if feedback == "correct":
                fields["confidence"] = min(1.0, (confidence or row["confidence"]) + 0.2)
                fields["source"] = "user_confirmed"
            elif feedback == "incorrect":
                # Wrong memories stop being recalled; kept (silent) for the audit trail.
                fields["confidence"] = 0.0
                fields["status"] = "silent"
            elif feedback == "outdated":
                fields["valid_to"] = now
                fields["status"] = "archived"
            assignments = ", ".join(f"{name} = ?" for name in fields)
            db.execute(
                f"UPDATE memories SET {assignments} WHERE rowid = ?",
                [*fields.values(), row["rowid"]],
            )
            if new_text is not None:
                db.execute(
                    "DELETE FROM facts WHERE memory_id = ? AND tenant_id = ?", (row["id"], tenant)
                )
                self._extract(db, tenant, row["id"], new_text)
            self._event(db, tenant, "memory", f"update:{feedback or 'edit'}", memory_id=row["id"])
        self._after_write(
            before,
            tenant,
            deactivated=[row["rowid"]] if fields.get("status") in ("silent", "archived") else [],
            replaced=[(row["rowid"], vector)] if vector is not None else [],
        )
        return UpdateResponse(
            success=True,
            memory_id=uuid.UUID(row["id"]),
            version=fields["version"],
            message=f"Updated to version {fields['version']}.",
        )

    def forget(
        self,
        tenant: str,
        *,
        memory_ids: Sequence[Any] | None = None,
        query: str | None = None,
        before: datetime | None = None,
        action: str = "delete",
    ) -> ForgetResponse:
        if action not in ("delete", "archive", "silence"):
            raise InvalidRequestError(f"action must be delete, archive or silence, not {action!r}")
        if not memory_ids and query is None and before is None:
            raise InvalidRequestError("forget needs memory_ids, query or before")
        targets: set[str] = set()
        if memory_ids:
            for memory_id in memory_ids:
                try:
                    targets.add(str(uuid.UUID(str(memory_id))))
                except ValueError:
                    raise InvalidRequestError(f"not a UUID: {memory_id!r}") from None
        if query is not None:
            found = self.read(
                tenant, query, max_results=FORGET_QUERY_LIMIT, min_relevance=FORGET_MIN_RELEVANCE
            )
            targets.update(str(item.id) for item in found.memories)
        if before is not None:
            targets.update(
                r[0]
                for r in self.store.execute(
                    "SELECT id FROM memories WHERE tenant_id = ? AND timestamp < ? "
                    "AND status != 'deleted'",
                    (tenant, _iso(before)),
                )
            )
        count = self._apply(tenant, targets, action)
        return ForgetResponse(
            success=True, affected_count=count, message=f"{count} memories: {action}."
        )

    def _apply(self, tenant: str, ids: Iterable[str], action: str) -> int:
        ids = list(ids)
        if not ids:
            return 0
        status = {"delete": "deleted", "archive": "archived", "silence": "silent"}[action]
        count = 0
        changed: list[int] = []
        with self.store.write() as db:
            before = self._generation(db)
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                marks = ", ".join("?" * len(part))
                # Chunks of a long memory go with it.
                scope = f"tenant_id = ? AND (id IN ({marks}) OR parent_id IN ({marks}))"
                changed.extend(
                    int(r[0])
                    for r in db.execute(
                        f"SELECT rowid FROM memories WHERE {scope}", [tenant, *part, *part]
                    )
                )
                if action == "delete":
                    cursor = db.execute(
                        f"DELETE FROM memories WHERE {scope}", [tenant, *part, *part]
                    )
                    db.execute(
                        f"DELETE FROM facts WHERE tenant_id = ? AND memory_id IN ({marks})",
                        [tenant, *part],
                    )
                    db.execute(
                        f"DELETE FROM relations WHERE tenant_id = ? AND memory_id IN ({marks})",
                        [tenant, *part],
                    )
                else:
                    cursor = db.execute(
                        f"UPDATE memories SET status = ?, updated_at = ? WHERE {scope} "
                        "AND status != ?",
                        [status, _iso(_now()), tenant, *part, *part, status],
                    )
                count += cursor.rowcount
            self._event(db, tenant, "memory", f"forget:{action}", detail={"count": count})
        self._after_write(before, tenant, deactivated=changed)
        return count

    def delete_all(self, tenant: str) -> int:
        with self.store.write() as db:
            before = self._generation(db)
            rowids = [
                int(r[0])
                for r in db.execute("SELECT rowid FROM memories WHERE tenant_id = ?", (tenant,))
            ]
            count = db.execute("DELETE FROM memories WHERE tenant_id = ?", (tenant,)).rowcount
            for table in ("facts", "relations", "entities", "sessions"):
                db.execute(f"DELETE FROM {table} WHERE tenant_id = ?", (tenant,))
            self._event(db, tenant, "memory", "delete_all", detail={"count": count})
        self._after_write(before, tenant, deactivated=rowids)
        return int(count)

    # -- statistics ----------------------------------------------------------------------------

    def stats(self, tenant: str) -> StatsResponse:
        with self.store.read() as db:
            row = db.execute(
                "SELECT COUNT(*) AS total, "
                "SUM(status = 'active') AS active, SUM(status = 'silent') AS silent, "
                "SUM(status = 'archived') AS archived, AVG(confidence) AS confidence, "
                "AVG(importance) AS importance, MIN(timestamp) AS oldest, "
                "MAX(timestamp) AS newest, "
                "SUM(LENGTH(text) + LENGTH(metadata) + IFNULL(LENGTH(embedding), 0)) AS bytes "
                "FROM memories WHERE tenant_id = ? AND status != 'deleted'",
                (tenant,),
            ).fetchone()
            by_type = {
                r[0]: int(r[1])
                for r in db.execute(
                    "SELECT type, COUNT(*) FROM memories WHERE tenant_id = ? "
                    "AND status != 'deleted' GROUP BY type",
                    (tenant,),
                )
            }
        return StatsResponse(
            total_memories=int(row["total"] or 0),
            active_memories=int(row["active"] or 0),
            silent_memories=int(row["silent"] or 0),
            archived_memories=int(row["archived"] or 0),
            by_type=by_type,
            avg_confidence=round(float(row["confidence"] or 0.0), 6),
            avg_importance=round(float(row["importance"] or 0.0), 6),
            estimated_size_mb=round(float(row["bytes"] or 0) / 1_048_576, 6),
            oldest_memory=row["oldest"],
            newest_memory=row["newest"],
        )

    # -- events --------------------------------------------------------------------------------

    @staticmethod
    def _event(
        db: Any,
        tenant: str,
        event_type: str,
        operation: str,
        *,
        memory_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        db.execute(
            "INSERT INTO events (tenant_id, event_type, operation, memory_id, created_at, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (tenant, event_type, operation, memory_id, _iso(_now()), json.dumps(detail or {})),
        )

    def iter_rows(self, tenant: str, *, status: str | None = None) -> Iterator[Any]:
        """Every memory row of a tenant, oldest first (for export and maintenance jobs)."""
        sql = "SELECT * FROM memories WHERE tenant_id = ?"
        params: list[Any] = [tenant]
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        yield from self.store.execute(sql + " ORDER BY timestamp, rowid", params)
