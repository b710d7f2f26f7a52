"""The built wheel, installed into a clean virtual environment, works outside the source tree.

Every other test imports the checkout, so a file the wheel leaves out (the generated package, a
`py.typed` marker, the spec `cml serve` serves, the tokenizer) passes them all and fails only in
a user's hands. Here it fails the suite. The sdist is built first and the wheel from it, as
`nox -s build` does, so a file the sdist leaves out is caught too. The build backend and the
extras' dependencies come from PyPI (or pip's cache), as they would for a user.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from local_server import ServeProcess

import cml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import check_dist  # noqa: E402  (tools/check_dist.py holds the one list of required files)

# Building and installing happen once, in the first test: about 25 s with pip's cache warm, more
# when the extras' ~250 MB must be downloaded, hence a longer limit than the suite's 120 s.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

# What the installed interpreter reports about the packages it imports.
PROBE = """
import json
from importlib import resources

import cml
import cml_api

print(json.dumps({
    "cml_file": cml.__file__,
    "cml_api_file": cml_api.__file__,
    "version": cml.__version__,
    "api_version": cml.__api_version__,
    "releases": cml_api.RELEASES,
    "spec_sha256": cml.__spec_sha256__,
    "typed": {name: resources.files(name).joinpath("py.typed").is_file()
              for name in ("cml", "cml_api")},
}))
"""


@dataclass(frozen=True)
class Installed:
    dist: Path  # the sdist and the wheel built from it
    venv: Path
    python: Path
    cml: Path  # the console script the wheel installed
    work: Path  # a working directory outside the source tree


def _env() -> dict[str, str]:
    """This process's environment without anything that would reach the checkout or its venv."""
    leaks = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}
    env = {k: v for k, v in os.environ.items() if k not in leaks and not k.startswith("CML_")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(*command: str | Path, cwd: Path, timeout: float = 300) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} exited with {result.returncode}\n"
        f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("packaging")
    dist = base / "dist"
    started = time.perf_counter()
    # No --sdist/--wheel: build makes the sdist, then the wheel from the unpacked sdist.
    _run(sys.executable, "-m", "build", "--outdir", dist, ROOT, cwd=base)
    built = time.perf_counter()
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=base)  # no system site-packages by default
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", f"{wheels[0]}[embeddings,server]", cwd=base)
    work = base / "work"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "embedded_mode.py", work)
    print(
        f"\npackaging: sdist + wheel built in {built - started:.1f} s, clean venv with "
        f"[embeddings,server] installed in {time.perf_counter() - built:.1f} s"
    )
    return Installed(dist=dist, venv=venv, python=python, cml=venv / "bin" / "cml", work=work)


@pytest.fixture(scope="module")
def probe(installed: Installed) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(_run(installed.python, "-c", PROBE, cwd=installed.work))
    return report


def test_sdist_and_wheel_hold_every_required_file(installed: Installed) -> None:
    names = sorted(path.name for path in installed.dist.iterdir())
    assert names == [
        f"py_cml-{cml.__version__}-py3-none-any.whl",
        f"py_cml-{cml.__version__}.tar.gz",
    ]
    found = {path.name: check_dist.problems(path) for path in installed.dist.iterdir()}
    assert found == {name: [] for name in names}


def test_the_installed_packages_come_from_the_wheel(installed: Installed, probe: Any) -> None:
    for key in ("cml_file", "cml_api_file"):
        location = Path(probe[key])
        assert location.is_relative_to(installed.venv), f"{key} imported from {location}"
        assert not location.is_relative_to(ROOT), f"{key} imported from the checkout"
    assert probe["typed"] == {"cml": True, "cml_api": True}
    assert probe["version"] == cml.__version__
    assert probe["api_version"] == cml.__api_version__
    assert list(probe["releases"]) == list(cml.__api_versions__)
    # The hash is of the document the default release was generated from, bundled beside it.
    bundled = ROOT / "generated" / "cml_api" / "v2_0_0" / "openapi.json"
    assert probe["spec_sha256"] == hashlib.sha256(bundled.read_bytes()).hexdigest()


def test_quickstart_runs_from_the_installed_wheel(installed: Installed) -> None:
    output = _run(installed.python, "embedded_mode.py", "memory.db", cwd=installed.work)
    top = output.split("Top memories")[1].splitlines()[1]
    assert "User prefers vegetarian food and lives in Paris." in top
    assert "# Retrieved Memory Context" in output
    assert (installed.work / "memory.db").is_file()


def test_quickstart_uses_the_semantic_embedder(installed: Installed) -> None:
    # Without the model package or the bundled tokenizer, embedded mode falls back to full-text
    # search with a RuntimeWarning; as an error, that fallback fails the run.
    script = (
        "from cml.engine.embedders import default_embedder\n"
        "embedder = default_embedder()\n"
        "print(embedder.name, *embedder.embed(['vegetarian food']).shape)\n"
    )
    output = _run(installed.python, "-W", "error::RuntimeWarning", "-c", script, cwd=installed.work)
    assert output.split() == ["all-MiniLM-L6-v2-int8", "1", "384"]


def test_cli_version_names_the_package_and_the_api(installed: Installed) -> None:
    output = _run(installed.cml, "--version", cwd=installed.work)
    assert f"py-cml {cml.__version__}" in output
    assert f"CML server releases {', '.join(cml.__api_versions__)}" in output


@pytest.fixture
def served(installed: Installed, tmp_path: Path) -> Iterator[str]:
    """The wheel's `cml serve` as its own process on 127.0.0.1."""
    args = ["--db", tmp_path / "serve.db", "--log-level", "warning"]
    log = tmp_path / "serve.log"
    with ServeProcess([installed.cml], *args, log=log, env=_env(), cwd=installed.work) as server:
        yield server.url


def test_cml_serve_from_the_wheel_serves_the_packaged_spec(served: str, probe: Any) -> None:
    with httpx.Client(base_url=served, timeout=10) as http:
        health = http.get("/api/v1/health").json()
        served_spec = http.get("/openapi.json").json()
    assert health["status"] == "healthy"
    assert (health["version"], health["api_version"]) == (cml.__version__, cml.__api_version__)
    packaged = Path(probe["cml_api_file"]).parent / "v2_0_0" / "openapi.json"
    assert served_spec == json.loads(packaged.read_text(encoding="utf-8"))
    assert served_spec["info"]["version"] == cml.__api_version__
    # ... and it is the document of this checkout, not a stale one.
    committed = ROOT / "generated" / "cml_api" / "v2_0_0" / "openapi.json"
    assert packaged.read_bytes() == committed.read_bytes()
