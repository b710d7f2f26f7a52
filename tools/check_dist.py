"""Check built distributions: `python tools/check_dist.py dist/` (or the files themselves).

What a py-cml wheel and sdist must hold is written down here and nowhere else: `nox -s build`
runs this script on what it builds, and tests/test_packaging.py imports it to check the wheel it
installs. Prints each distribution's verdict and every problem; exits 1 if there is any.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Source folder -> the package it installs as (generated/cml_api becomes top-level `cml_api`).
PACKAGES = {"cml": ROOT / "cml", "cml_api": ROOT / "generated" / "cml_api"}

# Files read at run time that a packaging mistake drops silently: `import cml` still works, and
# only the feature that reads them breaks, in a user's hands. Named one by one (besides the
# comparison with the source tree below) so that deleting one from the tree fails too.
WHEEL_REQUIRED = (
    "cml/__init__.py",
    "cml/py.typed",  # PEP 561: type checkers read cml's annotations only with this marker
    "cml/engine/_assets/minilm-tokenizer.json",  # the default embedder's tokenizer
    "cml/engine/_assets/NOTICE.md",  # where that tokenizer comes from, and its licence
    "cml_api/__init__.py",  # the index of server releases
    "cml_api/py.typed",
    # Each release's document: served by `cml serve`, compared by check_server().
    "cml_api/v1_5_1/openapi.json",
    "cml_api/v2_0_0/openapi.json",
)

# What building the wheel from the sdist needs, and what regenerates and checks the package.
SDIST_REQUIRED = (
    "pyproject.toml",
    "README.md",
    "CHANGELOG.md",
    "cml/_version.py",
    "cml/py.typed",
    "generated/cml_api/v2_0_0/openapi.json",
    "generated/cml_api/py.typed",
    "openapi/overlay.yaml",
    "openapi/1.5.1/server.yaml",
    "openapi/2.0.0/server.yaml",
    "generator/generate.py",
    "generator/overlay.py",
)


def _source_files() -> set[str]:
    """Every file of the packages in this checkout, named as the wheel names it."""
    names: set[str] = set()
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                names.add(f"{package}/{path.relative_to(folder).as_posix()}")
    return names


def _licence_files() -> list[str]:
    return sorted(path.name for path in ROOT.glob("LICEN[CS]E*") if path.is_file())


def wheel_problems(wheel: Path) -> list[str]:
    """What is missing from a wheel, or in it that should not be."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    required = set(WHEEL_REQUIRED) | _source_files()
    problems = [f"missing {name}" for name in sorted(required - names)]
    metadata = {name.split("/")[0] for name in names if name.split("/")[0].endswith(".dist-info")}
    problems += [
        f"missing licence file {name}"
        for name in _licence_files()
        if not any(f"{info}/licenses/{name}" in names for info in metadata)
    ]
    # Anything else at the top would be installed into site-packages as a package of its own
    # (a `tests` or `benchmarks` beside everyone else's).
    stray = {name.split("/")[0] for name in names} - set(PACKAGES) - metadata
    problems += [f"unexpected top-level entry {name}" for name in sorted(stray)]
    return problems


def sdist_problems(sdist: Path) -> list[str]:
    """What is missing from an sdist (its files sit under one `py_cml-VERSION/` folder)."""
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    required = [*SDIST_REQUIRED, *_licence_files()]
    return [f"missing {name}" for name in required if name not in names]


def problems(path: Path) -> list[str]:
    if path.name.endswith(".whl"):
        return wheel_problems(path)
    if path.name.endswith(".tar.gz"):
        return sdist_problems(path)
    return [f"not a wheel or an sdist: {path.name}"]


def _distributions(arguments: list[str]) -> list[Path]:
    """The files named, with a folder standing for the wheels and sdists in it."""
    paths: list[Path] = []
    for path in map(Path, arguments):
        if path.is_dir():
            paths += sorted([*path.glob("*.whl"), *path.glob("*.tar.gz")])
        else:
            paths.append(path)
    return paths


def main(arguments: list[str]) -> int:
    paths = _distributions(arguments)
    if not paths:
        print("usage: python tools/check_dist.py DIST_OR_FOLDER [...]", file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        found = problems(path)
        failed = failed or bool(found)
        print(f"{path.name}: {'FAILED' if found else 'ok'}")
        for problem in found:
            print(f"  {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
