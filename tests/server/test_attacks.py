"""`cml serve` under attack (issue 11): each test failed before its fix.

Real parts only: the ASGI app under uvicorn on 127.0.0.1, plain httpx or raw sockets as the
attacker, the SDK client where its behaviour is what is checked.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from local_server import LocalServer

from cml import CognitiveMemoryLayer
from cml.engine.engine import Engine
from cml.exceptions import ConfigurationError, InvalidRequestError
from cml.server.app import create_app

API = "/api/v1"
USER_KEY = "user-key-attacks"
ADMIN_KEY = "admin-key-attacks"
JSON = {"Content-Type": "application/json"}


def _serve(tmp_path: Path, **options: Any) -> LocalServer:
    engine = Engine(tmp_path / "attacks.db", embedder="none")
    return LocalServer(create_app(engine=engine, **options), engine=engine)


@pytest.fixture
def open_server(tmp_path: Path) -> Iterator[LocalServer]:
    server = _serve(tmp_path)
    with server:
        yield server
    assert server.engine is not None
    server.engine.close()


def _count(server: LocalServer, tenant: str = "default") -> int:
    assert server.engine is not None
    return server.engine.stats(tenant).total_memories


# -- 1. cross-site writes and DNS rebinding ------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_a_form_can_send_is_refused_with_415(
    open_server: LocalServer, content_type: str
) -> None:
    body = b'{"content": "planted by a web page"}'
    response = httpx.post(
        f"{open_server.url}{API}/memory/write", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == 415
    forget = httpx.post(
        f"{open_server.url}{API}/memory/forget",
        content=b'{"before": "2999-01-01"}',
        headers={"Content-Type": content_type},
    )
    assert forget.status_code == 415
    assert _count(open_server) == 0


def test_json_bodies_are_still_accepted(open_server: LocalServer) -> None:
    response = httpx.post(
        f"{open_server.url}{API}/memory/write",
        content=b'{"content": "written by a program"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200
    assert _count(open_server) == 1


def test_a_rebinding_host_name_is_refused(open_server: LocalServer) -> None:
    stats = f"{open_server.url}{API}/memory/stats"
    refused = httpx.get(stats, headers={"Host": f"rebind.evil.example:{open_server.port}"})
    assert refused.status_code == 400
    assert "--allowed-host" in refused.json()["detail"]
    for host in ("localhost", f"localhost:{open_server.port}", "127.0.0.1", "[::1]:80"):
        assert httpx.get(stats, headers={"Host": host}).status_code == 200, host


def test_an_allowed_host_is_accepted(tmp_path: Path) -> None:
    with _serve(tmp_path, allowed_hosts=["memory.example.lan"]) as server:
        stats = f"{server.url}{API}/memory/stats"
        assert httpx.get(stats, headers={"Host": "memory.example.lan:8000"}).status_code == 200
        assert httpx.get(stats, headers={"Host": "other.example.lan"}).status_code == 400


def test_a_cross_origin_request_is_refused(open_server: LocalServer) -> None:
    write = f"{open_server.url}{API}/memory/write"
    body = {"content": "from a page"}
    evil = httpx.post(write, json=body, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403
    sandboxed = httpx.post(write, json=body, headers={"Origin": "null"})
    assert sandboxed.status_code == 403
    assert _count(open_server) == 0
    # The server's own pages (the dashboard) are same-origin.
    own = httpx.post(write, json=body, headers={"Origin": open_server.url})
    assert own.status_code == 200


def test_an_allowed_origin_is_accepted(tmp_path: Path) -> None:
    with _serve(tmp_path, allowed_origins=["http://localhost:3000"]) as server:
        write = f"{server.url}{API}/memory/write"
        ok = httpx.post(write, json={"content": "x"}, headers={"Origin": "http://localhost:3000"})
        assert ok.status_code == 200
        assert ok.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
        other = httpx.post(
            write, json={"content": "y"}, headers={"Origin": "http://localhost:4000"}
        )
        assert other.status_code == 403
        assert "Access-Control-Allow-Origin" not in other.headers
        # The browser's preflight for a JSON request with a key: granted to that origin only.
        ask = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key",
        }
        granted = httpx.options(write, headers={**ask, "Origin": "http://localhost:3000"})
        assert granted.status_code == 204
        assert "X-API-Key" in granted.headers["Access-Control-Allow-Headers"]
        assert granted.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
        refused = httpx.options(write, headers={**ask, "Origin": "http://evil.example"})
        assert refused.status_code == 403


def test_the_sdk_client_passes_every_check(open_server: LocalServer) -> None:
    with CognitiveMemoryLayer(base_url=open_server.url, max_retries=0) as client:
        client.write("The client sends JSON to a loopback name.")
        assert client.read("client").memories


# -- 3. dates at the edge of the range -----------------------------------------------------------

EDGE_DATES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]


@pytest.mark.parametrize("moment", EDGE_DATES)
def test_a_date_without_a_utc_counterpart_is_422(open_server: LocalServer, moment: str) -> None:
    url = open_server.url + API
    cases = [
        ("/memory/write", {"content": "an edge date", "timestamp": moment}),
        ("/memory/write_batch", {"turns": [{"content": "an edge date", "timestamp": moment}]}),
        ("/memory/turn", {"user_message": "an edge date", "timestamp": moment}),
        ("/memory/read", {"query": "date", "since": moment}),
        ("/memory/read", {"query": "date", "until": moment}),
        ("/memory/read/stream", {"query": "date", "since": moment}),
        ("/memory/forget", {"before": moment}),
    ]
    for path, body in cases:
        response = httpx.post(url + path, json=body)
        assert response.status_code == 422, (path, response.text)
    assert _count(open_server) == 0


def test_the_engine_refuses_such_a_date_with_a_typed_error(tmp_path: Path) -> None:
    far_west = timezone(-timedelta(hours=14))
    with Engine(tmp_path / "e.db", embedder="none") as engine:
        with pytest.raises(InvalidRequestError, match="out of range"):
            engine.write("t", "edge", timestamp=datetime(9999, 12, 31, 23, 59, tzinfo=far_west))
        assert engine.stats("t").total_memories == 0
        engine.write("t", "fine", timestamp=datetime(2024, 1, 1, tzinfo=UTC))


# -- 4. a key the server cannot compare -----------------------------------------------------------


def test_a_non_ascii_key_byte_is_401_not_500(tmp_path: Path) -> None:
    with _serve(tmp_path, api_key=USER_KEY, admin_api_key=ADMIN_KEY) as server:
        for key in (b"\xe9", "clé".encode(), USER_KEY.encode() + b"\xff"):
            response = httpx.get(f"{server.url}{API}/memory/stats", headers={"X-API-Key": key})
            assert response.status_code == 401, key
        ok = httpx.get(f"{server.url}{API}/memory/stats", headers={"X-API-Key": USER_KEY})
        assert ok.status_code == 200


@pytest.mark.parametrize("key", ["clé", "two words", "tab\tkey"])
def test_a_key_no_client_can_send_is_refused_at_start(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        create_app(tmp_path / "never.db", api_key=key, embedder="none")
    assert key not in str(raised.value)
    assert not (tmp_path / "never.db").exists()  # refused before the database was opened


# -- 7. the key before the body; bodies capped ---------------------------------------------------


def _raw(server: LocalServer, head: str, body: bytes = b"", wait: float = 5.0) -> bytes:
    """Send a request head (and part of a body); return what the server answers in `wait` s."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as sock:
        sock.sendall(head.encode("latin-1") + body)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except TimeoutError:
            pass
        return answer


def test_a_request_without_a_key_is_refused_before_its_body_is_read(tmp_path: Path) -> None:
    with _serve(tmp_path, api_key=USER_KEY, admin_api_key=ADMIN_KEY) as server:
        # 190 MB announced, 10 bytes sent: the answer must not wait for the rest.
        head = (
            f"POST {API}/memory/write_batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\nContent-Length: 190000000\r\n\r\n"
        )
        started = time.monotonic()
        answer = _raw(server, head, b'{"turns": ')
        assert answer.startswith(b"HTTP/1.1 401"), answer[:80]
        assert time.monotonic() - started < 4


def test_a_body_larger_than_the_route_can_need_is_413_before_it_is_read(tmp_path: Path) -> None:
    with _serve(tmp_path, api_key=USER_KEY, admin_api_key=ADMIN_KEY) as server:
        head = (
            f"POST {API}/memory/forget HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {USER_KEY}\r\n"
            "Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"
        )
        assert _raw(server, head, b"{").startswith(b"HTTP/1.1 413")
        # A streamed (chunked) body is cut off at the same limit.
        huge = b'{"query": "' + b"x" * (3 * 1024 * 1024) + b'"}'
        response = httpx.post(
            f"{server.url}{API}/memory/forget",
            content=iter([huge[i : i + 65536] for i in range(0, len(huge), 65536)]),
            headers={"X-API-Key": USER_KEY, **JSON},
        )
        assert response.status_code == 413
        # The largest legal write still fits.
        write = httpx.post(
            f"{server.url}{API}/memory/write",
            json={"content": "é" * 100_000},
            headers={"X-API-Key": USER_KEY},
            timeout=60,
        )
        assert write.status_code == 200


# -- 5. a retry while the first attempt runs is applied once ---------------------------------------


def _warm(server: LocalServer) -> None:
    """Give every server worker thread its database connection (opening one waits for a
    writer to finish, which would hide the race the tests below are about)."""
    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(httpx.get(f"{server.url}{API}/memory/stats"))
        )
        for _ in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)


def _hold_database(path: Path, seconds: float) -> threading.Thread:
    """Another process's long write transaction, as a second connection holding the lock."""
    ready = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(10)
    return thread


def _concurrently(count: int, send: Any) -> list[httpx.Response]:
    results: list[httpx.Response] = []
    lock = threading.Lock()

    def run() -> None:
        response = send()
        with lock:
            results.append(response)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join(60)
    return results


def test_concurrent_duplicate_updates_apply_once(tmp_path: Path) -> None:
    with _serve(tmp_path) as server:
        url = server.url + API
        written = httpx.post(f"{url}/memory/write", json={"content": "The user likes green tea."})
        memory_id = written.json()["memory_id"]
        key = {"Idempotency-Key": str(uuid.uuid4())}
        _warm(server)
        holder = _hold_database(tmp_path / "attacks.db", 1.5)
        results = _concurrently(
            4,
            lambda: httpx.post(
                f"{url}/memory/update",
                json={"memory_id": memory_id, "feedback": "correct"},
                headers=key,
                timeout=30,
            ),
        )
        holder.join()
        assert [r.status_code for r in results] == [200] * 4, [r.text for r in results]
        assert len({r.json()["version"] for r in results}) == 1
        assert server.engine is not None
        row = server.engine.store.db.execute(
            "SELECT version FROM memories WHERE id = ?", (memory_id,)
        ).fetchone()
        assert row[0] == 2  # applied once


def test_concurrent_duplicate_session_creations_make_one_session(tmp_path: Path) -> None:
    with _serve(tmp_path) as server:
        key = {"Idempotency-Key": str(uuid.uuid4())}
        _warm(server)
        holder = _hold_database(tmp_path / "attacks.db", 1.5)
        results = _concurrently(
            4,
            lambda: httpx.post(
                f"{server.url}{API}/session/create", json={"name": "s"}, headers=key, timeout=30
            ),
        )
        holder.join()
        assert [r.status_code for r in results] == [200] * 4
        assert len({r.json()["session_id"] for r in results}) == 1
        assert server.engine is not None
        count = server.engine.store.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        assert count == 1


def test_a_duplicate_claimed_by_another_process_gets_409(tmp_path: Path) -> None:
    with _serve(tmp_path) as server:
        assert server.engine is not None
        written = httpx.post(f"{server.url}{API}/memory/write", json={"content": "Tea at five."})
        memory_id = written.json()["memory_id"]
        key = str(uuid.uuid4())
        # What another server on the same file leaves while its attempt runs: a claim.
        assert server.engine.replies.claim("default", f"http:update_memory:{key}")
        response = httpx.post(
            f"{server.url}{API}/memory/update",
            json={"memory_id": memory_id, "feedback": "correct"},
            headers={"Idempotency-Key": key},
        )
        assert response.status_code == 409
        assert response.headers["Retry-After"]
        server.engine.replies.release("default", f"http:update_memory:{key}")
        retried = httpx.post(
            f"{server.url}{API}/memory/update",
            json={"memory_id": memory_id, "feedback": "correct"},
            headers={"Idempotency-Key": key},
        )
        assert retried.status_code == 200


# -- 10. rate limiting per key ------------------------------------------------------------------


def test_a_key_over_its_limit_gets_429_with_retry_after(tmp_path: Path) -> None:
    with _serve(tmp_path, api_key=USER_KEY, admin_api_key=ADMIN_KEY, rate_limit=60) as server:
        stats = f"{server.url}{API}/memory/stats"
        started = time.monotonic()
        served = 0
        for _ in range(300):  # 60 at once, then one a second: a 429 comes well before 300
            refused = httpx.get(stats, headers={"X-API-Key": USER_KEY})
            if refused.status_code != 200:
                break
            served += 1
        assert refused.status_code == 429
        assert 60 <= served <= 60 + (time.monotonic() - started) + 1
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        # Per key: the admin key has its own budget; health needs no key and is not counted.
        assert httpx.get(stats, headers={"X-API-Key": ADMIN_KEY}).status_code == 200
        assert httpx.get(f"{server.url}{API}/health").status_code == 200


def test_the_client_waits_out_a_429_from_our_server(tmp_path: Path) -> None:
    from cml.exceptions import RateLimitError

    with _serve(tmp_path, api_key=USER_KEY, admin_api_key=ADMIN_KEY, rate_limit=60) as server:
        with CognitiveMemoryLayer(base_url=server.url, api_key=USER_KEY, max_retries=0) as hasty:
            for _ in range(60):
                hasty.stats()
            with pytest.raises(RateLimitError) as raised:
                hasty.stats()
            assert raised.value.retry_after is not None
            assert raised.value.retry_after >= 1
        with CognitiveMemoryLayer(base_url=server.url, api_key=USER_KEY, max_retries=2) as patient:
            started = time.monotonic()
            patient.stats()  # waits for the Retry-After the server gave, then succeeds
            assert time.monotonic() - started >= 0.5


def test_no_limit_without_keys(tmp_path: Path) -> None:
    with _serve(tmp_path, rate_limit=60) as server:
        stats = f"{server.url}{API}/memory/stats"
        assert {httpx.get(stats).status_code for _ in range(80)} == {200}


# -- 9. the smaller findings -------------------------------------------------------------------


def test_a_turn_takes_the_message_a_write_takes(open_server: LocalServer) -> None:
    message = ("The user talked about tea for a long time. " * 300)[:12_500]
    url = open_server.url + API
    assert httpx.post(f"{url}/memory/write", json={"content": message}).status_code == 200
    turn = httpx.post(f"{url}/memory/turn", json={"user_message": message}, timeout=60)
    assert turn.status_code == 200, turn.text


def test_a_list_of_wrong_items_is_reported_as_such(open_server: LocalServer) -> None:
    response = httpx.post(f"{open_server.url}{API}/memory/forget", json={"memory_ids": [1, 2]})
    assert response.status_code == 422
    messages = [problem["msg"] for problem in response.json()["detail"]]
    assert not any("null" in message for message in messages), messages
    assert any("string" in message for message in messages), messages
    assert [p["loc"] for p in response.json()["detail"]] == [
        ["body", "memory_ids", 0],
        ["body", "memory_ids", 1],
    ]
