"""Client mode keeps to the layering rule: no private name imported from another package.

A module of `cml` (client mode) may use its own package's private modules (`cml._logging`), but
from `cml.streaming`, `cml.models` or `cml_api` it imports only what those packages export.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CLIENT_MODE = (
    "_client.py",
    "_async_client.py",
    "_base_client.py",
    "_operations.py",
    "_exceptions.py",
    "_logging.py",
    "_retry.py",
    "_config.py",
    "_context.py",
    "_batch.py",
    "_chat.py",
)


def private_imports(source: str, package: str = "cml") -> list[str]:
    """`module: name` for each import, in `source` (a module of `package`), of a private name
    or through a private module of another package."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = ".".join([package, *([module] if module else [])])
            targets = [(module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [(alias.name, "") for alias in node.names]
        else:
            continue
        for module, name in targets:
            parts = module.split(".")
            if parts[0] != package and not module.startswith("cml_api"):
                continue  # the standard library and third parties
            if parts == [package]:
                continue  # `from . import _operations`: a module of the package itself
            if (
                parts[:1] == [package]
                and len(parts) == 2
                and not (ROOT / "cml" / parts[1]).is_dir()
            ):
                continue  # the package's own modules, `cml._logging` included
            private = [p for p in parts[1:] if p.startswith("_")] or name.startswith("_")
            if private:
                found.append(f"{module}: {name}")
    return found


@pytest.mark.parametrize("module", CLIENT_MODE)
def test_client_mode_imports_no_private_name_of_another_package(module: str) -> None:
    source = (ROOT / "cml" / module).read_text(encoding="utf-8")
    assert private_imports(source) == []


def test_the_check_finds_a_private_module_or_name_of_another_package() -> None:
    source = (
        "from .streaming._sse import aiter_sse\n"
        "from .models import _hidden\n"
        "from cml_api.v2_0_0.api.memory import _read\n"
        "from ._logging import redact\n"
        "from .streaming import aiter_sse\n"
    )
    assert private_imports(source) == [
        "cml.streaming._sse: aiter_sse",
        "cml.models: _hidden",
        "cml_api.v2_0_0.api.memory: _read",
    ]
