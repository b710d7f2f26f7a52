"""Fixtures of the fault drills, and the report of their figures.

Each drill records what it measured with the `figures` fixture; at the end of the run the
figures are printed in the terminal summary (so they show in CI logs without `-s`) and written
to `bench-results/drills.json`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from local_server import LocalServer

from ._support import start_server

_FIGURES = pytest.StashKey[dict[str, dict[str, Any]]]()
_REPORT = Path("bench-results") / "drills.json"


@pytest.fixture(autouse=True)
def _no_cml_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings from the developer's environment (a CML_TIMEOUT, say) would change the drills.
    for name in list(os.environ):
        if name.startswith("CML_"):
            monkeypatch.delenv(name)


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    """Where a drill puts its figures: one entry per drill, a flat mapping of name to value."""
    return request.config.stash.setdefault(_FIGURES, {})


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalServer]:
    """A fresh local server (real uvicorn, loopback socket) over a new store."""
    running = start_server(tmp_path / "drill.db")
    with running:
        yield running
    assert running.engine is not None
    running.engine.close()


def _collected(config: pytest.Config) -> dict[str, dict[str, Any]]:
    return config.stash.get(_FIGURES, {})


def pytest_sessionfinish(session: pytest.Session) -> None:
    figures = _collected(session.config)
    if not figures:
        return
    path = session.config.rootpath / _REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    figures = _collected(config)
    if not figures:
        return
    terminalreporter.write_sep("=", "fault drill figures")
    for drill, values in figures.items():
        terminalreporter.write_line(f"{drill}:")
        for name, value in values.items():
            shown = f"{value:.4g}" if isinstance(value, float) else value
            terminalreporter.write_line(f"    {name:<32} {shown}")
    terminalreporter.write_line(f"(also written to {config.rootpath / _REPORT})")
