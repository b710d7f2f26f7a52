"""Fixtures for the `cml` command line: `main([...])` in-process, against an embedded store in
tmp_path or the real local server on 127.0.0.1, with keys from the environment."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from local_server import LocalServer

from cml import _logging
from cml.__main__ import main
from cml.engine.engine import Engine

USER_KEY = "cli-user-key-0123456789"
ADMIN_KEY = "cli-admin-key-9876543210"
TARGETS = ["embedded", "server"]


@attrs.frozen
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def json_lines(self) -> list[Any]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


Run = Callable[..., Result]


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No CML_* setting or .env from the machine; the default embedded store under tmp_path."""
    for name in list(os.environ):
        if name.startswith("CML_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CML_DB_PATH", str(tmp_path / "default-store.db"))
    # A server that cannot be reached fails at once instead of backing off for seconds.
    monkeypatch.setenv("CML_MAX_RETRIES", "0")
    return tmp_path


@pytest.fixture(autouse=True)
def restore_log_secrets() -> Iterator[None]:
    """The `cml` log filter remembers every key a client saw; forget this test's keys."""
    saved = _logging._FILTER._secrets
    yield
    _logging._FILTER._secrets = saved


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """`run("read", "query", ...)`: main() in-process; its exit code, stdout and stderr."""

    def invoke(*argv: str) -> Result:
        capsys.readouterr()  # only this call's output
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """The local server with keys on a loopback socket; the keys in the environment."""
    engine = Engine(tmp_path / "server.db", embedder="none")
    with LocalServer.for_engine(engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY) as running:
        monkeypatch.setenv("CML_API_KEY", USER_KEY)
        monkeypatch.setenv("CML_ADMIN_API_KEY", ADMIN_KEY)
        yield running
    engine.close()


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """The options that point a command at each kind of store (cheap embedder: no model)."""
    if request.param == "server":
        running: LocalServer = request.getfixturevalue("server")
        return ["--url", running.url]
    return ["--db", str(tmp_path / "memory.db"), "--embedder", "none"]
