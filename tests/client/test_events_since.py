"""`get_events(since=...)` keeps the events at or after `since` (the server's event list has no
such filter, so the client applies it to the page it fetched): naive times are UTC on both
sides, and an aware `since` in any offset means the same moment."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

from ._support import ADMIN_KEY, run

# Newest first, as the server pages them; the live servers send naive UTC times.
CREATED = [
    "2026-07-01T10:00:02.000000",
    "2026-07-01T10:00:01.000001",
    "2026-07-01T10:00:01",
    "2026-07-01T09:59:59.999999+00:00",
    None,
]


def _page() -> dict[str, Any]:
    items = [
        {
            "id": str(uuid.UUID(int=len(CREATED) - n)),
            "tenant_id": "default",
            "scope_id": "default",
            "event_type": "memory",
            "operation": "write",
            "memory_ids": [],
            "payload": {},
            "created_at": created,
        }
        for n, created in enumerate(CREATED)
    ]
    return {"items": items, "total": len(items), "page": 1, "per_page": 50, "total_pages": 1}


@pytest.fixture
def events(api: respx.MockRouter) -> respx.Route:
    return api.get("/api/v1/dashboard/events").mock(return_value=httpx.Response(200, json=_page()))


PARIS_SUMMER = timezone(timedelta(hours=2))
SINCE = {
    "aware-utc": datetime(2026, 7, 1, 10, 0, 1, tzinfo=UTC),
    "naive-utc": datetime(2026, 7, 1, 10, 0, 1),
    "aware-paris": datetime(2026, 7, 1, 12, 0, 1, tzinfo=PARIS_SUMMER),
}


@pytest.mark.parametrize("since", SINCE.values(), ids=SINCE.keys())
async def test_events_before_since_are_dropped(
    make_client: Any, events: respx.Route, since: datetime
) -> None:
    client = make_client(admin_api_key=ADMIN_KEY, api_version="1.5.1")
    every = await run(client.get_events())
    kept = await run(client.get_events(since=since))
    assert len(every.items) == len(CREATED)
    # At or after 10:00:01 UTC; an event without a time cannot be placed and is kept.
    assert [e.id for e in kept.items] == [e.id for e in every.items if e.id.int != 2]
    assert len(kept.items) == 4
    assert kept.items[-1].created_at is None


async def test_since_after_every_event_keeps_only_the_undated(
    make_client: Any, events: respx.Route
) -> None:
    client = make_client(admin_api_key=ADMIN_KEY, api_version="1.5.1")
    kept = await run(client.get_events(since=datetime(2026, 7, 2, tzinfo=UTC)))
    assert [e.created_at for e in kept.items] == [None]


async def test_no_since_keeps_the_page_as_served(make_client: Any, events: respx.Route) -> None:
    client = make_client(admin_api_key=ADMIN_KEY, api_version="1.5.1")
    page = await run(client.get_events(limit=5, page=1, event_type="memory"))
    assert len(page.items) == len(CREATED)
    sent = events.calls[0].request.url.params
    assert (sent["per_page"], sent["page"], sent["event_type"]) == ("5", "1", "memory")
