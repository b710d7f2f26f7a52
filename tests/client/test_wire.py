"""What each call puts on the wire (method, path, JSON body, params, headers), and how
responses come back as models."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import httpx
import pytest
import respx

import cml
from cml import MemoryType
from cml._releases import unset_types

from ._support import (
    ADMIN_KEY,
    API_KEY,
    BASE_URL,
    memory_json,
    ok,
    read_json,
    run,
    write_json,
)

MEMORY_ID = "0b6a3f6e-8a47-4c38-9a43-0e0c7f0b2a11"
SESSION = {
    "session_id": "5f0c2d9e-2b7a-4a1e-9a53-8f3a7f0d1c22",
    "created_at": "2026-11-21T19:22:08.123456Z",
    "expires_at": "2026-11-22T19:22:08.123456Z",
}
STATS = {
    "total_memories": 3,
    "active_memories": 2,
    "silent_memories": 1,
    "archived_memories": 0,
    "by_type": {"semantic_fact": 2, "preference": 1},
    "avg_confidence": 0.8,
    "avg_importance": 0.5,
    "estimated_size_mb": 0.01,
    "oldest_memory": "2026-01-01T00:00:00",
    "newest_memory": "2026-11-21T19:22:08Z",
}
HEALTH = {"status": "healthy", "timestamp": "2026-11-21T19:22:08.356677"}
TURN = {
    "memory_context": "# Retrieved Memory Context\n",
    "memories_retrieved": 1,
    "memories_stored": 2,
}


def body_of(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


class TestMemoryCalls:
    async def test_write_sends_every_field(self, client: Any, api: respx.MockRouter) -> None:
        route = api.post("/api/v1/memory/write").mock(return_value=ok(write_json(MEMORY_ID)))
        when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
        result = await run(
            client.write(
                "User prefers tea",
                context_tags=["personal", "world"],
                session_id="sess-1",
                memory_type=MemoryType.PREFERENCE,
                namespace="ns-a",
                metadata={"source": "chat", "n": 3},
                turn_id="turn-9",
                agent_id="agent-7",
                timestamp=when,
            )
        )
        body = body_of(route)
        assert body == {
            "content": "User prefers tea",
            "context_tags": ["personal", "world"],
            "session_id": "sess-1",
            "memory_type": "preference",
            "namespace": "ns-a",
            "metadata": {"source": "chat", "n": 3},
            "turn_id": "turn-9",
            "agent_id": "agent-7",
            "timestamp": body["timestamp"],
        }
        assert datetime.fromisoformat(body["timestamp"]) == when
        assert str(result.memory_id) == MEMORY_ID
        assert result.success
        request = route.calls[0].request
        assert request.headers["content-type"] == "application/json"
        assert "X-Eval-Mode" not in request.headers

    async def test_write_leaves_out_what_was_not_given(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        route = api.post("/api/v1/memory/write").mock(return_value=ok(write_json()))
        await run(client.write("just text"))
        assert body_of(route) == {"content": "just text"}

    async def test_write_memory_type_as_plain_string(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        route = api.post("/api/v1/memory/write").mock(return_value=ok(write_json()))
        await run(client.write("x", memory_type="semantic_fact"))
        assert body_of(route)["memory_type"] == "semantic_fact"

    async def test_eval_mode_sends_the_header(self, client: Any, api: respx.MockRouter) -> None:
        route = api.post("/api/v1/memory/write").mock(
            return_value=ok(
                {"success": True, "eval_outcome": "skipped", "eval_reason": "duplicate"}
            )
        )
        result = await run(client.write("x", eval_mode=True))
        assert route.calls[0].request.headers["X-Eval-Mode"] == "true"
        assert result.eval_outcome == "skipped"
        assert result.eval_reason == "duplicate"
        assert result.memory_id is None

    async def test_read_sends_format_not_response_format(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        route = api.post("/api/v1/memory/read").mock(return_value=ok(read_json("tea")))
        since = datetime(2026, 1, 1, tzinfo=UTC)
        await run(
            client.read(
                "tea",
                max_results=7,
                memory_types=[MemoryType.SEMANTIC_FACT, MemoryType.PREFERENCE],
                context_filter=["personal"],
                since=since,
                response_format="list",
                user_timezone="Europe/Paris",
            )
        )
        body = body_of(route)
        assert "response_format" not in body
        assert body["format"] == "list"
        assert body["query"] == "tea"
        assert body["max_results"] == 7
        assert body["memory_types"] == ["semantic_fact", "preference"]
        assert body["context_filter"] == ["personal"]
        # Naive UTC: both live server releases answer 500 to an aware time.
        assert datetime.fromisoformat(body["since"]) == since.replace(tzinfo=None)
        assert body["user_timezone"] == "Europe/Paris"

    async def test_read_defaults(self, client: Any, api: respx.MockRouter) -> None:
        route = api.post("/api/v1/memory/read").mock(return_value=ok(read_json("tea")))
        await run(client.read("tea"))
        assert body_of(route) == {"query": "tea", "max_results": 10, "format": "packet"}

    async def test_search_is_read(self, client: Any, api: respx.MockRouter) -> None:
        route = api.post("/api/v1/memory/read").mock(return_value=ok(read_json("tea")))
        await run(client.search("tea", max_results=3))
        assert body_of(route)["max_results"] == 3

    async def test_get_context_asks_for_llm_context_and_returns_it(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        context = "# Retrieved Memory Context\n\n## Known Facts\n- tea (confidence: 0.90)\n"
        route = api.post("/api/v1/memory/read").mock(
            return_value=ok(read_json("tea", llm_context=context))
        )
        result = await run(client.get_context("tea", max_results=4))
        assert result == context
        body = body_of(route)
        assert body["format"] == "llm_context"
        assert body["max_results"] == 4

    async def test_update_sends_memory_id_in_the_body(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        route = api.post("/api/v1/memory/update").mock(
            return_value=ok({"success": True, "memory_id": MEMORY_ID, "version": 3})
        )
        result = await run(
            client.update(
                uuid.UUID(MEMORY_ID),
                text="new text",
                confidence=0.7,
                importance=0.2,
                metadata={"k": "v"},
                feedback="correct",
            )
        )
        assert body_of(route) == {
            "memory_id": MEMORY_ID,
            "text": "new text",
            "confidence": 0.7,
            "importance": 0.2,
            "metadata": {"k": "v"},
            "feedback": "correct",
        }
        assert result.version == 3
        assert result.memory_id == uuid.UUID(MEMORY_ID)

    async def test_update_accepts_a_string_id(self, client: Any, api: respx.MockRouter) -> None:
        route = api.post("/api/v1/memory/update").mock(
            return_value=ok({"success": True, "memory_id": MEMORY_ID, "version": 1})
        )
        await run(client.update(MEMORY_ID, feedback="outdated"))
        assert body_of(route) == {"memory_id": MEMORY_ID, "feedback": "outdated"}

    async def test_forget(self, client: Any, api: respx.MockRouter) -> None:
        route = api.post("/api/v1/memory/forget").mock(
            return_value=ok({"success": True, "affected_count": 2, "message": "done"})
        )
        before = datetime(2025, 1, 1, tzinfo=UTC)
        other = uuid.uuid4()
        result = await run(
            client.forget(
                memory_ids=[uuid.UUID(MEMORY_ID), other],
                query="old stuff",
                before=before,
                action="archive",
            )
        )
        body = body_of(route)
        assert body["memory_ids"] == [MEMORY_ID, str(other)]
        assert body["query"] == "old stuff"
        assert body["action"] == "archive"
        assert datetime.fromisoformat(body["before"]) == before.replace(tzinfo=None)
        assert (result.success, result.affected_count, result.message) == (True, 2, "done")

    async def test_forget_by_query_only(self, client: Any, api: respx.MockRouter) -> None:
        route = api.post("/api/v1/memory/forget").mock(
            return_value=ok({"success": True, "affected_count": 0})
        )
        await run(client.forget(query="x"))
        assert body_of(route) == {"query": "x", "action": "delete"}

    async def test_turn(self, client: Any, api: respx.MockRouter) -> None:
        route = api.post("/api/v1/memory/turn").mock(return_value=ok(TURN))
        result = await run(
            client.turn(
                "hello", assistant_response="hi there", session_id="s-1", max_context_tokens=900
            )
        )
        assert body_of(route) == {
            "user_message": "hello",
            "assistant_response": "hi there",
            "session_id": "s-1",
            "max_context_tokens": 900,
        }
        assert result.memory_context == TURN["memory_context"]
        assert result.memories_stored == 2
        assert result.reconsolidation_applied is False

    async def test_stats_is_a_get_without_body(self, client: Any, api: respx.MockRouter) -> None:
        route = api.get("/api/v1/memory/stats").mock(return_value=ok(STATS))
        result = await run(client.stats())
        request = route.calls[0].request
        assert request.method == "GET"
        assert request.content == b""
        assert result.total_memories == 3
        assert dict(result.by_type) == {"semantic_fact": 2, "preference": 1}
        assert result.oldest_memory == datetime(2026, 1, 1, tzinfo=UTC)

    async def test_health(self, client: Any, api: respx.MockRouter) -> None:
        route = api.get("/api/v1/health").mock(return_value=ok(HEALTH))
        result = await run(client.health())
        assert route.calls[0].request.method == "GET"
        assert result.status == "healthy"
        assert result.version is None

    async def test_delete_all_uses_the_admin_key(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(admin_api_key=ADMIN_KEY)
        route = api.delete("/api/v1/memory/all").mock(return_value=ok({"affected_count": 5}))
        assert await run(client.delete_all(confirm=True)) == 5
        assert route.calls[0].request.headers["X-API-Key"] == ADMIN_KEY

    async def test_delete_all_without_admin_key_uses_the_normal_key(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        route = api.delete("/api/v1/memory/all").mock(return_value=ok({"affected_count": 0}))
        assert await run(client.delete_all(confirm=True)) == 0
        assert route.calls[0].request.headers["X-API-Key"] == API_KEY

    async def test_normal_calls_use_the_normal_key_even_with_an_admin_key(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(admin_api_key=ADMIN_KEY)
        route = api.post("/api/v1/memory/write").mock(return_value=ok(write_json()))
        await run(client.write("x"))
        assert route.calls[0].request.headers["X-API-Key"] == API_KEY


class TestSessions:
    async def test_create_session(self, client: Any, api: respx.MockRouter) -> None:
        route = api.post("/api/v1/session/create").mock(return_value=ok(SESSION))
        result = await run(client.create_session(name="chat", ttl_hours=2, metadata={"user": "u1"}))
        assert body_of(route) == {"name": "chat", "ttl_hours": 2, "metadata": {"user": "u1"}}
        assert result.session_id == SESSION["session_id"]
        assert result.created_at == datetime(2026, 11, 21, 19, 22, 8, 123456, tzinfo=UTC)
        assert result.expires_at is not None
        assert result.expires_at.utcoffset() == timedelta(0)

    async def test_session_scope_uses_the_session_routes(
        self, kind: str, client: Any, api: respx.MockRouter
    ) -> None:
        sid = SESSION["session_id"]
        api.post("/api/v1/session/create").mock(return_value=ok(SESSION))
        write_route = api.post(f"/api/v1/session/{sid}/write").mock(return_value=ok(write_json()))
        read_route = api.post(f"/api/v1/session/{sid}/read").mock(return_value=ok(read_json("tea")))
        turn_route = api.post("/api/v1/memory/turn").mock(return_value=ok(TURN))
        context_route = api.get(f"/api/v1/session/{sid}/context").mock(
            return_value=ok({"session_id": sid, "messages": [memory_json("m")]})
        )
        plain_write = api.post("/api/v1/memory/write").mock(return_value=ok(write_json()))
        if kind == "sync":
            with client.session(name="s") as scope:
                scope.write("in session", context_tags=["conversation"])
                scope.read("tea", max_results=3)
                scope.turn("hello")
                context = scope.context()
        else:
            async with client.session(name="s") as scope:
                await scope.write("in session", context_tags=["conversation"])
                await scope.read("tea", max_results=3)
                await scope.turn("hello")
                context = await scope.context()
        assert scope.session_id == sid
        assert body_of(write_route) == {
            "content": "in session",
            "context_tags": ["conversation"],
        }
        assert body_of(read_route) == {"query": "tea", "max_results": 3, "format": "packet"}
        assert body_of(turn_route)["session_id"] == sid
        assert context.messages[0].text == "m"
        assert context_route.call_count == 1
        assert plain_write.call_count == 0


class TestDashboard:
    async def test_dashboard_get_uses_admin_key_without_csrf_header(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(admin_api_key=ADMIN_KEY)
        route = api.get("/api/v1/dashboard/config").mock(return_value=ok({"sections": []}))
        await run(client.get_config())
        request = route.calls[0].request
        assert request.headers["X-API-Key"] == ADMIN_KEY
        assert "X-Requested-With" not in request.headers

    async def test_dashboard_get_with_query_params(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(admin_api_key=ADMIN_KEY)
        route = api.get("/api/v1/dashboard/memories").mock(
            return_value=ok({"items": [], "total": 0, "page": 2, "per_page": 10, "total_pages": 0})
        )
        await run(client.dashboard_memories(page=2, per_page=10, type="preference"))
        request = route.calls[0].request
        assert request.url.params["page"] == "2"
        assert request.url.params["per_page"] == "10"
        assert request.url.params["type"] == "preference"
        assert request.headers["X-API-Key"] == ADMIN_KEY
        assert "X-Requested-With" not in request.headers

    async def test_dashboard_put_sends_csrf_header(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(admin_api_key=ADMIN_KEY)
        route = api.put("/api/v1/dashboard/config").mock(return_value=ok({"updated": True}))
        await run(client.update_config({"retrieval.top_k": 5}))
        request = route.calls[0].request
        assert request.headers["X-Requested-With"] == "XMLHttpRequest"
        assert request.headers["X-API-Key"] == ADMIN_KEY
        assert json.loads(request.content) == {"updates": {"retrieval.top_k": 5}}

    async def test_dashboard_post_sends_csrf_header(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(admin_api_key=ADMIN_KEY, tenant_id="acme")
        route = api.post("/api/v1/dashboard/consolidate").mock(return_value=ok({"ok": True}))
        result = await run(client.consolidate(user_id="u1"))
        request = route.calls[0].request
        assert request.headers["X-Requested-With"] == "XMLHttpRequest"
        assert request.headers["X-API-Key"] == ADMIN_KEY
        assert json.loads(request.content) == {"tenant_id": "acme", "user_id": "u1"}
        assert result == {"ok": True}

    async def test_admin_routes_use_the_admin_key(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(admin_api_key=ADMIN_KEY)
        route = api.post("/api/v1/admin/forget/user-1").mock(return_value=ok({"dry_run": True}))
        await run(client.admin_forget("user-1"))
        request = route.calls[0].request
        assert request.headers["X-API-Key"] == ADMIN_KEY
        assert request.url.params["dry_run"] == "true"


class TestHeaders:
    async def test_standard_headers(self, client: Any, api: respx.MockRouter) -> None:
        route = api.post("/api/v1/memory/write").mock(return_value=ok(write_json()))
        await run(client.write("x"))
        headers = route.calls[0].request.headers
        assert headers["User-Agent"] == f"py-cml/{cml.__version__}"
        assert headers["X-API-Key"] == API_KEY
        assert headers["X-Tenant-ID"] == "default"
        assert headers["Idempotency-Key"]

    async def test_tenant_id_and_set_tenant(self, make_client: Any, api: respx.MockRouter) -> None:
        client = make_client(tenant_id="acme", admin_api_key=ADMIN_KEY)
        route = api.get("/api/v1/memory/stats").mock(return_value=ok(STATS))
        await run(client.stats())
        await run(client.set_tenant("globex"))
        await run(client.stats())
        assert [c.request.headers["X-Tenant-ID"] for c in route.calls] == ["acme", "globex"]
        assert client.tenant_id == "globex"

    async def test_another_tenant_sends_memory_calls_with_the_admin_key(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        # The server honours X-Tenant-ID only for the admin key: writes sent with the normal key
        # would land in the default tenant while the dashboard looked at "acme".
        client = make_client(tenant_id="acme", admin_api_key=ADMIN_KEY)
        write = api.post("/api/v1/memory/write").mock(return_value=ok(write_json()))
        overview = api.get("/api/v1/dashboard/overview").mock(return_value=ok({}))
        await run(client.write("x"))
        await run(client.dashboard_overview())
        for route in (write, overview):
            headers = route.calls[0].request.headers
            assert (headers["X-API-Key"], headers["X-Tenant-ID"]) == (ADMIN_KEY, "acme")

    async def test_the_default_tenant_keeps_the_normal_key_for_memory_calls(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(admin_api_key=ADMIN_KEY)
        route = api.post("/api/v1/memory/write").mock(return_value=ok(write_json()))
        await run(client.write("x"))
        assert route.calls[0].request.headers["X-API-Key"] == API_KEY

    async def test_another_tenant_with_only_the_normal_key_is_refused(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        with pytest.raises(cml.ConfigurationError, match="honours X-Tenant-ID only for the admin"):
            make_client(tenant_id="acme")
        client = make_client()
        with pytest.raises(cml.ConfigurationError, match="admin_api_key"):
            await run(client.set_tenant("acme"))
        assert client.tenant_id == "default"
        assert not api.calls

    async def test_no_key_configured_sends_no_key_header(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(api_key=None)
        route = api.get("/api/v1/health").mock(return_value=ok(HEALTH))
        await run(client.health())
        assert "X-API-Key" not in route.calls[0].request.headers

    async def test_default_headers_are_sent(self, make_client: Any, api: respx.MockRouter) -> None:
        client = make_client(default_headers={"X-Trace": "abc", "X-Team": "memory"})
        route = api.post("/api/v1/memory/write").mock(return_value=ok(write_json()))
        get_route = api.get("/api/v1/health").mock(return_value=ok(HEALTH))
        await run(client.write("x"))
        await run(client.health())
        for request in (route.calls[0].request, get_route.calls[0].request):
            assert request.headers["X-Trace"] == "abc"
            assert request.headers["X-Team"] == "memory"
            assert request.headers["X-API-Key"] == API_KEY

    async def test_default_headers_never_duplicate_the_clients_own(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(
            default_headers={"user-agent": "mine", "x-api-key": "other", "x-tenant-id": "zzz"}
        )
        route = api.post("/api/v1/memory/write").mock(return_value=ok(write_json()))
        await run(client.write("x"))
        headers = route.calls[0].request.headers
        assert headers.get_list("User-Agent") == [f"py-cml/{cml.__version__}"]
        assert headers.get_list("X-API-Key") == [API_KEY]
        assert headers.get_list("X-Tenant-ID") == ["default"]

    async def test_with_namespace_writes_carry_it_and_the_original_is_unchanged(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        route = api.post("/api/v1/memory/write").mock(return_value=ok(write_json()))
        scoped = client.with_namespace("team-a")
        await run(scoped.write("scoped"))
        await run(client.write("plain"))
        await run(scoped.write("explicit", namespace="team-b"))
        bodies = [json.loads(c.request.content) for c in route.calls]
        assert bodies[0] == {"content": "scoped", "namespace": "team-a"}
        assert bodies[1] == {"content": "plain"}
        assert bodies[2]["namespace"] == "team-b"
        assert scoped.namespace == "team-a"
        assert client.namespace is None

    async def test_with_namespace_copy_shares_settings_and_tenant_is_independent(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(admin_api_key=ADMIN_KEY)
        route = api.get("/api/v1/memory/stats").mock(return_value=ok(STATS))
        scoped = client.with_namespace("team-a")
        await run(scoped.set_tenant("other"))
        await run(client.stats())
        await run(scoped.stats())
        assert [c.request.headers["X-Tenant-ID"] for c in route.calls] == ["default", "other"]
        # The copy in another tenant reaches it with the admin key (see test_another_tenant_...).
        assert [c.request.headers["X-API-Key"] for c in route.calls] == [API_KEY, ADMIN_KEY]
        # Closing the copy must not close the original's connection pool.
        await run(scoped.close())
        await run(client.stats())
        assert route.call_count == 3


def _recording_transport(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=write_json())

    return httpx.MockTransport(handler)


def _check_user_client_requests(seen: list[httpx.Request]) -> None:
    assert len(seen) == 1
    assert str(seen[0].url) == f"{BASE_URL}/api/v1/memory/write"
    assert seen[0].headers["X-From-User-Client"] == "yes"
    assert seen[0].headers["X-API-Key"] == API_KEY


class TestUserHttpClient:
    def test_user_client_is_used_and_not_closed_sync(self) -> None:
        seen: list[httpx.Request] = []
        http = httpx.Client(
            transport=_recording_transport(seen), headers={"X-From-User-Client": "yes"}
        )
        client = cml.CognitiveMemoryLayer(api_key=API_KEY, base_url=BASE_URL, http_client=http)
        client.write("x")
        client.close()
        assert not http.is_closed
        http.close()
        _check_user_client_requests(seen)

    async def test_user_client_is_used_and_not_closed_async(self) -> None:
        seen: list[httpx.Request] = []
        http = httpx.AsyncClient(
            transport=_recording_transport(seen), headers={"X-From-User-Client": "yes"}
        )
        client = cml.AsyncCognitiveMemoryLayer(api_key=API_KEY, base_url=BASE_URL, http_client=http)
        await client.write("x")
        await client.close()
        assert not http.is_closed
        await http.aclose()
        _check_user_client_requests(seen)

    def test_own_client_is_closed_sync(self) -> None:
        with cml.CognitiveMemoryLayer(api_key=API_KEY, base_url=BASE_URL) as client:
            http = client._http
            assert not http.is_closed
        assert http.is_closed

    async def test_own_client_is_closed_async(self) -> None:
        async with cml.AsyncCognitiveMemoryLayer(api_key=API_KEY, base_url=BASE_URL) as client:
            http = client._http
            assert not http.is_closed
        assert http.is_closed


def _walk(value: Any, path: str = "result") -> list[str]:
    """Paths inside `value` (attrs models, containers) that hold an Unset sentinel."""
    found: list[str] = []
    if isinstance(value, unset_types()) or type(value).__name__ == "Unset":
        return [path]
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            found += _walk(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _walk(item, f"{path}[{key!r}]")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += _walk(item, f"{path}[{index}]")
    return found


class TestResponses:
    @pytest.mark.parametrize(
        "timestamp",
        [
            "2026-11-21T19:22:08.356677",
            "2026-11-21T19:22:08.356677Z",
            "2026-11-21T20:22:08.356677+01:00",
        ],
        ids=["naive", "zulu", "offset"],
    )
    async def test_timestamps_become_aware(
        self, client: Any, api: respx.MockRouter, timestamp: str
    ) -> None:
        api.post("/api/v1/memory/read").mock(
            return_value=ok(read_json("tea", [memory_json(timestamp=timestamp)]))
        )
        result = await run(client.read("tea"))
        stamp = result.memories[0].timestamp
        assert stamp.tzinfo is not None
        assert stamp == datetime(2026, 11, 21, 19, 22, 8, 356677, tzinfo=UTC)

    async def test_memory_item_fields(self, client: Any, api: respx.MockRouter) -> None:
        item = memory_json(
            "User likes tea",
            memory_id=MEMORY_ID,
            type_="preference",
            metadata={"source": "chat"},
            confidence=0.75,
            relevance=0.6,
        )
        api.post("/api/v1/memory/read").mock(return_value=ok(read_json("tea", [item])))
        result = await run(client.read("tea"))
        memory = result.memories[0]
        assert memory.id == uuid.UUID(MEMORY_ID)
        assert memory.text == "User likes tea"
        assert memory.type == MemoryType.PREFERENCE
        assert (memory.confidence, memory.relevance) == (0.75, 0.6)
        assert dict(memory.metadata) == {"source": "chat"}
        assert len(result) == 1
        assert result.total_count == 1

    async def test_unknown_memory_type_is_kept_as_text(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        api.post("/api/v1/memory/read").mock(
            return_value=ok(read_json("tea", [memory_json(type_="brand_new_type")]))
        )
        result = await run(client.read("tea"))
        assert result.memories[0].type == "brand_new_type"

    async def test_context_is_the_servers_llm_context_when_sent(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        api.post("/api/v1/memory/read").mock(
            return_value=ok(read_json("tea", llm_context="SERVER CONTEXT"))
        )
        result = await run(client.read("tea", response_format="llm_context"))
        assert result.llm_context == "SERVER CONTEXT"
        assert result.context == "SERVER CONTEXT"

    async def test_context_is_built_when_the_server_sent_none(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        api.post("/api/v1/memory/read").mock(
            return_value=ok(read_json("tea", [memory_json("User is vegetarian")]))
        )
        result = await run(client.read("tea"))
        assert result.llm_context is None
        assert result.context.startswith("# Retrieved Memory Context")
        assert "User is vegetarian" in result.context

    async def test_no_unset_in_any_returned_model(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(admin_api_key=ADMIN_KEY)
        sid = SESSION["session_id"]
        minimal_item = {k: v for k, v in memory_json().items() if k != "metadata"}
        api.post("/api/v1/memory/write").mock(return_value=ok({"success": True}))
        api.post("/api/v1/memory/read").mock(
            return_value=ok(
                {"query": "q", "memories": [minimal_item], "total_count": 1, "elapsed_ms": 1.0}
            )
        )
        api.post("/api/v1/memory/update").mock(
            return_value=ok({"success": True, "memory_id": MEMORY_ID, "version": 1})
        )
        api.post("/api/v1/memory/forget").mock(
            return_value=ok({"success": True, "affected_count": 0})
        )
        api.post("/api/v1/memory/turn").mock(
            return_value=ok({"memory_context": "", "memories_retrieved": 0, "memories_stored": 0})
        )
        api.get("/api/v1/memory/stats").mock(
            return_value=ok({k: v for k, v in STATS.items() if not k.endswith("_memory")})
        )
        api.get("/api/v1/health").mock(return_value=ok(HEALTH))
        api.get("/openapi.json").mock(return_value=httpx.Response(404))
        api.post("/api/v1/session/create").mock(
            return_value=ok({"session_id": sid, "created_at": SESSION["created_at"]})
        )
        api.get(f"/api/v1/session/{sid}/context").mock(return_value=ok({"session_id": sid}))
        api.get("/api/v1/dashboard/config").mock(return_value=ok({}))
        results = [
            await run(client.write("x")),
            await run(client.read("q")),
            await run(client.update(MEMORY_ID, text="t")),
            await run(client.forget(query="q")),
            await run(client.turn("hi")),
            await run(client.stats()),
            await run(client.health()),
            await run(client.check_server()),
            await run(client.create_session()),
            await run(client.get_session_context(sid)),
            await run(client.get_config()),
        ]
        problems = [p for i, r in enumerate(results) for p in _walk(r, f"result{i}")]
        assert problems == []
        write, read = results[0], results[1]
        assert write.memory_id is None
        assert write.message == ""
        assert read.llm_context is None
        assert read.retrieval_meta is None
        assert results[5].oldest_memory is None
        assert results[8].expires_at is None
        assert results[9].context_string == ""
