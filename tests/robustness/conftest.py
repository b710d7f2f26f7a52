"""Fixtures of the robustness suite: a real local server on a loopback socket, subprocess runner."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

WORKER = Path(__file__).resolve().parent / "_worker.py"


class LocalServer:
    """An ASGI app served by uvicorn on 127.0.0.1 in a background thread (like `cml serve`)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.app = app
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self) -> LocalServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the local server did not start within 30 s")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()


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
