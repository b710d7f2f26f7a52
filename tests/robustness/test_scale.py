"""A 100,000-memory store: planted needles are found, alone and under concurrent load.

The upstream engine silently returned empty reads beyond ~5,000 memories and under concurrent
load; here every needle query must return its needle in the top 5, and a read must return the
same ids in the same order whether it runs alone or beside 15 others.

Building the store: the 100,000 filler rows are inserted with one `executemany` into the
engine's own schema (through `Store.write`, so triggers fill the FTS index and the generation
counter moves), with vectors from the engine's embedder. `Engine.write_batch` is not used for
them because it checks every turn for a near-duplicate against the whole vector index, which
costs O(rows) per turn: measured here at 10-15 ms per turn past 20,000 rows on two busy cores,
so 100,000 rows took far longer than the few minutes this suite may take. The 20 needles go
through `Engine.write`, the real write path.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import cml
from cml.engine.checks import content_hash as _hash
from cml.engine.checks import iso as _iso
from cml.engine.engine import Engine
from cml.server.app import create_app

from ._support import ADMIN_KEY, USER_KEY, filler_text, tiny_embed
from .conftest import LocalServer

TENANT = "default"
SIZE = 100_000

_NEEDLES = [
    ("quillfeather", "telescope", "boathouse"),
    ("marrowdune", "blueprints", "cellar"),
    ("ostrava", "violin", "attic"),
    ("pelliwink", "ledger", "greenhouse"),
    ("sarabande", "compass", "lighthouse"),
    ("tindertrove", "lantern", "chapel"),
    ("umbrafort", "hourglass", "stable"),
    ("vellichor", "manuscript", "vault"),
    ("wickerlane", "kayak", "garage"),
    ("xanthoria", "microscope", "laboratory"),
    ("yarrowmere", "tapestry", "gallery"),
    ("zephyrine", "anvil", "forge"),
    ("brindlecap", "harpsichord", "ballroom"),
    ("cobbleway", "seedbank", "orchard"),
    ("dappleshire", "sextant", "wheelhouse"),
    ("emberlyn", "chessboard", "library"),
    ("fennimore", "drone", "hangar"),
    ("glimmerholt", "kiln", "workshop"),
    ("hollowmere", "banner", "tower"),
    ("ivorygate", "beehives", "meadow"),
]


def needle_text(name: str, thing: str, place: str) -> str:
    return f"Project {name} keeps its {thing} in the {place}."


def needle_query(name: str, thing: str, place: str) -> str:
    return f"Where does project {name} keep its {thing}?"


class BigStore:
    def __init__(self, path: Path, needles: dict[str, str]) -> None:
        self.path = path
        self.needles = needles  # query -> memory id


def _build(path: Path) -> BigStore:
    engine = Engine(path, embedder=tiny_embed)
    assert engine.embedder is not None
    now = datetime.now(UTC)
    # One timestamp for every filler: recency then never separates two fillers, so rankings
    # cannot drift while the clock moves during a test. The needles are older (1 to 58 days).
    moment = _iso(now - timedelta(hours=12))
    texts = [filler_text(k) for k in range(SIZE)]
    vectors = engine.embedder.embed(texts)
    rows = []
    for k, (text, vector) in enumerate(zip(texts, vectors, strict=True)):
        rows.append(
            (
                f"00000000-0000-4000-8000-{k:012d}",
                TENANT,
                text,
                "episodic_event",
                0.5,
                0.5,
                '["world"]',
                moment,
                moment,
                moment,
                _hash(text),
                vector.tobytes(),
                engine.embedder.name,
            )
        )
    with engine.store.write() as db:
        db.executemany(
            "INSERT INTO memories (id, tenant_id, text, type, confidence, importance, "
            "context_tags, timestamp, written_at, updated_at, content_hash, embedding, embedder) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    needles = {}
    for index, needle in enumerate(_NEEDLES):
        response = engine.write(
            TENANT,
            needle_text(*needle),
            memory_type="semantic_fact",
            context_tags=["personal"],
            timestamp=now - timedelta(days=3 * index + 1),
        )
        assert response.chunks_created == 1
        needles[needle_query(*needle)] = str(response.memory_id)
    assert engine.stats(TENANT).total_memories == SIZE + len(_NEEDLES)
    engine.close()
    return BigStore(path, needles)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> BigStore:
    return _build(tmp_path_factory.mktemp("scale") / "big.db")


@pytest.fixture
def engine(big_store: BigStore) -> Iterator[Engine]:
    with Engine(big_store.path, embedder=tiny_embed) as opened:
        yield opened


def _ids(response: Any) -> list[str]:
    return [str(m.id) for m in response.memories]


@pytest.mark.parametrize("embedder", ["tiny", "none"])
def test_every_needle_is_found(big_store: BigStore, embedder: str) -> None:
    with Engine(big_store.path, embedder=tiny_embed if embedder == "tiny" else "none") as engine:
        for query, memory_id in big_store.needles.items():
            found = _ids(engine.read(TENANT, query, max_results=5))
            assert memory_id in found, query
            filtered = engine.read(TENANT, query, max_results=5, memory_types=["semantic_fact"])
            assert memory_id in _ids(filtered), query
            tagged = engine.read(TENANT, query, max_results=5, context_filter=["personal"])
            assert memory_id in _ids(tagged), query


def test_concurrent_reads_equal_solo_reads(big_store: BigStore, engine: Engine) -> None:
    requests = [(query, None) for query in big_store.needles]
    requests += [(query, ["semantic_fact"]) for query in list(big_store.needles)[:5]]
    requests += [(filler_text(k), None) for k in (0, 777, 31_415, 99_999)]

    def run(query: str, types: list[str] | None) -> list[str]:
        return _ids(engine.read(TENANT, query, max_results=5, memory_types=types))

    solo = {(query, str(types)): run(query, types) for query, types in requests}
    for (query, _), ids in solo.items():
        assert ids, query
        if query in big_store.needles:
            assert big_store.needles[query] in ids
    for k in (0, 777, 31_415, 99_999):
        assert solo[(filler_text(k), "None")][0] == f"00000000-0000-4000-8000-{k:012d}"

    start = threading.Barrier(16)
    mismatches: list[tuple[str, list[str], list[str]]] = []
    errors: list[BaseException] = []

    def reader(seed: int) -> None:
        # 15 requests per thread, windows that together cover every request several times.
        order = [requests[(seed * 15 + j) % len(requests)] for j in range(15)]
        random.Random(seed).shuffle(order)
        try:
            start.wait(timeout=60)
            for query, types in order:
                got = run(query, types)
                if got != solo[(query, str(types))]:
                    mismatches.append((query, got, solo[(query, str(types))]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(seed,)) for seed in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert mismatches == []


def test_concurrent_async_http_reads_equal_solo_reads(big_store: BigStore) -> None:
    engine = Engine(big_store.path, embedder=tiny_embed)
    app = create_app(engine=engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY)
    queries = list(big_store.needles)

    async def scenario(url: str) -> None:
        async with cml.AsyncCognitiveMemoryLayer(
            api_key=USER_KEY, base_url=url, max_retries=0, timeout=300
        ) as memory:
            solo = {q: _ids(await memory.read(q, max_results=5)) for q in queries}
            for query, ids in solo.items():
                assert big_store.needles[query] in ids, query
            batch = [queries[i % len(queries)] for i in range(100)]
            answers = await asyncio.gather(*(memory.read(q, max_results=5) for q in batch))
            for query, answer in zip(batch, answers, strict=True):
                assert _ids(answer) == solo[query], query

    try:
        with LocalServer(app) as server:
            asyncio.run(scenario(server.url))
    finally:
        engine.close()
