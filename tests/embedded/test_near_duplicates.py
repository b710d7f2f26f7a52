"""A write that says a stored memory again (its vector within the near-duplicate cosine of the
memory's, the same numbers, dates, names and negations) reinforces that memory instead of
storing a second one, within its namespace only.

The embedder is a fixed table, so every cosine is exactly what the test says it is.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cml.engine.duplicates import NEAR_DUPLICATE_COSINE
from cml.engine.engine import Engine

TENANT = "dupes"
DIM = 64
STORED = "The lamp is on the desk."
# Cosines with STORED: just above and just below the threshold (float32 holds them to ~1e-7).
ABOVE = "The lamp sits on the desk."
BELOW = "The lamp rests on the desk."
MARGIN = 0.001
# Close to ABOVE's direction but a different fact: another number, a negation, a name.
OTHER_FACTS = [
    "The lamp is on desk 2.",
    "The lamp is not on the desk.",
    "The lamp of Nadia is on the desk.",
]
# Memories of another namespace, each closer to ABOVE than STORED is (see `_table`).
CROWD = [f"The lamp is on desk {n}." for n in range(3, 3 + 24)]


def _unit(axis: int) -> list[float]:
    vector = [0.0] * DIM
    vector[axis] = 1.0
    return vector


def _towards(cosine: float, base: int, side: int) -> list[float]:
    """A unit vector at `cosine` from axis `base`, leaning towards axis `side`."""
    vector = [0.0] * DIM
    vector[base] = cosine
    vector[side] = math.sqrt(1.0 - cosine * cosine)
    return vector


def _table() -> dict[str, list[float]]:
    # ABOVE lies on axis 0. STORED is at NEAR_DUPLICATE_COSINE + MARGIN from it; BELOW is on
    # the far side of STORED, at NEAR_DUPLICATE_COSINE - MARGIN from STORED.
    stored_angle = math.acos(NEAR_DUPLICATE_COSINE + MARGIN)
    below_angle = stored_angle + math.acos(NEAR_DUPLICATE_COSINE - MARGIN)
    table = {
        ABOVE: _unit(0),
        STORED: _towards(math.cos(stored_angle), 0, 1),
        BELOW: _towards(math.cos(below_angle), 0, 1),
    }
    for n, text in enumerate(OTHER_FACTS):
        table[text] = _towards(0.999, 0, 2 + n)
    for n, text in enumerate(CROWD):
        # Each at 0.995 from ABOVE: nearer than STORED, and all above the threshold.
        table[text] = _towards(0.995, 0, 2 + len(OTHER_FACTS) + n)
    return table


TABLE = _table()


def fixed_embed(texts: list[str]) -> Any:
    import numpy as np

    # Any other text (the embedder's dimension probe, a query) points away from them all.
    return np.array([TABLE.get(t, _unit(DIM - 1)) for t in texts], dtype=np.float32)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with Engine(tmp_path / "dupes.db", embedder=fixed_embed) as opened:
        yield opened


def _cosine(first: str, second: str) -> float:
    return sum(a * b for a, b in zip(TABLE[first], TABLE[second], strict=True))


def test_the_table_straddles_the_threshold() -> None:
    assert _cosine(STORED, ABOVE) == pytest.approx(NEAR_DUPLICATE_COSINE + MARGIN, abs=1e-9)
    assert _cosine(STORED, BELOW) == pytest.approx(NEAR_DUPLICATE_COSINE - MARGIN, abs=1e-9)
    assert all(_cosine(ABOVE, t) > _cosine(ABOVE, STORED) for t in CROWD)


def _count(engine: Engine) -> int:
    return engine.stats(TENANT).total_memories


def test_just_above_the_threshold_reinforces(engine: Engine) -> None:
    first = engine.write(TENANT, STORED)
    again = engine.write(TENANT, ABOVE)
    assert again.memory_id == first.memory_id
    assert again.chunks_created == 0
    assert _count(engine) == 1


def test_just_below_the_threshold_stores_a_new_memory(engine: Engine) -> None:
    first = engine.write(TENANT, STORED)
    again = engine.write(TENANT, BELOW)
    assert again.memory_id != first.memory_id
    assert again.chunks_created == 1
    assert _count(engine) == 2


@pytest.mark.parametrize("text", OTHER_FACTS)
def test_a_close_vector_stating_another_fact_is_a_new_memory(engine: Engine, text: str) -> None:
    first = engine.write(TENANT, ABOVE)
    again = engine.write(TENANT, text)
    assert again.memory_id != first.memory_id
    assert _count(engine) == 2


def test_a_near_duplicate_in_another_namespace_is_a_new_memory(engine: Engine) -> None:
    first = engine.write(TENANT, STORED, namespace="home")
    again = engine.write(TENANT, ABOVE, namespace="office")
    assert again.memory_id != first.memory_id
    assert _count(engine) == 2


def test_a_near_duplicate_of_another_tenant_is_a_new_memory(engine: Engine) -> None:
    engine.write(TENANT, "An unrelated note.")  # the tenant has memories of its own
    first = engine.write("neighbour", STORED)
    again = engine.write(TENANT, ABOVE)
    assert again.memory_id != first.memory_id
    assert engine.stats("neighbour").total_memories == 1
    assert _count(engine) == 2


def test_a_near_duplicate_is_found_behind_closer_memories_of_other_namespaces(
    engine: Engine,
) -> None:
    first = engine.write(TENANT, STORED, namespace="home")
    for text in CROWD:
        assert engine.write(TENANT, text, namespace="office").chunks_created == 1
    again = engine.write(TENANT, ABOVE, namespace="home")
    assert again.memory_id == first.memory_id
    assert _count(engine) == 1 + len(CROWD)


def test_a_near_duplicate_is_found_behind_closer_memories_stating_other_facts(
    engine: Engine,
) -> None:
    # The crowd in the same namespace: each nearer than STORED, none the same statement.
    first = engine.write(TENANT, STORED)
    for text in CROWD:
        assert engine.write(TENANT, text).chunks_created == 1
    again = engine.write(TENANT, ABOVE)
    assert again.memory_id == first.memory_id
