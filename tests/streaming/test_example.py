"""examples/streaming.py runs as a user would run it, as a script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cml

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "streaming.py"


def test_streaming_example(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CML_")}
    db = tmp_path / "memory.db"
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), str(db)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Assistant: Alice lives in Lisbon. Alice works at Tideway Labs" in out
    assert "On weekends she sails along the Tagus." in out
    assert "errors:           0" in out
    assert "Alice lives in Lisbon." in out.split("facts:")[1].splitlines()[0]
    assert "graph syncs:      create" in out
    assert "recalled: " in out

    answer_id = out.split("answer memory:")[1].split()[0]
    with cml.EmbeddedCognitiveMemoryLayer(db, embedder="none") as memory:
        stored = memory.dashboard_memory_detail(answer_id)
    assert stored["text"].startswith("Alice lives in Lisbon.")
    assert stored["metadata"]["partial"] is False
