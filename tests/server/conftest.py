"""Fixtures for the dashboard tests: the local server (`cml serve`) on a loopback socket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scenarios.conftest import ADMIN_KEY, USER_KEY, LocalServer, embedder

from cml.engine.embedders import Embedder
from cml.engine.engine import Engine

__all__ = ["ADMIN_KEY", "USER_KEY", "embedder"]


@pytest.fixture
def server(tmp_path: Path, embedder: Embedder) -> Iterator[LocalServer]:
    engine = Engine(tmp_path / "server.db", embedder=embedder)
    with LocalServer.for_engine(engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY) as running:
        yield running
    engine.close()
