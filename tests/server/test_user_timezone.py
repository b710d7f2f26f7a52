"""`user_timezone` in client mode: the HTTP client sends it, `cml serve` (on a loopback socket)
hands it to the engine, and "today" / "yesterday" are the user's local days."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from embedded.test_user_timezone import TEXTS, ZONES, moments, texts
from local_server import LocalServer

import cml
from cml.engine.engine import Engine

USER_KEY = "user-key-timezone"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalServer]:
    engine = Engine(tmp_path / "server.db", embedder="none")
    with LocalServer.for_engine(engine, api_key=USER_KEY, admin_api_key=None) as running:
        yield running
    engine.close()


async def _call(value: Any) -> Any:
    return await value if hasattr(value, "__await__") else value


async def _items(stream: Any) -> list[Any]:
    if hasattr(stream, "__aiter__"):
        return [item async for item in stream]
    return list(stream)


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("zone", ZONES)
async def test_every_read_honours_the_users_zone(server: LocalServer, kind: str, zone: str) -> None:
    cls = cml.CognitiveMemoryLayer if kind == "sync" else cml.AsyncCognitiveMemoryLayer
    client = cls(api_key=USER_KEY, base_url=server.url, max_retries=0)
    try:
        for day, moment in moments(zone).items():
            await _call(client.write(TEXTS[day], timestamp=moment))
        question = "who went hiking yesterday?"
        assert texts(await _call(client.read(question, user_timezone=zone))) == {TEXTS["yesterday"]}
        assert texts(await _call(client.read_safe(question, user_timezone=zone))) == {
            TEXTS["yesterday"]
        }
        streamed = await _items(client.read_stream(question, user_timezone=zone))
        assert {item.text for item in streamed} == {TEXTS["yesterday"]}
        context = await _call(client.get_context(question, user_timezone=zone))
        assert TEXTS["yesterday"] in context
        assert TEXTS["today"] not in context
        today = await _call(client.read("who went hiking today?", user_timezone=zone))
        assert texts(today) == {TEXTS["today"]}
        # Without a zone nothing is narrowed.
        assert texts(await _call(client.read(question))) == set(TEXTS.values())
        turn = await _call(client.turn("who went hiking with me yesterday?", user_timezone=zone))
        assert turn.memories_retrieved == 1
        assert TEXTS["yesterday"] in turn.memory_context
    finally:
        await _call(client.close())


def test_an_unknown_zone_is_a_422_not_a_500(server: LocalServer) -> None:
    with cml.CognitiveMemoryLayer(api_key=USER_KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(cml.ValidationError) as info:
            client.read("who went hiking today?", user_timezone="Atlantis/Capital")
        assert info.value.status_code == 422
        assert "user_timezone 'Atlantis/Capital' is not a known IANA time zone" in str(info.value)
