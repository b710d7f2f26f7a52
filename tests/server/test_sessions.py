"""Sessions through the local server: a session lasts `ttl_hours` (24 when the request gives
none, as on the live servers), the dashboard lists it with the seconds it has left, and once it
has expired its context is gone (404) and the dashboard no longer lists it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from scenarios.conftest import LocalServer

import cml

from .conftest import ADMIN_KEY, USER_KEY


@pytest.fixture
def client(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[cml.CognitiveMemoryLayer]:
    for name in ("CML_API_KEY", "CML_ADMIN_API_KEY", "CML_BASE_URL", "CML_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    with cml.CognitiveMemoryLayer(
        api_key=USER_KEY, admin_api_key=ADMIN_KEY, base_url=server.url, max_retries=0
    ) as opened:
        yield opened


def _expire(server: LocalServer, session_id: str) -> None:
    """Move the session's end a second into the past, as if its hours had gone by."""
    assert server.engine is not None
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    with server.engine.store.write() as db:
        changed = db.execute("UPDATE sessions SET expires_at = ? WHERE id = ?", (past, session_id))
        assert changed.rowcount == 1


def _listed(client: cml.CognitiveMemoryLayer) -> dict[str, Any]:
    return {s.session_id: s for s in client.get_sessions().sessions}


@pytest.mark.parametrize("hours", [1, 2, 24, 24 * 30])
def test_a_session_lasts_its_ttl_hours(client: cml.CognitiveMemoryLayer, hours: int) -> None:
    session = client.create_session(name="chat", ttl_hours=hours)
    assert session.expires_at is not None
    assert session.expires_at - session.created_at == timedelta(hours=hours)
    listed = _listed(client)[session.session_id]
    assert listed.expires_at == session.expires_at
    assert hours * 3600 - 60 < listed.ttl_seconds <= hours * 3600


@pytest.mark.parametrize("body", [{}, {"ttl_hours": None}, {"name": "no ttl"}])
def test_without_ttl_hours_a_session_lasts_a_day(
    server: LocalServer, body: dict[str, object]
) -> None:
    with httpx.Client(base_url=server.url, headers={"X-API-Key": USER_KEY}) as http:
        answer = http.post("/api/v1/session/create", json=body)
    assert answer.status_code == 200, answer.text
    created = answer.json()
    lasts = datetime.fromisoformat(created["expires_at"]) - datetime.fromisoformat(
        created["created_at"]
    )
    assert lasts == timedelta(hours=24)


def test_a_live_session_holds_its_context(client: cml.CognitiveMemoryLayer) -> None:
    with client.session(name="support", ttl_hours=1) as session:
        session.write("The customer's router is a Fritz!Box 7590.")
        held = client.get_session_context(session.session_id)
    assert [m.text for m in held.messages] == ["The customer's router is a Fritz!Box 7590."]


def test_an_expired_session_is_gone(client: cml.CognitiveMemoryLayer, server: LocalServer) -> None:
    kept = client.create_session(name="kept", ttl_hours=1)
    ended = client.create_session(name="ended", ttl_hours=1)
    client.write("The router was restarted at noon.", session_id=ended.session_id)
    assert client.get_session_context(ended.session_id).messages
    _expire(server, ended.session_id)
    with pytest.raises(cml.NotFoundError):
        client.get_session_context(ended.session_id)
    assert list(_listed(client)) == [kept.session_id]
    # The memories written in it stay: only the session ended.
    assert client.read("router restarted").memories


def test_another_tenants_session_is_neither_listed_nor_readable(
    client: cml.CognitiveMemoryLayer, server: LocalServer
) -> None:
    mine = client.create_session(name="mine")
    other = cml.CognitiveMemoryLayer(
        api_key=ADMIN_KEY, admin_api_key=ADMIN_KEY, base_url=server.url, tenant_id="other"
    )
    with other:
        theirs = other.create_session(name="theirs")
        other.write("Their router is in the attic.", session_id=theirs.session_id)
        assert other.get_session_context(theirs.session_id).messages
        with pytest.raises(cml.NotFoundError):
            client.get_session_context(theirs.session_id)
        assert list(_listed(other)) == [theirs.session_id]
    assert list(_listed(client)) == [mine.session_id]


def test_session_reads_and_writes_stay_in_the_session(client: cml.CognitiveMemoryLayer) -> None:
    client.write("The office router is a Cisco box.")
    with client.session(name="home") as home:
        home.write("The home router is a Fritz!Box.")
        found = home.read("router", max_results=10).memories
        assert [m.text for m in found] == ["The home router is a Fritz!Box."]
        held = home.context()
    assert [m.text for m in held.messages] == ["The home router is a Fritz!Box."]
    everywhere = client.read("router", max_results=10).memories
    assert len(everywhere) == 2
