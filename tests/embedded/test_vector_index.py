"""The vector index: approximate for a large tenant, yet as good as exact search where it counts,
kept right when another process writes, saved beside the database and reconciled on open."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cml.engine.engine import Engine
from cml.engine.vectors import VectorIndex

TENANT = "t-vectors"
DIM = 32
COUNT = 3_000
# Low enough that a test-sized tenant gets the approximate index.
THRESHOLD = 1_000


def _word_vector(text: str) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    for word in text.lower().split():
        vector[hashlib.md5(word.encode()).digest()[0] % DIM] += 1.0
    return vector


def _clustered(count: int, seed: int) -> np.ndarray:
    """Unit vectors around 40 centres: like embeddings, they come in topics."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, DIM))
    vectors = centres[rng.integers(0, 40, count)] + rng.normal(scale=0.45, size=(count, DIM))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


VECTORS = _clustered(COUNT, seed=1)


class LookupEmbedder:
    """'item N' is the Nth clustered vector; any other text its words hashed (deterministic)."""

    name = "lookup-test"
    dim = DIM

    def embed(self, texts: Sequence[str]) -> Any:
        rows = []
        for text in texts:
            head, _, rest = text.partition(" ")
            if head == "item" and rest.split()[0].isdigit():
                rows.append(VECTORS[int(rest.split()[0])])
            else:
                rows.append(_word_vector(text))
        matrix = np.array(rows, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0, 1.0, norms)


def _fill(engine: Engine, tenant: str, vectors: np.ndarray, first: int = 0) -> None:
    """Rows straight into the table (the engine's write path is tested elsewhere): fast."""
    with engine.store.write() as db:
        db.executemany(
            "INSERT INTO memories (id, tenant_id, text, type, timestamp, written_at, updated_at, "
            "content_hash, embedding, embedder) VALUES (?, ?, ?, 'episodic_event', "
            "'2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', "
            "'2026-01-01T00:00:00+00:00', ?, ?, 'lookup-test')",
            [
                (str(uuid.uuid4()), tenant, f"item {first + n}", uuid.uuid4().hex, v.tobytes())
                for n, v in enumerate(vectors)
            ],
        )


def _index(engine: Engine) -> VectorIndex:
    index = engine.backend.vectors
    assert isinstance(index, VectorIndex)
    return index


def _open(path: Path) -> Engine:
    engine = Engine(path, embedder=LookupEmbedder())
    _index(engine).threshold = THRESHOLD
    return engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with _open(tmp_path / "memory.db") as opened:
        _fill(opened, TENANT, VECTORS)
        _index(opened).sync()
        yield opened


def _recall_at_10(index: VectorIndex, queries: np.ndarray) -> float:
    approximate = index.search_many(queries, TENANT, 10)
    exact = index.search_many(queries, TENANT, 10, exact=True)
    shares = [
        len({r for r, _ in found} & {r for r, _ in truth}) / 10
        for found, truth in zip(approximate, exact, strict=True)
    ]
    return float(np.mean(shares))


def _queries(count: int = 60) -> np.ndarray:
    rng = np.random.default_rng(7)
    picked = VECTORS[rng.integers(0, COUNT, count)] + rng.normal(scale=0.2, size=(count, DIM))
    return (picked / np.linalg.norm(picked, axis=1, keepdims=True)).astype(np.float32)


def test_the_approximate_top_10_is_the_exact_one(engine: Engine) -> None:
    index = _index(engine)
    assert index.approximate_size(TENANT) == COUNT  # the large tenant is searched approximately
    assert _recall_at_10(index, _queries()) >= 0.98


def test_small_tenants_and_filtered_searches_are_exact(engine: Engine) -> None:
    _fill(engine, "small", VECTORS[:200])
    index = _index(engine)
    index.sync()
    assert index.approximate_size("small") == 0
    query = _queries(1)[0]
    scores = VECTORS[:200] @ query
    with engine.store.read() as db:
        small = [
            int(r[0])
            for r in db.execute("SELECT rowid FROM memories WHERE tenant_id = ?", ("small",))
        ]
    expected = [small[i] for i in np.argsort(-scores)[:10]]
    assert [r for r, _ in index.search(query, "small", 10)] == expected
    # A filter on the large tenant: exact among the allowed rows, however few.
    with engine.store.read() as db:
        rowids = [
            int(r[0])
            for r in db.execute("SELECT rowid FROM memories WHERE tenant_id = ?", (TENANT,))
        ]
    allowed = set(rowids[::97])
    positions = [rowids.index(r) for r in sorted(allowed)]
    best = sorted(positions, key=lambda p: -float(VECTORS[p] @ query))[:5]
    assert [r for r, _ in index.search(query, TENANT, 5, allowed)] == [rowids[p] for p in best]


def test_forgotten_and_rewritten_memories_leave_the_approximate_index(engine: Engine) -> None:
    index = _index(engine)
    query = _queries(1)[0]
    top = [r for r, _ in index.search(query, TENANT, 10)]
    ids = {
        int(r[0]): str(r[1])
        for r in engine.store.execute(
            "SELECT rowid, id FROM memories WHERE tenant_id = ?", (TENANT,)
        )
    }
    engine.forget(TENANT, memory_ids=[ids[top[0]]], action="delete")
    engine.update(TENANT, ids[top[1]], text="something else entirely")
    after = [r for r, _ in index.search(query, TENANT, 10)]
    assert top[0] not in after
    assert top[1] not in after
    assert after == [r for r, _ in index.search_many([query], TENANT, 10, exact=True)[0]]
    # The rewritten memory is found by its new vector.
    rewritten = LookupEmbedder().embed(["something else entirely"])[0]
    assert index.search(rewritten, TENANT, 1)[0][0] == top[1]


def test_reads_do_not_fetch_the_embeddings(engine: Engine) -> None:
    explained = engine.searcher.explain(TENANT, "item 5")
    assert explained.ranking.rows
    for row in explained.ranking.rows.values():
        assert "embedding" not in row.keys()  # noqa: SIM118 (a sqlite3.Row iterates values)


_OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    import numpy as np
    from cml.engine.engine import Engine

    def embed(texts):  # any vectors will do: the test compares them
        ones, other = np.ones({dim}), np.arange({dim}) % 3 - 1.0
        return np.array([ones if "rewritten" in t else other for t in texts], dtype=np.float32)

    with Engine(sys.argv[1], embedder=embed) as engine:
        engine.forget("{tenant}", memory_ids=[sys.argv[2]], action="delete")
        engine.update("{tenant}", sys.argv[3], text="rewritten by another process")
        engine.write("{tenant}", "a new memory from another process")
    """
).format(dim=DIM, tenant=TENANT)


def _other_process(path: Path, deleted: str, rewritten: str) -> None:
    subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, str(path), deleted, rewritten],
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=120,
    )


def _ids(engine: Engine) -> dict[int, str]:
    rows = engine.store.execute("SELECT rowid, id FROM memories WHERE tenant_id = ?", (TENANT,))
    return {int(r[0]): str(r[1]) for r in rows}


def test_another_process_writes_are_reconciled_not_rebuilt(engine: Engine) -> None:
    index = _index(engine)
    query = _queries(1)[0]
    top = [r for r, _ in index.search(query, TENANT, 10)]
    ids = _ids(engine)
    _other_process(Path(engine.store.path), ids[top[0]], ids[top[1]])
    index.sync()
    after = index.search(query, TENANT, COUNT + 1)
    found = dict(after)
    assert top[0] not in found  # deleted there
    new = max(_ids(engine))
    assert new in found  # written there (held exactly until the index takes it in)
    ones = np.ones(DIM, dtype=np.float32) / np.sqrt(DIM)
    assert found[top[1]] == pytest.approx(float(ones @ query), abs=1e-5)  # re-embedded there
    assert index.approximate_size(TENANT) >= COUNT - 2  # the index was kept, not dropped
    assert _recall_at_10(index, _queries()) >= 0.98


def test_the_index_saved_beside_the_database_is_reconciled_on_open(tmp_path: Path) -> None:
    path = tmp_path / "memory.db"
    with _open(path) as first:
        _fill(first, TENANT, VECTORS)
        _index(first).sync()
        query = _queries(1)[0]
        top = [r for r, _ in _index(first).search(query, TENANT, 10)]
        ids = _ids(first)
    saved = list((tmp_path / "memory.db.vectors").iterdir())
    assert len(saved) == 1
    # Changed while no index was open: the saved one is stale.
    with Engine(path, embedder="none") as lexical:
        lexical.forget(TENANT, memory_ids=[ids[top[0]]], action="archive")
        _fill(lexical, TENANT, VECTORS[:5] * -1.0, first=COUNT)
    with _open(path) as second:
        index = _index(second)
        index.sync()
        result = [r for r, _ in index.search(query, TENANT, 10)]
        assert top[0] not in result
        assert result == [r for r, _ in index.search_many([query], TENANT, 10, exact=True)[0]]
        assert index.approximate_size(TENANT) == COUNT - 1  # loaded, then reconciled
    # A damaged file is ignored (and rebuilt), never trusted.
    saved[0].write_bytes(b"not an index")
    with _open(path) as third:
        index = _index(third)
        index.sync()
        assert [r for r, _ in index.search(query, TENANT, 10)] == result


def test_a_batch_checks_its_repeats_with_one_search(tmp_path: Path) -> None:
    words = " ".join(f"word{n}" for n in range(40))
    with Engine(tmp_path / "memory.db", embedder=LookupEmbedder()) as engine:
        stored = engine.write(TENANT, f"Nadia said {words} on 16 July.")
        index = _index(engine)
        calls: list[int] = []
        search_many = index.search_many

        def counted(queries: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(len(queries))
            return search_many(queries, *args, **kwargs)

        index.search_many = counted  # type: ignore[method-assign]
        done = engine.write_batch(
            TENANT,
            [
                {"content": f"Nadia said {words} on 16 July!"},  # the same statement: reinforced
                {"content": f"Nadia said {words} on 18 July."},  # another date: stored
                {"content": "Something unrelated."},
            ],
        )
    assert calls == [3]  # one search for the whole batch
    assert done.memory_ids is not None
    assert done.memory_ids[0] is None
    assert done.chunks_per_turn == [0, 1, 1]
    assert str(stored.memory_id) not in done.memory_ids


def test_the_repeat_checks_short_search_finds_every_near_identical_vector(engine: Engine) -> None:
    # Copies of stored vectors nudged to a cosine of about 0.98: the repeat check's candidates.
    rng = np.random.default_rng(3)
    picked = VECTORS[rng.integers(0, COUNT, 300)]
    nudged = picked + rng.normal(scale=0.03, size=picked.shape)
    nudged = (nudged / np.linalg.norm(nudged, axis=1, keepdims=True)).astype(np.float32)
    index = _index(engine)
    near = index.search_many(nudged, TENANT, 8, near=True)
    exact = index.search_many(nudged, TENANT, 8, exact=True)
    for found, truth in zip(near, exact, strict=True):
        close = {rowid for rowid, cosine in truth if cosine >= 0.97}
        assert close, "every nudged copy has its original within 0.97"
        assert close <= {rowid for rowid, _ in found}


def test_an_index_that_cannot_be_saved_costs_only_a_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "memory.db"
    folder = tmp_path / "memory.db.vectors"
    folder.mkdir()
    # faiss cannot write its file: a folder stands where it would go.
    (folder / f"{TENANT.encode().hex()}-{DIM}.ivf.{os.getpid()}.partial").mkdir()
    with _open(path) as first:
        _fill(first, TENANT, VECTORS)
        _index(first).sync()
        query = _queries(1)[0]
        expected = [r for r, _ in _index(first).search(query, TENANT, 10)]
    assert not (folder / f"{TENANT.encode().hex()}-{DIM}.ivf").exists()  # closed all the same
    with _open(path) as second:
        index = _index(second)
        index.sync()
        assert index.approximate_size(TENANT) == COUNT  # rebuilt
        assert [r for r, _ in index.search(query, TENANT, 10)] == expected
