"""Fixtures of the robustness suite: a real local server on a loopback socket, subprocess runner."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from local_server import LocalServer

__all__ = ["LocalServer"]

WORKER = Path(__file__).resolve().parent / "_worker.py"


def worker_command(*args: str) -> list[str]:
    """The command line that runs `_worker.py` with `args` in a fresh interpreter."""
    return [sys.executable, str(WORKER), *args]


def worker_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CML_")}


@pytest.fixture(autouse=True)
def _no_cml_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("CML_"):
            monkeypatch.delenv(name)
