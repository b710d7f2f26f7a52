"""A filtered read's vector candidates are those of filtering first, by whichever path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from robustness._support import tiny_embed

from cml.engine.engine import Engine
from cml.engine.search import CANDIDATES

TENANT = "t-filter"
START = datetime(2026, 1, 1, tzinfo=UTC)
COLOURS = ["red", "green", "blue", "amber", "violet", "teal"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("filtered") / "memory.db"
    with Engine(path, embedder=tiny_embed) as opened:
        # 900 memories: mostly episodes, a handful of preferences, spread over 900 hours.
        for first in (0, 450):  # the batch limit is 500 turns
            opened.write_batch(
                TENANT,
                [
                    {
                        "content": f"Note {n}: the {COLOURS[n % 6]} kite flew over hill {n % 37}.",
                        "timestamp": START + timedelta(hours=n),
                    }
                    for n in range(first, first + 450)
                ],
            )
        for n in range(4):
            opened.write(
                TENANT,
                f"The user prefers {COLOURS[n]} kites over every other kite {n}.",
                memory_type="preference",
            )
        yield opened


def _filter_first(engine: Engine, where: str, params: list[object], query: str) -> object:
    """The reference: list every row the filter allows, then search among them."""
    with engine.store.read() as db:
        rows = db.execute(f"SELECT m.rowid FROM memories m WHERE {where}", params)
        allowed = {int(row[0]) for row in rows}
    vector = engine.backend.embed([query])[0]
    assert engine.backend.vectors is not None
    return engine.backend.vectors.search(vector, TENANT, CANDIDATES, allowed)


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({}, id="none"),
        # Most rows pass: the window of best hits holds enough of them.
        pytest.param({"since": START + timedelta(hours=50)}, id="wide-time-range"),
        pytest.param({"memory_types": ["episodic_event"]}, id="common-type"),
        # Few rows pass: the window runs short and the read falls back to the full list.
        pytest.param({"memory_types": ["preference"]}, id="rare-type"),
        pytest.param(
            {"since": START + timedelta(hours=10), "until": START + timedelta(hours=20)},
            id="narrow-time-range",
        ),
    ],
)
def test_filtered_candidates_equal_filtering_first(
    engine: Engine, filters: dict[str, object]
) -> None:
    query = "red kite over the hill"
    where, params = engine.searcher.filters(
        TENANT,
        context_filter=None,
        memory_types=list(filters.get("memory_types", [])),  # type: ignore[call-overload]
        since=filters.get("since"),  # type: ignore[arg-type]
        until=filters.get("until"),  # type: ignore[arg-type]
        namespace=None,
        session_id=None,
    )
    vector = engine.backend.embed([query])[0]
    with engine.store.read() as db:
        engine.backend.sync_vectors(db)
        got = engine.searcher.semantic(db, vector, TENANT, where, params)
    expected = _filter_first(engine, where, params, query)
    assert got  # every case has rows that pass
    # The same scores in the same order; rows with equal scores may come in either order, and
    # at the cut-off either of two tied rows may be the one kept.
    assert [score for _, score in got] == [score for _, score in expected]
    last = got[-1][1]
    assert {row for row, score in got if score > last} == {
        row for row, score in expected if score > last
    }
