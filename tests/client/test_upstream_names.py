"""Every public name of the upstream SDK 1.5.1 imports from the same module, with its fields,
members and bases (from `../shared/reference/upstream-sdk-1.5.1-public-names.txt`)."""

from __future__ import annotations

import enum
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import cml

REFERENCE = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "reference"
    / "upstream-sdk-1.5.1-public-names.txt"
)

_ENTRY = re.compile(
    r"^(?P<name>\w+) \((?P<kind>\w+)\)(?: (?P<what>fields|bases|members): (?P<list>.*))?$"
)


def _entries() -> list[tuple[str, str, str, str | None, list[str]]]:
    if not REFERENCE.is_file():
        pytest.fail(f"the upstream public-name list is missing; expected it at {REFERENCE}")
    entries = []
    module = ""
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            module = line.strip("[]")
        elif line.strip():
            match = _ENTRY.match(line.strip())
            assert match, f"unreadable line in the reference: {line!r}"
            listed = match["list"].split(", ") if match["list"] else []
            entries.append((module, match["name"], match["kind"], match["what"], listed))
    return entries


ENTRIES = _entries()


def _fields(obj: Any) -> set[str]:
    if attrs.has(obj):
        return {f.name for f in attrs.fields(obj)}
    raise AssertionError(f"{obj!r} has no fields")


@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{module}.{name}" for module, name, *_ in ENTRIES])
def test_upstream_name_imports_with_its_fields_members_and_bases(entry: Any) -> None:
    module_name, name, kind, what, listed = entry
    module = importlib.import_module(module_name)
    assert hasattr(module, name), f"`from {module_name} import {name}` fails"
    obj = getattr(module, name)
    if kind == "class":
        assert inspect.isclass(obj)
    elif kind == "function":
        assert callable(obj)
    elif kind == "str":
        assert isinstance(obj, str)
    if what == "fields":
        missing = set(listed) - _fields(obj)
        assert not missing, f"{module_name}.{name} lacks fields {sorted(missing)}"
    elif what == "members":
        assert issubclass(obj, enum.Enum)
        missing = set(listed) - set(obj.__members__)
        assert not missing, f"{module_name}.{name} lacks members {sorted(missing)}"
    elif what == "bases":
        for base in listed:
            expected = getattr(cml, base, None) if base != "Exception" else Exception
            assert expected is not None, base
            assert issubclass(obj, expected), (name, base)


def test_the_reference_lists_the_names_issue_13_names() -> None:
    # A guard against an empty or truncated reference making the test above vacuous.
    names = {(m, n) for m, n, *_ in ENTRIES}
    assert len(ENTRIES) > 150
    assert ("cml.models", "DashboardOverview") in names
    assert ("cml.embedded_config", "EmbeddedConfig") in names


def test_aliases_are_the_better_named_classes() -> None:
    from cml.exceptions import ConnectionError as UpstreamConnectionError
    from cml.exceptions import TimeoutError as UpstreamTimeoutError

    assert cml.ConnectionError is cml.CMLConnectionError is UpstreamConnectionError
    assert cml.TimeoutError is cml.CMLTimeoutError is UpstreamTimeoutError
    # Not star-exported: `from cml import *` must leave Python's builtins alone.
    assert "ConnectionError" not in cml.__all__
    assert "TimeoutError" not in cml.__all__


def test_public_models_are_the_same_classes_everywhere() -> None:
    from cml.models import DashboardOverview, MemoryPacket, MemoryRecord, ReadResponse
    from cml.models.responses import DashboardOverview as FromResponses

    assert DashboardOverview is FromResponses
    assert MemoryPacket is ReadResponse
    assert {"text", "type", "status", "confidence", "written_at"} <= _fields(MemoryRecord)
    assert "related_events" not in _fields(MemoryRecord)
