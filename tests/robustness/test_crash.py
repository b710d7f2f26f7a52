"""A writer killed with SIGKILL mid-run loses nothing it acknowledged and leaves no half-write."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cml.engine.engine import Engine

from ._support import filler_text, tiny_embed
from .conftest import worker_command, worker_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

TENANT = "default"


def _run_and_kill(db: Path, round_: int, kill_after: int) -> tuple[list[str], list[str], set[str]]:
    """Run the crash worker until `kill_after` acks, then SIGKILL it inside its next batch.

    Returns the acknowledged single ids, the acknowledged batch names and the batch names it
    started (acknowledged or not).
    """
    singles: list[str] = []
    batches: list[str] = []
    started: set[str] = set()
    with subprocess.Popen(
        worker_command("crash", str(db), str(round_)),
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        killed = False
        try:
            for line in process.stdout:
                kind, what, name = line.split()
                if kind == "begin":
                    started.add(name)
                    if len(singles) + len(batches) >= kill_after:
                        # It has just entered write_batch: embedding, inserting or committing.
                        os.kill(process.pid, signal.SIGKILL)
                        killed = True
                        break
                elif what == "single":
                    singles.append(name)
                else:
                    batches.append(name)
        finally:
            if not killed:
                process.kill()
            process.wait(timeout=60)
        stderr = process.stderr.read() if process.stderr else ""
    assert killed, f"the worker stopped on its own: {stderr}"
    assert process.returncode == -signal.SIGKILL
    return singles, batches, started


def test_sigkill_mid_batch_loses_no_acknowledged_write(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    acked_singles: list[str] = []
    acked_batches: list[str] = []
    started: set[str] = set()
    # Three crashes on the same file, each after a different number of acknowledgements; every
    # restart first recovers what the previous kill left behind.
    for round_, kill_after in enumerate((150, 40, 95)):
        singles, batches, begun = _run_and_kill(db, round_, kill_after)
        acked_singles += singles
        acked_batches += batches
        started |= begun

    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO memories_fts(memories_fts) VALUES('integrity-check')")
        ids = {row[0] for row in conn.execute("SELECT id FROM memories")}
        assert set(acked_singles) <= ids
        for name in started:
            rows = conn.execute(
                "SELECT COUNT(*) FROM memories WHERE text LIKE ?", (f"batch {name} row %",)
            ).fetchone()[0]
            if name in acked_batches:
                assert rows == 50, name
            else:
                assert rows in (0, 50), f"batch {name} is half-written: {rows} rows"
        # A search through the full-text index finds exactly the single writes in the table.
        indexed = conn.execute(
            "SELECT COUNT(*) FROM memories_fts WHERE memories_fts MATCH 'single'"
        ).fetchone()[0]
        stored = conn.execute(
            "SELECT COUNT(*) FROM memories WHERE text LIKE 'single %'"
        ).fetchone()[0]
        assert indexed == stored >= len(acked_singles)

    with Engine(db, embedder=tiny_embed) as engine:
        assert engine.stats(TENANT).total_memories == len(ids)
        last = acked_batches[-1]
        text = filler_text(3, f"batch {last} row")
        assert engine.read(TENANT, text, max_results=1).memories[0].text == text
        fresh = engine.write(TENANT, "After the crash the store takes new writes.").memory_id
        found = engine.read(TENANT, "store takes new writes after the crash", max_results=1)
        assert found.memories[0].id == fresh
