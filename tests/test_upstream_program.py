"""An upstream SDK program (tests/upstream_program.py) runs against `cml serve` on 127.0.0.1 and
in embedded mode; and the answers that used to mislead (tenant split, batch results, aware
datetimes) are honest against the real local server."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import upstream_program
from local_server import LocalServer, ServeProcess
from scenarios.conftest import ADMIN_KEY, USER_KEY, embedder

import cml
from cml.config import CMLConfig
from cml.engine.embedders import Embedder
from cml.engine.engine import Engine

__all__ = ["embedder"]

pytestmark = pytest.mark.integration


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CML_")}


@pytest.fixture
def cml_serve(tmp_path: Path) -> Iterator[ServeProcess]:
    """`python -m cml serve` as its own process on 127.0.0.1, with both keys."""
    args = ["--db", tmp_path / "server.db", "--api-key", USER_KEY, "--admin-api-key", ADMIN_KEY]
    program = [sys.executable, "-m", "cml"]
    with ServeProcess(program, *args, log=tmp_path / "serve.log", env=_env()) as server:
        yield server


@pytest.fixture
def server(tmp_path: Path, embedder: Embedder) -> Iterator[LocalServer]:
    engine = Engine(tmp_path / "local.db", embedder=embedder)
    with LocalServer.for_engine(engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY) as running:
        yield running
    engine.close()


def _client(server: LocalServer, **settings: object) -> cml.CognitiveMemoryLayer:
    return cml.CognitiveMemoryLayer(
        api_key=USER_KEY,
        admin_api_key=ADMIN_KEY,
        base_url=server.url,
        max_retries=0,
        **settings,  # type: ignore[arg-type]
    )


def test_the_upstream_program_runs_against_cml_serve(cml_serve: ServeProcess) -> None:
    config = CMLConfig(
        api_key=USER_KEY, admin_api_key=ADMIN_KEY, base_url=cml_serve.url, max_retries=0
    )
    report = upstream_program.server_report(config)
    assert isinstance(report["first_id"], uuid.UUID)
    assert report["first_text"] == upstream_program.FACTS[0]
    assert report["missing_found"] is False  # NotFoundError, as upstream raised it
    assert all(isinstance(i, uuid.UUID) for i in report["batch_ids"])  # ids from write_batch
    assert report["total_memories"] == 3
    assert report["by_type"]["preference"] >= 1
    assert report["listed"] == sorted(upstream_program.FACTS)
    assert report["listed_types"]["User prefers vegetarian food."] == "preference"
    assert "vegetarian" in report["context"]
    assert report["neo4j_url"] == ""  # 200, "not configured" (was a 501 retried for seconds)
    assert report["forgotten"] == 0  # nothing is a year old; and no 500 for an aware time
    assert report["sessions"] == [(report["session_id"], 1)]  # SessionInfo, typed
    assert "reinforce" in report["operations"]


def test_the_upstream_program_runs_embedded(tmp_path: Path) -> None:
    report = asyncio.run(upstream_program.embedded_report(str(tmp_path / "embedded.db")))
    assert (tmp_path / "embedded.db").is_file()  # EmbeddedConfig's database_url was honoured
    assert report["tenant"] == "household"
    assert report["total"] == 3
    assert report["top"] == "User prefers vegetarian food."
    assert "vegetarian" in report["context"]


def test_batch_results_say_what_was_stored(server: LocalServer) -> None:
    texts = [
        "Alice keeps bees on the roof.",
        "Bob restores old motorbikes.",
        "Alice keeps bees on the roof.",  # a duplicate inside the batch
        "Carol sings in a choir.",
        "Bob restores old motorbikes.",  # and another
        "Dan grows chillies on his balcony.",
        "Carol sings in a choir.",
    ]
    with _client(server) as memory:
        results = memory.batch_write([{"content": t} for t in texts])
        stored = [r for r in results if r.memory_id is not None]
        assert len(stored) == memory.stats().total_memories == 4
        assert [r.eval_outcome for r in results] == [
            "stored",
            "stored",
            "skipped",
            "stored",
            "skipped",
            "stored",
            "skipped",
        ]
        for result, text in zip(results, texts, strict=True):
            assert result.ok
            if result.memory_id is None:
                assert "Not stored" in result.message
                assert result.chunks_created == 0
            else:
                assert memory.dashboard_memory_detail(result.memory_id).text == text
                assert result.chunks_created == 1
        # Sent again: every turn is a duplicate now, and each result says so.
        again = memory.batch_write([{"content": t} for t in texts[:2]])
        assert [(r.memory_id, r.eval_outcome) for r in again] == [(None, "skipped")] * 2


def test_a_tenant_is_used_for_memory_and_admin_calls_alike(server: LocalServer) -> None:
    with _client(server, tenant_id="acme") as memory:
        memory.write("Acme's fiscal year starts in April.")
        memory.batch_write([{"content": "Acme ships from Rotterdam."}])
        assert memory.dashboard_overview(tenant_id="acme").total_memories == 2
        assert memory.stats().total_memories == 2
    with _client(server) as default_tenant:
        assert default_tenant.stats().total_memories == 0  # nothing leaked into "default"
    with pytest.raises(cml.ConfigurationError, match="normal API key"):
        cml.CognitiveMemoryLayer(api_key=USER_KEY, base_url=server.url, tenant_id="acme")


def test_aware_times_reach_the_server_as_the_same_instant(server: LocalServer) -> None:
    with _client(server) as memory:
        memory.write("An old note.", timestamp=datetime(2020, 1, 1, 12, 0, tzinfo=UTC))
        memory.write("A new note.")
        tokyo = timezone(timedelta(hours=9))
        # 2021-01-01 09:00 in Tokyo is midnight UTC: the old note only.
        result = memory.forget(before=datetime(2021, 1, 1, 9, 0, tzinfo=tokyo))
        assert result.affected_count == 1
        later = memory.read("note", until=datetime(2021, 1, 1, 9, 0, tzinfo=tokyo))
        assert [m.text for m in later.memories] == []
