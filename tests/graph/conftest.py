"""A real Bolt server for the graph tests: ArcadeDB, whose wheel bundles a JVM and a Bolt plugin
speaking Neo4j's protocol, started in a child process (_bolt_server.py) on loopback ports."""

from __future__ import annotations

import json
import selectors
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

SCRIPT = Path(__file__).with_name("_bolt_server.py")
START_TIMEOUT = 120.0  # seconds; a cold JVM on a busy 2-core machine takes a while


@attrs.frozen
class BoltServer:
    uri: str
    auth: tuple[str, str]
    database: str


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ""
    return process.stdout.readline()


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """ArcadeDB with its Bolt plugin, once per session (it takes a few seconds to start). Fails,
    never skips: without it, nothing shows the Bolt back end works against a real server."""
    root = tmp_path_factory.mktemp("arcadedb")
    errors = root / "stderr.log"
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(SCRIPT), str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=root,
        )
    try:
        line = _first_line(process, START_TIMEOUT)
        if not line:
            process.kill()
            process.wait(timeout=30)
            pytest.fail(
                "ArcadeDB (the Bolt test server; pip install arcadedb-embedded) did not start:\n"
                + errors.read_text()[-4000:],
                pytrace=False,
            )
        ready = json.loads(line)
        yield BoltServer(
            f"bolt://127.0.0.1:{ready['port']}", ("root", ready["password"]), ready["database"]
        )
    finally:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.close()  # the server's signal to stop
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        process.stdout.close()
