"""Exit codes and error reports: typed messages on stderr, no traceback, never a key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from local_server import LocalServer

import cml
from cml.engine.engine import Engine

from .conftest import ADMIN_KEY, USER_KEY, Run, free_port


def test_server_down_is_a_connection_error(run: Run) -> None:
    result = run("--url", f"http://127.0.0.1:{free_port()}", "stats")
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("cml: CMLConnectionError: Could not connect to the server")
    assert "Traceback" not in result.err


def test_server_down_as_json(run: Run) -> None:
    result = run("--url", f"http://127.0.0.1:{free_port()}", "health", "--json")
    assert result.code == 1
    error = json.loads(result.err)["error"]
    assert error["type"] == "CMLConnectionError"
    assert error["hint"]


def test_malformed_url_is_a_configuration_error(run: Run) -> None:
    result = run("--url", "not-a-url", "stats")
    assert result.code == 1
    assert result.err.startswith("cml: ConfigurationError: Invalid base_url from argument")


@pytest.mark.parametrize("command", [["read", "anything"], ["export"]])
def test_wrong_key_fails_without_showing_any_key(
    run: Run, server: LocalServer, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    wrong = "wrong-key-" + "x" * 24
    monkeypatch.setenv("CML_API_KEY", wrong)
    monkeypatch.setenv("CML_ADMIN_API_KEY", wrong + "-admin")
    for json_flag in ([], ["--json"]):
        result = run("--url", server.url, *command, *json_flag)
        assert result.code == 1
        assert "AuthenticationError" in result.err
        assert "Invalid API key" in result.err
        for key in (wrong, USER_KEY, ADMIN_KEY):
            assert key not in result.out + result.err


@pytest.fixture
def older_server(tmp_path: Path) -> Iterator[LocalServer]:
    """The real local server, serving CML 1.5.1 (its routes, fields and document)."""
    engine = Engine(tmp_path / "older.db", embedder="none")
    with LocalServer.for_engine(
        engine, api_key=None, admin_api_key=None, api_version="1.5.1"
    ) as running:
        yield running
    engine.close()


def test_release_mismatch_exits_3(run: Run, older_server: LocalServer) -> None:
    result = run("--url", older_server.url, "health")
    assert result.code == 3
    assert "mismatch: the server runs CML 1.5.1, which does NOT match the client's pin (2.0.0)" in (
        result.out
    )
    document = run("--url", older_server.url, "health", "--json")
    assert document.code == 3
    check = document.json()["check"]
    assert (check["status"], check["compatible"]) == ("mismatch", False)
    assert check["server_api_version"] == "1.5.1"
    # Pinned to the server's release, the same check passes.
    pinned = run("--url", older_server.url, "--api-version", "1.5.1", "health")
    assert pinned.code == 0, pinned.out + pinned.err
    assert "match: the server runs CML 1.5.1" in pinned.out
    # Other commands still work against it: only health judges the release.
    assert run("--url", older_server.url, "stats").code == 0


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["read"],
        ["write", "text", "--type", "no-such-type"],
        ["write", "text", "--metadata", "[1, 2]"],
        ["forget", "--before", "yesterday-ish"],
        ["import", "file.jsonl", "--batch-size", "0"],
        ["--url", "http://127.0.0.1:1", "--db", "x.db", "stats"],
        ["--url", "http://127.0.0.1:1", "stats", "--db", "x.db"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(run: Run, argv: list[str], tmp_path: Path) -> None:
    result = run(*argv)
    assert result.code == 2
    assert "usage: cml" in result.err
    assert result.out == ""
    assert not list(tmp_path.glob("*.db"))  # nothing was opened


def test_help_and_version(run: Run) -> None:
    helped = run("--help")
    assert helped.code == 0
    for documented in ("exit codes:", "130", "CML_BASE_URL", "--url", "--db", "import"):
        assert documented in helped.out
    assert "line number" in run("import", "--help").out
    version = run("--version")
    assert version.code == 0
    assert version.out.strip() == f"py-cml {cml.__version__} (CML server releases 1.5.1, 2.0.0)"


def test_invalid_request_is_a_cml_error(run: Run, tmp_path: Path) -> None:
    store = ["--db", str(tmp_path / "m.db"), "--embedder", "none"]
    result = run("write", "   ", *store)
    assert result.code == 1
    assert result.err.startswith("cml: InvalidRequestError: content must not be empty")


@pytest.mark.parametrize(
    "argv",
    [
        ["read", "query", "--max-results", "100"],
        ["read", "query", "--max-results", "0"],
        ["serve", "--port", "70000"],
        ["mcp", "--port", "-1"],
        ["import", "x.jsonl", "--batch-size", "0"],
    ],
)
def test_bad_arguments_exit_2_as_documented(run: Run, argv: list[str]) -> None:
    """The documented table: bad arguments are usage errors (2), caught before any work."""
    result = run(*argv)
    assert result.code == 2
    assert "error: argument" in result.err
    assert "Traceback" not in result.err


def test_ctrl_c_exits_130(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(self: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(cml.CognitiveMemoryLayer, "stats", interrupted)
    result = run("stats", "--db", str(tmp_path / "m.db"), "--embedder", "none")
    assert result.code == 130
    assert "interrupted" in result.err
    assert "Traceback" not in result.err


def test_unreadable_import_file_exits_1(run: Run, tmp_path: Path) -> None:
    store = ["--db", str(tmp_path / "m.db"), "--embedder", "none"]
    result = run("import", str(tmp_path / "missing.jsonl"), *store)
    assert result.code == 1
    assert "No such file or directory" in result.err
    assert "missing.jsonl" in result.err
