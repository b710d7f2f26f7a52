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
    "_dashboard.py",
    "_async_dashboard.py",
    "_batches.py",
    "_async_batches.py",
    "_base_client.py",
    "_operations/__init__.py",
    "_operations/base.py",
    "_operations/memory.py",
    "_operations/session.py",
    "_operations/dashboard.py",
    "_exceptions.py",
    "_logging.py",
    "_retry.py",
    "_config.py",
    "_context.py",
    "_batch.py",
    "_chat.py",
)


#: Private packages of `cml` that are client mode themselves: `from ._operations import read`
#: stays inside client mode, as `from ._logging import redact` does.
CLIENT_MODE_PACKAGES = frozenset({"_operations"})


def private_imports(source: str, package: str = "cml") -> list[str]:
    """`module: name` for each import, in `source` (a module of `package`), of a private name
    or through a private module of another package."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                # `from .. import x` in `cml._operations` starts from `cml`.
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([module] if module else [])])
            targets = [(module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [(alias.name, "") for alias in node.names]
        else:
            continue
        for module, name in targets:
            parts = module.split(".")
            if parts[0] != "cml" and not module.startswith("cml_api"):
                continue  # the standard library and third parties
            if parts == ["cml"]:
                continue  # `from . import _operations`: a module of the package itself
            if len(parts) == 2 and parts[0] == "cml" and parts[1] in CLIENT_MODE_PACKAGES:
                if not name.startswith("_"):
                    continue  # client mode's own package, through its public names
            elif parts[0] == "cml" and ".".join(parts[:-1]) in {package, "cml"}:
                if package != "cml" and not name.startswith("_"):
                    continue  # a sibling in a subpackage, through its public names
                if package == "cml" and not (ROOT / "cml" / parts[-1]).is_dir():
                    continue  # a module of `cml` itself, `cml._logging` included
            private = [p for p in parts[1:] if p.startswith("_")] or name.startswith("_")
            if private:
                found.append(f"{module}: {name}")
    return found


@pytest.mark.parametrize("module", CLIENT_MODE)
def test_client_mode_imports_no_private_name_of_another_package(module: str) -> None:
    source = (ROOT / "cml" / module).read_text(encoding="utf-8")
    package = ".".join(["cml", *Path(module).parent.parts])
    assert private_imports(source, package) == []


def test_the_check_finds_a_private_module_or_name_of_another_package() -> None:
    source = (
        "from .streaming._sse import aiter_sse\n"
        "from .models import _hidden\n"
        "from cml_api.v2_0_0.api.memory import _read\n"
        "from ._logging import redact\n"
        "from .streaming import aiter_sse\n"
        "from ._operations import read\n"
        "from ._operations import _hidden_check\n"
        "from ._operations.base import checked_text\n"
    )
    assert private_imports(source) == [
        "cml.streaming._sse: aiter_sse",
        "cml.models: _hidden",
        "cml_api.v2_0_0.api.memory: _read",
        "cml._operations: _hidden_check",
        "cml._operations.base: checked_text",
    ]


def test_the_check_reads_relative_imports_from_a_subpackage() -> None:
    source = (
        "from .base import checked_text\n"
        "from .._logging import redact\n"
        "from ..streaming._sse import aiter_sse\n"
        "from .base import _private_helper\n"
    )
    assert private_imports(source, "cml._operations") == [
        "cml.streaming._sse: aiter_sse",
        "cml._operations.base: _private_helper",
    ]
