"""The examples run as a user would run them: as scripts, against a real `cml serve` process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CML_")}
    env.update(extra)
    return env


@pytest.fixture
def cml_serve(tmp_path: Path) -> Iterator[str]:
    """`python -m cml serve` as a separate process on 127.0.0.1."""
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cml",
                "serve",
                "--port",
                str(port),
                "--db",
                str(tmp_path / "server.db"),
                "--log-level",
                "warning",
            ],
            env=_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"cml serve exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("cml serve did not answer within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_embedded_mode_example(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "embedded_mode.py"), str(tmp_path / "memory.db")],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    top = result.stdout.split("Top memories")[1].splitlines()[1]
    assert "User prefers vegetarian food and lives in Paris." in top
    assert "# Retrieved Memory Context" in result.stdout
    assert (tmp_path / "memory.db").exists()


def test_client_mode_example_against_cml_serve(cml_serve: str) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "client_mode.py")],
        env=_env(CML_BASE_URL=cml_serve),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "is compatible with client API 1.5.1" in result.stdout
    assert "User prefers vegetarian food and lives in Paris." in result.stdout
    assert "streamed: User prefers vegetarian food and lives in Paris." in result.stdout


def test_openapi_document_is_served(cml_serve: str) -> None:
    document = httpx.get(f"{cml_serve}/openapi.json", timeout=10).json()
    assert document["info"]["version"] == "1.5.1"
    assert len([op for item in document["paths"].values() for op in item]) == 62


def test_serve_refuses_a_public_address_without_keys() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cml", "serve", "--host", "0.0.0.0", "--port", "1"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0 without API keys" in result.stderr
