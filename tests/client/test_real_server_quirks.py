"""Quirks of the live 1.5.1 and 2.0.0 servers that the client absorbs (see docs/migrating.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

import cml

from ._support import read_json, run

PARIS_SUMMER = timezone(timedelta(hours=2))
# 12:00 in Paris in summer is 10:00 UTC.
AWARE = datetime(2026, 7, 1, 12, 0, tzinfo=PARIS_SUMMER)
NAIVE_UTC = "2026-07-01T10:00:00"


async def test_forget_before_is_sent_as_naive_utc(client: Any, api: respx.MockRouter) -> None:
    route = api.post("/api/v1/memory/forget").mock(
        return_value=httpx.Response(200, json={"success": True, "affected_count": 2})
    )
    await run(client.forget(before=AWARE))
    await run(client.forget(before=datetime(2026, 7, 1, 10, 0)))  # naive: already UTC
    sent = [json.loads(call.request.content)["before"] for call in route.calls]
    assert sent == [NAIVE_UTC, NAIVE_UTC]


async def test_read_since_and_until_are_sent_as_naive_utc(
    client: Any, api: respx.MockRouter
) -> None:
    route = api.post("/api/v1/memory/read").mock(
        return_value=httpx.Response(200, json=read_json("q", []))
    )
    await run(client.read("q", since=AWARE, until=datetime(2026, 7, 2, tzinfo=UTC)))
    body = json.loads(route.calls[0].request.content)
    assert (body["since"], body["until"]) == (NAIVE_UTC, "2026-07-02T00:00:00")


async def test_the_naive_aware_500_is_not_retried(
    client: Any, api: respx.MockRouter, sleeps: list[float]
) -> None:
    # What both live releases answer for an aware `before` (from an older client, say).
    route = api.post("/api/v1/memory/forget").mock(
        return_value=httpx.Response(
            500,
            json={"detail": "can't compare offset-naive and offset-aware datetimes"},
        )
    )
    with pytest.raises(cml.ServerError, match="offset-naive"):
        await run(client.forget(before=AWARE))
    assert route.call_count == 1
    assert sleeps == []


async def test_other_500s_are_still_retried(
    client: Any, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post("/api/v1/memory/forget").mock(
        return_value=httpx.Response(500, json={"detail": "Internal Server Error"})
    )
    with pytest.raises(cml.ServerError):
        await run(client.forget(query="x"))
    assert route.call_count == 3  # max_retries=2 in these tests
    assert len(sleeps) == 2


async def test_health_keeps_components_when_a_server_sends_them(
    client: Any, api: respx.MockRouter
) -> None:
    # Upstream's HealthResponse has `components`; the API document does not.
    components = {"postgres": {"status": "healthy"}}
    api.get("/api/v1/health").mock(
        return_value=httpx.Response(
            200,
            json={
                "status": "healthy",
                "timestamp": "2026-01-01T00:00:00",
                "components": components,
            },
        )
    )
    health = await run(client.health())
    assert health.components == components
