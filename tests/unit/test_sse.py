from collections.abc import AsyncIterator, Iterable

import httpx
from hypothesis import given
from hypothesis import strategies as st

from cml._sse import (
    ServerSentEvent,
    SSEDecoder,
    aiter_sse,
    aiter_sse_lines,
    iter_sse,
    iter_sse_lines,
)


def parse(text: str) -> list[ServerSentEvent]:
    return list(iter_sse(iter_sse_lines([text])))


def test_single_event() -> None:
    assert parse("data: hello\n\n") == [ServerSentEvent(data="hello")]


def test_multi_line_data_is_joined_with_newlines() -> None:
    assert parse("data: first\ndata:second\ndata\ndata:  indented\n\n") == [
        ServerSentEvent(data="first\nsecond\n\n indented")
    ]


def test_comments_and_unknown_fields_are_ignored() -> None:
    assert parse(": keep-alive\nfoo: bar\ndata: x\n:another\n\n: ping\n\n") == [
        ServerSentEvent(data="x")
    ]


def test_crlf_and_cr_line_endings() -> None:
    expected = [ServerSentEvent(event="done", data="a\nb"), ServerSentEvent(data="c")]
    assert parse("event: done\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n") == expected
    assert parse("event: done\rdata: a\rdata: b\r\rdata: c\r\r") == expected


def test_decoder_accepts_lines_with_their_terminators() -> None:
    lines = ["event: done\r\n", "data: {}\n", "\r\n"]
    assert list(iter_sse(lines)) == [ServerSentEvent(event="done", data="{}")]


def test_done_and_error_events() -> None:
    text = (
        'data: {"id": 1}\n\n'
        'data: {"id": 2}\n\n'
        "event: done\n"
        'data: {"total_count": 2, "elapsed_ms": 5.0}\n\n'
        "event: error\n"
        'data: {"detail": "boom"}\n\n'
    )
    events = parse(text)
    assert [e.event for e in events] == ["message", "message", "done", "error"]
    assert [e.json() for e in events] == [
        {"id": 1},
        {"id": 2},
        {"total_count": 2, "elapsed_ms": 5.0},
        {"detail": "boom"},
    ]


def test_missing_trailing_blank_line_is_flushed() -> None:
    assert parse('data: 1\n\nevent: done\ndata: {"total_count": 1}') == [
        ServerSentEvent(data="1"),
        ServerSentEvent(event="done", data='{"total_count": 1}'),
    ]
    assert parse("data: 1\n\nevent: done\ndata: {}\n") == [
        ServerSentEvent(data="1"),
        ServerSentEvent(event="done", data="{}"),
    ]


def test_event_without_data_is_not_dispatched_and_resets_the_type() -> None:
    assert parse("event: ping\n\ndata: x\n\n") == [ServerSentEvent(data="x")]
    assert parse("event: ping\n") == []


def test_empty_data_field_dispatches_an_empty_event() -> None:
    assert parse("data:\n\n") == [ServerSentEvent(data="")]


def test_empty_event_name_means_message() -> None:
    assert parse("event:\ndata: x\n\n") == [ServerSentEvent(data="x")]


def test_id_carries_over_and_null_ids_are_ignored() -> None:
    events = parse("id: 1\ndata: a\n\ndata: b\n\nid: 2\0\ndata: c\n\nid\ndata: d\n\n")
    assert [e.id for e in events] == ["1", "1", "1", ""]


def test_retry_is_read_per_event_and_must_be_digits() -> None:
    events = parse("retry: 3000\ndata: a\n\ndata: b\n\nretry: soon\ndata: c\n\n")
    assert [e.retry for e in events] == [3000, None, None]


def test_byte_order_mark_at_the_start_is_skipped() -> None:
    assert parse("\ufeffdata: x\n\n") == [ServerSentEvent(data="x")]


def test_decoder_can_be_fed_directly() -> None:
    decoder = SSEDecoder()
    assert decoder.decode("data: x") is None
    assert decoder.decode("") == ServerSentEvent(data="x")
    assert decoder.flush() is None


def test_line_splitter_handles_crlf_split_across_chunks() -> None:
    chunks = ["data: a\r", "\ndata: b\r", "\r", "data: c\r", "\n\r", "\n"]
    assert list(iter_sse_lines(chunks)) == ["data: a", "data: b", "", "data: c", ""]


def test_line_splitter_keeps_unicode_line_separators() -> None:
    text = 'data: {"text": "a\u2028b\x85c"}\n\n'
    assert parse(text) == [ServerSentEvent(data='{"text": "a\u2028b\x85c"}')]
    # httpx's iter_lines() would cut that data line in three.
    assert len(list(httpx.Response(200, text=text).iter_lines())) > 2


async def test_async_parsing() -> None:
    async def chunks() -> AsyncIterator[str]:
        for chunk in ["data: a\r", "\n\r\nevent: done\ndata: ", "{}"]:
            yield chunk

    events = [event async for event in aiter_sse(aiter_sse_lines(chunks()))]
    assert events == [ServerSentEvent(data="a"), ServerSentEvent(event="done", data="{}")]


async def test_async_parsing_of_an_httpx_response() -> None:
    response = httpx.Response(200, content=b"data: 1\n\ndata: 2\n\n")
    events = [event async for event in aiter_sse(aiter_sse_lines(response.aiter_text()))]
    assert [e.data for e in events] == ["1", "2"]


# Round trip: any events, serialised with any line ending and cut into any chunks, parse back.

field_text = st.text(st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]))
events = st.lists(
    st.tuples(
        field_text.filter(bool) | st.none(),  # event type (None: the default)
        st.lists(field_text, min_size=1, max_size=4),  # data lines
        field_text.filter(lambda s: "\0" not in s) | st.none(),  # id
        st.integers(min_value=0, max_value=10**9) | st.none(),  # retry
    ),
    max_size=8,
)


Item = tuple[str | None, list[str], str | None, int | None]


def serialise(items: Iterable[Item], eol: str) -> str:
    out = []
    for event, data, id_, retry in items:
        if event is not None:
            out.append(f"event: {event}{eol}")
        out.extend(f"data: {line}{eol}" for line in data)
        if id_ is not None:
            out.append(f"id: {id_}{eol}")
        if retry is not None:
            out.append(f"retry: {retry}{eol}")
        out.append(eol)
    return "".join(out)


@given(events, st.sampled_from(["\n", "\r\n", "\r"]), st.lists(st.integers(1, 50)))
def test_round_trip(
    items: list[Item],
    eol: str,
    cuts: list[int],
) -> None:
    text = serialise(items, eol)
    chunks, start = [], 0
    for size in cuts:
        chunks.append(text[start : start + size])
        start += size
    chunks.append(text[start:])

    expected, last_id = [], None
    for event, data, id_, retry in items:
        last_id = id_ if id_ is not None else last_id
        expected.append(
            ServerSentEvent(event=event or "message", data="\n".join(data), id=last_id, retry=retry)
        )
    assert list(iter_sse(iter_sse_lines(chunks))) == expected
