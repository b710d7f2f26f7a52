"""Fixtures for the engine-level tests: a real engine on a temporary file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scenarios.conftest import embedder  # the session-wide default embedder

from cml.engine.embedders import Embedder
from cml.engine.engine import Engine

__all__ = ["embedder"]


@pytest.fixture
def engine(tmp_path: Path, embedder: Embedder) -> Iterator[Engine]:
    """An engine with the default semantic embedder."""
    with Engine(tmp_path / "memory.db", embedder=embedder) as opened:
        yield opened


@pytest.fixture
def lexical(tmp_path: Path) -> Iterator[Engine]:
    """An engine without an embedder (full-text retrieval only)."""
    with Engine(tmp_path / "lexical.db", embedder="none") as opened:
        yield opened
