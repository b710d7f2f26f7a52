"""Retries, backoff, Retry-After, idempotency keys and the errors left when retries run out."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

import cml
from cml._constants import IDEMPOTENCY_HEADER, MAX_RETRY_AFTER, MAX_RETRY_DELAY, RETRY_JITTER

from ._support import memory_json, ok, read_json, run, write_json

RETRYABLE = [408, 429, 500, 502, 503, 504]
NOT_RETRYABLE = [400, 401, 403, 404, 409, 422]


def error(status: int, *, request_id: str = "req-1", **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        json={"detail": f"failure {status}"},
        headers={"X-Request-ID": request_id, **headers},
    )


def expected_class(status: int) -> type[cml.APIStatusError]:
    return {429: cml.RateLimitError}.get(
        status, cml.ServerError if status >= 500 else cml.APIStatusError
    )


class TestWhatIsRetried:
    @pytest.mark.parametrize("status", RETRYABLE)
    async def test_retryable_status_is_sent_max_retries_plus_one_times(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float], status: int
    ) -> None:
        client = make_client(max_retries=3)
        route = api.post("/api/v1/memory/write").mock(return_value=error(status))
        with pytest.raises(cml.APIStatusError) as info:
            await run(client.write("hello"))
        assert route.call_count == 4
        assert len(sleeps) == 3
        assert type(info.value) is expected_class(status)
        assert info.value.status_code == status
        assert info.value.request_id == "req-1"

    @pytest.mark.parametrize("status", RETRYABLE)
    async def test_retryable_status_then_success_returns_the_result(
        self, make_client: Any, api: respx.MockRouter, status: int
    ) -> None:
        client = make_client(max_retries=3)
        memory_id = "0b6a3f6e-8a47-4c38-9a43-0e0c7f0b2a11"
        route = api.post("/api/v1/memory/write").mock(
            side_effect=[error(status), error(status), ok(write_json(memory_id))]
        )
        result = await run(client.write("hello"))
        assert str(result.memory_id) == memory_id
        assert route.call_count == 3

    @pytest.mark.parametrize("status", NOT_RETRYABLE)
    async def test_client_errors_are_not_retried(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float], status: int
    ) -> None:
        client = make_client(max_retries=3)
        route = api.post("/api/v1/memory/write").mock(return_value=error(status))
        with pytest.raises(cml.APIStatusError) as info:
            await run(client.write("hello"))
        assert route.call_count == 1
        assert sleeps == []
        assert info.value.status_code == status

    async def test_connection_errors_are_retried_then_raise_connection_error(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float]
    ) -> None:
        client = make_client(max_retries=3)
        route = api.post("/api/v1/memory/write").mock(side_effect=httpx.ConnectError)
        with pytest.raises(cml.CMLConnectionError) as info:
            await run(client.write("hello"))
        assert not isinstance(info.value, cml.CMLTimeoutError)
        # Summarized in the message, not chained: the httpx exception could quote a key.
        assert info.value.__cause__ is None
        assert "Could not connect to the server: POST" in info.value.message
        assert route.call_count == 4
        assert len(sleeps) == 3

    @pytest.mark.parametrize(
        "timeout_error", [httpx.ConnectTimeout, httpx.ReadTimeout, httpx.PoolTimeout]
    )
    async def test_timeouts_are_retried_then_raise_timeout_error(
        self,
        make_client: Any,
        api: respx.MockRouter,
        sleeps: list[float],
        timeout_error: type[httpx.TimeoutException],
    ) -> None:
        client = make_client(max_retries=2)
        route = api.get("/api/v1/memory/stats").mock(side_effect=timeout_error)
        with pytest.raises(cml.CMLTimeoutError):
            await run(client.stats())
        assert route.call_count == 3
        assert len(sleeps) == 2

    async def test_connection_error_then_success(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=2)
        route = api.post("/api/v1/memory/read").mock(
            side_effect=[httpx.ConnectError("refused"), ok(read_json("tea"))]
        )
        result = await run(client.read("tea"))
        assert result.query == "tea"
        assert route.call_count == 2

    async def test_max_retries_zero_sends_once(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float]
    ) -> None:
        client = make_client(max_retries=0)
        route = api.post("/api/v1/memory/write").mock(return_value=error(503))
        with pytest.raises(cml.ServerError):
            await run(client.write("hello"))
        assert route.call_count == 1
        assert sleeps == []


class TestBackoff:
    async def test_delays_grow_exponentially_from_retry_delay(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float]
    ) -> None:
        base = 0.001
        client = make_client(max_retries=5, retry_delay=base)
        api.post("/api/v1/memory/write").mock(return_value=error(503))
        with pytest.raises(cml.ServerError):
            await run(client.write("hello"))
        assert len(sleeps) == 5
        for attempt, delay in enumerate(sleeps):
            full = base * 2**attempt
            assert full * (1 - RETRY_JITTER) - 1e-12 <= delay <= full + 1e-12
        assert all(later > earlier for earlier, later in itertools.pairwise(sleeps))

    async def test_delays_never_exceed_the_cap(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float]
    ) -> None:
        client = make_client(max_retries=8, retry_delay=5.0)
        api.get("/api/v1/memory/stats").mock(side_effect=httpx.ConnectError)
        with pytest.raises(cml.CMLConnectionError):
            await run(client.stats())
        assert len(sleeps) == 8
        assert all(0 < delay <= MAX_RETRY_DELAY for delay in sleeps)
        # 5 * 2**3 = 40 > cap: from the fourth retry on, the capped (jittered) value.
        assert all(delay >= MAX_RETRY_DELAY * (1 - RETRY_JITTER) for delay in sleeps[3:])

    async def test_retry_delay_zero_retries_without_waiting(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float]
    ) -> None:
        client = make_client(max_retries=2, retry_delay=0)
        route = api.post("/api/v1/memory/write").mock(return_value=error(500))
        with pytest.raises(cml.ServerError):
            await run(client.write("hello"))
        assert route.call_count == 3
        assert sleeps == [0.0, 0.0]


class TestRetryAfter:
    async def test_retry_after_seconds_is_the_delay(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float]
    ) -> None:
        client = make_client(max_retries=3)
        api.post("/api/v1/memory/write").mock(
            side_effect=[error(429, **{"Retry-After": "7"}), ok(write_json())]
        )
        await run(client.write("hello"))
        assert sleeps == [7.0]

    async def test_retry_after_on_a_503_is_honoured_too(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float]
    ) -> None:
        client = make_client(max_retries=3)
        api.post("/api/v1/memory/write").mock(
            side_effect=[error(503, **{"Retry-After": "2"}), ok(write_json())]
        )
        await run(client.write("hello"))
        assert sleeps == [2.0]

    async def test_retry_after_http_date_is_the_time_until_then(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float]
    ) -> None:
        client = make_client(max_retries=3)
        when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
        api.post("/api/v1/memory/write").mock(
            side_effect=[error(429, **{"Retry-After": when}), ok(write_json())]
        )
        await run(client.write("hello"))
        assert len(sleeps) == 1
        # The date has whole seconds: up to 1 s is lost, plus the time the test takes.
        assert 25.0 < sleeps[0] <= 30.0

    @pytest.mark.parametrize(
        "value",
        ["3600", format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)],
        ids=["seconds", "http-date"],
    )
    async def test_retry_after_is_capped(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float], value: str
    ) -> None:
        client = make_client(max_retries=3)
        api.post("/api/v1/memory/write").mock(
            side_effect=[error(429, **{"Retry-After": value}), ok(write_json())]
        )
        await run(client.write("hello"))
        assert sleeps == [MAX_RETRY_AFTER]

    async def test_unusable_retry_after_falls_back_to_backoff(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float]
    ) -> None:
        client = make_client(max_retries=3, retry_delay=0.001)
        api.post("/api/v1/memory/write").mock(
            side_effect=[error(429, **{"Retry-After": "soon"}), ok(write_json())]
        )
        await run(client.write("hello"))
        assert len(sleeps) == 1
        assert 0.001 * (1 - RETRY_JITTER) <= sleeps[0] <= 0.001


# (client method, args, kwargs, HTTP method, path, response) for calls that are not GETs.
NON_GET_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any], str, str, Any]] = [
    ("write", ("hello",), {}, "POST", "/api/v1/memory/write", write_json()),
    ("read", ("tea",), {}, "POST", "/api/v1/memory/read", read_json("tea")),
    (
        "update",
        ("0b6a3f6e-8a47-4c38-9a43-0e0c7f0b2a11",),
        {"text": "new"},
        "POST",
        "/api/v1/memory/update",
        {"success": True, "memory_id": "0b6a3f6e-8a47-4c38-9a43-0e0c7f0b2a11", "version": 2},
    ),
    (
        "forget",
        (),
        {"query": "old"},
        "POST",
        "/api/v1/memory/forget",
        {"success": True, "affected_count": 1},
    ),
    (
        "turn",
        ("hi",),
        {},
        "POST",
        "/api/v1/memory/turn",
        {"memory_context": "", "memories_retrieved": 0, "memories_stored": 1},
    ),
    ("delete_all", (), {"confirm": True}, "DELETE", "/api/v1/memory/all", {"affected_count": 3}),
    (
        "create_session",
        (),
        {},
        "POST",
        "/api/v1/session/create",
        {"session_id": "s-1", "created_at": "2026-11-21T19:22:08Z"},
    ),
    ("update_config", ({"a": 1},), {}, "PUT", "/api/v1/dashboard/config", {}),
]


class TestIdempotencyKey:
    @pytest.mark.parametrize(
        ("method", "args", "kwargs", "http_method", "path", "payload"),
        NON_GET_CALLS,
        ids=[c[0] for c in NON_GET_CALLS],
    )
    async def test_one_key_for_all_retries_of_a_call_and_a_new_one_per_call(
        self,
        *,
        make_client: Any,
        api: respx.MockRouter,
        method: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        http_method: str,
        path: str,
        payload: Any,
    ) -> None:
        client = make_client(max_retries=3, admin_api_key="admin-key")
        route = api.route(method=http_method, path=path).mock(
            side_effect=[
                error(503),
                httpx.ConnectError("reset"),
                ok(payload),
                error(500),
                ok(payload),
            ]
        )
        await run(getattr(client, method)(*args, **kwargs))
        await run(getattr(client, method)(*args, **kwargs))
        keys = [call.request.headers.get(IDEMPOTENCY_HEADER) for call in route.calls]
        assert len(keys) == 5
        assert all(keys), keys
        first, second = keys[:3], keys[3:]
        assert len(set(first)) == 1
        assert len(set(second)) == 1
        assert first[0] != second[0]

    async def test_gets_carry_no_key_not_even_on_retries(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=2)
        stats = {
            "total_memories": 1,
            "active_memories": 1,
            "silent_memories": 0,
            "archived_memories": 0,
            "by_type": {"semantic_fact": 1},
            "avg_confidence": 0.9,
            "avg_importance": 0.5,
            "estimated_size_mb": 0.01,
        }
        stats_route = api.get("/api/v1/memory/stats").mock(side_effect=[error(503), ok(stats)])
        health_route = api.get("/api/v1/health").mock(
            return_value=ok({"status": "healthy", "timestamp": "2026-11-21T19:22:08Z"})
        )
        await run(client.stats())
        await run(client.health())
        calls = [*stats_route.calls, *health_route.calls]
        assert len(calls) == 3
        for call in calls:
            assert call.request.method == "GET"
            assert IDEMPOTENCY_HEADER not in call.request.headers

    async def test_stream_request_carries_a_key_reused_on_retry(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=2)
        body = f"data: {json.dumps(memory_json())}\n\nevent: done\ndata: {{}}\n\n"
        route = api.post("/api/v1/memory/read/stream").mock(
            side_effect=[
                error(502),
                httpx.Response(200, text=body, headers={"content-type": "text/event-stream"}),
            ]
        )
        stream = client.read_stream("tea")
        items = [i async for i in stream] if hasattr(stream, "__aiter__") else list(stream)
        assert len(items) == 1
        keys = {call.request.headers.get(IDEMPOTENCY_HEADER) for call in route.calls}
        assert route.call_count == 2
        assert len(keys) == 1
        assert None not in keys


class TestErrorsAfterRetries:
    async def test_rate_limit_error_carries_retry_after_and_request_id(
        self, make_client: Any, api: respx.MockRouter, sleeps: list[float]
    ) -> None:
        client = make_client(max_retries=2)
        api.post("/api/v1/memory/read").mock(
            return_value=error(429, request_id="req-429", **{"Retry-After": "4"})
        )
        with pytest.raises(cml.RateLimitError) as info:
            await run(client.read("tea"))
        assert info.value.retry_after == 4.0
        assert info.value.request_id == "req-429"
        assert info.value.status_code == 429
        assert sleeps == [4.0, 4.0]
        assert "4" in (info.value.hint or "")

    async def test_server_error_carries_the_last_request_id(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=2)
        api.post("/api/v1/memory/write").mock(
            side_effect=[
                error(500, request_id="req-a"),
                error(502, request_id="req-b"),
                error(503, request_id="req-c"),
            ]
        )
        with pytest.raises(cml.ServerError) as info:
            await run(client.write("hello"))
        assert info.value.status_code == 503
        assert info.value.request_id == "req-c"
        assert "req-c" in str(info.value)
        assert info.value.body == {"detail": "failure 503"}

    async def test_connection_error_names_the_request(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=1)
        api.post("/api/v1/memory/write").mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(cml.CMLConnectionError) as info:
            await run(client.write("hello"))
        assert "POST http://cml.test/api/v1/memory/write" in str(info.value)
        assert info.value.status_code is None

    async def test_timeout_error_after_retries(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=1)
        route = api.post("/api/v1/memory/write").mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(cml.CMLTimeoutError) as info:
            await run(client.write("hello"))
        assert isinstance(info.value, cml.CMLConnectionError)
        assert route.call_count == 2
        assert "Timed out" in str(info.value)
