"""Sessions for py-cml. `nox -l` lists them; the CI command is in README.md and .ci/run."""

from __future__ import annotations

import nox

nox.needs_version = ">=2024.3.2"
nox.options.default_venv_backend = "venv"
nox.options.sessions = ["drift", "lint", "typecheck", "docs", "build", "tests"]

PYTHON = "3.11"
GENERATOR = "generator/requirements.txt"
# The torch extra needs torch; asking for this exact CPU build first keeps pip from pulling a
# CUDA build of several GB (on these machines the wheel is on disk).
TORCH = "torch==2.13.0"


def install_project(session: nox.Session, *extras: str) -> None:
    if "torch" in extras:
        session.install(TORCH)
    session.install("-e", f".[{','.join(extras)}]")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (unit, contract and loopback integration tests)."""
    # The torch extra too: the sentence-transformers route is part of what is tested; the
    # bench extra, so the benchmarks' plots are tested; mcp and cli for `cml mcp` and the bars.
    install_project(session, "dev", "server", "embeddings", "torch", "bench", "mcp", "cli")
    # The generator is needed too: tests/test_generator.py regenerates into temporary folders.
    session.install("-r", GENERATOR)
    # A crash in native code (a model runtime, the JVM of the Bolt test server) prints every
    # thread's stack instead of a bare exit code.
    session.run("pytest", *session.posargs, env={"PYTHONFAULTHANDLER": "1"})


@nox.session(python=PYTHON)
def quickstart(session: nox.Session) -> None:
    """The main job: the canonical example in embedded mode (no server, nothing to set up)."""
    install_project(session, "embeddings")
    session.run("python", "examples/embedded_mode.py", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Lint and format-check the hand-written code with ruff (generated/ is excluded), and check
    that the packages import only downward (import-linter; contracts in pyproject.toml)."""
    session.install("-r", GENERATOR, "import-linter==2.16")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    # No cache: it is keyed on file times, and the whole graph takes well under a second.
    session.run("lint-imports", "--no-cache")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """Type-check cml/ with mypy in strict mode."""
    # Not the torch extra: mypy needs no model stack beyond the (light) default embedder's.
    install_project(session, "dev", "server", "embeddings", "mcp", "cli")
    session.install("mypy>=1.11", "types-python-dateutil")
    session.run("mypy", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site (docs/, mkdocs.yml) into site/; any warning fails it."""
    # The API reference is read from the code, so the extras its modules use are installed too.
    install_project(session, "docs", "server", "embeddings")
    # Material prints a notice about its own end of life on every build: news about the tool,
    # not a problem in these pages, and it would bury a real warning.
    session.run(
        "mkdocs",
        "build",
        "--strict",
        "--site-dir",
        "site",
        *session.posargs,
        env={"NO_MKDOCS_2_WARNING": "1"},
    )


@nox.session(python=PYTHON)
def regen(session: nox.Session) -> None:
    """Regenerate generated/cml_api (every release in openapi/) with the pinned generator."""
    session.install("-r", GENERATOR)
    session.run("python", "generator/generate.py", "regen", *session.posargs)


@nox.session(python=PYTHON)
def drift(session: nox.Session) -> None:
    """Fail if regenerating from openapi/ would change anything in generated/."""
    session.install("-r", GENERATOR)
    session.run("python", "generator/generate.py", "drift", *session.posargs)


@nox.session(python=PYTHON, default=False)
def spec(session: nox.Session) -> None:
    """Refresh a release: `nox -s spec -- --release 2.0.0 --from-url http://HOST/openapi.json`."""
    session.install("-r", GENERATOR)
    session.run("python", "generator/generate.py", "spec", *session.posargs)


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks (benchmarks/README.md): `nox -s bench`, or `nox -s bench -- locomo` for one.

    Prints one table (each figure beside its baseline and the performance issue's target),
    writes bench-results/results.json and PNG plots beside it. The torch extra is installed too,
    so LoCoMo also scores the PyTorch MiniLM beside the default int8 ONNX one; the bench extra
    brings matplotlib for the plots and mem0 for the comparison (offline: no telemetry).
    """
    install_project(session, "server", "embeddings", "torch", "bench")
    session.run("python", "-m", "benchmarks", *session.posargs, env={"MEM0_TELEMETRY": "False"})


@nox.session(python=PYTHON)
def build(session: nox.Session) -> None:
    """Build the sdist, then the wheel from it, into dist/; check both (twine, tools/check_dist)."""
    import shutil

    # Pinned exactly, like the generator: the same sources give the same dist/ everywhere.
    session.install("build==1.6.1", "twine==7.0.0")
    shutil.rmtree("dist", ignore_errors=True)  # a stale file of another version would be checked
    # With no --sdist/--wheel, build makes the sdist and then the wheel from the unpacked sdist,
    # so a file the sdist leaves out is missing from the wheel too, and the check below sees it.
    session.run("python", "-m", "build", "--outdir", "dist", ".")
    session.run("twine", "check", "--strict", "dist/*")
    session.run("python", "tools/check_dist.py", "dist")
