"""The CML server releases this SDK speaks, and telling them apart from a server's document.

Each supported release has its own generated package (`cml_api.v1_5_1`, `cml_api.v2_0_0`, ...)
with the same module and class names, so a client addresses an operation by its id once and takes
the module from the release it is pinned to. Modules load on first use.

Servers do not report their release (health, headers and `info.version` say nothing useful), so
`identify` compares what a server's `/openapi.json` holds (its operations, its schemas' fields)
with each release's own document, bundled with its package.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import ModuleType
from typing import Any

import attrs

from cml_api import LATEST, RELEASES

__all__ = [
    "DEFAULT_RELEASE",
    "SUPPORTED_RELEASES",
    "Identification",
    "Release",
    "get_release",
    "identify",
    "releases_with",
    "unset_types",
]

#: Every supported server release, oldest first.
SUPPORTED_RELEASES: tuple[str, ...] = tuple(RELEASES)
#: The release a client speaks when none is pinned: the newest.
DEFAULT_RELEASE: str = LATEST
_API_PATHS = "/api/"


@attrs.frozen(slots=True)
class Release:
    """One supported server release and its generated package."""

    version: str
    package: str

    @property
    def operations(self) -> Mapping[str, str]:
        """Operation id -> the `api` subpackage (tag) that holds its module."""
        return _module(self.package).__operations__  # type: ignore[no-any-return]

    @property
    def spec_sha256(self) -> str:
        return str(_module(self.package).__spec_sha256__)

    def has(self, operation: str) -> bool:
        return operation in self.operations

    def endpoint(self, operation: str) -> ModuleType:
        """The generated module of `operation` (KeyError when this release lacks it)."""
        return _module(f"{self.package}.api.{self.operations[operation]}.{operation}")

    def arguments(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """`kwargs` for one of this release's endpoint functions.

        Calls are built once for every release, so an argument left out is some release's
        `UNSET`; each release's functions recognise only their own, and would send another's
        as a value (`?tenant_id=<Unset>`). Request bodies are models that serialize themselves.
        """
        unset = _module(f"{self.package}.types").UNSET
        return {k: unset if isinstance(v, unset_types()) else v for k, v in kwargs.items()}

    def parser_client(self, base_url: str) -> Any:
        """A client of this release's package, for its response parsers' signature only."""
        return _module(self.package).Client(base_url=base_url, raise_on_unexpected_status=False)

    def model(self, name: str) -> Any:
        """A generated model class of this release, by name."""
        return getattr(_module(f"{self.package}.models"), name)

    def document(self) -> dict[str, Any]:
        """The OpenAPI document the package was generated from (server's plus overlay)."""
        return _bundled(self.package, "openapi.json")

    def fingerprint(self) -> Mapping[str, frozenset[str]]:
        """The release's signature, and the fields of the schemas py-cml's overlay adds."""
        document = self.document()
        schemas = document.get("components", {}).get("schemas", {})
        ours = {name for name, schema in schemas.items() if schema.get("x-cml-added")}
        added = set(signature({"components": {"schemas": {n: schemas[n] for n in ours}}})["fields"])
        # Fields the overlay adds to a server's schema (py-cml's own server's extensions).
        added.update(
            f"{name}.{prop}"
            for name, schema in schemas.items()
            for prop, spec in (schema.get("properties") or {}).items()
            if isinstance(spec, Mapping) and spec.get("x-cml-added")
        )
        own = signature(document)
        return {**own, "fields": own["fields"] - added, "sdk_fields": frozenset(added)}


def get_release(version: str) -> Release:
    """The supported release `version`; ValueError naming the supported ones otherwise."""
    package = RELEASES.get(version)
    if package is None:
        raise ValueError(
            f"CML server release {version!r} is not supported; supported: "
            + ", ".join(SUPPORTED_RELEASES)
        )
    return Release(version, package)


def releases_with(operation: str) -> tuple[str, ...]:
    """The supported releases that have `operation`."""
    return tuple(v for v in SUPPORTED_RELEASES if get_release(v).has(operation))


@cache
def unset_types() -> tuple[type, ...]:
    """Every release's `Unset` class (a response is parsed by its release's own models)."""
    return tuple(_module(f"{package}.types").Unset for package in RELEASES.values())


def _module(name: str) -> ModuleType:
    # Not `sys.modules.get(name)` first: under concurrent calls it hands one thread a module
    # that another thread is still importing (import_module waits for it, and is as fast once
    # the module is loaded).
    return importlib.import_module(name)


@cache
def _bundled(package: str, name: str) -> dict[str, Any]:
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


# -- telling releases apart ---------------------------------------------------------------------


def signature(document: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """What identifies a release in a document: its API operations and its schemas' fields."""
    operations = {
        f"{method.upper()} {path}"
        for path, item in (document.get("paths") or {}).items()
        if isinstance(item, Mapping) and str(path).startswith(_API_PATHS)
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    }
    fields: set[str] = set()
    schemas = (document.get("components") or {}).get("schemas") or {}
    for name, schema in schemas.items():
        properties = schema.get("properties") if isinstance(schema, Mapping) else None
        fields.add(name)
        fields.update(f"{name}.{prop}" for prop in properties or ())
    return {"operations": frozenset(operations), "fields": frozenset(fields)}


@attrs.frozen(slots=True)
class Identification:
    """Which release a server's document matches: `release`, or the `closest` and how it differs."""

    release: str | None
    closest: str
    differences: tuple[str, ...]


def identify(document: Mapping[str, Any]) -> Identification:
    """Match a server's `/openapi.json` against every supported release."""
    served = signature(document)
    scored: list[tuple[int, int, str, tuple[str, ...]]] = []
    for version in SUPPORTED_RELEASES:
        known = get_release(version).fingerprint()
        differences = (
            *(
                f"missing operation {op}"
                for op in sorted(known["operations"] - served["operations"])
            ),
            *(f"extra operation {op}" for op in sorted(served["operations"] - known["operations"])),
            *(f"missing field {f}" for f in sorted(known["fields"] - served["fields"])),
            # py-cml's own server serves the overlay's schemas too; they say nothing of the release.
            *(
                f"extra field {f}"
                for f in sorted(served["fields"] - known["fields"] - known["sdk_fields"])
            ),
        )
        # Fewest differences wins; on a tie, the newer release.
        scored.append((len(differences), -len(scored), version, differences))
    count, _, closest, found = min(scored)
    return Identification(
        release=closest if count == 0 else None, closest=closest, differences=found
    )
