"""The retry policy as pure functions: what to retry and how long to wait, never the waiting.

The sync and async clients share these decisions and differ only in how they sleep.
"""

from __future__ import annotations

import email.utils
import math
import random
import uuid
from datetime import UTC, datetime

from ._constants import MAX_RETRY_AFTER, MAX_RETRY_DELAY, RETRY_JITTER, RETRYABLE_STATUS

__all__ = [
    "backoff_delay",
    "is_permanent_server_error",
    "new_idempotency_key",
    "parse_retry_after",
    "retry_delay",
    "should_retry_status",
]

# Past this many doublings any sane cap is reached; it keeps `2.0**attempt` from overflowing.
_MAX_DOUBLINGS = 64


def should_retry_status(status: int) -> bool:
    """Whether a response with this status is worth sending again."""
    return status in RETRYABLE_STATUS


# 500 answers whose cause cannot pass by itself, so a retry only delays the error. Both live
# server releases answer a timezone-aware `before` with this one (the client sends naive UTC
# now, but an older client, or a hand-built request, can still meet it).
_PERMANENT_500 = (b"can't compare offset-naive and offset-aware datetimes",)


def is_permanent_server_error(status: int, body: bytes) -> bool:
    """Whether a 5xx answer names a cause that a retry cannot change."""
    return status == 500 and any(marker in body for marker in _PERMANENT_500)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """
    Seconds to wait according to a `Retry-After` header, or `None` when it says nothing usable.

    Accepts delay-seconds (`"5"`, leniently `"2.5"`) and an HTTP date. A date in the past or a
    negative number means "now" (0); anything above `MAX_RETRY_AFTER` is cut down to it. `now`
    is for tests; naive datetimes are taken as UTC.
    """
    if value is None or not value.strip():
        return None
    seconds: float | None
    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until_http_date(value, now)
    if seconds is None or math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _seconds_until_http_date(value: str, now: datetime | None) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    now = datetime.now(UTC) if now is None else now
    return (_aware(when) - _aware(now)).total_seconds()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def backoff_delay(
    attempt: int,
    *,
    base: float,
    cap: float = MAX_RETRY_DELAY,
    rng: random.Random | None = None,
) -> float:
    """
    Seconds to wait before retry number `attempt + 1` (`attempt` counts from 0).

    Exponential, `base * 2**attempt`, capped at `cap`, then shortened at random by up to
    `RETRY_JITTER` (so the result lies in `(0.75, 1.0] * value`). Pass a seeded `rng` for
    repeatable delays.
    """
    value = min(base * 2.0 ** min(attempt, _MAX_DOUBLINGS), cap)
    draw = rng.random() if rng is not None else random.random()
    return value * (1.0 - RETRY_JITTER * draw)


def retry_delay(
    attempt: int,
    *,
    base: float,
    retry_after: float | None,
    cap: float = MAX_RETRY_DELAY,
    rng: random.Random | None = None,
) -> float:
    """
    Seconds to wait before the next attempt: the server's `Retry-After` when it gave one
    (capped at `MAX_RETRY_AFTER`), else the jittered exponential backoff.
    """
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_RETRY_AFTER)
    return backoff_delay(attempt, base=base, cap=cap, rng=rng)


def new_idempotency_key() -> str:
    """
    A fresh key for the `Idempotency-Key` header.

    Make one per logical call and send the same key on every retry of it, so a server that
    honours the header stores a retried write once.
    """
    return f"cml-{uuid.uuid4()}"
