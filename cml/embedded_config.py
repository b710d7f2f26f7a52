"""Upstream's `EmbeddedConfig`, mapped onto py-cml's embedded options.

py-cml's embedded mode is one SQLite file, a local embedder and no LLM. Settings that mean the
same thing carry over (`tenant_id`, a SQLite `database_url`, a local embedding model); settings
that ask for something embedded mode does not have (PostgreSQL, Neo4j, Redis, a remote embedder
or LLM, background jobs) raise `ConfigurationError` saying what to do instead, rather than being
dropped silently.
"""

from __future__ import annotations

from typing import Any

import attrs

from ._exceptions import ConfigurationError

__all__ = [
    "EmbeddedConfig",
    "EmbeddedDatabaseConfig",
    "EmbeddedEmbeddingConfig",
    "EmbeddedLLMConfig",
    "check_upstream_arguments",
    "embedded_options",
]

_SQLITE_PREFIXES = ("sqlite+aiosqlite:///", "sqlite:///")
# The bundled embedder's vector size: a config asking for another size needs another model.
_DEFAULT_DIMENSIONS = 384


@attrs.frozen(kw_only=True)
class EmbeddedDatabaseConfig:
    database_url: str = "sqlite+aiosqlite:///cml_memory.db"
    neo4j_url: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = attrs.field(default="", repr=False)
    redis_url: str | None = None


@attrs.frozen(kw_only=True)
class EmbeddedEmbeddingConfig:
    provider: str = "local"
    model: str = ""
    dimensions: int = _DEFAULT_DIMENSIONS
    api_key: str | None = attrs.field(default=None, repr=False)
    base_url: str | None = None


@attrs.frozen(kw_only=True)
class EmbeddedLLMConfig:
    provider: str = "openai"
    model: str = ""
    api_key: str | None = attrs.field(default=None, repr=False)
    base_url: str | None = None


@attrs.frozen(kw_only=True)
class EmbeddedConfig:
    """The upstream embedded settings; `EmbeddedCognitiveMemoryLayer(config=...)` takes one."""

    storage_mode: str = "lite"
    tenant_id: str = "default"
    database: EmbeddedDatabaseConfig = attrs.field(factory=EmbeddedDatabaseConfig)
    embedding: EmbeddedEmbeddingConfig = attrs.field(factory=EmbeddedEmbeddingConfig)
    llm: EmbeddedLLMConfig = attrs.field(factory=EmbeddedLLMConfig)
    auto_consolidate: bool = False
    auto_forget: bool = False


def _refuse(setting: str, why: str, instead: str) -> ConfigurationError:
    return ConfigurationError(f"{setting}: {why}", hint=f"{instead} See docs/migrating.md.")


def embedded_options(config: EmbeddedConfig) -> dict[str, Any]:
    """`db_path`, `tenant_id` and `embedder` for py-cml's embedded clients, from `config`."""
    if config.storage_mode != "lite":
        raise _refuse(
            "storage_mode",
            f"{config.storage_mode!r} needs the CML server's PostgreSQL, Neo4j and Redis; "
            "py-cml's embedded mode is SQLite only ('lite').",
            "Use storage_mode='lite', or run a CML server and use CognitiveMemoryLayer.",
        )
    database = config.database
    if not database.database_url.startswith(_SQLITE_PREFIXES):
        raise _refuse(
            "database.database_url",
            "embedded mode stores memories in one SQLite file, not in another database.",
            "Pass a sqlite:/// URL (or db_path=...), or use CognitiveMemoryLayer with a server.",
        )
    for name, url in (("neo4j_url", database.neo4j_url), ("redis_url", database.redis_url)):
        if url:
            raise _refuse(
                f"database.{name}",
                "embedded mode keeps its graph and caches in the SQLite file.",
                f"Leave {name} unset (cml.graph can sync a stream's facts to Neo4j).",
            )
    embedding = config.embedding
    if embedding.provider != "local" or embedding.api_key or embedding.base_url:
        raise _refuse(
            "embedding",
            f"provider {embedding.provider!r} with a remote service is not built in.",
            "Pass embedder= a function from a list of texts to vectors that calls your service.",
        )
    if not embedding.model and embedding.dimensions != _DEFAULT_DIMENSIONS:
        raise _refuse(
            "embedding.dimensions",
            f"the bundled model gives {_DEFAULT_DIMENSIONS}-dimensional vectors, "
            f"not {embedding.dimensions}.",
            "Name a sentence-transformers model of that size in embedding.model.",
        )
    llm = config.llm
    if llm.model or llm.api_key or llm.base_url:
        raise _refuse(
            "llm",
            "embedded mode calls no LLM: types and facts come from built-in rules.",
            "Pass classifier= a function (text -> memory type) that calls your LLM.",
        )
    for name in ("auto_consolidate", "auto_forget"):
        if getattr(config, name):
            raise _refuse(
                name,
                "embedded mode runs no background jobs.",
                "Call consolidate() or run_forgetting() when you want them.",
            )
    path = database.database_url
    for prefix in _SQLITE_PREFIXES:
        path = path.removeprefix(prefix)
    return {
        "db_path": path or ":memory:",
        "tenant_id": config.tenant_id,
        "embedder": embedding.model or "default",
    }


def check_upstream_arguments(
    *,
    storage_mode: str,
    embedding_provider: str,
    llm_api_key: str | None,
    models_dir: str | None,
) -> None:
    """Refuse the upstream constructor's arguments that embedded mode cannot honour."""
    embedded_options(
        EmbeddedConfig(
            storage_mode=storage_mode,
            embedding=EmbeddedEmbeddingConfig(provider=embedding_provider),
            llm=EmbeddedLLMConfig(api_key=llm_api_key),
        )
    )
    if models_dir is not None:
        raise _refuse(
            "models_dir",
            "the default embedder ships inside py-cml; there is no models directory.",
            "Pass embedder= a sentence-transformers model name or path for another model.",
        )
