"""SQLite storage for the embedded engine: connections, transactions, migrations.

One database file serves many threads and processes. Each thread gets its own connection; every
write runs in a `BEGIN IMMEDIATE` transaction, so writers queue on SQLite's lock (with a long busy
timeout) instead of failing with "database is locked"; WAL lets readers run beside a writer. A
write acknowledged to the caller has committed: a process killed afterwards loses nothing.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .._exceptions import StorageError

__all__ = [
    "MIGRATIONS",
    "Store",
    "fts_match",
    "fts_tenant_token",
    "holds_only",
    "quote_identifier",
]

# A writer waits this long for another connection (thread or process) to finish its write.
BUSY_TIMEOUT_S = 60.0
# SQLite can still answer SQLITE_BUSY at once in some WAL races (a reader upgrading, a checkpoint);
# those are retried here, bounded.
_BUSY_RETRIES = 50


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


Migration = Callable[[sqlite3.Connection], None]


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the caller's transaction (`executescript` would commit)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement[:80]!r}")


def _m001_initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE memories (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            tenant_id TEXT NOT NULL,
            namespace TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            type TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active',
            source TEXT NOT NULL DEFAULT 'user_explicit',
            confidence REAL NOT NULL DEFAULT 0.5,
            importance REAL NOT NULL DEFAULT 0.5,
            access_count INTEGER NOT NULL DEFAULT 0,
            last_accessed_at TEXT,
            decay_rate REAL NOT NULL DEFAULT 0.01,
            version INTEGER NOT NULL DEFAULT 1,
            supersedes TEXT,
            superseded_by TEXT,
            valid_from TEXT,
            valid_to TEXT,
            context_tags TEXT NOT NULL DEFAULT '[]',
            session_id TEXT,
            agent_id TEXT,
            turn_id TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            timestamp TEXT NOT NULL,
            written_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            parent_id TEXT,
            chunk_index INTEGER,
            chunk_count INTEGER,
            embedding BLOB,
            embedder TEXT
        );
        CREATE INDEX memories_scope ON memories (tenant_id, namespace, status);
        CREATE INDEX memories_hash ON memories (tenant_id, content_hash);
        CREATE INDEX memories_time ON memories (tenant_id, timestamp);
        CREATE INDEX memories_session ON memories (tenant_id, session_id);
        CREATE INDEX memories_parent ON memories (parent_id);

        CREATE VIRTUAL TABLE memories_fts USING fts5(
            text, content='memories', content_rowid='rowid', tokenize='porter unicode61'
        );
        CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
            INSERT INTO memories_fts (rowid, text) VALUES (new.rowid, new.text);
        END;
        CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
            INSERT INTO memories_fts (memories_fts, rowid, text)
                VALUES ('delete', old.rowid, old.text);
        END;
        CREATE TRIGGER memories_fts_update AFTER UPDATE OF text ON memories BEGIN
            INSERT INTO memories_fts (memories_fts, rowid, text)
                VALUES ('delete', old.rowid, old.text);
            INSERT INTO memories_fts (rowid, text) VALUES (new.rowid, new.text);
        END;

        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            name TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            expires_at TEXT
        );
        CREATE INDEX sessions_tenant ON sessions (tenant_id);

        -- Answers already given for an Idempotency-Key, so a retried request is not applied twice.
        CREATE TABLE idempotency (
            tenant_id TEXT NOT NULL,
            key TEXT NOT NULL,
            operation TEXT NOT NULL,
            response TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (tenant_id, key)
        );

        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            key TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            mentions INTEGER NOT NULL DEFAULT 1,
            UNIQUE (tenant_id, key)
        );
        CREATE TABLE relations (
            id INTEGER PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            subject_id INTEGER NOT NULL REFERENCES entities (id),
            predicate TEXT NOT NULL,
            object_id INTEGER NOT NULL REFERENCES entities (id),
            memory_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (tenant_id, subject_id, predicate, object_id, memory_id)
        );
        CREATE INDEX relations_memory ON relations (memory_id);
        CREATE TABLE facts (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            key TEXT NOT NULL,
            subject TEXT NOT NULL,
            predicate TEXT NOT NULL,
            value TEXT NOT NULL,
            text TEXT NOT NULL,
            memory_id TEXT NOT NULL,
            confidence REAL NOT NULL DEFAULT 0.7,
            is_current INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            invalidated_at TEXT
        );
        CREATE INDEX facts_key ON facts (tenant_id, key);

        -- Where a consolidated memory came from.
        CREATE TABLE lineage (
            memory_id TEXT NOT NULL,
            source_id TEXT NOT NULL,
            relation TEXT NOT NULL,
            PRIMARY KEY (memory_id, source_id, relation)
        );
        CREATE INDEX lineage_source ON lineage (source_id);

        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            type TEXT NOT NULL,
            status TEXT NOT NULL,
            dry_run INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            result TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            operation TEXT NOT NULL,
            memory_id TEXT,
            created_at TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_tenant ON events (tenant_id, created_at);
        CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        -- Bumped by every write transaction: lets a process see that another one changed the data.
        CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
        INSERT INTO generation (id, value) VALUES (1, 0);
        """,
    )


def _m002_idempotency_expiry(db: sqlite3.Connection) -> None:
    # Recorded answers expire (engine.IDEMPOTENCY_TTL): the purge looks them up by age.
    db.execute("CREATE INDEX idempotency_created ON idempotency (created_at)")


def _m003_fts_per_tenant(db: sqlite3.Connection) -> None:
    # Full-text search partitioned by tenant: each row also holds one token naming its tenant
    # (`fts_tenant_token`), and every search matches it, so FTS5 reads only the caller's
    # matches. Before, a search ranked every tenant's matches and filtered afterwards: its time
    # told whether other tenants' memories held a word, and grew with their data.
    _run_script(
        db,
        f"""
        DROP TRIGGER memories_fts_insert;
        DROP TRIGGER memories_fts_delete;
        DROP TRIGGER memories_fts_update;
        DROP TABLE memories_fts;
        CREATE VIEW memories_fts_source AS
            SELECT rowid AS rowid, text, {_TENANT_TOKEN_SQL.format("tenant_id")} AS tenant
            FROM memories;
        CREATE VIRTUAL TABLE memories_fts USING fts5(
            text, tenant, content='memories_fts_source', content_rowid='rowid',
            tokenize='porter unicode61'
        );
        CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
            INSERT INTO memories_fts (rowid, text, tenant)
                VALUES (new.rowid, new.text, {_TENANT_TOKEN_SQL.format("new.tenant_id")});
        END;
        CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
            INSERT INTO memories_fts (memories_fts, rowid, text, tenant)
                VALUES ('delete', old.rowid, old.text,
                        {_TENANT_TOKEN_SQL.format("old.tenant_id")});
        END;
        CREATE TRIGGER memories_fts_update AFTER UPDATE OF text, tenant_id ON memories BEGIN
            INSERT INTO memories_fts (memories_fts, rowid, text, tenant)
                VALUES ('delete', old.rowid, old.text,
                        {_TENANT_TOKEN_SQL.format("old.tenant_id")});
            INSERT INTO memories_fts (rowid, text, tenant)
                VALUES (new.rowid, new.text, {_TENANT_TOKEN_SQL.format("new.tenant_id")});
        END;
        INSERT INTO memories_fts (memories_fts) VALUES ('rebuild');
        """,
    )


# 't', the UTF-8 bytes in hex, '0': one token for the unicode61 tokenizer, which the porter
# stemmer leaves alone (no English suffix ends in a digit), and equal only for equal tenants.
_TENANT_TOKEN_SQL = "'t' || hex({}) || '0'"


def fts_tenant_token(tenant: str) -> str:
    """The token `_m003_fts_per_tenant` stores for `tenant` (as an FTS5 string)."""
    return f'"t{tenant.encode("utf-8").hex()}0"'


def fts_match(tenant: str, match: str, *, sole_tenant: bool = False) -> str:
    """A MATCH expression for `match` (over the text) within `tenant`'s rows only.

    With `sole_tenant` (the store holds no other tenant's rows, see `holds_only`) the tenant
    phrase is left out: it would match every row, and bm25 walks all of a phrase's matches to
    weigh it, a cost that grows with the store (about 6 ms at 100,000 memories). The ranking is
    the same: the tenant column weighs 0 and its one token per row counts in the lengths either
    way. Timing then tells only whether other tenants exist, never what their memories hold.
    """
    if sole_tenant:
        return f"text : ({match})"
    return f"tenant : {fts_tenant_token(tenant)} AND text : ({match})"


def holds_only(db: sqlite3.Connection, tenant: str) -> bool:
    """Whether every memory in the store is `tenant`'s: two seeks in the tenant index."""
    other = db.execute(
        "SELECT EXISTS (SELECT 1 FROM memories WHERE tenant_id < ?) "
        "OR EXISTS (SELECT 1 FROM memories WHERE tenant_id > ?)",
        (tenant, tenant),
    ).fetchone()[0]
    return not other


#: Applied in order; the schema version is `PRAGMA user_version`. Never edit a released one:
#: append a new function.
MIGRATIONS: tuple[Migration, ...] = (
    _m001_initial,
    _m002_idempotency_expiry,
    _m003_fts_per_tenant,
)


class Store:
    """A SQLite database file (or `":memory:"`) shared safely by threads and processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._memory = self.path == ":memory:"
        if self._memory:
            # One shared connection: separate in-memory connections would be separate databases.
            self._shared: sqlite3.Connection | None = self._connect()
        else:
            Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            self._shared = None
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        try:
            self.migrate()
        except (sqlite3.OperationalError, sqlite3.DatabaseError, StorageError) as exc:
            self.close()  # a handle that failed to open is no handle to keep
            if isinstance(exc, StorageError):
                raise
            raise StorageError(f"cannot open the memory store {self.path}: {exc}") from None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.path if self._memory else str(Path(self.path).expanduser()),
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE for writes
            check_same_thread=False,
        )
        db.row_factory = sqlite3.Row
        if not self._memory:
            try:
                db.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as exc:
                if "readonly" not in str(exc):
                    raise  # a read-only store keeps its journal mode: it is only read
            # NORMAL is durable against a process crash (SIGKILL) in WAL mode; only a power cut
            # can lose the last commits.
            db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection."""
        if self._closed:
            raise RuntimeError("the memory store is closed")
        if self._shared is not None:
            return self._shared
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._connect()
            self._local.db = db
            with self._write_lock:
                self._connections.append(db)
        return db

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._write_lock:
            for db in self._connections:
                with contextlib.suppress(sqlite3.Error):
                    db.close()
            self._connections.clear()
            if self._shared is not None:
                self._shared.close()

    @contextlib.contextmanager
    def write(self, *, bump_generation: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it commits, or none of it (on any exception).

        `bump_generation=False` is for bookkeeping that changes nothing a cache of the data
        depends on (access counts): other processes' vector indexes then need no reload.
        """
        with self._write_lock:  # threads of this process queue here, not in SQLite
            db = self.db
            try:
                _retry_busy(lambda: db.execute("BEGIN IMMEDIATE"))
            except sqlite3.OperationalError as exc:
                raise _storage_error(self.path, exc) from None
            try:
                yield db
                if bump_generation:
                    db.execute("UPDATE generation SET value = value + 1 WHERE id = 1")
                _retry_busy(lambda: db.execute("COMMIT"))
            except sqlite3.OperationalError as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise _storage_error(self.path, exc) from None
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs."""
        db = self.db
        if db.in_transaction:  # nested inside a write: already consistent
            yield db
            return
        _retry_busy(lambda: db.execute("BEGIN"))
        try:
            yield db
        finally:
            _end_read(db)

    def generation(self) -> int:
        row = self.db.execute("SELECT value FROM generation WHERE id = 1").fetchone()
        return int(row[0])

    def migrate(self) -> None:
        # Read first: a store already at this schema needs no write, so a read-only one opens.
        current = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        _end_read(self.db)
        if current == len(MIGRATIONS):
            return
        with self.write() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > len(MIGRATIONS):
                raise RuntimeError(
                    f"{self.path} has schema version {version}, newer than this py-cml "
                    f"({len(MIGRATIONS)}); upgrade py-cml to open it"
                )
            for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
                migration(db)
                db.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)


def _end_read(db: sqlite3.Connection) -> None:
    if db.in_transaction:
        db.execute("COMMIT")


def _storage_error(path: str, exc: sqlite3.OperationalError) -> Exception:
    """A typed error for the conditions a user can fix; anything else as it was."""
    text = str(exc).lower()
    if "disk is full" in text:
        return StorageError(
            f"the disk holding the memory store {path} is full: nothing was written"
        )
    if "readonly" in text or "read-only" in text:
        return StorageError(f"the memory store {path} is read-only: nothing was written")
    return exc


def _retry_busy(statement: Callable[[], Any]) -> Any:
    for attempt in range(_BUSY_RETRIES):
        try:
            return statement()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(min(0.005 * 2**attempt, 0.5))
    return statement()
