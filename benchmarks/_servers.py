"""The local server for the HTTP benchmarks: in a thread of this process, or as `cml serve`.

In a thread (the tests' `LocalServer`) when a client is compared with raw httpx against the same
server: both sides see the same server, so where it runs does not favour either. As a separate
`cml serve` process when concurrency is measured: that is how the server is deployed, and in a
thread it would share this process's GIL with the client it is serving.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import cml
from cml.engine.engine import Engine

from ._common import ROOT

START_SECONDS = 60.0


@contextmanager
def local_server(engine: Engine, *, api_key: str) -> Iterator[str]:
    """`cml serve`'s app over `engine`, under uvicorn on 127.0.0.1 in a thread; yields its URL."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.local_server import LocalServer

    with LocalServer.for_engine(engine, api_key=api_key, admin_api_key=None) as server:
        yield server.url


def _free_port() -> int:
    # The port is free when asked; another process could take it before the server binds it,
    # which the start-up check below would then report.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server_process(db_path: Path, *, api_key: str, embedder: str = "none") -> Iterator[str]:
    """`cml serve --db db_path` in a child process on 127.0.0.1; yields its URL once it answers."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "cml", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--db", str(db_path), "--embedder", embedder, "--log-level", "warning"]
    # No rate limit: the benchmark measures throughput, which `serve`'s default per-key limit
    # would cap (and answer with 429s) long before the server is busy.
    command += ["--rate-limit", "0"]
    environment = {**os.environ, "CML_API_KEY": api_key}  # not in argv: process lists show it
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=environment
        )
        try:
            _wait_until_up(process, url, api_key, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _wait_until_up(
    process: subprocess.Popen[bytes], url: str, api_key: str, log: IO[bytes]
) -> None:
    deadline = time.monotonic() + START_SECONDS
    with cml.CognitiveMemoryLayer(api_key=api_key, base_url=url, max_retries=0) as probe:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                probe.health()
                return
            except cml.CMLConnectionError:
                time.sleep(0.05)
    log.seek(0)
    output = log.read()[-2000:]
    raise RuntimeError(
        f"cml serve did not answer on {url} within {START_SECONDS:.0f} s "
        f"(exit code {process.poll()}): {output.decode(errors='replace')}"
    )
