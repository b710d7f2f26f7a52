"""`cml serve` killed with SIGKILL in the middle of a run and restarted on the same port and store.

One client object writes (and reads back) without pause throughout. While the server is down,
every call fails with a typed connection error, and `read_safe` says why it has nothing instead of
answering empty; once the server is back the same client object works again by itself; and every
write it acknowledged is in the store exactly once (a write cut off by the kill is there once or
not at all).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from local_server import ServeProcess

import cml

from ._support import USER_KEY, filler_text, query_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

ACKS_BEFORE_KILL = 60
ACKS_AFTER_RESTART = 60
# Failed calls to see while the server is down, before it is started again.
ERRORS_WHILE_DOWN = 5
READ_EVERY = 3
# While the server is down a call fails after 3 refused connections and ~0.15 s of backoff.
CLIENT_OPTIONS = {"api_key": USER_KEY, "timeout": 2.0, "max_retries": 2, "retry_delay": 0.05}
# Bounds for each wait of the drill: generous, only a hung server or client ever reaches them.
DEADLINE_SECONDS = 60.0


def _serve(db: Path, log: Path) -> ServeProcess:
    """`python -m cml serve` on a fixed port and store (a restart reuses both)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CML_")}
    env["CML_API_KEY"] = USER_KEY  # the environment, not argv: keys stay out of `ps`
    args = ["--db", db, "--embedder", "none", "--log-level", "warning"]
    return ServeProcess([sys.executable, "-m", "cml"], *args, log=log, env=env)


class Run:
    """What the client saw, shared by the thread that drives it and the test."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.acked: dict[str, str] = {}
        self.failed: list[str] = []
        # (when the call began, when it ended, error type, is a CMLConnectionError)
        self.errors: list[tuple[float, float, str, bool]] = []
        self.successes: list[float] = []  # when each successful call ended
        self.reads = 0
        self.failed_reads = 0
        self.wrong_reads: list[str] = []
        self.silent_empty_reads = 0

    def acks(self) -> int:
        with self.lock:
            return len(self.acked)

    def last_acked(self) -> str | None:
        with self.lock:
            return next(reversed(self.acked), None)

    def error_count(self) -> int:
        with self.lock:
            return len(self.errors)

    def ok(self, ended: float) -> None:
        with self.lock:
            self.successes.append(ended)

    def error(self, began: float, exc: BaseException) -> None:
        typed = isinstance(exc, cml.CMLConnectionError)
        with self.lock:
            self.errors.append((began, time.monotonic(), type(exc).__name__, typed))

    def wrote(self, text: str, began: float, outcome: Any) -> None:
        if isinstance(outcome, BaseException):
            self.error(began, outcome)
            with self.lock:
                self.failed.append(text)
            return
        with self.lock:
            self.acked[text] = str(outcome.memory_id)
        self.ok(time.monotonic())

    def read(self, text: str, began: float, result: cml.ReadResponse) -> None:
        self.reads += 1
        if result.error is not None:
            self.failed_reads += 1
            self.error(began, result.error)
            if result.memories:
                self.wrong_reads.append(f"{text!r}: memories beside an error")
            return
        if not result.memories:
            self.silent_empty_reads += 1
        elif result.memories[0].text != text:
            self.wrong_reads.append(f"{text!r}: got {result.memories[0].text!r}")
        self.ok(time.monotonic())


def _drive_sync(url: str, run: Run) -> None:
    with cml.CognitiveMemoryLayer(base_url=url, **CLIENT_OPTIONS) as memory:
        for k in range(100_000):
            if run.stop.is_set():
                return
            text = filler_text(k, "restart")
            began = time.monotonic()
            try:
                outcome: Any = memory.write(text)
            except cml.CMLError as exc:
                outcome = exc
            run.wrote(text, began, outcome)
            # Read back the latest acknowledged memory, also while the server is down.
            known = run.last_acked()
            if k % READ_EVERY == 0 and known is not None:
                began = time.monotonic()
                run.read(known, began, memory.read_safe(query_for(known), max_results=1))


def _drive_async(url: str, run: Run) -> None:
    async def drive() -> None:
        async with cml.AsyncCognitiveMemoryLayer(base_url=url, **CLIENT_OPTIONS) as memory:
            for k in range(100_000):
                if run.stop.is_set():
                    return
                text = filler_text(k, "restart")
                began = time.monotonic()
                try:
                    outcome: Any = await memory.write(text)
                except cml.CMLError as exc:
                    outcome = exc
                run.wrote(text, began, outcome)
                known = run.last_acked()
                if k % READ_EVERY == 0 and known is not None:
                    began = time.monotonic()
                    result = await memory.read_safe(query_for(known), max_results=1)
                    run.read(known, began, result)

    asyncio.run(drive())


def _wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _stored(db: Path) -> dict[str, list[str]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT id, text FROM memories WHERE text LIKE 'restart %'")
        found: dict[str, list[str]] = {}
        for memory_id, text in rows:
            found.setdefault(text, []).append(memory_id)
        return found


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_client_rides_out_a_killed_server(
    kind: str, tmp_path: Path, figures: dict[str, dict[str, Any]]
) -> None:
    db = tmp_path / "restart.db"
    serve = _serve(db, tmp_path / "serve.log")
    run = Run()
    errors_caught: list[BaseException] = []

    def drive() -> None:
        try:
            (_drive_sync if kind == "sync" else _drive_async)(serve.url, run)
        except BaseException as exc:  # anything untyped ends the drill with the real error
            errors_caught.append(exc)

    driver = threading.Thread(target=drive)
    try:
        first_start = serve.start()
        driver.start()
        _wait_for(lambda: run.acks() >= ACKS_BEFORE_KILL or errors_caught, "the first writes")
        serve.kill()
        killed_at = time.monotonic()
        acked_before_kill = run.acks()
        _wait_for(lambda: run.error_count() >= ERRORS_WHILE_DOWN or errors_caught, "errors")
        restarted_at = time.monotonic()
        restart_seconds = serve.start()
        _wait_for(
            lambda: run.acks() >= acked_before_kill + ACKS_AFTER_RESTART or errors_caught,
            "writes after the restart",
        )
    finally:
        run.stop.set()
        if driver.is_alive():
            driver.join(timeout=DEADLINE_SECONDS)
        serve.stop()
    assert not driver.is_alive()
    assert errors_caught == []

    # While down: typed connection errors only, and only between the kill and the recovery.
    recovered_at = min(t for t in run.successes if t > restarted_at)
    assert run.failed, "no write failed while the server was down"
    assert run.failed_reads, "no read failed while the server was down"
    assert [e for e in run.errors if not e[3]] == []
    # A call in flight at the kill began at most one timeout earlier (or it would have failed
    # while the server was up, which is a failure too).
    earliest = killed_at - CLIENT_OPTIONS["timeout"]
    assert [e for e in run.errors if not (earliest < e[0] and e[1] < recovered_at)] == []
    assert run.wrong_reads == []
    assert run.silent_empty_reads == 0

    # Nothing acknowledged is lost or doubled; a write cut off by the kill is there at most once.
    stored = _stored(db)
    assert {text: stored.get(text) for text in run.acked} == {
        text: [memory_id] for text, memory_id in run.acked.items()
    }
    assert all(len(ids) == 1 for ids in stored.values())
    assert set(stored) <= set(run.acked) | set(run.failed)

    figures[f"restart ({kind} client)"] = {
        "writes acknowledged": len(run.acked),
        "acknowledged before the kill": acked_before_kill,
        "writes failed (typed)": len(run.failed),
        "failed writes found stored": len(set(stored) & set(run.failed)),
        "memories stored": len(stored),
        "lost": sum(text not in stored for text in run.acked),
        "duplicated": sum(len(ids) > 1 for ids in stored.values()),
        "reads (read_safe)": run.reads,
        "reads failed with an error set": run.failed_reads,
        "errors while down": dict(Counter(e[2] for e in run.errors)),
        "server start s": round(first_start, 2),
        "server restart s": round(restart_seconds, 2),
        "down until recovered s": round(recovered_at - killed_at, 2),
        "recovery after restart s": round(recovered_at - restarted_at, 2),
    }
