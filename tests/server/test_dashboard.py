"""The admin and dashboard routes of the local server (`cml serve`) and of embedded mode: every
operation answers, every answer matches its response schema in the spec, and the views and
actions do what they say on real data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from scenarios.conftest import LocalServer
from scenarios.conftest import _served as served

import cml
from cml._exceptions import CMLError
from cml.engine.embedders import Embedder
from cml.server._api import load_spec
from cml.server._schema import SchemaValidator

from .conftest import ADMIN_KEY, USER_KEY

TENANT = "default"


def _admin_operations(release: str) -> dict[str, tuple[str, str, dict[str, Any]]]:
    spec = load_spec(release)
    operations = {
        op["operationId"]: (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and op.get("x-cml-admin-only")
    }
    operations.pop("delete_all_memories")  # a core route, tested with the others
    return operations


RELEASE_OPERATIONS = {release: _admin_operations(release) for release in cml.__api_versions__}
VALIDATORS = {release: SchemaValidator(load_spec(release)) for release in cml.__api_versions__}
# Every admin operation of any release, for building requests (same path in every release).
ADMIN_OPERATIONS = {k: v for ops in RELEASE_OPERATIONS.values() for k, v in ops.items()}


@pytest.fixture
def release() -> str:
    """The release served: 1.5.1, which has every dashboard view but one; a test that
    parametrizes `release` runs against each."""
    return "1.5.1"


@pytest.fixture
def server(tmp_path: Path, embedder: Embedder, release: str) -> Iterator[LocalServer]:
    """The local server, serving `release`."""
    yield from served(tmp_path, embedder, release)


SEED = [
    "Alice works at Acme Corp and lives in Berlin.",
    "Bob works at Acme Corp.",
    "I flew to Rome for a week-long vacation in May.",
    "In Rome I visited the Colosseum and the Roman Forum.",
    "The best pasta of my Rome trip was carbonara near the Pantheon.",
    "I prefer aisle seats on long flights.",
]


def _client(server: LocalServer, release: str = "1.5.1") -> cml.CognitiveMemoryLayer:
    return cml.CognitiveMemoryLayer(
        api_key=USER_KEY,
        admin_api_key=ADMIN_KEY,
        base_url=server.url,
        max_retries=0,
        api_version=release,
    )


@pytest.fixture
def seeded(
    server: LocalServer, release: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalServer]:
    for name in ("CML_API_KEY", "CML_ADMIN_API_KEY", "CML_BASE_URL", "CML_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    with _client(server, release) as client:
        session = client.create_session(name="trip planning")
        for n, text in enumerate(SEED):
            client.write(
                text,
                session_id=session.session_id if n >= 2 else None,
                memory_type="episodic_event" if n in (2, 3, 4) else None,
            )
        client.read("Where does Alice work?")
    return server


@pytest.fixture
def http(seeded: LocalServer) -> Iterator[httpx.Client]:
    headers = {
        "X-API-Key": ADMIN_KEY,
        "X-Requested-With": "XMLHttpRequest",
        "X-Tenant-ID": TENANT,
    }
    with httpx.Client(base_url=seeded.url, headers=headers, timeout=60) as client:
        yield client


def _schema_errors(
    operation: str, status: int, payload: Any, release: str = "1.5.1"
) -> list[dict[str, Any]]:
    validator = VALIDATORS[release]
    response = RELEASE_OPERATIONS[release][operation][2]["responses"][str(status)]
    response = validator.resolve(response)
    schema = response["content"]["application/json"]["schema"]
    return validator.errors(payload, schema, ("response",))


def _call(
    http: httpx.Client,
    operation: str,
    *,
    path: dict[str, str] | None = None,
    query: dict[str, Any] | None = None,
    body: Any = None,
) -> httpx.Response:
    method, template, _ = ADMIN_OPERATIONS[operation]
    url = template.format(**(path or {}))
    return http.request(method, url, params=query, json=body)


def _ok(http: httpx.Client, operation: str, release: str = "1.5.1", **request: Any) -> Any:
    response = _call(http, operation, **request)
    assert response.status_code == 200, (operation, response.text)
    payload = response.json()
    assert _schema_errors(operation, 200, payload, release) == [], operation
    return payload


@pytest.mark.parametrize("release", cml.__api_versions__)
def test_every_dashboard_operation_answers_with_its_schema(
    http: httpx.Client, seeded: LocalServer, release: str
) -> None:
    """Every admin operation of the served release answers with that release's schema; the
    operations the release lacks are not served at all."""
    engine = seeded.engine
    memory_id = engine.store.execute("SELECT id FROM memories ORDER BY rowid").fetchone()[0]
    fact_id = engine.store.execute("SELECT id FROM facts ORDER BY rowid").fetchone()[0]
    served = RELEASE_OPERATIONS[release]
    done: set[str] = set()
    absent: set[str] = set()

    def ok(operation: str, **request: Any) -> Any:
        if operation not in served:
            absent.add(operation)
            assert _call(http, operation, **request).status_code == 404, operation
            return None
        done.add(operation)
        return _ok(http, operation, release, **request)

    status = ok("consolidation_status")
    assert status is None or status["last_run"] is None

    consolidation = ok("dashboard_consolidate", body={"tenant_id": TENANT, "user_id": "alice"})
    reconsolidation = ok("dashboard_reconsolidate", body={"tenant_id": TENANT})
    ok("trigger_consolidation", path={"user_id": "alice"})
    ok("trigger_forgetting", path={"user_id": "alice"}, query={"dry_run": "true"})
    ok("dashboard_forget", body={"tenant_id": TENANT, "dry_run": True})
    ok("dashboard_forgetting_preview", body={"tenant_id": TENANT, "max_memories": 50})
    ok("dashboard_jobs", query={"limit": 10})
    ok("dashboard_job", path={"job_id": consolidation["job_id"]})
    ok("dashboard_consolidation_runs", query={"tenant_id": TENANT})
    ok("dashboard_consolidation_run", path={"job_id": consolidation["job_id"]})
    ok("dashboard_reconsolidation_runs")
    ok("dashboard_reconsolidation_run", path={"job_id": reconsolidation["job_id"]})
    ok("dashboard_reconsolidation_sessions", query={"tenant_id": TENANT})
    ok("dashboard_overview", query={"tenant_id": TENANT})
    ok("dashboard_memories", query={"search": "Rome", "sort_by": "importance", "order": "asc"})
    ok("dashboard_memory", path={"memory_id": memory_id})
    ok("dashboard_memory_lineage", path={"memory_id": consolidation["gist_ids"][0]})
    ok("dashboard_export_memories")
    ok("dashboard_export_events", query={"tenant_id": TENANT})
    ok("dashboard_export_facts")
    ok("dashboard_timeline", query={"days": 7})
    ok("dashboard_events", query={"per_page": 5, "event_type": "memory"})
    ok("dashboard_facts", query={"current_only": "false"})
    ok("dashboard_fact", path={"fact_id": fact_id})
    ok("dashboard_fact_evidence", path={"fact_id": fact_id})
    ok("dashboard_sessions")
    ok("dashboard_labile")
    ok("dashboard_rate_limits")
    ok("dashboard_request_stats", query={"hours": 6})
    ok("dashboard_config")
    ok("dashboard_update_config", body={"updates": {"forgetting.decay_factor": 0.75}})
    ok("dashboard_retrieval", body={"tenant_id": TENANT, "query": "Where does Alice work?"})
    ok(
        "dashboard_retrieval_explain",
        body={"tenant_id": TENANT, "query": "pasta in Rome", "format": "llm_context"},
    )
    ok("dashboard_simulate_write", body={"tenant_id": TENANT, "content": "Bob lives in Oslo."})
    ok("dashboard_graph_stats")
    ok("dashboard_graph_overview", query={"tenant_id": TENANT})
    ok("dashboard_graph_explore", query={"tenant_id": TENANT, "entity": "Alice"})
    ok("dashboard_graph_search", query={"query": "acme"})
    ok("dashboard_components")
    ok("dashboard_tenants")
    ok("dashboard_models_status")
    ok("dashboard_ops_metrics")
    ok("dashboard_quality_overview")
    ok("dashboard_evaluation_summary")
    ok("dashboard_invalidate_fact", path={"fact_id": fact_id})
    ok("dashboard_bulk_action", body={"memory_ids": [memory_id], "action": "silence"})
    # No Neo4j behind cml serve: 200, with the schema's fields empty (not a 501 to retry).
    assert ok("dashboard_graph_neo4j_config") == {
        "server_url": "",
        "server_user": "",
        "server_password": "",
    }
    ok("dashboard_reset_database")

    assert done == set(served)
    assert absent == set(ADMIN_OPERATIONS) - set(served)


def test_dashboard_routes_need_the_admin_key_and_the_csrf_header(http: httpx.Client) -> None:
    as_user = http.get("/api/v1/dashboard/overview", headers={"X-API-Key": USER_KEY})
    assert as_user.status_code == 403
    no_csrf = http.post(
        "/api/v1/dashboard/consolidate",
        json={"tenant_id": TENANT},
        headers={"X-Requested-With": ""},
    )
    assert no_csrf.status_code == 403
    assert no_csrf.json() == {"detail": "Missing CSRF header"}


def test_unknown_ids_are_404(http: httpx.Client) -> None:
    unknown = "00000000-0000-4000-8000-000000000001"
    for operation, path in [
        ("dashboard_job", {"job_id": unknown}),
        ("dashboard_consolidation_run", {"job_id": unknown}),
        ("dashboard_memory", {"memory_id": unknown}),
        ("dashboard_memory_lineage", {"memory_id": unknown}),
        ("dashboard_fact", {"fact_id": "nope"}),
        ("dashboard_fact_evidence", {"fact_id": "nope"}),
        ("dashboard_invalidate_fact", {"fact_id": "nope"}),
    ]:
        response = _call(http, operation, path=path)
        assert response.status_code == 404, operation
        assert isinstance(response.json()["detail"], str)


def test_a_forgetting_job_is_not_a_consolidation_run(http: httpx.Client) -> None:
    job = _ok(http, "dashboard_forget", body={"tenant_id": TENANT})
    assert _call(http, "dashboard_job", path={"job_id": job["job_id"]}).status_code == 200
    run = _call(http, "dashboard_consolidation_run", path={"job_id": job["job_id"]})
    assert run.status_code == 404


def test_config_update_persists_and_rejects_unknown_keys(http: httpx.Client) -> None:
    _ok(http, "dashboard_update_config", body={"updates": {"consolidation.max_gist_chars": 300}})
    sections = _ok(http, "dashboard_config")["sections"]
    items = {i["key"]: i for s in sections for i in s["items"]}
    assert items["consolidation.max_gist_chars"]["value"] == 300
    assert items["consolidation.max_gist_chars"]["source"] == "database"
    assert not any(i["is_secret"] for i in items.values())
    assert ADMIN_KEY not in str(sections)
    assert USER_KEY not in str(sections)

    bad = _call(http, "dashboard_update_config", body={"updates": {"admin_api_key": "x"}})
    assert bad.status_code == 422
    assert "not an editable setting" in bad.json()["detail"][0]["msg"]


def test_timeline_has_every_day(http: httpx.Client) -> None:
    timeline = _ok(http, "dashboard_timeline", query={"days": 10})
    today = datetime.now(UTC).date()
    assert [p["date"] for p in timeline["points"]] == [
        str(today - timedelta(days=n)) for n in range(9, -1, -1)
    ]
    assert timeline["points"][-1]["count"] == len(SEED)
    assert timeline["total"] == len(SEED)
    assert all(p["count"] == 0 for p in timeline["points"][:-1])


def test_exports_return_everything(http: httpx.Client) -> None:
    memories = _ok(http, "dashboard_export_memories")
    assert sorted(m["text"] for m in memories) == sorted(SEED)
    assert all("embedding" not in m and m["has_embedding"] for m in memories)
    events = _ok(http, "dashboard_export_events")
    assert sum(e["operation"] == "write" for e in events) == len(SEED)
    facts = _ok(http, "dashboard_export_facts")
    assert {(f["subject"], f["predicate"], f["value"]) for f in facts} >= {
        ("Alice", "works_at", "Acme Corp"),
        ("Bob", "works_at", "Acme Corp"),
    }
    other = _ok(http, "dashboard_export_memories", query={"tenant_id": "someone-else"})
    assert other == []


def test_memory_list_pages_filters_and_sorts(http: httpx.Client) -> None:
    page = _ok(http, "dashboard_memories", query={"per_page": 4, "sort_by": "written_at"})
    assert (page["total"], page["total_pages"], len(page["items"])) == (len(SEED), 2, 4)
    second = _ok(http, "dashboard_memories", query={"per_page": 4, "page": 2})
    assert len(second["items"]) == len(SEED) - 4
    rome = _ok(http, "dashboard_memories", query={"search": "rome"})
    assert rome["total"] == 3
    episodes = _ok(http, "dashboard_memories", query={"type": "episodic_event"})
    assert episodes["total"] == 3
    in_session = page["items"][0]
    detail = _ok(http, "dashboard_memory", path={"memory_id": in_session["id"]})
    assert detail["related_events"][-1]["operation"] == "write"


def test_memory_detail_lists_its_entities_and_relations(http: httpx.Client) -> None:
    found = _ok(http, "dashboard_memories", query={"search": "Alice works"})["items"]
    detail = _ok(http, "dashboard_memory", path={"memory_id": found[0]["id"]})
    assert {e["name"] for e in detail["entities"]} >= {"Alice", "Acme Corp", "Berlin"}
    assert {(r["subject"], r["predicate"], r["object"]) for r in detail["relations"]} == {
        ("Alice", "works_at", "Acme Corp"),
        ("Alice", "lives_in", "Berlin"),
    }


def test_graph_explore_finds_an_entitys_neighbours(http: httpx.Client) -> None:
    near = _ok(http, "dashboard_graph_explore", query={"tenant_id": TENANT, "entity": "alice"})
    names = {n["entity"] for n in near["nodes"]}
    assert near["center_entity"] == "Alice"
    assert names == {"Alice", "Acme Corp", "Berlin", "Bob"}  # Bob: two hops, via Acme Corp
    ids = {n["entity"]: n["id"] for n in near["nodes"]}
    assert {(e["source"], e["predicate"], e["target"]) for e in near["edges"]} == {
        (ids["Alice"], "works_at", ids["Acme Corp"]),
        (ids["Alice"], "lives_in", ids["Berlin"]),
        (ids["Bob"], "works_at", ids["Acme Corp"]),
    }
    one_hop = _ok(
        http, "dashboard_graph_explore", query={"tenant_id": TENANT, "entity": "Alice", "depth": 1}
    )
    assert {n["entity"] for n in one_hop["nodes"]} == {"Alice", "Acme Corp", "Berlin"}
    unknown = _ok(http, "dashboard_graph_explore", query={"tenant_id": TENANT, "entity": "Zed"})
    assert unknown == {"center_entity": None, "nodes": [], "edges": []}
    search = _ok(http, "dashboard_graph_search", query={"query": "acme"})
    assert [r["entity"] for r in search["results"]] == ["Acme Corp"]


def test_bulk_action_and_fact_invalidation_over_http(http: httpx.Client) -> None:
    rome = _ok(http, "dashboard_memories", query={"search": "Rome"})["items"]
    answer = _ok(
        http,
        "dashboard_bulk_action",
        body={"memory_ids": [m["id"] for m in rome], "action": "archive"},
    )
    assert answer["affected_count"] == 3
    archived = _ok(http, "dashboard_memories", query={"status": "archived"})
    assert archived["total"] == 3

    facts = _ok(http, "dashboard_facts", query={"category": "works_at"})
    assert facts["total"] == 2
    target = facts["items"][0]["id"]
    _ok(http, "dashboard_invalidate_fact", path={"fact_id": target})
    assert _ok(http, "dashboard_facts", query={"category": "works_at"})["total"] == 1
    everything = _ok(http, "dashboard_facts", query={"category": "works_at", "current_only": 0})
    assert everything["total"] == 2
    evidence = _ok(http, "dashboard_fact_evidence", path={"fact_id": target})
    assert "Acme Corp" in evidence["evidence"][0]["text"]
    assert evidence["missing_evidence_ids"] == []


def test_overview_sessions_and_tenants(http: httpx.Client) -> None:
    overview = _ok(http, "dashboard_overview")
    assert overview["total_memories"] == overview["active_memories"] == len(SEED)
    assert overview["facts_by_category"]["works_at"] == 2
    assert overview["events_by_operation"]["write"] == len(SEED)
    sessions = _ok(http, "dashboard_sessions")
    assert [s["memory_count"] for s in sessions["sessions"]] == [len(SEED) - 2]
    assert sessions["sessions"][0]["ttl_seconds"] > 0
    tenants = _ok(http, "dashboard_tenants")["tenants"]
    assert [(t["tenant_id"], t["memory_count"]) for t in tenants] == [(TENANT, len(SEED))]
    stats = _ok(http, "dashboard_request_stats", query={"hours": 3})
    assert len(stats["points"]) == 3
    assert stats["points"][-1]["count"] == stats["total_last_24h"] > 0


def test_retrieval_explain_shows_each_search_and_the_ranking(http: httpx.Client) -> None:
    body = {"tenant_id": TENANT, "query": "What did I eat in Rome?", "max_results": 2}
    explained = _ok(http, "dashboard_retrieval_explain", body=body)
    plain = _ok(http, "dashboard_retrieval", body=body)

    assert [r["id"] for r in explained["results"]] == [r["id"] for r in plain["results"]]
    assert [s["source"] for s in explained["plan_steps"]] == ["fts5", "vector"]
    steps = {s["source"]: s for s in explained["execution_steps"]}
    assert steps["fts5"]["result_count"] >= 1
    assert steps["vector"]["result_count"] >= 1
    assert all(s["elapsed_ms"] >= 0 for s in steps.values())
    top = explained["rerank"][0]
    assert top["selected"]
    assert top["rank"] == 1
    assert top["id"] == explained["results"][0]["id"]
    assert "Rome" in top["text"]
    # The parts add up to the score; the final score is its calibrated relevance, in [0, 1] and
    # in the same order as the scores.
    breakdown = top["breakdown"]
    parts = sum(v for k, v in breakdown.items() if not k.startswith("raw_") and k != "score")
    assert parts == pytest.approx(breakdown["score"], abs=1e-5)
    assert 0.0 < top["final_score"] <= 1.0
    finals = [r["final_score"] for r in explained["rerank"]]
    assert finals[0] == max(finals)
    assert sum(r["selected"] for r in explained["rerank"]) == 2


def test_simulated_write_stores_nothing(http: httpx.Client, seeded: LocalServer) -> None:
    count = seeded.engine.store.execute("SELECT COUNT(*) FROM memories").fetchone()[0]
    fresh = _ok(
        http,
        "dashboard_simulate_write",
        body={"tenant_id": TENANT, "content": "Carol works at Globex and lives in Lyon."},
    )
    (chunk,) = fresh["chunks"]
    assert chunk["would_store"] is True
    assert {(f["predicate"], f["value"]) for f in chunk["extracted_facts"]} == {
        ("works_at", "Globex"),
        ("lives_in", "Lyon"),
    }
    again = _ok(http, "dashboard_simulate_write", body={"tenant_id": TENANT, "content": SEED[1]})
    assert again["chunks"][0]["write_decision"] == "reinforce_existing"
    long = " ".join(f"Sentence {n} of a long report about the harbour." for n in range(80))
    chunks = _ok(http, "dashboard_simulate_write", body={"tenant_id": TENANT, "content": long})
    assert len(chunks["chunks"]) > 1
    assert seeded.engine.store.execute("SELECT COUNT(*) FROM memories").fetchone()[0] == count
    bad = _call(
        http,
        "dashboard_simulate_write",
        body={"tenant_id": TENANT, "content": "x", "memory_type": "gossip"},
    )
    assert bad.status_code == 422


def test_the_client_methods_parse_every_answer(seeded: LocalServer) -> None:
    with _client(seeded) as client:
        report = client.consolidate()
        assert report["gists_created"] == 1  # the three Rome episodes
        assert client.run_forgetting(dry_run=True)["dry_run"] is True
        assert client.reconsolidate()["status"] == "completed"
        assert client.admin_consolidate("alice")["status"] == "consolidation_completed"
        assert client.admin_forget("alice")["status"] == "forgetting_completed"
        assert {c.name for c in client.component_health().components} == {
            "sqlite",
            "embedder",
            "vector_index",
        }
        exported = client.dashboard_export_memories()
        assert len(exported) == len(SEED) + 1
        facts = client.dashboard_facts()
        assert isinstance(facts, cml.models.DashboardFactListResponse)
        assert facts.total >= 2
        client.dashboard_invalidate_fact(facts.items[0].id)
        page = client.dashboard_memories(status="compressed")
        assert page.total == 3
        assert {item.status for item in page.items} == {"compressed"}
        detail = client.dashboard_memory_detail(UUID(report["gist_ids"][0]))
        assert detail.type == "semantic_fact"
        assert detail.written_at.tzinfo is not None  # the server sends none; the model says UTC
        overview = client.dashboard_overview()
        assert overview.compressed_memories == 3
        # The dict views: item access as upstream's dict answers had it, and the JSON as sent.
        assert overview["compressed_memories"] == 3
        assert overview.to_dict()["by_status"]["compressed"] == 3
        assert len(client.dashboard_timeline(days=3).points) == 3
        graph = client.explore_graph(tenant_id=TENANT, entity="Bob")
        assert graph.center_entity == "Bob"
        assert client.update_config({"forgetting.protect_importance": 0.9})["success"]
        assert client.get_config().sections[0].items[0].key
        assert client.get_events(limit=5).items
        assert client.get_graph_stats().total_nodes > 0
        assert client.get_jobs(job_type="consolidate").total == 2
        assert client.get_labile_status().total_db_labile == 0
        assert client.get_rate_limits().entries == ()
        assert client.get_request_stats(hours=2).points
        assert client.get_sessions().sessions
        assert client.graph_overview(tenant_id=TENANT).nodes
        assert client.list_tenants().tenants[0].tenant_id
        assert client.search_graph("Berlin").results
        assert client.test_retrieval("Rome").results
        assert len(list(client.iter_memories())) == 4  # 3 compressed are not active
        client.bulk_memory_action([UUID(report["gist_ids"][0])], "silence")
        neo4j = client.dashboard_neo4j_config()
        assert (neo4j.configured, neo4j.server_url, neo4j.server_password) == (False, "", "")
        assert client.reset_database(confirm=True)["success"]
        assert client.stats().total_memories == 0


def test_embedded_mode_answers_the_same_routes(tmp_path: Path, embedder: Embedder) -> None:
    with cml.EmbeddedCognitiveMemoryLayer(tmp_path / "embedded.db", embedder=embedder) as memory:
        for text in SEED:
            memory.write(text)
        assert memory.dashboard_overview()["total_memories"] == len(SEED)
        preview = memory.run_forgetting(dry_run=True)
        assert preview["memories_scanned"] == len(SEED)
        explored = memory.explore_graph(tenant_id=TENANT, entity="Acme Corp")
        assert {n["entity"] for n in explored["nodes"]} >= {"Alice", "Bob"}
        assert memory.get_jobs()["total"] == 1
        with pytest.raises(CMLError):
            memory.update_config({"not.a.setting": 1})
