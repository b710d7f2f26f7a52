"""Which memory store a command works on: a CML server, or an embedded SQLite store.

Both are `CognitiveMemoryLayer`s (the embedded client is the HTTP client over an in-process
transport), so the commands never need to know which one they were given.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .._client import CognitiveMemoryLayer
from .._config import ENV_VARS, read_env_file
from .._exceptions import ConfigurationError
from ..embedded import EmbeddedCognitiveMemoryLayer

__all__ = ["check_db", "check_parent", "describe", "is_embedded", "open_target"]


def _server_configured() -> bool:
    """True when CML_BASE_URL is set, in the environment or in `.env`, as the client reads it."""
    name = ENV_VARS["base_url"]
    if os.environ.get(name, "").strip():
        return True
    values, _ = read_env_file(None)
    return bool(values.get(name, "").strip())


def check_parent(path: str, *, create: bool, what: str) -> None:
    """A file path a command will write: its folder must exist, unless `create` makes it.

    A mistyped folder would otherwise pass for a new, empty store.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise ConfigurationError(
            f"{what} {path} is a directory", hint="Give the path of a file inside it."
        )
    parent = target.parent
    if parent.is_dir():
        return
    if not create:
        raise ConfigurationError(
            f"{what} {path}: the folder {parent} does not exist",
            hint="Check the path, or pass --create to make the missing folders.",
        )
    parent.mkdir(parents=True, exist_ok=True)


def check_db(db: str | None, *, create: bool) -> None:
    """`--db`: a SQLite file in a folder that exists (or `--create`); None is the default store."""
    if db is not None and db != ":memory:":
        check_parent(db, create=create, what="--db")


@contextmanager
def open_target(
    *,
    url: str | None,
    db: str | None,
    tenant: str | None,
    namespace: str | None,
    embedder: Any,
    create: bool = False,
    api_version: str | None = None,
) -> Iterator[CognitiveMemoryLayer]:
    """The client for the chosen store, closed on exit.

    `--url` (or, with neither flag, CML_BASE_URL) selects a server, with keys and the other
    settings from the CML_* environment; otherwise the embedded store at `db` (None: its default).
    """
    client: CognitiveMemoryLayer
    if url is not None or (db is None and _server_configured()):
        client = CognitiveMemoryLayer(base_url=url, tenant_id=tenant, api_version=api_version)
    else:
        check_db(db, create=create)
        client = EmbeddedCognitiveMemoryLayer(
            db, tenant_id=tenant, embedder=embedder, api_version=api_version
        )
    with client:
        # The namespaced copy shares the original's connections; closing the original is enough.
        yield client.with_namespace(namespace) if namespace is not None else client


def is_embedded(client: CognitiveMemoryLayer) -> bool:
    return isinstance(client, EmbeddedCognitiveMemoryLayer)


def describe(client: CognitiveMemoryLayer) -> str:
    """Where the client's memories are, for people: the server URL or the SQLite file."""
    if isinstance(client, EmbeddedCognitiveMemoryLayer):
        return f"embedded store {client.engine.store.path}"
    return f"server {client.config.base_url}"
