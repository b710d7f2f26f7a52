"""The contract pipeline: regeneration is deterministic, drift is caught, the spec refresh
normalizes, and the generated package says which contract it came from."""

from __future__ import annotations

import hashlib
import http.server
import json
import random
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generator"))

import generate  # noqa: E402

SPEC = ROOT / "openapi" / "cml-api.yaml"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "cml_api", tmp_path / "b" / "cml_api"
    generate.generate(SPEC, first)
    generate.generate(SPEC, second)
    a, b = _tree(first), _tree(second)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    # ...and identical to what is committed.
    assert generate.drift(SPEC, generate.OUTPUT) == 0


def test_drift_names_the_file_an_enum_change_touches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    action = document["components"]["schemas"]["ForgetRequest"]["properties"]["action"]
    action["enum"] = ["delete", "archive", "mute"]
    changed = tmp_path / "cml-api.yaml"
    changed.write_text(generate.dump_spec(document), encoding="utf-8")

    assert generate.drift(changed, generate.OUTPUT) == 1
    out = capsys.readouterr().out
    assert "DRIFT" in out
    assert "generated/cml_api/models/forget_action.py" in out
    assert "mute" in out  # the diff excerpt shows what would change


def test_drift_reports_files_added_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "cml_api"
    generate.generate(SPEC, copy)
    (copy / "models" / "hand_written.py").write_text("x = 1\n", encoding="utf-8")
    assert generate.drift(SPEC, copy) == 1
    assert "extra (would be removed):" in capsys.readouterr().out


def _shuffled(node: Any, rng: random.Random) -> Any:
    if isinstance(node, dict):
        items = list(node.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(node, list):
        return [_shuffled(v, rng) for v in node]
    return node


@pytest.fixture
def served_spec(tmp_path: Path) -> Iterator[str]:
    """The spec as a server would send it (JSON, its own key order), on 127.0.0.1."""
    document = _shuffled(yaml.safe_load(SPEC.read_text(encoding="utf-8")), random.Random(7))
    body = json.dumps(document).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/openapi.json"
    finally:
        server.shutdown()
        server.server_close()


def test_spec_refresh_from_url_writes_the_normalized_form(served_spec: str, tmp_path: Path) -> None:
    target = tmp_path / "cml-api.yaml"
    generate.refresh_spec(from_url=served_spec, from_file=None, spec=target)
    # Key order and formatting are ours, whatever order the server used.
    assert target.read_bytes() == SPEC.read_bytes()


def test_spec_refresh_from_file_is_idempotent(tmp_path: Path) -> None:
    as_json = tmp_path / "spec.json"
    as_json.write_text(json.dumps(yaml.safe_load(SPEC.read_text(encoding="utf-8"))), "utf-8")
    target = tmp_path / "out.yaml"
    generate.refresh_spec(from_url=None, from_file=as_json, spec=target)
    assert target.read_bytes() == SPEC.read_bytes()


def test_spec_refresh_refuses_a_non_openapi_document(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"hello": "world"}', encoding="utf-8")
    with pytest.raises(SystemExit, match="not an OpenAPI document"):
        generate.refresh_spec(from_url=None, from_file=bogus, spec=tmp_path / "out.yaml")


def test_generated_package_carries_its_contract() -> None:
    import cml
    import cml_api

    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert cml_api.__api_version__ == document["info"]["version"] == "1.5.1"
    assert cml_api.__spec_sha256__ == hashlib.sha256(SPEC.read_bytes()).hexdigest()
    assert (cml.__api_version__, cml.__spec_sha256__) == (
        cml_api.__api_version__,
        cml_api.__spec_sha256__,
    )
    bundled = Path(cml_api.__file__).parent / "openapi.json"
    assert json.loads(bundled.read_text(encoding="utf-8")) == document
