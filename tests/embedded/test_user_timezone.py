"""`user_timezone` in embedded mode: the client's argument reaches the engine through the route,
and "today" / "yesterday" in a query mean the user's local day, as on the CML server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import cml
from cml.engine.engine import Engine
from cml.engine.user_time import day_window, narrowed, user_zone
from cml.exceptions import InvalidRequestError

# 25 hours apart: at any moment the local date of at least one of them differs from UTC's, so an
# engine that ignored the zone (or used UTC) fails one of the two.
ZONES = ("Pacific/Kiritimati", "Pacific/Pago_Pago")
TEXTS = {
    "today": "Hiking the ridge trail with Anna at dawn",
    "yesterday": "Ben and I went hiking along the river",
    "earlier": "Carl joined the hiking club meeting downtown",
}


def moments(zone_name: str) -> dict[str, datetime]:
    """A moment of today, of yesterday and of the day before, as the user in the zone sees it."""
    zone = ZoneInfo(zone_name)
    now = datetime.now(UTC)
    local = now.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone)
    day_before = local.date() - timedelta(days=1)
    yesterday = datetime(day_before.year, day_before.month, day_before.day, 12, tzinfo=zone)
    return {
        "today": max(midnight.astimezone(UTC), now - timedelta(minutes=1)),
        "yesterday": yesterday.astimezone(UTC),
        "earlier": (yesterday - timedelta(days=1)).astimezone(UTC),
    }


def texts(response: Any) -> set[str]:
    return {memory.text for memory in response.memories}


@pytest.fixture(params=["sync", "async"])
def embedded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, str]]:
    cls = (
        cml.EmbeddedCognitiveMemoryLayer
        if request.param == "sync"
        else cml.AsyncEmbeddedCognitiveMemoryLayer
    )
    client = cls(tmp_path / "memory.db", embedder="none")
    yield client, request.param
    engine = client.engine
    engine.close()


async def _call(value: Any) -> Any:
    return await value if hasattr(value, "__await__") else value


@pytest.mark.parametrize("zone", ZONES)
async def test_today_and_yesterday_are_the_users_days(embedded: tuple[Any, str], zone: str) -> None:
    client, _ = embedded
    for day, moment in moments(zone).items():
        await _call(client.write(TEXTS[day], timestamp=moment))

    today = await _call(client.read("who went hiking today?", user_timezone=zone))
    assert texts(today) == {TEXTS["today"]}
    yesterday = await _call(client.read("who went hiking yesterday?", user_timezone=zone))
    assert texts(yesterday) == {TEXTS["yesterday"]}
    # A query naming no day, or a read without a zone, is not narrowed.
    assert texts(await _call(client.read("who went hiking?", user_timezone=zone))) == set(
        TEXTS.values()
    )
    assert texts(await _call(client.read("who went hiking today?"))) == set(TEXTS.values())
    # get_context and turn read the same way.
    context = await _call(client.get_context("who went hiking yesterday?", user_timezone=zone))
    assert TEXTS["yesterday"] in context
    assert TEXTS["today"] not in context
    assert TEXTS["earlier"] not in context
    turn = await _call(client.turn("who went hiking with me yesterday?", user_timezone=zone))
    assert turn.memories_retrieved == 1
    assert TEXTS["yesterday"] in turn.memory_context


async def test_an_unknown_zone_is_a_typed_error_and_stores_nothing(
    embedded: tuple[Any, str],
) -> None:
    client, _ = embedded
    for zone in ("Mars/Olympus_Mons", "../../etc/passwd", "", "x" * 500):
        with pytest.raises(cml.ValidationError) as info:
            await _call(client.read("who went hiking today?", user_timezone=zone))
        assert info.value.status_code == 422
        assert "user_timezone" in info.value.message
    with pytest.raises(cml.ValidationError):
        await _call(client.turn("remember this", user_timezone="Nowhere/Land"))
    # The turn was refused before it stored its message.
    assert (await _call(client.stats())).total_memories == 0


def test_the_engine_reads_the_zone_directly(lexical: Engine) -> None:
    zone = ZONES[0]
    for day, moment in moments(zone).items():
        lexical.write("default", TEXTS[day], timestamp=moment)
    found = lexical.read("default", "hiking yesterday", user_timezone=zone)
    assert texts(found) == {TEXTS["yesterday"]}
    # The caller's own bounds still apply inside the day.
    none_left = lexical.read(
        "default",
        "hiking yesterday",
        user_timezone=zone,
        until=moments(zone)["yesterday"] - timedelta(hours=1),
    )
    assert texts(none_left) == set()


def test_a_day_across_a_dst_change_is_the_calendar_day() -> None:
    paris = ZoneInfo("Europe/Paris")
    # 2026-03-29 is 23 hours long in Paris (clocks go forward at 02:00).
    moment = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    since, until = day_window("what happened yesterday?", paris, moment)
    assert since == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert until == datetime(2026, 3, 29, 21, 59, 59, 999999, tzinfo=UTC)
    since, until = day_window("and TODAY?", paris, moment)
    assert since == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert until is None
    # Words, not fragments; "today" wins over "yesterday".
    assert day_window("todays yesterdays", paris, moment) == (None, None)
    assert day_window("yesterday or today", paris, moment)[1] is None


def test_a_day_window_narrows_the_callers_bounds_and_never_widens_them() -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    end = datetime(2026, 3, 2, tzinfo=UTC)
    assert narrowed(None, None, (start, end)) == (start, end)
    later = datetime(2026, 3, 1, 12)  # naive: UTC
    assert narrowed(later, None, (start, end)) == (later.replace(tzinfo=UTC), end)
    assert narrowed(None, None, (None, None)) == (None, None)


def test_zone_names_are_checked() -> None:
    assert user_zone(None) is None
    assert user_zone("Europe/Paris") == ZoneInfo("Europe/Paris")
    for bad in ("Not/AZone", "/etc/localtime", " ", 3, "a" * 65):
        with pytest.raises(InvalidRequestError):
            user_zone(bad)
