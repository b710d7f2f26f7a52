"""`cml` as a user runs it: the console script's target, `python -m cml` in a real process
(exit codes included), and embedded `read` with the default semantic model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from scenarios.conftest import embedder

import cml
from cml.__main__ import main
from cml.engine.embedders import Embedder

from .conftest import Run, free_port

__all__ = ["embedder"]  # the session-wide default model, a fixture


def test_console_script_points_at_main() -> None:
    [script] = entry_points(group="console_scripts", name="cml")
    assert script.value == "cml.__main__:main"
    assert script.load() is main


def _cml(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CML_")}
    env.update(CML_DB_PATH=str(cwd / "default.db"), CML_MAX_RETRIES="0")
    return subprocess.run(
        [sys.executable, "-m", "cml", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_python_m_cml_exit_codes(run: Run, tmp_path: Path) -> None:
    store = ["--db", str(tmp_path / "m.db"), "--embedder", "none"]
    assert run("write", "The user's dog is called Pixel.", *store).code == 0

    found = _cml("read", "Pixel", "--json", *store, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert [m["text"] for m in json.loads(found.stdout)["memories"]] == [
        "The user's dog is called Pixel."
    ]

    down = _cml("--url", f"http://127.0.0.1:{free_port()}", "stats", cwd=tmp_path)
    assert down.returncode == 1
    assert down.stderr.startswith("cml: CMLConnectionError:")
    assert "Traceback" not in down.stderr


def test_embedded_read_with_the_default_model(run: Run, tmp_path: Path, embedder: Embedder) -> None:
    store = tmp_path / "semantic.db"
    # Written with the session's copy of the default model (loaded once for the whole run).
    with cml.EmbeddedCognitiveMemoryLayer(store, embedder=embedder) as memory:
        memory.write("The user is a vegetarian.")
        memory.write("The user's dog is called Pixel.")
    # No --embedder: the bundled MiniLM model, which finds meaning without shared words.
    result = run("read", "meals without meat", "--json", "--db", str(store))
    assert result.code == 0, result.err
    document = result.json()
    assert document["retrieval_meta"]["sources"] == ["fts5", "vector"]
    assert document["memories"][0]["text"] == "The user is a vegetarian."
