"""Many writers on one database file: threads of one process, and separate processes."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cml.engine.engine import Engine

from ._support import filler_text, tiny_embed
from .conftest import worker_command, worker_env

TENANT = "default"


def _texts(db: Path) -> Counter[str]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return Counter(row[0] for row in conn.execute("SELECT text FROM memories"))


def _integrity(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.mark.parametrize("embedder", ["none", "tiny"])
def test_eight_threads_write_one_engine(tmp_path: Path, embedder: str) -> None:
    db = tmp_path / "threads.db"
    engine = Engine(db, embedder=tiny_embed if embedder == "tiny" else "none")
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def writer(thread: int) -> None:
        try:
            start.wait(timeout=30)
            for k in range(100):
                engine.write(TENANT, filler_text(k, f"thread{thread}"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    expected = {filler_text(k, f"thread{t}") for t in range(8) for k in range(100)}
    texts = _texts(db)
    assert sum(texts.values()) == 800
    assert set(texts) == expected
    assert set(texts.values()) == {1}
    assert engine.stats(TENANT).total_memories == 800

    if embedder == "tiny":
        # The in-memory vector index agrees with the table: each memory is its own nearest
        # neighbour, found by the vector search alone.
        vectors = engine.backend.vectors
        vectors.sync()
        rowids = {
            text: rowid for rowid, text in engine.store.execute("SELECT rowid, text FROM memories")
        }
        for text, rowid in rowids.items():
            hits = vectors.search(tiny_embed([text])[0], TENANT, 1)
            assert hits, text
            assert hits[0][0] == rowid, text
    for text in sorted(expected)[::40]:
        assert engine.read(TENANT, text, max_results=1).memories[0].text == text
    engine.close()


def test_processes_write_one_file_while_another_reads(tmp_path: Path) -> None:
    db = tmp_path / "processes.db"
    Engine(db, embedder="none").close()  # create the schema before the race starts
    stop = tmp_path / "stop"
    env = worker_env()
    reader = subprocess.Popen(
        worker_command("read", str(db), str(stop)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writers = [
        subprocess.Popen(
            worker_command("write", str(db), f"p{n}", "200", "tiny"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    try:
        results = [w.communicate(timeout=240) for w in writers]
    finally:
        stop.touch()
        reader_out, reader_err = reader.communicate(timeout=120)
        for process in [*writers, reader]:
            if process.poll() is None:
                process.kill()
    for process, (out, err) in zip(writers, results, strict=True):
        assert "database is locked" not in err
        assert process.returncode == 0, err
        assert out.strip() == "done"
    assert "database is locked" not in reader_err
    assert reader.returncode == 0, reader_err
    assert int(reader_out.split()[1]) > 0

    texts = _texts(db)
    expected = {filler_text(k, f"p{n}") for n in range(4) for k in range(200)}
    assert set(texts) == expected
    assert sum(texts.values()) == 800
    assert _integrity(db) == "ok"


@pytest.fixture
def probe(tmp_path: Path) -> Iterator[Any]:
    """A separate process holding an Engine with its vector index already loaded."""
    db = tmp_path / "shared.db"
    with Engine(db, embedder=tiny_embed) as engine:
        for k in range(50):
            engine.write(TENANT, filler_text(k, "seed"))
    with subprocess.Popen(
        worker_command("probe", str(db)),
        env=worker_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stdin is not None
        ready = process.stdout.readline()
        assert ready.strip() == "ready", process.stderr.read() if process.stderr else ""

        def ask(query: str) -> dict[str, list[str]]:
            assert process.stdin is not None
            assert process.stdout is not None
            process.stdin.write(query + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else ""
            answer: dict[str, list[str]] = json.loads(line)
            return answer

        try:
            yield db, ask
        finally:
            process.stdin.close()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def test_another_process_sees_new_memories_in_its_vector_index(probe: Any) -> None:
    db, ask = probe
    with Engine(db, embedder=tiny_embed) as engine:
        text = "The lighthouse keeper on Vossberg island collects brass telescopes."
        memory_id = str(engine.write(TENANT, text).memory_id)
        answer = ask(text)
        assert answer["read"][0] == memory_id
        assert answer["vector"][0] == memory_id

        # A forgotten memory leaves the other process's index too.
        engine.forget(TENANT, memory_ids=[memory_id])
        answer = ask(text)
        assert memory_id not in answer["read"]
        assert memory_id not in answer["vector"]

        # Several writes and a batch, then one probe: all of them are there.
        ids = [str(engine.write(TENANT, filler_text(k, "later")).memory_id) for k in range(5)]
        engine.write_batch(TENANT, [{"content": filler_text(k, "batched")} for k in range(20)])
        for k, memory_id in enumerate(ids):
            assert ask(filler_text(k, "later"))["vector"][0] == memory_id
        batched = ask(filler_text(7, "batched"))["vector"][0]
        row = engine.store.execute("SELECT text FROM memories WHERE id = ?", (batched,)).fetchone()
        assert row[0] == filler_text(7, "batched")


def test_vector_index_notices_a_write_committed_just_after_its_own(tmp_path: Path) -> None:
    """Two engines on one file stand for two processes. B commits a write in the instant
    between A's commit and A's index update: A's index must not claim to be current."""
    db = tmp_path / "race.db"
    a = Engine(db, embedder=tiny_embed)
    b = Engine(db, embedder=tiny_embed)
    a.read(TENANT, "load the index", max_results=1)
    other = "Barnacle geese migrate over the Solway Firth each October."
    written: list[str] = []
    original = a.store.write

    @contextlib.contextmanager
    def write_then_interleave() -> Iterator[Any]:
        with original() as db_connection:
            yield db_connection
        if not written:  # once: B writes right after A's commit, before A updates its index
            written.append(str(b.write(TENANT, other).memory_id))

    a.store.write = write_then_interleave  # type: ignore[method-assign]
    a.write(TENANT, "Hedgehogs hibernate under the woodpile.")
    a.store.write = original  # type: ignore[method-assign]
    vectors = a.backend.vectors
    vectors.sync()
    hits = vectors.search(tiny_embed([other])[0], TENANT, 1)
    row = a.store.execute("SELECT id FROM memories WHERE rowid = ?", (hits[0][0],)).fetchone()
    assert row[0] == written[0]
    a.close()
    b.close()


def test_reads_beside_writes_and_deletes_in_one_engine(tmp_path: Path) -> None:
    """Readers never fail or see a half-applied write while other threads write and forget.

    The vector index is shared by the threads; each read runs in its own snapshot, which may
    be older or newer than the index at that moment.
    """
    engine = Engine(tmp_path / "mixed.db", embedder=tiny_embed)
    for k in range(200):
        engine.write(TENANT, filler_text(k, "base"))
    stop = threading.Event()
    errors: list[BaseException] = []
    reads = Counter[str]()

    def writer(thread: int) -> None:
        try:
            for k in range(60):
                memory_id = engine.write(TENANT, filler_text(k, f"w{thread}")).memory_id
                if k % 3 == 0:
                    engine.forget(TENANT, memory_ids=[memory_id])
        except BaseException as exc:
            errors.append(exc)

    def reader(thread: int) -> None:
        try:
            k = 0
            while not stop.is_set() and k < 5_000:
                found = engine.read(TENANT, filler_text(k % 200, "base"), max_results=5)
                assert found.memories, "a read returned nothing"
                assert found.memories[0].text == filler_text(k % 200, "base")
                reads[str(thread)] += 1
                k += 1
        except BaseException as exc:
            errors.append(exc)

    writers = [threading.Thread(target=writer, args=(t,)) for t in range(3)]
    readers = [threading.Thread(target=reader, args=(t,)) for t in range(3)]
    for thread in [*writers, *readers]:
        thread.start()
    for thread in writers:
        thread.join(timeout=300)
    stop.set()
    for thread in readers:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in [*writers, *readers])
    assert errors == []
    assert all(reads[str(t)] > 0 for t in range(3))
    assert engine.stats(TENANT).total_memories == 200 + 3 * 40
    engine.close()
