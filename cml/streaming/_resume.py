"""
Resume tokens: what a failed memory stream saves so that a later call can finish it.

A token (`resume_<ms>_<32 hex>`: its issue time in Unix milliseconds and 128 random bits) names
a `ResumeState` in a `ResumeTokenStore`: the stream's id, its memory ids, the text it holds,
a sha256 checksum of that text, an expiry and the write options. `remember_stream(...,
resume_from=token)` takes the state out of the store (tokens are single-use: a used, expired
or corrupt token is deleted) and continues the same answer memory.

The state is bounded: an unchunked answer is at most one memory's text (100,000 characters);
a chunked one keeps only the tail not yet in chunk memories, plus the chunk ids.

`InMemoryResumeTokenStore` (the default, shared by a process) and `SQLiteResumeTokenStore`
(a file, for resuming in another process) implement the protocol; any object with the same
four methods will do.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs

from ._events import ResumeTokenExpiredError, ResumeTokenInvalidError, ResumeTokenNotFoundError

__all__ = [
    "InMemoryResumeTokenStore",
    "ResumeState",
    "ResumeTokenStore",
    "SQLiteResumeTokenStore",
    "default_resume_store",
    "new_resume_token",
    "take_resume_state",
    "text_checksum",
]

_TOKEN = re.compile(r"resume_(\d{1,16})_([0-9a-f]{32})")
_STATE_VERSION = 1


def now_ms() -> int:
    return int(time.time() * 1000)


def new_resume_token(issued_ms: int | None = None) -> str:
    """A fresh token: `resume_<issue time in Unix ms>_<32 random hex digits>`."""
    return f"resume_{now_ms() if issued_ms is None else issued_ms}_{secrets.token_hex(16)}"


def text_checksum(text: str) -> str:
    """The sha256 (hex) of `text` as UTF-8."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


@attrs.frozen
class ResumeState:
    """
    A failed stream, as saved under its token.

    `text` is the answer so far (unchunked), or for a chunked answer the tail from stream
    offset `text_offset` that no chunk memory holds yet; `checksum` is `text_checksum(text)`.
    `total_length` counts every character the stream accumulated.
    """

    token: str
    stream_id: str
    created_at_ms: int
    expires_at_ms: int
    checksum: str
    text: str
    text_offset: int
    total_length: int
    chunks_delivered: int
    user_message: str
    user_memory_id: str | None
    answer_memory_id: str | None
    owned_ids: tuple[str, ...] = attrs.field(converter=_strings)
    chunked: bool
    chunk_ids: tuple[str, ...] = attrs.field(converter=_strings)
    chunk_next_index: int
    chunk_last_end: int
    chunking: Mapping[str, Any] | None
    fact_keys: tuple[str, ...] = attrs.field(converter=_strings)
    fact_memory_ids: tuple[str, ...] = attrs.field(converter=_strings)
    write_options: Mapping[str, Any]
    preview: str = ""

    def to_json(self) -> str:
        data = attrs.asdict(self, recurse=False)
        for name in ("owned_ids", "chunk_ids", "fact_keys", "fact_memory_ids"):
            data[name] = list(data[name])
        data["chunking"] = dict(self.chunking) if self.chunking is not None else None
        data["write_options"] = dict(self.write_options)
        data["version"] = _STATE_VERSION
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ResumeState:
        data = json.loads(text)
        if data.pop("version", None) != _STATE_VERSION:
            raise ValueError("unknown resume state version")
        return cls(**data)

    def check(self) -> None:
        """Raise `ResumeTokenInvalidError` unless the saved text matches its checksum."""
        if text_checksum(self.text) != self.checksum:
            raise ResumeTokenInvalidError(
                f"resume token {self.token!r}: the saved text does not match its checksum "
                "(the state was altered or damaged)"
            )


@runtime_checkable
class ResumeTokenStore(Protocol):
    """Where resume states live. Implementations must be thread-safe."""

    def save(self, state: ResumeState) -> None:
        """Keep `state` under `state.token` (dropping expired states is welcome here)."""
        ...

    def load(self, token: str) -> ResumeState | None: ...

    def delete(self, token: str) -> None: ...

    def purge_expired(self, now_ms: int) -> int:
        """Delete every state expired at `now_ms`; return how many."""
        ...


class InMemoryResumeTokenStore:
    """States in a dict: valid within this process only. Expired states are dropped on save."""

    def __init__(self) -> None:
        self._states: dict[str, ResumeState] = {}
        self._lock = threading.Lock()

    def save(self, state: ResumeState) -> None:
        with self._lock:
            self._purge(now_ms())
            self._states[state.token] = state

    def load(self, token: str) -> ResumeState | None:
        with self._lock:
            return self._states.get(token)

    def delete(self, token: str) -> None:
        with self._lock:
            self._states.pop(token, None)

    def purge_expired(self, now_ms: int) -> int:
        with self._lock:
            return self._purge(now_ms)

    def _purge(self, at: int) -> int:
        expired = [t for t, s in self._states.items() if s.expires_at_ms <= at]
        for token in expired:
            del self._states[token]
        return len(expired)

    def __len__(self) -> int:
        return len(self._states)


class SQLiteResumeTokenStore:
    """
    States in a SQLite file, so a stream that failed in one process can be resumed in another.
    One table (`resume_tokens`); expired rows are deleted on every save.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path if self.path == ":memory:" else str(Path(self.path).expanduser()),
            timeout=30.0,
            isolation_level=None,
            check_same_thread=False,
        )
        with self._lock:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS resume_tokens (token TEXT PRIMARY KEY, "
                "expires_at_ms INTEGER NOT NULL, state TEXT NOT NULL)"
            )

    def save(self, state: ResumeState) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM resume_tokens WHERE expires_at_ms <= ?", (now_ms(),))
                self._db.execute(
                    "INSERT OR REPLACE INTO resume_tokens (token, expires_at_ms, state) "
                    "VALUES (?, ?, ?)",
                    (state.token, state.expires_at_ms, state.to_json()),
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def load(self, token: str) -> ResumeState | None:
        with self._lock:
            row = self._db.execute(
                "SELECT state FROM resume_tokens WHERE token = ?", (token,)
            ).fetchone()
        if row is None:
            return None
        try:
            return ResumeState.from_json(row[0])
        except (ValueError, TypeError) as exc:
            raise ResumeTokenInvalidError(
                f"resume token {token!r}: its saved state cannot be read ({exc})"
            ) from exc

    def delete(self, token: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM resume_tokens WHERE token = ?", (token,))

    def purge_expired(self, now_ms: int) -> int:
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM resume_tokens WHERE expires_at_ms <= ?", (now_ms,)
            )
            return int(cursor.rowcount)

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM resume_tokens").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


_DEFAULT_STORE = InMemoryResumeTokenStore()


def default_resume_store() -> InMemoryResumeTokenStore:
    """The process-wide store used when a stream names none."""
    return _DEFAULT_STORE


def take_resume_state(
    store: ResumeTokenStore, token: str, *, at_ms: int | None = None
) -> ResumeState:
    """
    Take the state of `token` out of `store`: checked, then deleted (tokens are single-use).

    Raises `ResumeTokenInvalidError` (malformed token, or text not matching its checksum),
    `ResumeTokenNotFoundError`, or `ResumeTokenExpiredError`; expired and corrupt states are
    deleted too.
    """
    if not isinstance(token, str) or _TOKEN.fullmatch(token) is None:
        raise ResumeTokenInvalidError(
            f"not a resume token: {token!r} (expected resume_<ms>_<32 hex digits>)"
        )
    at = now_ms() if at_ms is None else at_ms
    try:
        state = store.load(token)
    except ResumeTokenInvalidError:
        store.delete(token)
        raise
    if state is None:
        raise ResumeTokenNotFoundError(f"no resume token {token!r} in the store")
    if state.expires_at_ms <= at:
        store.delete(token)
        raise ResumeTokenExpiredError(token, float(at - state.expires_at_ms))
    try:
        state.check()
    finally:
        store.delete(token)
    return state
