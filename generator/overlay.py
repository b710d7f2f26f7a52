"""Apply OpenAPI Overlay 1.0 documents: everything py-cml adds to a server's own document.

An overlay is an ordered list of actions; each has a `target`, an RFC 9535 JSONPath query, and
either `update` or `remove: true`:

- `update` on an object merges into it: objects merge member by member, recursively; any other
  value (a string, a number, an array) replaces the member of the same name.
- `update` on an array appends the value to it (how a parameter is added to an operation).
- `remove: true` takes every selected node out of the object or array that holds it.

Actions apply in order, each to the document as the earlier ones left it. An action whose target
selects nothing is not an error (a server release may lack what another has), but it is never
dropped silently: `apply` returns it as a `Miss`, named by its description, and the generator
prints every miss.

No maintained Python package applies overlays soundly (the one on PyPI drops unmatched targets
without a word and pulls in a CLI stack), so this small applier is ours; target selection is
jsonpath-rfc9535, which implements the JSONPath standard the Overlay specification names.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath_rfc9535
import yaml

__all__ = ["Action", "Miss", "Overlay", "OverlayError", "apply", "load"]

SUPPORTED = ("1.0.0",)


class OverlayError(Exception):
    """An overlay that cannot be applied as written (bad structure, bad target, bad update)."""


@dataclass(frozen=True)
class Action:
    target: str
    description: str
    update: Any = None
    remove: bool = False
    #: Where the action stands in its overlay (1-based), for messages.
    number: int = 0
    source: str = ""

    @property
    def name(self) -> str:
        return f"{self.source} action {self.number} ({self.description or self.target})"


@dataclass(frozen=True)
class Overlay:
    title: str
    version: str
    actions: tuple[Action, ...]
    source: str = ""


@dataclass(frozen=True)
class Miss:
    """An action whose target selected nothing in the document it was applied to."""

    action: Action

    def __str__(self) -> str:
        return f"{self.action.name}: target {self.action.target} matched nothing"


def load(path: Path) -> Overlay:
    """Read and check an overlay document (YAML or JSON)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse(document, source=path.name)


def parse(document: Any, *, source: str = "overlay") -> Overlay:
    if not isinstance(document, Mapping):
        raise OverlayError(f"{source}: an overlay is a mapping")
    version = str(document.get("overlay", ""))
    if version not in SUPPORTED:
        raise OverlayError(f"{source}: overlay version {version!r} is not one of {SUPPORTED}")
    info = document.get("info")
    if not isinstance(info, Mapping) or not info.get("title") or not info.get("version"):
        raise OverlayError(f"{source}: `info` needs a title and a version")
    raw_actions = document.get("actions")
    if not isinstance(raw_actions, Sequence) or isinstance(raw_actions, str) or not raw_actions:
        raise OverlayError(f"{source}: `actions` must be a non-empty list")
    actions = []
    for number, raw in enumerate(raw_actions, start=1):
        where = f"{source} action {number}"
        if not isinstance(raw, Mapping):
            raise OverlayError(f"{where}: an action is a mapping")
        target = raw.get("target")
        if not isinstance(target, str) or not target:
            raise OverlayError(f"{where}: `target` must be a JSONPath query string")
        try:
            jsonpath_rfc9535.compile(target)
        except jsonpath_rfc9535.JSONPathError as exc:
            raise OverlayError(f"{where}: target {target!r} is not valid JSONPath: {exc}") from None
        remove = raw.get("remove", False)
        if not isinstance(remove, bool):
            raise OverlayError(f"{where}: `remove` must be true or false")
        if "update" not in raw and not remove:
            raise OverlayError(f"{where}: needs `update` or `remove: true`")
        unknown = set(raw) - {"target", "description", "update", "remove"}
        if any(not str(key).startswith("x-") for key in unknown):
            raise OverlayError(f"{where}: unknown fields {sorted(map(str, unknown))}")
        actions.append(
            Action(
                target=target,
                description=str(raw.get("description", "")),
                update=raw.get("update"),
                remove=remove,
                number=number,
                source=source,
            )
        )
    return Overlay(
        title=str(info["title"]),
        version=str(info["version"]),
        actions=tuple(actions),
        source=source,
    )


def apply(document: dict[str, Any], *overlays: Overlay) -> tuple[dict[str, Any], list[Miss]]:
    """Return a copy of `document` with `overlays` applied in order, and the actions that missed."""
    result = copy.deepcopy(document)
    misses: list[Miss] = []
    for overlay in overlays:
        for action in overlay.actions:
            nodes = list(jsonpath_rfc9535.find(action.target, result))
            if not nodes:
                misses.append(Miss(action))
            elif action.remove:
                _remove(result, [node.location for node in nodes], action)
            else:
                for node in nodes:
                    _update(node.value, action)
    return result, misses


def _update(node: Any, action: Action) -> None:
    if isinstance(node, list):
        node.append(copy.deepcopy(action.update))
    elif isinstance(node, dict):
        if not isinstance(action.update, Mapping):
            raise OverlayError(f"{action.name}: an object target needs a mapping to merge")
        _merge(node, action.update)
    else:
        raise OverlayError(f"{action.name}: target selects a {type(node).__name__}, not an object")


def _merge(into: dict[str, Any], update: Mapping[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = copy.deepcopy(value)


def _remove(document: dict[str, Any], locations: list[tuple[Any, ...]], action: Action) -> None:
    if any(not location for location in locations):
        raise OverlayError(f"{action.name}: cannot remove the document itself")
    # Later array positions first, so earlier removals do not shift the ones still to come.
    for location in sorted(locations, key=_removal_order, reverse=True):
        parent: Any = document
        for step in location[:-1]:
            parent = parent[step]
        del parent[location[-1]]


def _removal_order(location: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((0, step) if isinstance(step, int) else (1, str(step)) for step in location)
