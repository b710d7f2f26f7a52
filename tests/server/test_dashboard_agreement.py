"""The dashboard's write simulation and read explanation agree with real writes and reads.

Each case asks the local server what a write would do, then makes that write with the real
client and compares; each explanation's ranking is compared with the read's own order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest
from scenarios.conftest import LocalServer

import cml
from cml.engine.embedders import Embedder
from cml.exceptions import CMLError

from .conftest import ADMIN_KEY, USER_KEY

TENANT = "default"
PASSPORT = "I keep my passport in the blue drawer."
FLIGHT = "My flight to Oslo leaves at 7 am on May 3."


@pytest.fixture
def client(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in ("CML_API_KEY", "CML_ADMIN_API_KEY", "CML_BASE_URL", "CML_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    with cml.CognitiveMemoryLayer(
        api_key=USER_KEY, admin_api_key=ADMIN_KEY, base_url=server.url, max_retries=0
    ) as opened:
        yield opened


@pytest.fixture
def admin(server: LocalServer) -> Iterator[httpx.Client]:
    headers = {"X-API-Key": ADMIN_KEY, "X-Requested-With": "XMLHttpRequest", "X-Tenant-ID": TENANT}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as opened:
        yield opened


def _simulate(admin: httpx.Client, content: str, **fields: Any) -> dict[str, Any]:
    body = {"tenant_id": TENANT, "content": content, **fields}
    response = admin.post("/api/v1/dashboard/write/simulate", json=body)
    assert response.status_code == 200, response.text
    (chunk,) = response.json()["chunks"]
    return dict(chunk)


def _cosine(embedder: Embedder, a: str, b: str) -> float:
    vectors = np.asarray(embedder.embed([a, b]))
    return float(vectors[0] @ vectors[1])


def test_a_simulation_in_another_namespace_says_store_as_the_write_does(
    admin: httpx.Client, client: Any
) -> None:
    client.write(PASSPORT, namespace="work")
    simulated = _simulate(admin, PASSPORT, namespace="home")
    written = client.write(PASSPORT, namespace="home")
    assert simulated["write_decision"] == "store"
    assert written.chunks_created == 1


# (what is stored first, in which namespace), (what is then written), what the write does.
CASES = [
    pytest.param((PASSPORT, "work"), (PASSPORT, "work"), "reinforce", id="exact-repeat"),
    pytest.param(
        (PASSPORT, "work"),
        ("i keep my passport in the blue drawer", "work"),
        "reinforce",
        id="near-duplicate",
    ),
    pytest.param((PASSPORT, "work"), (PASSPORT, "home"), "store", id="other-namespace"),
    pytest.param(
        (FLIGHT, ""), ("My flight to Oslo leaves at 9 am on May 3.", ""), "store", id="other-number"
    ),
    pytest.param(
        (FLIGHT, ""), ("My flight to Oslo leaves at 7 am on May 4.", ""), "store", id="other-date"
    ),
]


@pytest.mark.parametrize(("first", "then", "outcome"), CASES)
def test_the_simulation_predicts_the_write(
    admin: httpx.Client,
    client: Any,
    first: tuple[str, str],
    then: tuple[str, str],
    outcome: str,
) -> None:
    stored = client.write(first[0], namespace=first[1] or None)
    simulated = _simulate(admin, then[0], namespace=then[1] or None)
    written = client.write(then[0], namespace=then[1] or None)

    reinforced = written.chunks_created == 0
    assert reinforced == (outcome == "reinforce")
    assert simulated["would_store"] is not reinforced
    assert simulated["write_decision"] == ("reinforce_existing" if reinforced else "store")
    if reinforced:
        # The simulation names the memory the write reinforced.
        assert str(written.memory_id) == str(stored.memory_id)
        assert str(written.memory_id) in simulated["reason"]


def test_the_simulation_reports_the_cosine_of_the_memory_it_would_reinforce(
    admin: httpx.Client, client: Any, embedder: Embedder
) -> None:
    """The closest memory of the tenant is in another namespace (cosine 1.000); the write
    reinforces a near-duplicate in its own namespace, and that is the cosine reported."""
    variant = "i keep my passport in the blue drawer"
    client.write(PASSPORT, namespace="work")
    home = client.write(variant, namespace="home")
    simulated = _simulate(admin, PASSPORT, namespace="home")
    written = client.write(PASSPORT, namespace="home")

    assert written.chunks_created == 0
    assert str(written.memory_id) == str(home.memory_id)
    assert simulated["write_decision"] == "reinforce_existing"
    assert str(home.memory_id) in simulated["reason"]
    reported = re.search(r"cosine (\d\.\d{3})", simulated["reason"])
    assert reported is not None, simulated["reason"]
    assert float(reported.group(1)) == pytest.approx(_cosine(embedder, PASSPORT, variant), abs=1e-3)
    assert simulated["novelty"] == pytest.approx(
        1.0 - _cosine(embedder, PASSPORT, variant), abs=1e-3
    )


def test_a_silenced_memory_is_not_repeated_by_the_simulation_or_the_write(
    admin: httpx.Client, client: Any
) -> None:
    first = client.write(PASSPORT)
    client.forget(memory_ids=[first.memory_id], action="silence")
    simulated = _simulate(admin, PASSPORT)
    written = client.write(PASSPORT)
    assert simulated["write_decision"] == "store"
    assert written.chunks_created == 1


def test_the_simulation_rejects_what_the_write_rejects(admin: httpx.Client, client: Any) -> None:
    deep: Any = "leaf"
    for _ in range(40):
        deep = {"inner": deep}
    body = {"tenant_id": TENANT, "content": PASSPORT, "metadata": deep}
    simulated = admin.post("/api/v1/dashboard/write/simulate", json=body)
    with pytest.raises(CMLError):
        client.write(PASSPORT, metadata=deep)
    assert simulated.status_code in (400, 422), simulated.text


SEED = [
    "Alice works at Acme Corp and lives in Berlin.",
    "Bob works at Acme Corp.",
    "I flew to Rome for a week-long vacation in May.",
    "In Rome I visited the Colosseum and the Roman Forum.",
    "The best pasta of my Rome trip was carbonara near the Pantheon.",
    "I prefer aisle seats on long flights.",
    "My sister Carol moved to Lyon last spring.",
    "Rome in May was warm; we ate gelato every evening.",
]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"query": "What did I eat in Rome?", "max_results": 3}, id="rome-food"),
        pytest.param({"query": "Where does Alice work?", "max_results": 2}, id="alice"),
        pytest.param({"query": "flights", "max_results": 5}, id="one-word"),
        pytest.param(
            {"query": "Rome", "max_results": 4, "memory_types": ["episodic_event"]},
            id="typed",
        ),
    ],
)
def test_the_explanation_ranks_as_the_read_does(
    admin: httpx.Client, client: Any, body: dict[str, Any]
) -> None:
    for n, text in enumerate(SEED):
        client.write(text, memory_type="episodic_event" if n in (2, 3, 4) else None)
    explained = admin.post(
        "/api/v1/dashboard/retrieval/explain", json={"tenant_id": TENANT, **body}
    )
    assert explained.status_code == 200, explained.text
    answer = explained.json()
    read = client.read(
        body["query"], max_results=body["max_results"], memory_types=body.get("memory_types")
    )
    read_ids = [str(m.id) for m in read.memories]
    assert read_ids  # every query finds something
    assert [r["id"] for r in answer["results"]] == read_ids
    ranked = answer["rerank"]
    # The explanation's ranking is the read's: its first entries are what the read returned,
    # in the read's order, with the read's relevance.
    assert [r["id"] for r in ranked[: len(read_ids)]] == read_ids
    assert [r["final_score"] for r in ranked[: len(read_ids)]] == pytest.approx(
        [m.relevance for m in read.memories], abs=1e-6
    )
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert all(r["selected"] == (r["id"] in read_ids) for r in ranked)
    if body.get("memory_types"):
        types = {r["source_type"] for r in ranked}
        assert types == set(body["memory_types"])
