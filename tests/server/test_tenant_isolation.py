"""One tenant's calls never reach another tenant's memories, through the local server: reads,
updates by id, forgetting by id, by query and by age, statistics, listing and deleting all
(two clients with the admin key, each bound to its own tenant by `X-Tenant-ID`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from scenarios.conftest import LocalServer

import cml

from .conftest import ADMIN_KEY

MINE = ["Alice keeps bees in the garden.", "Alice repaired the garden fence."]
THEIRS = ["Bob keeps bees on the roof.", "Bob painted the garden fence.", "Bob sold honey."]
WHEN = datetime(2026, 3, 1, tzinfo=UTC)


def _client(server: LocalServer, tenant: str) -> cml.CognitiveMemoryLayer:
    return cml.CognitiveMemoryLayer(
        api_key=ADMIN_KEY,
        admin_api_key=ADMIN_KEY,
        base_url=server.url,
        tenant_id=tenant,
        max_retries=0,
    )


@pytest.fixture
def pair(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[cml.CognitiveMemoryLayer, cml.CognitiveMemoryLayer, list[str]]]:
    """(my client, their client, the ids of their memories), both tenants seeded."""
    for name in ("CML_API_KEY", "CML_ADMIN_API_KEY", "CML_BASE_URL", "CML_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    with _client(server, "mine") as mine, _client(server, "theirs") as theirs:
        for text in MINE:
            mine.write(text, timestamp=WHEN)
        ids = [str(theirs.write(text, timestamp=WHEN).memory_id) for text in THEIRS]
        yield mine, theirs, ids


def _texts(client: cml.CognitiveMemoryLayer) -> list[str]:
    return sorted(m.text for m in client.iter_memories())


Pair = tuple[cml.CognitiveMemoryLayer, cml.CognitiveMemoryLayer, list[str]]


def test_reads_and_listings_hold_the_callers_memories(pair: Pair) -> None:
    mine, theirs, _ = pair
    found = mine.read("bees garden fence honey", max_results=10, response_format="list")
    assert sorted(m.text for m in found.memories) == sorted(MINE)
    assert _texts(mine) == sorted(MINE)
    assert _texts(theirs) == sorted(THEIRS)
    assert mine.stats().total_memories == len(MINE)
    assert theirs.stats().total_memories == len(THEIRS)


def test_another_tenants_memory_cannot_be_updated(pair: Pair) -> None:
    mine, theirs, ids = pair
    with pytest.raises(cml.NotFoundError):
        mine.update(ids[0], text="Bob keeps wasps on the roof.")
    with pytest.raises(cml.NotFoundError):
        mine.update(ids[0], feedback="incorrect")
    assert _texts(theirs) == sorted(THEIRS)


def test_forgetting_reaches_the_callers_memories_only(pair: Pair) -> None:
    mine, theirs, ids = pair
    assert mine.forget(memory_ids=ids).affected_count == 0
    by_query = mine.forget(query="Bob keeps bees on the roof").affected_count
    by_age = mine.forget(before=WHEN + timedelta(days=1)).affected_count
    assert by_query + by_age == len(MINE)
    assert _texts(mine) == []
    assert _texts(theirs) == sorted(THEIRS)


def test_delete_all_deletes_the_callers_memories_only(pair: Pair) -> None:
    mine, theirs, _ = pair
    assert mine.delete_all(confirm=True) == len(MINE)
    assert mine.stats().total_memories == 0
    assert _texts(theirs) == sorted(THEIRS)
