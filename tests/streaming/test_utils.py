"""Stream utilities: each in its sync and async form, early exit, errors, cancellation, limits."""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import threading
import time
import tracemalloc
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
)
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cml.exceptions import CMLError
from cml.streaming.utils import (
    AsyncQueue,
    AsyncTeeBranch,
    BufferOverflowError,
    QueueClosedError,
    RollingContextWindow,
    StreamTimeoutError,
    StreamTooLongError,
    TeeBranch,
    aiter_any,
    buffer_stream,
    tee,
    with_max_length,
    with_stream_timeout,
)

# A generous bound on how late a timeout may fire: a correctness bound, not a speed assertion.
TOLERANCE = 2.0


class Boom(Exception):
    """An error only the test sources raise, to check it arrives unchanged."""


@attrs.define
class Probe:
    """Sources that count what was pulled from them and record that their `finally` ran."""

    pulled: int = 0
    closed: threading.Event = attrs.Factory(threading.Event)
    threads: set[int] = attrs.Factory(set)

    def source(
        self,
        items: Iterable[str],
        *,
        error: BaseException | None = None,
        gate: threading.Event | None = None,
        delay: float = 0,
    ) -> Iterator[str]:
        """Yield `items`, then block on `gate` if given, then raise `error` if given."""
        try:
            for item in items:
                if delay:
                    time.sleep(delay)
                self.threads.add(threading.get_ident())
                self.pulled += 1
                yield item
            if gate is not None:
                gate.wait()
            if error is not None:
                raise error
        finally:
            self.closed.set()

    async def asource(
        self,
        items: Iterable[str],
        *,
        error: BaseException | None = None,
        gate: asyncio.Event | None = None,
        delay: float = 0,
    ) -> AsyncIterator[str]:
        try:
            for item in items:
                if delay:
                    await asyncio.sleep(delay)
                self.pulled += 1
                yield item
            if gate is not None:
                await gate.wait()
            if error is not None:
                raise error
        finally:
            self.closed.set()


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """An event sources block on "forever"; set at the end so their threads can exit."""
    event = threading.Event()
    yield event
    event.set()


def no_other_tasks() -> bool:
    return asyncio.all_tasks() == {asyncio.current_task()}


async def eventually(condition: Callable[[], bool], within: float = TOLERANCE) -> bool:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def alist(stream: AsyncIterable[Any]) -> list[Any]:
    return [item async for item in stream]


async def aitems(items: Iterable[Any]) -> AsyncIterator[Any]:
    for item in items:
        yield item


# --- Behaviour common to every utility ----------------------------------------------------------

SyncWrap = Callable[[Iterator[str]], Generator[Any, None, None] | TeeBranch[Any]]
AsyncWrap = Callable[[AsyncIterator[str]], AsyncGenerator[Any, None] | AsyncTeeBranch[Any]]

WRAPPERS: dict[str, Callable[[Any], Any]] = {
    "with_stream_timeout": lambda s: with_stream_timeout(s, 5),
    "with_stream_timeout_total": lambda s: with_stream_timeout(s, None, total=5),
    "with_stream_timeout_none": lambda s: with_stream_timeout(s, None),
    "with_max_length": lambda s: with_max_length(s, 1000),
    "with_max_length_truncate": lambda s: with_max_length(s, 1000, on_exceed="truncate"),
    "buffer_stream": lambda s: buffer_stream(s, 1),
    "tee": lambda s: tee(s, 1)[0],
}
ASYNC_WRAPPERS = {**WRAPPERS, "aiter_any": aiter_any}
# Utilities that are generators: cancellation reaches their source without an explicit close.
GENERATOR_WRAPPERS = {name: wrap for name, wrap in ASYNC_WRAPPERS.items() if name != "tee"}

wrappers = pytest.mark.parametrize("wrap", WRAPPERS.values(), ids=WRAPPERS.keys())
async_wrappers = pytest.mark.parametrize("wrap", ASYNC_WRAPPERS.values(), ids=ASYNC_WRAPPERS.keys())


@wrappers
def test_sync_passes_items_through_and_closes_source(wrap: SyncWrap) -> None:
    probe = Probe()
    out = list(wrap(probe.source(["a", "b", "c"])))
    assert out in (["a", "b", "c"], [["a"], ["b"], ["c"]])
    assert probe.closed.is_set()


@wrappers
def test_sync_early_exit_closes_source(wrap: SyncWrap) -> None:
    probe = Probe()
    with contextlib.closing(wrap(probe.source(["a", "b", "c"]))) as stream:
        for _ in stream:
            break
    assert probe.closed.is_set()
    assert probe.pulled == 1  # nothing was read ahead of demand


@wrappers
def test_sync_source_exception_propagates_unchanged(wrap: SyncWrap) -> None:
    probe = Probe()
    boom = Boom("from the source")
    stream = wrap(probe.source(["a"], error=boom))
    assert next(stream) in ("a", ["a"])
    with pytest.raises(Boom) as info:
        next(stream)
    assert info.value is boom
    assert probe.closed.is_set()


@async_wrappers
async def test_async_passes_items_through_and_closes_source(wrap: AsyncWrap) -> None:
    probe = Probe()
    out = await alist(wrap(probe.asource(["a", "b", "c"])))
    assert out in (["a", "b", "c"], [["a"], ["b"], ["c"]])
    assert probe.closed.is_set()


@async_wrappers
async def test_async_early_exit_closes_source(wrap: AsyncWrap) -> None:
    probe = Probe()
    async with contextlib.aclosing(wrap(probe.asource(["a", "b", "c"]))) as stream:
        async for _ in stream:
            break
    assert probe.closed.is_set()
    assert probe.pulled == 1
    assert no_other_tasks()


@async_wrappers
async def test_async_source_exception_propagates_unchanged(wrap: AsyncWrap) -> None:
    probe = Probe()
    boom = Boom("from the source")
    async with contextlib.aclosing(wrap(probe.asource(["a"], error=boom))) as stream:
        assert await anext(stream) in ("a", ["a"])
        with pytest.raises(Boom) as info:
            await anext(stream)
    assert info.value is boom
    assert probe.closed.is_set()


@pytest.mark.parametrize("wrap", GENERATOR_WRAPPERS.values(), ids=GENERATOR_WRAPPERS.keys())
async def test_async_cancelling_the_consumer_closes_source(wrap: AsyncWrap) -> None:
    probe = Probe()
    first = asyncio.Event()

    async def consume() -> None:
        async for _ in wrap(probe.asource(["a"], gate=asyncio.Event())):
            first.set()

    task = asyncio.create_task(consume())
    await first.wait()
    await asyncio.sleep(0.01)  # now blocked inside the source
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert probe.closed.is_set()
    assert no_other_tasks()


# --- with_stream_timeout ------------------------------------------------------------------------


def test_sync_idle_timeout_fires_on_a_source_that_blocks_forever(gate: threading.Event) -> None:
    probe = Probe()
    stream = with_stream_timeout(probe.source(["a"], gate=gate), 0.2)
    assert next(stream) == "a"
    start = time.monotonic()
    with pytest.raises(StreamTimeoutError) as info:
        next(stream)
    elapsed = time.monotonic() - start
    assert 0.19 <= elapsed < 0.2 + TOLERANCE
    assert info.value.limit == 0.2
    assert info.value.total is False
    assert not probe.closed.is_set()  # still parked in the worker thread
    gate.set()
    assert probe.closed.wait(TOLERANCE)  # closed there as soon as the source returns


def test_limits_may_be_timedeltas(gate: threading.Event) -> None:
    from datetime import timedelta

    stream = with_stream_timeout(Probe().source(["a"], gate=gate), timedelta(milliseconds=200))
    assert next(stream) == "a"
    with pytest.raises(StreamTimeoutError) as info:
        next(stream)
    assert info.value.limit == 0.2
    gate.set()
    whole = with_stream_timeout(["a", "b"], timedelta(minutes=1), total=timedelta(minutes=1))
    assert list(whole) == ["a", "b"]


def test_sync_total_timeout_fires_on_a_steady_stream(gate: threading.Event) -> None:
    def ticking() -> Iterator[str]:
        while not gate.wait(0.02):
            yield "tick"

    start = time.monotonic()
    chunks: list[str] = []
    with pytest.raises(StreamTimeoutError) as info:
        chunks.extend(with_stream_timeout(ticking(), 1, total=0.3))
    elapsed = time.monotonic() - start
    assert 0.29 <= elapsed < 0.3 + TOLERANCE
    assert info.value.total is True
    assert chunks


async def test_async_idle_timeout_fires_on_a_source_that_blocks_forever() -> None:
    probe = Probe()
    stream = with_stream_timeout(probe.asource(["a"], gate=asyncio.Event()), 0.2)
    assert await anext(stream) == "a"
    start = time.monotonic()
    with pytest.raises(StreamTimeoutError) as info:
        await anext(stream)
    assert 0.19 <= time.monotonic() - start < 0.2 + TOLERANCE
    assert info.value.total is False
    assert probe.closed.is_set()
    assert no_other_tasks()


async def test_async_total_timeout_fires_on_a_steady_stream() -> None:
    async def ticking() -> AsyncIterator[str]:
        while True:
            await asyncio.sleep(0.02)
            yield "tick"

    chunks: list[str] = []

    async def consume() -> None:
        async for chunk in with_stream_timeout(ticking(), 1, total=0.3):
            chunks.append(chunk)

    start = time.monotonic()
    with pytest.raises(StreamTimeoutError) as info:
        await consume()
    assert 0.29 <= time.monotonic() - start < 0.3 + TOLERANCE
    assert info.value.total is True
    assert chunks


def test_sync_idle_clock_excludes_the_consumers_own_time() -> None:
    out = []
    for chunk in with_stream_timeout(Probe().source(["a", "b"]), 0.1):
        time.sleep(0.25)
        out.append(chunk)
    assert out == ["a", "b"]


async def test_async_idle_clock_excludes_the_consumers_own_time() -> None:
    out = []
    async for chunk in with_stream_timeout(Probe().asource(["a", "b"]), 0.1):
        await asyncio.sleep(0.25)
        out.append(chunk)
    assert out == ["a", "b"]


def test_sync_slow_chunks_within_the_limit_all_arrive() -> None:
    probe = Probe()
    assert list(with_stream_timeout(probe.source("abc", delay=0.05), 1)) == ["a", "b", "c"]
    assert probe.threads
    assert threading.get_ident() not in probe.threads


def test_sync_source_timeout_error_is_not_mistaken_for_ours() -> None:
    own = TimeoutError("the source's own")
    with pytest.raises(TimeoutError) as info:
        list(with_stream_timeout(Probe().source(["a"], error=own), 5))
    assert info.value is own


async def test_async_source_timeout_error_is_not_mistaken_for_ours() -> None:
    own = TimeoutError("the source's own")
    with pytest.raises(TimeoutError) as info:
        await alist(with_stream_timeout(Probe().asource(["a"], error=own), 5))
    assert info.value is own


def test_sync_worker_reads_only_on_demand() -> None:
    probe = Probe()
    with contextlib.closing(with_stream_timeout(probe.source("abcdef"), 5)) as stream:
        assert next(stream) == "a"
        time.sleep(0.05)
        assert probe.pulled == 1


@pytest.mark.parametrize("bad", [0, -1, float("nan")])
def test_timeout_limits_must_be_positive(bad: float) -> None:
    with pytest.raises(ValueError, match="seconds"):
        with_stream_timeout([], bad)
    with pytest.raises(ValueError, match="total"):
        with_stream_timeout([], 1, total=bad)


def test_infinite_limits_mean_no_limit() -> None:
    assert list(with_stream_timeout(["a", "b"], float("inf"), total=float("inf"))) == ["a", "b"]


def test_stream_timeout_error_is_a_timeout_and_pickles() -> None:
    error = StreamTimeoutError(2.5, total=False)
    assert isinstance(error, TimeoutError)
    assert isinstance(error, CMLError)
    assert "2.5 s" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.limit, copy.total) == (StreamTimeoutError, 2.5, False)


# --- with_max_length ----------------------------------------------------------------------------

LENGTH_CASES = [
    # chunks, max_chars, on_exceed, expected output, length in the error (None: no error)
    (["ab", "cd"], 4, "raise", ["ab", "cd"], None),
    (["ab", "cd"], 3, "raise", ["ab"], 4),
    (["ab", "", "cd"], 2, "raise", ["ab", ""], 4),
    (["", ""], 0, "raise", ["", ""], None),
    (["ab", "cd"], 3, "truncate", ["ab", "c"], None),
    (["ab", "cd"], 4, "truncate", ["ab", "cd"], None),
    (["abcdef"], 2, "truncate", ["ab"], None),
    (["abc"], 0, "truncate", [], None),
]


def drain(stream: Iterator[str]) -> tuple[list[str], StreamTooLongError | None]:
    out: list[str] = []
    try:
        out.extend(stream)
    except StreamTooLongError as error:
        return out, error
    return out, None


async def adrain(stream: AsyncIterator[str]) -> tuple[list[str], StreamTooLongError | None]:
    out: list[str] = []
    try:
        async for chunk in stream:
            out.append(chunk)
    except StreamTooLongError as error:
        return out, error
    return out, None


@pytest.mark.parametrize(("chunks", "max_chars", "on_exceed", "expected", "length"), LENGTH_CASES)
def test_sync_max_length_boundaries(
    chunks: list[str], max_chars: int, on_exceed: Any, expected: list[str], length: int | None
) -> None:
    probe = Probe()
    out, error = drain(with_max_length(probe.source(chunks), max_chars, on_exceed=on_exceed))
    assert out == expected
    assert (error.length if error else None) == length
    if error:
        assert error.max_chars == max_chars
    assert probe.closed.is_set()


@pytest.mark.parametrize(("chunks", "max_chars", "on_exceed", "expected", "length"), LENGTH_CASES)
async def test_async_max_length_boundaries(
    chunks: list[str], max_chars: int, on_exceed: Any, expected: list[str], length: int | None
) -> None:
    probe = Probe()
    out, error = await adrain(
        with_max_length(probe.asource(chunks), max_chars, on_exceed=on_exceed)
    )
    assert out == expected
    assert (error.length if error else None) == length
    assert probe.closed.is_set()


def test_truncate_stops_reading_once_the_limit_is_met_exactly() -> None:
    probe = Probe()
    assert list(with_max_length(probe.source(["ab", "cd", "ef"]), 4, on_exceed="truncate")) == [
        "ab",
        "cd",
    ]
    assert probe.pulled == 2
    assert probe.closed.is_set()


@given(st.lists(st.text(max_size=8), max_size=12), st.integers(0, 60))
def test_max_length_properties(chunks: list[str], max_chars: int) -> None:
    full = "".join(chunks)
    truncated = list(with_max_length(chunks, max_chars, on_exceed="truncate"))
    assert "".join(truncated) == full[:max_chars]

    out, error = drain(with_max_length(chunks, max_chars))
    if len(full) <= max_chars:
        assert (out, error) == (chunks, None)
    else:
        assert error is not None
        assert out == chunks[: len(out)]
        assert len("".join(out)) <= max_chars < error.length
        assert error.length == len("".join(chunks[: len(out) + 1]))


def test_max_length_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        with_max_length([], -1)
    with pytest.raises(ValueError, match="on_exceed"):
        with_max_length([], 1, on_exceed="drop")  # type: ignore[call-overload]


def test_stream_too_long_error_is_a_value_error() -> None:
    assert issubclass(StreamTooLongError, ValueError)


# --- buffer_stream ------------------------------------------------------------------------------


def test_sync_buffer_groups_and_flushes_the_last_partial_group() -> None:
    assert list(buffer_stream(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(buffer_stream(range(4), 2)) == [[0, 1], [2, 3]]
    assert list(buffer_stream([], 3)) == []


async def test_async_buffer_groups_and_flushes_the_last_partial_group() -> None:
    assert await alist(buffer_stream(aitems(range(5)), 2)) == [[0, 1], [2, 3], [4]]
    assert await alist(buffer_stream(aitems([]), 3)) == []


def test_buffer_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="size"):
        buffer_stream([], 0)


def check_groups(groups: list[list[int]], items: list[int], size: int) -> None:
    assert [item for group in groups for item in group] == items
    assert all(len(group) == size for group in groups[:-1])
    assert all(1 <= len(group) <= size for group in groups)


@given(st.lists(st.integers(), max_size=40), st.integers(1, 10))
def test_sync_buffer_concatenation_is_the_input(items: list[int], size: int) -> None:
    check_groups(list(buffer_stream(items, size)), items, size)


@settings(max_examples=50)
@given(st.lists(st.integers(), max_size=40), st.integers(1, 10))
def test_async_buffer_concatenation_is_the_input(items: list[int], size: int) -> None:
    groups = asyncio.run(alist(buffer_stream(aitems(items), size)))
    check_groups(groups, items, size)


# --- tee ----------------------------------------------------------------------------------------


def test_sync_tee_branches_read_at_their_own_pace() -> None:
    first, second = tee(iter(range(5)))
    assert isinstance(first, TeeBranch)
    assert [next(first), next(first), next(first)] == [0, 1, 2]
    assert list(second) == [0, 1, 2, 3, 4]
    assert list(first) == [3, 4]


@given(st.lists(st.text(max_size=3), max_size=20), st.integers(1, 4), st.data())
def test_sync_tee_branches_see_identical_sequences(
    chunks: list[str], n: int, data: st.DataObject
) -> None:
    probe = Probe()
    branches = tee(probe.source(chunks), n)
    seen: list[list[str]] = [[] for _ in range(n)]
    live = list(range(n))
    while live:  # advance branches in an order hypothesis chooses
        index = data.draw(st.sampled_from(live))
        try:
            seen[index].append(next(branches[index]))
        except StopIteration:
            live.remove(index)
    assert seen == [chunks] * n
    assert probe.closed.is_set()


@settings(max_examples=50)
@given(st.lists(st.text(max_size=3), max_size=20), st.integers(1, 4), st.data())
def test_async_tee_branches_see_identical_sequences(
    chunks: list[str], n: int, data: st.DataObject
) -> None:
    async def scenario() -> None:
        probe = Probe()
        branches = tee(probe.asource(chunks), n)
        seen: list[list[str]] = [[] for _ in range(n)]
        live = list(range(n))
        while live:
            index = data.draw(st.sampled_from(live))
            try:
                seen[index].append(await anext(branches[index]))
            except StopAsyncIteration:
                live.remove(index)
        assert seen == [chunks] * n
        assert probe.closed.is_set()

    asyncio.run(scenario())


async def test_async_tee_branches_consumed_concurrently() -> None:
    probe = Probe()
    branches = tee(probe.asource([str(i) for i in range(20)], delay=0.001), 3)
    assert all(isinstance(branch, AsyncTeeBranch) for branch in branches)
    results = await asyncio.gather(*(alist(branch) for branch in branches))
    assert results == [[str(i) for i in range(20)]] * 3
    assert probe.closed.is_set()
    assert no_other_tasks()


def test_sync_tee_closing_one_branch_leaves_the_others() -> None:
    probe = Probe()
    first, second = tee(probe.source("abc"))
    assert next(first) == "a"
    first.close()
    assert not probe.closed.is_set()
    assert next(first, None) is None  # a closed branch is exhausted
    with second:
        assert next(second) == "a"
        assert next(second) == "b"
    assert probe.closed.is_set()  # the last branch closed the source
    assert probe.pulled == 2


async def test_async_tee_closing_one_branch_leaves_the_others() -> None:
    probe = Probe()
    first, second = tee(probe.asource("abc"))
    assert await anext(first) == "a"
    await first.aclose()
    assert not probe.closed.is_set()
    async with second:
        assert await alist(second) == ["a", "b", "c"]
    assert probe.closed.is_set()
    assert no_other_tasks()


def test_sync_tee_source_error_reaches_every_branch_after_its_items() -> None:
    boom = Boom("from the source")
    branches = tee(Probe().source(["a", "b"], error=boom), 3)
    for branch in branches:
        assert next(branch) == "a"
        assert next(branch) == "b"
        with pytest.raises(Boom) as info:
            next(branch)
        assert info.value is boom
        assert next(branch, None) is None


async def test_async_tee_source_error_reaches_every_branch_after_its_items() -> None:
    boom = Boom("from the source")
    branches = tee(Probe().asource(["a", "b"], error=boom), 2)
    for branch in branches:
        assert await anext(branch) == "a"
        assert await anext(branch) == "b"
        with pytest.raises(Boom) as info:
            await anext(branch)
        assert info.value is boom
    assert no_other_tasks()


def test_sync_tee_branch_too_far_behind_overflows_alone() -> None:
    probe = Probe()
    fast, slow = tee(probe.source([str(i) for i in range(10)]), max_buffer=3)
    assert [next(fast) for _ in range(3)] == ["0", "1", "2"]  # slow is 3 behind: allowed
    assert next(fast) == "3"  # now 4 behind
    with pytest.raises(BufferOverflowError):
        next(slow)
    assert list(fast) == [str(i) for i in range(4, 10)]
    assert probe.closed.is_set()


async def test_async_tee_branch_too_far_behind_overflows_alone() -> None:
    fast, slow = tee(aitems(range(10)), max_buffer=2)
    assert [await anext(fast) for _ in range(2)] == [0, 1]
    assert await anext(slow) == 0  # within the limit the slow branch reads on
    assert [await anext(fast) for _ in range(2)] == [2, 3]  # slow is 3 behind now
    with pytest.raises(BufferOverflowError):
        await anext(slow)
    assert await alist(fast) == list(range(4, 10))


async def test_async_tee_cancelling_one_consumer_leaves_the_others() -> None:
    probe = Probe()
    first, second = tee(probe.asource([str(i) for i in range(10)], delay=0.01))
    first_seen: list[str] = []

    async def consume_first() -> None:
        async with first:
            async for chunk in first:
                first_seen.append(chunk)

    task = asyncio.create_task(consume_first())
    second_task = asyncio.create_task(alist(second))
    await eventually(lambda: len(first_seen) >= 2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not probe.closed.is_set()
    assert await second_task == [str(i) for i in range(10)]
    assert probe.closed.is_set()
    assert no_other_tasks()


async def test_async_tee_cancelling_every_consumer_closes_the_source() -> None:
    probe = Probe()
    branches = tee(probe.asource(["a"], gate=asyncio.Event()), 2)
    started = asyncio.Event()

    async def consume(branch: AsyncTeeBranch[str]) -> None:
        async with branch:
            async for _ in branch:
                started.set()

    tasks = [asyncio.create_task(consume(branch)) for branch in branches]
    await started.wait()
    await asyncio.sleep(0.01)  # both wait on the source, blocked at its gate
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert probe.closed.is_set()
    assert no_other_tasks()  # no pull task left behind


def test_tee_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="n must"):
        tee([], 0)
    with pytest.raises(ValueError, match="max_buffer"):
        tee([], 2, max_buffer=0)


# --- aiter_any ----------------------------------------------------------------------------------


async def test_aiter_any_accepts_every_kind_of_stream() -> None:
    assert await alist(aiter_any(["a", "b"])) == ["a", "b"]
    assert await alist(aiter_any(("a",))) == ["a"]
    assert await alist(aiter_any(aitems("xy"))) == ["x", "y"]
    assert await alist(aiter_any(Probe().source("abc"))) == ["a", "b", "c"]


async def test_aiter_any_keeps_a_slow_sync_source_off_the_loop() -> None:
    probe = Probe()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    try:
        assert await alist(aiter_any(probe.source("ab", delay=0.2))) == ["a", "b"]
    finally:
        ticking.cancel()
        await asyncio.gather(ticking, return_exceptions=True)
    assert ticks >= 10  # the loop ran while `next()` slept in the worker thread
    assert threading.get_ident() not in probe.threads
    assert probe.closed.is_set()


async def test_aiter_any_early_exit_closes_a_sync_source() -> None:
    probe = Probe()
    async with contextlib.aclosing(aiter_any(probe.source("abc"))) as stream:
        async for _ in stream:
            break
    assert probe.closed.is_set()  # closed in the worker thread before aclose() returned
    assert probe.pulled == 1


async def test_aiter_any_sync_source_exception_propagates_unchanged() -> None:
    boom = Boom("from the source")
    probe = Probe()
    with pytest.raises(Boom) as info:
        await alist(aiter_any(probe.source(["a"], error=boom)))
    assert info.value is boom
    assert probe.closed.is_set()


async def test_aiter_any_cancellation_while_the_sync_source_blocks(gate: threading.Event) -> None:
    probe = Probe()
    first = asyncio.Event()

    async def consume() -> None:
        async for _ in aiter_any(probe.source(["a"], gate=gate)):
            first.set()

    task = asyncio.create_task(consume())
    await first.wait()
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert no_other_tasks()
    gate.set()  # the source returns from its blocking call, and the worker closes it
    assert await eventually(probe.closed.is_set)


async def test_async_timeout_over_a_stalled_sync_source(gate: threading.Event) -> None:
    probe = Probe()
    start = time.monotonic()
    with pytest.raises(StreamTimeoutError):
        await alist(with_stream_timeout(aiter_any(probe.source(["a"], gate=gate)), 0.2))
    assert time.monotonic() - start < 0.2 + TOLERANCE
    assert no_other_tasks()
    gate.set()
    assert await eventually(probe.closed.is_set)


# --- RollingContextWindow -----------------------------------------------------------------------


def test_window_keeps_the_most_recent_text() -> None:
    window = RollingContextWindow(5)
    window.append("abc")
    assert (window.text, len(window), window.total_chars) == ("abc", 3, 3)
    window.append("def")
    assert (window.text, len(window), window.total_chars) == ("bcdef", 5, 6)
    window.append("0123456789")
    assert (window.text, window.total_chars) == ("56789", 16)
    window.append("")
    assert window.text == "56789"
    window.clear()
    assert (window.text, len(window), window.total_chars) == ("", 0, 0)
    with pytest.raises(ValueError, match="max_chars"):
        RollingContextWindow(0)


@given(st.lists(st.text(max_size=12), max_size=40), st.integers(1, 30), st.data())
def test_window_is_the_tail_of_everything_appended(
    pieces: list[str], max_chars: int, data: st.DataObject
) -> None:
    window = RollingContextWindow(max_chars)
    seen = ""
    for piece in pieces:
        window.append(piece)
        seen += piece
        assert len(window) == len(seen[-max_chars:])
        if data.draw(st.booleans()):  # reading `text` compacts: interleave it at random
            assert window.text == seen[-max_chars:]
    assert window.text == seen[-max_chars:]
    assert window.total_chars == len(seen)


def test_window_memory_stays_bounded_over_a_50_mb_stream() -> None:
    max_chars = 100_000
    window = RollingContextWindow(max_chars)
    piece_count = 50 * 1024  # 50 MB in 1 KB pieces, each a fresh string
    tracemalloc.start()
    try:
        for i in range(piece_count):
            window.append(chr(97 + i % 26) * 1024)
        text = window.text
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(text) <= max_chars
    assert window.total_chars == piece_count * 1024
    expected = "".join(chr(97 + i % 26) * 1024 for i in range(piece_count - 98, piece_count))
    assert text == expected[-max_chars:]
    assert peak < 5 * 1024 * 1024


def test_window_many_tiny_pieces_stay_bounded() -> None:
    window = RollingContextWindow(1000)
    for i in range(100_000):
        window.append(str(i % 10))
    assert window.text == "".join(str(i % 10) for i in range(99_000, 100_000))
    assert len(window._pieces) <= 1000 // 16 + 65  # joined now and then


# --- AsyncQueue ---------------------------------------------------------------------------------


async def test_queue_iterates_until_closed() -> None:
    queue: AsyncQueue[int] = AsyncQueue()

    async def produce() -> None:
        for i in range(5):
            await queue.put(i)
            await asyncio.sleep(0)
        queue.close()

    producer = asyncio.create_task(produce())
    assert await alist(queue) == [0, 1, 2, 3, 4]
    await producer


async def test_queue_close_drains_what_was_queued() -> None:
    queue: AsyncQueue[str] = AsyncQueue()
    queue.put_nowait("a")
    queue.put_nowait("b")
    queue.close()
    assert queue.closed
    assert await alist(queue) == ["a", "b"]
    assert await alist(queue) == []
    with pytest.raises(QueueClosedError):
        queue.put_nowait("c")
    with pytest.raises(QueueClosedError):
        await queue.put("c")


async def test_queue_error_raises_in_the_consumer_after_the_items() -> None:
    queue: AsyncQueue[str] = AsyncQueue()
    boom = Boom("producer failed")
    queue.put_nowait("a")
    queue.error(boom)
    assert await anext(queue) == "a"
    with pytest.raises(Boom) as info:
        await anext(queue)
    assert info.value is boom


async def test_queue_maxsize_applies_backpressure() -> None:
    queue: AsyncQueue[int] = AsyncQueue(maxsize=2)
    put_done: list[int] = []

    async def produce() -> None:
        for i in range(4):
            await queue.put(i)
            put_done.append(i)
        queue.close()

    producer = asyncio.create_task(produce())
    await asyncio.sleep(0.01)
    assert put_done == [0, 1]  # waiting for room for the third
    assert queue.full()
    with pytest.raises(asyncio.QueueFull):
        queue.put_nowait(99)
    assert await anext(queue) == 0
    await asyncio.sleep(0.01)
    assert put_done == [0, 1, 2]
    assert await alist(queue) == [1, 2, 3]
    await producer


async def test_queue_close_wakes_waiting_consumers_and_producers() -> None:
    empty: AsyncQueue[int] = AsyncQueue()
    consumer = asyncio.create_task(alist(empty))
    full: AsyncQueue[int] = AsyncQueue(maxsize=1)
    full.put_nowait(1)
    producer = asyncio.create_task(full.put(2))
    await asyncio.sleep(0.01)
    empty.close()
    full.close()
    assert await consumer == []
    with pytest.raises(QueueClosedError):
        await producer
    assert await alist(full) == [1]


async def test_queue_a_cancelled_consumer_loses_no_item() -> None:
    queue: AsyncQueue[str] = AsyncQueue()
    first = asyncio.create_task(anext(queue))
    second = asyncio.create_task(anext(queue))
    await asyncio.sleep(0)
    queue.put_nowait("only")  # wakes `first`...
    first.cancel()  # ...which is cancelled before it runs: the item must reach `second`
    assert await second == "only"
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_queue_put_threadsafe_from_another_thread() -> None:
    queue: AsyncQueue[int] = AsyncQueue(maxsize=3)
    loop = asyncio.get_running_loop()
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            for i in range(50):
                queue.put_threadsafe(i, loop, timeout=5)
            loop.call_soon_threadsafe(queue.close)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=produce)
    thread.start()
    try:
        assert await alist(queue) == list(range(50))
    finally:
        thread.join(TOLERANCE)
    assert errors == []


async def test_queue_put_threadsafe_refuses_the_loops_own_thread() -> None:
    queue: AsyncQueue[int] = AsyncQueue()
    with pytest.raises(RuntimeError, match="await put"):
        queue.put_threadsafe(1, asyncio.get_running_loop())
