"""Migration traps of upstream's embedded client: `async with` on the sync class, and upstream's
`EmbeddedConfig` mapped onto py-cml's options (or refused, saying why)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import cml
from cml.embedded_config import (
    EmbeddedConfig,
    EmbeddedDatabaseConfig,
    EmbeddedEmbeddingConfig,
    EmbeddedLLMConfig,
    embedded_options,
)


def test_async_with_on_the_sync_client_names_the_async_one(tmp_path: Path) -> None:
    memory = cml.EmbeddedCognitiveMemoryLayer(tmp_path / "m.db", embedder="none")

    async def upstream_style() -> None:
        async with memory:  # type: ignore[misc]  # the trap itself
            pytest.fail("the sync client must not enter `async with`")

    with pytest.raises(TypeError, match="AsyncEmbeddedCognitiveMemoryLayer"):
        asyncio.run(upstream_style())
    # The client refused is closed, not left holding its SQLite file open.
    with pytest.raises(RuntimeError, match="store is closed"):
        memory.engine.store.execute("SELECT 1")


def test_the_async_client_is_the_upstream_pattern(tmp_path: Path) -> None:
    async def upstream_style() -> int:
        config = EmbeddedConfig(
            tenant_id="alice",
            database=EmbeddedDatabaseConfig(database_url=f"sqlite+aiosqlite:///{tmp_path}/a.db"),
            embedding=EmbeddedEmbeddingConfig(model="none"),
        )
        async with cml.AsyncEmbeddedCognitiveMemoryLayer(config=config) as memory:
            await memory.write("Alice keeps bees on the roof.")
            assert memory.tenant_id == "alice"
            # Upstream's embedded read took `format=`; the HTTP clients' name works too.
            context = await memory.read("bees", format="llm_context")
            assert context.llm_context is not None
            assert "bees" in context.llm_context
            return (await memory.stats()).total_memories

    assert asyncio.run(upstream_style()) == 1
    assert (tmp_path / "a.db").is_file()


def test_settings_that_mean_the_same_thing_map_over() -> None:
    assert embedded_options(EmbeddedConfig()) == {
        "db_path": "cml_memory.db",  # upstream's default file, in the working directory
        "tenant_id": "default",
        "embedder": "default",
    }
    mapped = embedded_options(
        EmbeddedConfig(
            tenant_id="t1",
            database=EmbeddedDatabaseConfig(database_url="sqlite:///:memory:"),
            embedding=EmbeddedEmbeddingConfig(model="sentence-transformers/all-MiniLM-L6-v2"),
        )
    )
    assert mapped == {
        "db_path": ":memory:",
        "tenant_id": "t1",
        "embedder": "sentence-transformers/all-MiniLM-L6-v2",
    }


@pytest.mark.parametrize(
    ("config", "names"),
    [
        (EmbeddedConfig(storage_mode="full"), "storage_mode"),
        (
            EmbeddedConfig(
                database=EmbeddedDatabaseConfig(database_url="postgresql+asyncpg://db/cml")
            ),
            "database_url",
        ),
        (
            EmbeddedConfig(database=EmbeddedDatabaseConfig(neo4j_url="bolt://localhost:7687")),
            "neo4j_url",
        ),
        (EmbeddedConfig(database=EmbeddedDatabaseConfig(redis_url="redis://x")), "redis_url"),
        (EmbeddedConfig(embedding=EmbeddedEmbeddingConfig(provider="openai")), "embedding"),
        (EmbeddedConfig(embedding=EmbeddedEmbeddingConfig(dimensions=1536)), "dimensions"),
        (EmbeddedConfig(llm=EmbeddedLLMConfig(api_key="sk-llm-SECRET-1234")), "llm"),
        (EmbeddedConfig(auto_consolidate=True), "auto_consolidate"),
        (EmbeddedConfig(auto_forget=True), "auto_forget"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_settings_embedded_mode_cannot_honour_are_refused(
    config: EmbeddedConfig, names: str, tmp_path: Path
) -> None:
    with pytest.raises(cml.ConfigurationError, match=names) as caught:
        cml.EmbeddedCognitiveMemoryLayer(config=config)
    assert caught.value.hint  # says what to do instead
    assert "SECRET" not in str(caught.value) + repr(config)
    assert not list(tmp_path.iterdir())  # nothing was opened or created


def test_config_and_direct_options_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(cml.ConfigurationError, match="either config= or"):
        cml.EmbeddedCognitiveMemoryLayer(tmp_path / "x.db", config=EmbeddedConfig())


def test_upstream_constructor_arguments_are_accepted_or_refused(tmp_path: Path) -> None:
    with cml.EmbeddedCognitiveMemoryLayer(
        tmp_path / "ok.db", storage_mode="lite", embedding_provider="local", embedder="none"
    ) as memory:
        assert memory.write("Kept.").memory_id is not None
    refused = [
        ({"storage_mode": "standard"}, "storage_mode"),
        ({"embedding_provider": "openai"}, "embedding"),
        ({"llm_api_key": "sk-llm-SECRET-1234"}, "llm"),
        ({"models_dir": str(tmp_path / "models")}, "models_dir"),
    ]
    for arguments, name in refused:
        with pytest.raises(cml.ConfigurationError, match=name) as caught:
            cml.AsyncEmbeddedCognitiveMemoryLayer(tmp_path / "no.db", **arguments)  # type: ignore[arg-type]
        assert "SECRET" not in str(caught.value)
    assert not (tmp_path / "no.db").exists()
