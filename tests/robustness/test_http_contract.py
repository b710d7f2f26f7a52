"""The wire contract of `cml serve`, over a real loopback socket: auth, tenants, headers, bad
input and idempotency (including retries through a proxy that drops answers)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fault_proxy import FaultProxy

import cml
from cml.engine.engine import Engine
from cml.server import app as app_module
from cml.server.app import create_app

from ._support import ADMIN_KEY, USER_KEY, filler_text, tiny_embed
from .conftest import LocalServer

API = "/api/v1"
USER = {"X-API-Key": USER_KEY}
ADMIN = {"X-API-Key": ADMIN_KEY}


def admin(tenant: str) -> dict[str, str]:
    return {**ADMIN, "X-Tenant-ID": tenant}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalServer]:
    engine = Engine(tmp_path / "contract.db", embedder=tiny_embed)
    app = create_app(engine=engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY)
    with LocalServer(app) as running:
        yield running
    engine.close()


@pytest.fixture
def http(server: LocalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url + API, timeout=120) as client:
        yield client


def total(http: httpx.Client, headers: dict[str, str] = USER) -> int:
    response = http.get("/memory/stats", headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["total_memories"])


def write(http: httpx.Client, content: str, headers: dict[str, str] = USER, **body: Any) -> str:
    response = http.post("/memory/write", json={"content": content, **body}, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["memory_id"])


def read_texts(http: httpx.Client, query: str, headers: dict[str, str] = USER) -> list[str]:
    response = http.post("/memory/read", json={"query": query, "max_results": 50}, headers=headers)
    assert response.status_code == 200, response.text
    return [m["text"] for m in response.json()["memories"]]


# -- authentication and authorisation ---------------------------------------------------------


def test_missing_and_wrong_keys_are_401(http: httpx.Client) -> None:
    for method, path, body in [
        ("POST", "/memory/write", {"content": "x"}),
        ("GET", "/memory/stats", None),
        ("GET", "/dashboard/overview", None),
    ]:
        missing = http.request(method, path, json=body)
        assert missing.status_code == 401
        assert missing.json() == {"detail": "API key required"}
        wrong = http.request(method, path, json=body, headers={"X-API-Key": "not-a-key"})
        assert wrong.status_code == 401
        assert wrong.json() == {"detail": "Invalid API key"}
    assert http.get("/health").status_code == 200
    assert total(http) == 0


def test_user_key_is_refused_on_admin_routes(http: httpx.Client) -> None:
    write(http, "Keep this memory.")
    for method, path in [
        ("GET", "/dashboard/overview"),
        ("GET", "/dashboard/memories"),
        ("DELETE", "/memory/all"),
        ("POST", "/admin/consolidate/default"),
        ("POST", "/admin/forget/default"),
    ]:
        headers = {**USER, "X-Requested-With": "XMLHttpRequest"}
        response = http.request(method, path, headers=headers)
        assert response.status_code == 403, (method, path)
        assert isinstance(response.json()["detail"], str)
    assert total(http) == 1
    deleted = http.delete("/memory/all", headers=ADMIN)
    assert deleted.status_code == 200
    assert deleted.json() == {"affected_count": 1}
    assert total(http) == 0


def test_dashboard_writes_need_the_csrf_header(http: httpx.Client) -> None:
    write(http, "The dashboard must not forget this without a CSRF header.")
    for path, body in [
        ("/dashboard/forget", {"memory_ids": []}),
        ("/dashboard/consolidate", {}),
        ("/dashboard/database/reset", {}),
    ]:
        response = http.post(path, json=body, headers=ADMIN)
        assert response.status_code == 403, path
        assert response.json() == {"detail": "Missing CSRF header"}
    assert total(http) == 1
    # GETs need no CSRF header.
    assert http.get("/dashboard/overview", headers=ADMIN).status_code != 403


# -- tenants ------------------------------------------------------------------------------


def test_tenant_header_is_ignored_for_the_user_key(http: httpx.Client) -> None:
    write(http, "Written with the user key and a forged tenant.", {**USER, "X-Tenant-ID": "evil"})
    assert total(http) == 1
    assert total(http, admin("default")) == 1
    assert total(http, admin("evil")) == 0
    assert read_texts(http, "forged tenant", admin("evil")) == []
    # Reading with a forged tenant still reads the default tenant.
    assert read_texts(http, "forged tenant", {**USER, "X-Tenant-ID": "evil"}) == [
        "Written with the user key and a forged tenant."
    ]


def test_tenants_are_isolated_both_ways(http: httpx.Client) -> None:
    a, b = admin("tenant-a"), admin("tenant-b")
    session = http.post("/session/create", json={"name": "a-session"}, headers=a).json()
    session_id = session["session_id"]
    a_id = write(http, "Alpha tenant secret: the orchid code is 7731.", a)
    in_session = http.post(
        f"/session/{session_id}/write",
        json={"content": "Alpha session note about the orchid greenhouse."},
        headers=a,
    )
    assert in_session.status_code == 200
    b_id = write(http, "Bravo tenant secret: the orchid code is 1177.", b)

    assert read_texts(http, "orchid code", a) != []
    assert all("Bravo" not in t for t in read_texts(http, "orchid code", a))
    assert all("Alpha" not in t for t in read_texts(http, "orchid code", b))
    assert all("Alpha" not in t and "Bravo" not in t for t in read_texts(http, "orchid code"))
    assert total(http, a) == 2
    assert total(http, b) == 1
    assert total(http) == 0

    # B cannot see A's session, nor read through it.
    assert http.get(f"/session/{session_id}/context", headers=a).status_code == 200
    assert http.get(f"/session/{session_id}/context", headers=b).status_code == 404
    session_read = http.post(
        f"/session/{session_id}/read", json={"query": "orchid greenhouse"}, headers=b
    )
    assert session_read.status_code == 200
    assert session_read.json()["memories"] == []

    # B's forgets (by id, by query, by date, everything) never touch A.
    for body in [
        {"memory_ids": [a_id]},
        {"query": "Alpha tenant secret orchid code 7731"},
        {"query": "orchid"},
        {"before": "2999-01-01T00:00:00Z"},
    ]:
        response = http.post("/memory/forget", json=body, headers=b)
        assert response.status_code == 200, response.text
    assert http.delete("/memory/all", headers=b).status_code == 200
    assert total(http, a) == 2
    assert total(http, b) == 0
    assert any("7731" in t for t in read_texts(http, "orchid code", a))

    # And A's forget of B's id does nothing either.
    b_again = write(http, "Bravo writes again about orchids.", b)
    response = http.post("/memory/forget", json={"memory_ids": [b_again, b_id]}, headers=a)
    assert response.json()["affected_count"] == 0
    assert total(http, b) == 1


# -- headers and error shapes -------------------------------------------------------------


def test_every_response_carries_request_id_and_response_time(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    responses = [
        http.get("/health"),
        http.get("/memory/stats", headers=USER),
        http.get("/memory/stats"),
        http.get("/memory/stats", headers={"X-API-Key": "wrong"}),
        http.get("/dashboard/overview", headers=USER),
        http.get("/no/such/route", headers=USER),
        http.delete("/memory/stats", headers=USER),
        http.post("/memory/write", json={"content": ""}, headers=USER),
        http.post("/memory/read", json={"query": "anything"}, headers=USER),
        http.post("/memory/read/stream", json={"query": "anything"}, headers=USER),
        http.get("/session/nope/context", headers=USER),
    ]
    with httpx.Client(base_url=str(http.base_url).removesuffix(API + "/")) as root:
        responses.append(root.get("/openapi.json"))
    # More than any forget request can need (its limit is computed from the spec): 413.
    oversized = b"x" * (app_module.UNBOUNDED_ALLOWANCE + 1024 * 1024)
    json_type = {"Content-Type": "application/json"}
    responses.append(http.post("/memory/forget", content=oversized, headers={**USER, **json_type}))
    statuses = set()
    for response in responses:
        statuses.add(response.status_code)
        assert response.headers.get("X-Request-ID"), (response.request.url, response.status_code)
        assert response.headers.get("X-Response-Time"), (response.request.url, response.status_code)
    assert {200, 401, 403, 404, 405, 413, 422} <= statuses
    sent = http.get("/memory/stats", headers={**USER, "X-Request-ID": "trace-123"})
    assert sent.headers["X-Request-ID"] == "trace-123"


def test_422_detail_is_a_list_of_loc_msg_type(http: httpx.Client) -> None:
    response = http.post(
        "/memory/read", json={"query": 5, "max_results": 500, "format": "poem"}, headers=USER
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert len(detail) == 3
    for problem in detail:
        assert set(problem) == {"loc", "msg", "type"}
        assert isinstance(problem["loc"], list)
        assert problem["loc"][0] == "body"
        assert isinstance(problem["msg"], str)
        assert isinstance(problem["type"], str)
    assert sorted(p["loc"][1] for p in detail) == ["format", "max_results", "query"]


def _nested(depth: int) -> bytes:
    return b'{"content": "deep", "metadata": {"a": ' + b"[" * depth + b"]" * depth + b"}}"


BAD_WRITES: list[tuple[str, str, bytes]] = [
    ("empty content", "/memory/write", json.dumps({"content": ""}).encode()),
    ("blank content", "/memory/write", json.dumps({"content": "   \n\t "}).encode()),
    ("100,001 chars", "/memory/write", json.dumps({"content": "a" * 100_001}).encode()),
    ("not JSON", "/memory/write", b"content=hello"),
    ("truncated JSON", "/memory/write", b'{"content": "hello'),
    ("JSON array body", "/memory/write", b'["hello"]'),
    ("content 123", "/memory/write", json.dumps({"content": 123}).encode()),
    ("content null", "/memory/write", json.dumps({"content": None}).encode()),
    ("missing content", "/memory/write", json.dumps({"text": "hello"}).encode()),
    ("NUL in content", "/memory/write", json.dumps({"content": "nul\x00byte"}).encode()),
    ("invalid UTF-8", "/memory/write", b'{"content": "lone \xed\xa0\x80 surrogate"}'),
    ("latin-1 bytes", "/memory/write", b'{"content": "caf\xe9"}'),
    ("escaped surrogate", "/memory/write", b'{"content": "lone \\ud800 surrogate"}'),
    (
        "surrogate in metadata",
        "/memory/write",
        b'{"content": "fine", "metadata": {"k": "\\udc00"}}',
    ),
    (
        "surrogate in tags",
        "/memory/write",
        b'{"content": "fine", "context_tags": ["\\ud83d"]}',
    ),
    (
        "memory_type nope",
        "/memory/write",
        json.dumps({"content": "x", "memory_type": "nope"}).encode(),
    ),
    (
        "tags not a list",
        "/memory/write",
        json.dumps({"content": "x", "context_tags": "t"}).encode(),
    ),
    ("metadata a list", "/memory/write", json.dumps({"content": "x", "metadata": [1]}).encode()),
    (
        "huge metadata",
        "/memory/write",
        json.dumps({"content": "x", "metadata": {"blob": "m" * 2_000_000}}).encode(),
    ),
    ("deeply nested JSON", "/memory/write", _nested(100_000)),
    ("nested metadata", "/memory/write", _nested(900)),
    ("bad timestamp", "/memory/write", json.dumps({"content": "x", "timestamp": "soon"}).encode()),
    ("10 MB body", "/memory/write", json.dumps({"content": "b" * 10_000_000}).encode()),
    (
        "batch with one bad turn",
        "/memory/write_batch",
        json.dumps(
            {"turns": [{"content": "good one"}, {"content": "good two"}, {"content": ""}]}
        ).encode(),
    ),
    (
        "batch of 501",
        "/memory/write_batch",
        json.dumps({"turns": [{"content": "t"}] * 501}).encode(),
    ),
    ("empty batch", "/memory/write_batch", json.dumps({"turns": []}).encode()),
    (
        "10 MB batch",
        "/memory/write_batch",
        json.dumps({"turns": [{"content": "c" * 100_000}] * 99 + [{"content": 7}]}).encode(),
    ),
    (
        "read max_results ten",
        "/memory/read",
        json.dumps({"query": "q", "max_results": "ten"}).encode(),
    ),
    ("read max_results 0", "/memory/read", json.dumps({"query": "q", "max_results": 0}).encode()),
    ("read max_results 51", "/memory/read", json.dumps({"query": "q", "max_results": 51}).encode()),
    (
        "read memory_types nope",
        "/memory/read",
        json.dumps({"query": "q", "memory_types": ["nope"]}).encode(),
    ),
    ("read empty query", "/memory/read", json.dumps({"query": ""}).encode()),
    ("read NUL query", "/memory/read", json.dumps({"query": "a\x00b"}).encode()),
    (
        "read deep JSON",
        "/memory/read",
        b'{"query": "q", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ),
    ("turn empty", "/memory/turn", json.dumps({"user_message": ""}).encode()),
    ("turn NUL", "/memory/turn", json.dumps({"user_message": "hi\x00"}).encode()),
    ("update no id", "/memory/update", json.dumps({"text": "x"}).encode()),
    ("update bad id", "/memory/update", json.dumps({"memory_id": "nope"}).encode()),
    ("forget nothing", "/memory/forget", json.dumps({}).encode()),
    ("forget bad action", "/memory/forget", json.dumps({"query": "q", "action": "burn"}).encode()),
    ("session bad ttl", "/session/create", json.dumps({"ttl_hours": "long"}).encode()),
]


@pytest.mark.parametrize(("name", "path", "body"), BAD_WRITES, ids=[b[0] for b in BAD_WRITES])
def test_bad_input_is_a_clear_4xx_and_changes_nothing(
    http: httpx.Client, name: str, path: str, body: bytes
) -> None:
    write(http, "A memory that is there before the bad request.")
    before = http.get("/memory/stats", headers=USER).json()
    response = http.post(path, content=body, headers={**USER, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    detail = response.json()["detail"]
    assert detail
    if response.status_code == 422:
        assert all(set(p) == {"loc", "msg", "type"} for p in detail)
    after = http.get("/memory/stats", headers=USER).json()
    assert after["total_memories"] == before["total_memories"]
    # The server still answers normally afterwards.
    assert read_texts(http, "memory there before the bad request")[0].startswith("A memory")


def test_metadata_at_the_limits_is_stored_and_read_back(http: httpx.Client) -> None:
    """What the limits let through must also come back out (no 500 on the read)."""
    metadata: dict[str, Any] = {"unicode": "naïve café ☕ 𝄞", "nul": "a\x00b", "n": 1.5}
    nested: Any = "leaf"
    for _ in range(20):
        nested = {"d": nested}
    metadata["nested"] = nested
    metadata["big"] = "z" * 50_000
    write(http, "Metadata edge cases live here.", metadata=metadata)
    response = http.post("/memory/read", json={"query": "metadata edge cases"}, headers=USER)
    assert response.status_code == 200
    stored = response.json()["memories"][0]["metadata"]
    for key, value in metadata.items():
        assert stored[key] == value


# -- idempotency --------------------------------------------------------------------------


def test_same_idempotency_key_stores_once(http: httpx.Client) -> None:
    headers = {**USER, "Idempotency-Key": "write-key-1"}
    answers = [
        http.post("/memory/write", json={"content": "Only once, please."}, headers=headers)
        for _ in range(3)
    ]
    assert all(a.status_code == 200 for a in answers)
    assert len({a.json()["memory_id"] for a in answers}) == 1
    assert total(http) == 1

    headers = {**USER, "Idempotency-Key": "batch-key-1"}
    batch = {"turns": [{"content": f"Batch line number {n} of five."} for n in range(5)]}
    answers = [http.post("/memory/write_batch", json=batch, headers=headers) for _ in range(3)]
    assert all(a.status_code == 200 for a in answers)
    assert {a.json()["turns_processed"] for a in answers} == {5}
    assert total(http) == 6

    headers = {**USER, "Idempotency-Key": "turn-key-1"}
    turn = {"user_message": "I adopted a greyhound.", "assistant_response": "Lovely, a greyhound!"}
    answers = [http.post("/memory/turn", json=turn, headers=headers) for _ in range(3)]
    assert all(a.status_code == 200 for a in answers)
    assert {a.json()["memories_stored"] for a in answers} == {2}
    assert total(http) == 8

    # A key used for one operation and then another is refused or kept apart, never a 500.
    reused = http.post(
        "/memory/write_batch", json=batch, headers={**USER, "Idempotency-Key": "write-key-1"}
    )
    assert reused.status_code < 500, reused.text
    # The same key in another tenant is another key.
    other = http.post(
        "/memory/write",
        json={"content": "Only once, please."},
        headers={**admin("other"), "Idempotency-Key": "write-key-1"},
    )
    assert other.status_code == 200
    assert total(http, admin("other")) == 1


def test_concurrent_requests_with_one_key_store_once(http: httpx.Client) -> None:
    headers = {**USER, "Idempotency-Key": "racing-key"}
    results: list[httpx.Response] = []
    start = threading.Barrier(4)

    def send() -> None:
        with httpx.Client(base_url=http.base_url, timeout=120) as own:
            start.wait(timeout=30)
            results.append(own.post("/memory/write", json={"content": "Raced."}, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [r.status_code for r in results] == [200] * 4
    assert len({r.json()["memory_id"] for r in results}) == 1
    assert total(http) == 1


def test_client_retries_through_dropped_answers_store_each_write_once(
    server: LocalServer,
) -> None:
    # The first attempt of each write is committed by the server, and its answer lost on the
    # way back; the retry (same Idempotency-Key) gets the answer.
    with (
        FaultProxy(server.port, fault_rate=0.0, weights={}, seed=0) as proxy,
        cml.CognitiveMemoryLayer(
            api_key=USER_KEY, base_url=proxy.url, max_retries=3, retry_delay=0.01, timeout=60
        ) as memory,
    ):
        proxy.force(["drop", None] * 50)
        ids = [memory.write(filler_text(n, "retried kite")).memory_id for n in range(50)]
        assert proxy.faults["drop"] == 50
        assert proxy.forwarded == 100
    assert len(set(ids)) == 50
    with httpx.Client(base_url=server.url + API, timeout=60) as http:
        assert total(http) == 50
        texts = read_texts(http, "retried kite")
    assert len(texts) == len(set(texts)) == 50
