import random
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cml._constants import MAX_RETRY_AFTER, MAX_RETRY_DELAY, RETRYABLE_STATUS
from cml._retry import (
    backoff_delay,
    new_idempotency_key,
    parse_retry_after,
    retry_delay,
    should_retry_status,
)

NOW = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)


class FixedRandom(random.Random):
    """A generator whose every draw is the same number, to pin the jitter."""

    def __init__(self, draw: float) -> None:
        super().__init__()
        self.draw = draw

    def random(self) -> float:
        return self.draw


@pytest.mark.parametrize("status", sorted(RETRYABLE_STATUS))
def test_retryable_statuses(status: int) -> None:
    assert should_retry_status(status)


@pytest.mark.parametrize("status", [200, 201, 400, 401, 403, 404, 409, 422, 501])
def test_other_statuses_are_not_retried(status: int) -> None:
    assert not should_retry_status(status)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        (" 7 ", 7.0),
        ("2.5", 2.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("100000", MAX_RETRY_AFTER),
        ("inf", MAX_RETRY_AFTER),
        ("1e999", MAX_RETRY_AFTER),
    ],
)
def test_retry_after_seconds(value: str, expected: float) -> None:
    assert parse_retry_after(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "soon", "nan", "Wed, 99 Oct 2015 07:28:00 GMT"])
def test_retry_after_unusable_is_none(value: str | None) -> None:
    assert parse_retry_after(value) is None


def test_retry_after_http_date() -> None:
    header = format_datetime(NOW + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(header, now=NOW) == pytest.approx(30.0)


def test_retry_after_http_date_in_the_past_is_now() -> None:
    header = format_datetime(NOW - timedelta(hours=1), usegmt=True)
    assert parse_retry_after(header, now=NOW) == 0.0


def test_retry_after_http_date_far_away_is_capped() -> None:
    header = format_datetime(NOW + timedelta(days=2), usegmt=True)
    assert parse_retry_after(header, now=NOW) == MAX_RETRY_AFTER


def test_retry_after_naive_now_is_utc() -> None:
    header = "Sat, 21 Nov 2026 12:00:10 GMT"
    assert parse_retry_after(header, now=NOW.replace(tzinfo=None)) == pytest.approx(10.0)


@given(st.text())
def test_retry_after_never_raises_and_stays_in_range(value: str) -> None:
    seconds = parse_retry_after(value, now=NOW)
    assert seconds is None or 0.0 <= seconds <= MAX_RETRY_AFTER


def test_backoff_without_jitter_doubles_until_the_cap() -> None:
    no_jitter = FixedRandom(0.0)
    delays = [backoff_delay(n, base=1.0, rng=no_jitter) for n in range(8)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, MAX_RETRY_DELAY, MAX_RETRY_DELAY, MAX_RETRY_DELAY]


def test_backoff_full_jitter_takes_off_a_quarter() -> None:
    assert backoff_delay(2, base=1.0, rng=FixedRandom(1.0)) == pytest.approx(3.0)


@pytest.mark.parametrize("base", [0.1, 0.5, 1.0, 3.0])
def test_backoff_stays_within_bounds(base: float) -> None:
    rng = random.Random(1234)
    for attempt in range(40):
        value = min(base * 2**attempt, MAX_RETRY_DELAY)
        for _ in range(50):
            delay = backoff_delay(attempt, base=base, rng=rng)
            assert 0.75 * value <= delay <= value <= MAX_RETRY_DELAY


def test_backoff_grows_with_the_attempt() -> None:
    for draw in (0.0, 0.3, 0.99):
        delays = [backoff_delay(n, base=0.25, rng=FixedRandom(draw)) for n in range(20)]
        assert delays == sorted(delays)
        assert delays[0] < delays[-1]


def test_backoff_respects_a_custom_cap_and_huge_attempts() -> None:
    assert backoff_delay(10_000, base=1.0, cap=5.0, rng=FixedRandom(0.0)) == 5.0


def test_backoff_zero_base_never_waits() -> None:
    assert backoff_delay(5, base=0.0) == 0.0


def test_backoff_jitter_varies() -> None:
    rng = random.Random(7)
    assert len({backoff_delay(3, base=1.0, rng=rng) for _ in range(20)}) > 1


def test_retry_delay_honours_retry_after() -> None:
    assert retry_delay(0, base=1.0, retry_after=12.0) == 12.0
    assert retry_delay(5, base=1.0, retry_after=0.0) == 0.0


def test_retry_delay_caps_retry_after() -> None:
    assert retry_delay(0, base=1.0, retry_after=10_000.0) == MAX_RETRY_AFTER
    assert retry_delay(0, base=1.0, retry_after=-1.0) == 0.0


def test_retry_delay_without_retry_after_backs_off() -> None:
    assert retry_delay(3, base=1.0, retry_after=None, rng=FixedRandom(0.0)) == 8.0


def test_idempotency_keys_are_prefixed_unique_uuids() -> None:
    keys = {new_idempotency_key() for _ in range(1000)}
    assert len(keys) == 1000
    for key in keys:
        prefix, _, rest = key.partition("-")
        assert prefix == "cml"
        assert uuid.UUID(rest).version == 4
