"""What the README and the docs promise a new user, checked against the files they describe."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _nox_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "-m nox" in line or "pip install" in line]


def test_readme_test_command_is_what_ci_runs() -> None:
    """`.ci/run` runs exactly the README's test command, with the same pinned nox."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    [ci_pin] = re.findall(r'"nox==([\d.]+)"', ci)
    [ci_sessions] = re.findall(r"python3 -m nox (-s [\w ]+)", ci)
    setup = [line for line in _nox_lines(README) if line.startswith("python3 -m pip install")]
    assert len(setup) == 2  # the main job and the tests
    for line in setup:
        assert f'python3 -m pip install "nox=={ci_pin}" && python3 -m nox -s ' in line
    assert setup[1].endswith(f"python3 -m nox {ci_sessions.strip()}")


def test_readme_says_the_tests_need_shared_beside_the_checkout() -> None:
    assert "`shared/` folder beside the checkout" in README
    assert "(`../shared/reference/`)" in README
    contract = (ROOT / "tests" / "test_contract.py").read_text(encoding="utf-8")
    assert 'PROJECT_ROOT.parent / "shared" / "reference"' in contract


def test_docs_home_gives_the_install_line_for_semantic_search() -> None:
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert 'pip install "py-cml[embeddings]"' in home
    assert "nothing to install" not in home


def test_no_table_cell_shows_an_escaped_pipe() -> None:
    """Inside a code span in a table cell, `\\|` renders with its backslash."""
    for page in sorted((ROOT / "docs").glob("*.md")):
        rows = [line for line in page.read_text(encoding="utf-8").splitlines() if line[:1] == "|"]
        assert [row for row in rows if "\\|" in row] == [], page.name


def test_the_mcp_page_is_in_the_site() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "mcp.md" in nav
    assert '--8<-- "examples/mcp_agent.py"' in (ROOT / "docs" / "mcp.md").read_text()
