"""Every dashboard view of one tenant shows that tenant's data only, whether the tenant comes
from the `tenant_id` query parameter or from the caller's `X-Tenant-ID`: two tenants are
seeded through the local server and each listing is read for one of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from scenarios.conftest import LocalServer
from scenarios.conftest import _served as served

from cml.engine.embedders import Embedder

from .conftest import ADMIN_KEY

SEED = {
    "alpha": [
        "Alice works at Acme Corp and lives in Berlin.",
        "Alice prefers green tea in the morning.",
        "Alice visited Lisbon in May.",
    ],
    "beta": [
        "Bob works at Globex and lives in Oslo.",
        "Bob prefers black coffee at night.",
        "Bob visited Tokyo in June.",
        "Carol works at Initech and lives in Madrid.",
    ],
}
# Words only the other tenant's memories, entities or facts hold.
FOREIGN = {
    "alpha": ("Bob", "Globex", "Oslo", "Tokyo", "Carol", "Initech", "Madrid"),
    "beta": ("Alice", "Acme", "Berlin", "Lisbon"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[LocalServer]:
    # 1.5.1 serves every listing (2.0.0 dropped the event views).
    path: Path = tmp_path_factory.mktemp("tenants")
    running = served(path, embedder, "1.5.1")
    server = next(running)
    for tenant, texts in SEED.items():
        with _http(server, tenant) as http:
            session = http.post("/api/v1/session/create", json={"name": f"{tenant} chat"})
            session_id = session.json()["session_id"]
            for text in texts:
                written = http.post(
                    "/api/v1/memory/write", json={"content": text, "session_id": session_id}
                )
                assert written.status_code == 200, written.text
            assert http.post("/api/v1/memory/read", json={"query": "works"}).status_code == 200
            for job in ("consolidate", "reconsolidate", "forget"):
                done = http.post(f"/api/v1/dashboard/{job}", json={"tenant_id": tenant})
                assert done.status_code == 200, done.text
    yield server
    next(running, None)


def _http(server: LocalServer, tenant: str | None) -> httpx.Client:
    headers = {"X-API-Key": ADMIN_KEY, "X-Requested-With": "XMLHttpRequest"}
    if tenant is not None:
        headers["X-Tenant-ID"] = tenant
    return httpx.Client(base_url=server.url, headers=headers, timeout=60)


class View:
    """GET a dashboard view for `tenant`, named by the query or by the header."""

    def __init__(self, server: LocalServer, tenant: str, by: str) -> None:
        self.tenant = tenant
        self.by = by
        self._http = _http(server, tenant if by == "header" else "someone-else")

    def get(self, path: str, **params: Any) -> Any:
        if self.by == "query":
            params["tenant_id"] = self.tenant
        answer = self._http.get(f"/api/v1/dashboard/{path}", params=params)
        assert answer.status_code == 200, (path, answer.text)
        return answer.json()

    def foreign_in(self, payload: Any) -> list[str]:
        text = str(payload)
        return [word for word in FOREIGN[self.tenant] if word in text]


@pytest.fixture(params=[(t, by) for t in SEED for by in ("query", "header")], ids=str)
def view(request: pytest.FixtureRequest, server: LocalServer) -> Iterator[View]:
    tenant, by = request.param
    made = View(server, tenant, by)
    yield made
    made._http.close()


def test_memory_listing(view: View) -> None:
    listed = view.get("memories", per_page=100)
    assert sorted(i["text"] for i in listed["items"]) == sorted(SEED[view.tenant])
    assert listed["total"] == len(SEED[view.tenant])
    assert {i["tenant_id"] for i in listed["items"]} == {view.tenant}
    searched = view.get("memories", search="works")
    assert searched["total"] == sum("works" in t for t in SEED[view.tenant])
    assert view.foreign_in(searched) == []


def test_memory_export(view: View) -> None:
    exported = view.get("export/memories")
    assert sorted(i["text"] for i in exported) == sorted(SEED[view.tenant])


def test_overview_and_timeline(view: View) -> None:
    assert view.get("overview")["total_memories"] == len(SEED[view.tenant])
    assert view.get("timeline", days=7)["total"] == len(SEED[view.tenant])


def test_events(view: View) -> None:
    listed = view.get("events", per_page=200)
    exported = view.get("events/export")
    assert listed["items"]
    assert {e["tenant_id"] for e in listed["items"]} == {view.tenant}
    assert {e["tenant_id"] for e in exported} == {view.tenant}
    assert listed["total"] == len(exported)
    writes = [e for e in exported if e["operation"] == "write"]
    assert len(writes) == len(SEED[view.tenant])


def test_facts(view: View) -> None:
    listed = view.get("facts", limit=200)
    exported = view.get("facts/export")
    assert listed["items"]
    assert {f["tenant_id"] for f in listed["items"]} == {view.tenant}
    assert view.foreign_in(listed) == []
    assert view.foreign_in(exported) == []


def test_sessions(view: View) -> None:
    sessions = view.get("sessions")["sessions"]
    assert [s["metadata"]["name"] for s in sessions] == [f"{view.tenant} chat"]
    assert sessions[0]["memory_count"] == len(SEED[view.tenant])


def test_jobs(view: View) -> None:
    for path in ("jobs", "consolidation/runs", "reconsolidation/runs"):
        items = view.get(path)["items"]
        assert items, path
        assert {j["tenant_id"] for j in items} == {view.tenant}, path
    assert {j["job_type"] for j in view.get("jobs")["items"]} >= {"consolidate", "reconsolidate"}


def test_graph(view: View) -> None:
    # The graph overview and explorer require `tenant_id` (as the live servers do).
    overview = view.get("graph/overview", tenant_id=view.tenant)
    assert overview["nodes"]
    assert view.foreign_in(overview) == []
    for word in ("o", "a", "i"):
        found = view.get("graph/search", query=word, limit=100)["results"]
        assert {r["tenant_id"] for r in found} <= {view.tenant}
        assert view.foreign_in(found) == []
    person = "Alice" if view.tenant == "alpha" else "Bob"
    stranger = "Bob" if view.tenant == "alpha" else "Alice"
    explore = {"tenant_id": view.tenant}
    assert view.get("graph/explore", entity=person, **explore)["nodes"]
    assert view.get("graph/explore", entity=stranger, **explore)["nodes"] == []


def test_quality_overview(view: View) -> None:
    quality = view.get("quality/overview")
    assert quality["tenant_id"] == view.tenant
    with_graph = view.get("graph/overview", tenant_id=view.tenant)
    assert quality["graph_hygiene"]["entities"] == len(with_graph["nodes"])


def test_searches_take_the_text_literally(view: View) -> None:
    # `%` and `_` are LIKE's wildcards: a search for them finds only the characters themselves.
    for text in ("%", "_", "works%lives", "works_at"):
        assert view.get("memories", search=text)["total"] == 0, text
        found = view.get("graph/search", query=text, limit=100)["results"]
        assert found == [], text
    expected = sum("works at" in t for t in SEED[view.tenant])
    assert view.get("memories", search="works at")["total"] == expected
