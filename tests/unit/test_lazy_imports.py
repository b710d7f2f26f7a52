"""Client mode imports only what it uses: no engine, server, model runtime or stream processor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What a client-mode program must not load, by package or module prefix.
HEAVY = (
    "numpy",
    "onnxruntime",
    "tokenizers",
    "uvicorn",
    "sqlite3",
    "cml.embedded",
    "cml.engine",
    "cml.text",
    "cml.server",
    "cml.graph",
    "cml.integrations",
    "cml.streaming._processor",
    "cml.streaming._remember",
    "cml.streaming._steps",
    "cml.streaming._workers",
)

_PROBE = """
import json, sys
import cml
with cml.CognitiveMemoryLayer(base_url="http://127.0.0.1:9", api_key="k") as client:
    pass
loaded = sorted(m for m in sys.modules if m.startswith(tuple(sys.argv[1:])))
embedded = cml.EmbeddedCognitiveMemoryLayer  # loads on first use
print(json.dumps({"loaded": loaded, "module": embedded.__module__,
                  "engine": "cml.engine.engine" in sys.modules}))
"""


def _probe() -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *HEAVY],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_client_mode_program_loads_nothing_heavy() -> None:
    result = _probe()
    assert result["loaded"] == []
    # The embedded client is still one attribute away, and reads as cml's own.
    assert result["module"] == "cml"
    assert result["engine"] is True


def test_every_public_name_resolves() -> None:
    import cml
    import cml.streaming

    for package in (cml, cml.streaming):
        missing = [name for name in package.__all__ if not hasattr(package, name)]
        assert missing == [], package.__name__
    assert cml.EmbeddedCognitiveMemoryLayer.__module__ == "cml"
