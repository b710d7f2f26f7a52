"""`user_timezone`: the day a query names ("today", "yesterday") is the user's local day.

The CML server reads `user_timezone` (an IANA name such as "Europe/Paris") to resolve a query's
relative day in the user's time zone: "today" keeps what was stored since the user's local
midnight, "yesterday" what was stored during the user's previous local day; both are compared
in UTC, as the store keeps its times. This engine does the same when a read gives a zone. A read
without one is not narrowed: a query replaying an old conversation says "yesterday" about its
own past, which the clock of the read knows nothing of.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .._exceptions import InvalidRequestError
from ..models import parse_datetime

__all__ = ["Window", "day_window", "narrowed", "user_zone"]

#: A window in UTC: (since, until), either end open when None.
Window = tuple[datetime | None, datetime | None]

# Whole words only, so "todays" or "yesterdays'" name no day; linear in the query.
_DAY_WORD = re.compile(r"\b(today|yesterday)\b", re.IGNORECASE)
# IANA names are short ("America/Argentina/ComodRivadavia" is among the longest).
_MAX_ZONE_CHARS = 64


def user_zone(name: object) -> ZoneInfo | None:
    """The zone `user_timezone` names, None when it is not given; a typed error when unknown."""
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip() or len(name) > _MAX_ZONE_CHARS:
        raise InvalidRequestError(
            "user_timezone must be an IANA time zone name such as 'Europe/Paris'"
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # ValueError: a path-like name ("../x", "/etc/localtime") is refused before any lookup.
        raise InvalidRequestError(
            f"user_timezone {name!r} is not a known IANA time zone name (such as 'Europe/Paris')"
        ) from None


def day_window(query: str, zone: ZoneInfo, moment: datetime) -> Window:
    """The UTC window of the day `query` names, as the user in `zone` sees it at `moment`.

    "today" wins when both words are there; (None, None) when the query names no day.
    """
    words = {match.group(1).lower() for match in _DAY_WORD.finditer(query)}
    if not words:
        return None, None
    local = moment.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone)
    if "today" in words:
        return midnight.astimezone(UTC), None
    # Arithmetic on a time in `zone` is wall-clock arithmetic: a day back is the previous local
    # midnight, also when that day had 23 or 25 hours (a DST change); in UTC it would not be.
    start = midnight - timedelta(days=1)
    return start.astimezone(UTC), midnight.astimezone(UTC) - timedelta(microseconds=1)


def narrowed(since: datetime | None, until: datetime | None, window: Window) -> Window:
    """The caller's `since` / `until` and a day window together: the later start, the earlier
    end (a caller's bound outside the day still narrows nothing beyond it)."""
    start, end = window
    since = parse_datetime(since) if since is not None else None  # a naive time is UTC
    until = parse_datetime(until) if until is not None else None
    if start is not None and (since is None or start > since):
        since = start
    if end is not None and (until is None or end < until):
        until = end
    return since, until
