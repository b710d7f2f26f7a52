"""The contract pipeline: each release's server document plus the overlay regenerates
deterministically, drift is caught, a refresh from a live server's document changes nothing, and
a platform team's whole workflow (refresh, regenerate, a new release) works on a copy."""

from __future__ import annotations

import http.server
import json
import os
import random
import shutil
import subprocess
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
import sync_client  # noqa: E402

LIVE = ROOT.parent / "shared" / "reference" / "live"
RELEASES = ("1.5.1", "2.0.0")


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _live(release: str) -> Path:
    path = LIVE / f"cml-server-{release}.openapi.json"
    assert path.is_file(), f"the live server documents are missing: {path}"
    return path


def _copy_openapi(tmp_path: Path) -> Path:
    copy = tmp_path / "openapi"
    shutil.copytree(generate.OPENAPI, copy)
    return copy


def test_regeneration_is_byte_identical_and_matches_what_is_committed(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "cml_api", tmp_path / "b" / "cml_api"
    generate.generate(first)
    generate.generate(second)
    a, b = _tree(first), _tree(second)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    assert a == _tree(generate.OUTPUT)
    assert {name.split("/")[0] for name in a} == {"__init__.py", "py.typed", "v1_5_1", "v2_0_0"}


def test_every_release_is_generated_under_the_same_module_names() -> None:
    def modules(release: str) -> set[str]:
        folder = generate.OUTPUT / ("v" + release.replace(".", "_")) / "api"
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*.py")}

    older, newer = modules("1.5.1"), modules("2.0.0")
    assert "memory/write_memory.py" in older & newer
    assert older - newer == {
        "dashboard/dashboard_consolidation_run.py",
        "dashboard/dashboard_events.py",
        "dashboard/dashboard_export_events.py",
        "dashboard/dashboard_models_status.py",
        "dashboard/dashboard_reconsolidation_run.py",
    }
    assert newer - older == {"admin/consolidation_status.py"}


@pytest.mark.parametrize("release", RELEASES)
def test_a_refresh_from_the_live_document_changes_nothing(release: str, tmp_path: Path) -> None:
    openapi = _copy_openapi(tmp_path)
    generate.refresh_spec(release=release, from_url=None, from_file=_live(release), openapi=openapi)
    assert _tree(openapi) == _tree(generate.OPENAPI)


def test_the_overlay_reports_what_a_release_lacks_by_name(tmp_path: Path) -> None:
    misses = generate.generate(tmp_path / "cml_api")
    named = {release: [m.action.description for m in found] for release, found in misses.items()}
    assert named["1.5.1"] == [
        "consolidation_status: GET /api/v1/admin/consolidation/status",
        "Describe ReadMemoryResponse.sufficiency, new in 2.0.0",
        "Describe ReadMemoryResponse.warnings, new in 2.0.0",
        "Describe ReadMemoryResponse.open_questions, new in 2.0.0",
    ]
    # Everything 2.0.0 removed, and nothing else.
    assert "dashboard_events: GET /api/v1/dashboard/events" in named["2.0.0"]
    assert "Describe DashboardOverview.total_events" in named["2.0.0"]
    assert "Describe ModelStatusResponse" in named["2.0.0"]
    assert len(named["2.0.0"]) == 27


def test_drift_names_the_file_an_enum_change_touches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openapi = _copy_openapi(tmp_path)
    server = openapi / "2.0.0" / "server.yaml"
    document = yaml.safe_load(server.read_text(encoding="utf-8"))
    action = document["components"]["schemas"]["ForgetRequest"]["properties"]["action"]
    action["enum"] = ["delete", "archive", "mute"]
    server.write_text(generate.dump_spec(document), encoding="utf-8")

    assert generate.drift(openapi, generate.OUTPUT) == 1
    out = capsys.readouterr().out
    assert "DRIFT" in out
    assert "generated/cml_api/v2_0_0/models/forget_action.py" in out
    assert "v1_5_1/models/forget_action.py" not in out
    assert "mute" in out  # the diff excerpt shows what would change


def test_drift_reports_files_added_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "cml_api"
    shutil.copytree(generate.OUTPUT, copy)
    (copy / "v1_5_1" / "models" / "hand_written.py").write_text("x = 1\n", encoding="utf-8")
    assert generate.drift(generate.OPENAPI, copy) == 1
    assert "extra (would be removed): " in capsys.readouterr().out


def _shuffled(node: Any, rng: random.Random) -> Any:
    if isinstance(node, dict):
        items = list(node.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(node, list):
        return [_shuffled(v, rng) for v in node]
    return node


@pytest.fixture
def served_live_document() -> Iterator[str]:
    """The live 2.0.0 document as a server sends it (JSON, its own key order), on 127.0.0.1."""
    document = json.loads(_live("2.0.0").read_text(encoding="utf-8"))
    body = json.dumps(_shuffled(document, random.Random(7))).encode()

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


def test_spec_refresh_from_url_writes_the_normalized_form(
    served_live_document: str, tmp_path: Path
) -> None:
    openapi = _copy_openapi(tmp_path)
    generate.refresh_spec(
        release="2.0.0", from_url=served_live_document, from_file=None, openapi=openapi
    )
    assert _tree(openapi) == _tree(generate.OPENAPI)


def test_spec_refresh_refuses_a_non_openapi_document_or_a_bad_release(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"hello": "world"}', encoding="utf-8")
    with pytest.raises(SystemExit, match="not an OpenAPI document"):
        generate.refresh_spec(release="9.9.9", from_url=None, from_file=bogus, openapi=tmp_path)
    with pytest.raises(SystemExit, match=r"release number like 2\.0\.0"):
        generate.refresh_spec(release="latest", from_url=None, from_file=bogus, openapi=tmp_path)


def test_generated_packages_carry_their_contract() -> None:
    import cml
    import cml_api
    from cml._releases import get_release

    assert cml_api.RELEASES == {"1.5.1": "cml_api.v1_5_1", "2.0.0": "cml_api.v2_0_0"}
    assert cml_api.LATEST == cml.__api_version__ == "2.0.0"
    for release in RELEASES:
        info = get_release(release)
        package = __import__(info.package, fromlist=["__api_version__"])
        assert package.__api_version__ == release
        bundled = Path(package.__file__).parent / "openapi.json"
        assert bundled.read_bytes().startswith(b"{")
        assert info.document()["info"]["version"] == release
        assert len(package.__spec_sha256__) == 64
    assert cml.__spec_sha256__ == get_release("2.0.0").spec_sha256


# -- the platform team's workflow, on a copy of the project ---------------------------------------


def _next_release(document: dict[str, Any]) -> dict[str, Any]:
    """A made-up release after 2.0.0: one route removed, one field added, one renamed."""
    del document["paths"]["/api/v1/dashboard/sessions"]
    overview = document["components"]["schemas"]["DashboardOverview"]["properties"]
    overview["total_insights"] = {"type": "integer", "title": "Total Insights", "default": 0}
    labile = document["components"]["schemas"]["DashboardLabileResponse"]
    labile["properties"]["cached_sessions"] = labile["properties"].pop("total_redis_sessions")
    return document


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    for folder in ("openapi", "generator", "generated", "cml"):
        shutil.copytree(
            ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy2(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def _run(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{project}{os.pathsep}{project / 'generated'}"}
    return subprocess.run(
        [sys.executable, *args], cwd=project, env=env, capture_output=True, text=True, check=check
    )


def test_the_platform_workflow_refresh_regen_and_a_new_release(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    script = "generator/generate.py"
    # 1. Refresh 2.0.0 from the live server's document, regenerate: nothing changes.
    _run(project, script, "spec", "--release", "2.0.0", "--from-file", str(_live("2.0.0")))
    _run(project, script, "regen")
    assert _run(project, script, "drift").returncode == 0
    assert _tree(project / "generated") == _tree(ROOT / "generated")
    assert _tree(project / "openapi") == _tree(ROOT / "openapi")

    # 2. A new server release appears: pull its document, then drift shows what it changes.
    document = _next_release(json.loads(_live("2.0.0").read_text(encoding="utf-8")))
    pulled = tmp_path / "next.json"
    pulled.write_text(json.dumps(document), encoding="utf-8")
    _run(project, script, "spec", "--release", "2.1.0", "--from-file", str(pulled))
    drift = _run(project, script, "drift", check=False)
    assert drift.returncode == 1
    assert "missing (would be created): generated/cml_api/v2_1_0/api/memory/write_memory.py" in (
        drift.stdout
    )
    assert "changed: generated/cml_api/__init__.py" in drift.stdout
    regen = _run(project, script, "regen")
    assert "2.1.0: " in regen.stdout
    assert "dashboard_sessions: GET /api/v1/dashboard/sessions" in regen.stdout  # the miss

    # 3. The SDK works on the new release: it is the default pin now; the removed route's
    #    method raises before sending; the new field is there; the renamed one too.
    probe = """
import cml
from cml._releases import get_release
assert cml.__api_versions__ == ("1.5.1", "2.0.0", "2.1.0"), cml.__api_versions__
assert cml.__api_version__ == "2.1.0"
with cml.EmbeddedCognitiveMemoryLayer(":memory:", embedder="none") as memory:
    try:
        memory.get_sessions()
    except cml.UnsupportedOperationError as error:
        assert error.available_in == ("1.5.1", "2.0.0"), error.available_in
        print("unsupported:", error)
    else:
        raise SystemExit("get_sessions() did not raise on 2.1.0")
    overview = get_release("2.1.0").model("DashboardOverview").from_dict({"total_insights": 3})
    assert overview.total_insights == 3
    labile = get_release("2.1.0").model("DashboardLabileResponse")
    assert "cached_sessions" in labile.__annotations__
    assert "total_redis_sessions" not in labile.__annotations__
    print("new field:", overview.total_insights)
"""
    result = _run(project, "-c", probe, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "unsupported: get_sessions() is not available on CML server 2.1.0" in (result.stdout)


# -- the sync client, generated from the async one ----------------------------------------------


@pytest.mark.parametrize("pair", sync_client.PAIRS, ids=lambda pair: pair.target.name)
def test_each_committed_sync_twin_is_what_its_async_file_generates(pair: sync_client.Pair) -> None:
    assert (ROOT / pair.target).read_text(encoding="utf-8") == sync_client.sync_client(ROOT, pair)


def test_drift_covers_every_sync_twin() -> None:
    assert sync_client.drift(ROOT) == 0
    assert {pair.target.name for pair in sync_client.PAIRS} == {
        "_client.py",
        "_dashboard.py",
        "_batches.py",
    }


@pytest.mark.parametrize("pair", sync_client.PAIRS, ids=lambda pair: pair.target.name)
def test_a_hand_edit_of_a_sync_twin_is_drift(tmp_path: Path, pair: sync_client.Pair) -> None:
    project = _project_copy(tmp_path)
    twin = project / pair.target
    twin.write_text(twin.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    drift = _run(project, "generator/generate.py", "drift", check=False)
    assert drift.returncode == 1
    assert f"DRIFT: {pair.target} differs" in drift.stdout


def test_a_read_parameter_added_to_the_async_client_alone_reaches_the_sync_client(
    tmp_path: Path,
) -> None:
    """One edit per layer: the parameter is written in the async client; regen gives the sync
    client the same parameter, drift catches the copy not regenerated yet."""
    project = _project_copy(tmp_path)
    source = project / "cml" / "_async_client.py"
    text = source.read_text(encoding="utf-8")
    added = text.replace(
        "        user_timezone: str | None = None,\n    ) -> ReadResponse:\n",
        "        user_timezone: str | None = None,\n        locale: str | None = None,\n"
        "    ) -> ReadResponse:\n",
        1,
    )
    assert added != text
    source.write_text(added, encoding="utf-8")
    script = "generator/generate.py"
    drift = _run(project, script, "drift", check=False)
    assert drift.returncode == 1
    assert "DRIFT: cml/_client.py differs" in drift.stdout
    assert "+        locale: str | None = None," in drift.stdout
    _run(project, script, "regen")
    assert _run(project, script, "drift").returncode == 0
    probe = """
import inspect
from cml import CognitiveMemoryLayer
assert "locale" in inspect.signature(CognitiveMemoryLayer.read).parameters
assert not inspect.iscoroutinefunction(CognitiveMemoryLayer.read)
print("ok")
"""
    result = _run(project, "-c", probe, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_rule_the_async_client_no_longer_matches_fails_the_generation(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    source = project / "cml" / "_async_client.py"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Asyncio client for a CML server", "A client"), encoding="utf-8")
    with pytest.raises(sync_client.SyncClientError, match="matches 0 times"):
        sync_client.sync_client(project)
    result = _run(project, "generator/generate.py", "regen", check=False)
    assert result.returncode != 0
    assert "sync client: a rule of generator/sync_client.py matches 0 times" in result.stderr
