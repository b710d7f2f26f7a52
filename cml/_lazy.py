"""Names a package exports but loads on first use, so `import cml` stays light.

A client-mode user never needs the embedded engine, the model runtime or the stream processor;
importing them eagerly cost `import cml` most of its time. A package lists such names with the
module that defines each, and `lazy_exports` gives it the module `__getattr__` (PEP 562) that
imports one on first access and keeps it, so the next access is a plain attribute.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    namespace: MutableMapping[str, Any],
    table: Mapping[str, str],
    *,
    public_module: str | None = None,
) -> Callable[[str], Any]:
    """The `__getattr__` for the package whose globals are `namespace`.

    `table` maps each lazy name to the module defining it, relative to the package. With
    `public_module`, classes defined inside the package report it as their `__module__`, as the
    eagerly imported ones do (tracebacks read `cml.EmbeddedCognitiveMemoryLayer`).
    """
    package = str(namespace["__name__"])

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        if (
            public_module is not None
            and isinstance(value, type)
            and value.__module__.startswith(f"{package}.")
        ):
            value.__module__ = public_module
        namespace[name] = value
        return value

    return __getattr__
