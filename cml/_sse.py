"""
An incremental Server-Sent Events parser, following the WHATWG HTML "event stream" rules.

https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

Two deliberate departures, both so that no event the server sent is lost:

* a final event without its closing blank line is still dispatched at the end of the stream
  (`SSEDecoder.flush`), where a browser would drop it;
* `retry` is reported on the event whose block carried it, rather than kept as stream state.

Lines must be split at CR, LF and CRLF only. `httpx.Response.iter_lines()` also splits at
U+2028, U+2029 and U+0085, which JSON may carry unescaped inside a `data:` line; `iter_sse_lines`
splits text chunks (`iter_text()`) the SSE way.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

import attrs

__all__ = [
    "SSEDecoder",
    "ServerSentEvent",
    "aiter_sse",
    "aiter_sse_lines",
    "iter_sse",
    "iter_sse_lines",
]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@attrs.frozen
class ServerSentEvent:
    """One dispatched event: its type, its data (lines joined by "\\n"), last id and retry."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None

    def json(self) -> Any:
        """The data parsed as JSON (raises `json.JSONDecodeError` when it is not JSON)."""
        return json.loads(self.data)


class SSEDecoder:
    """
    Turns lines into events, one line at a time.

    `decode` returns an event when the line completes one (a blank line), else `None`; call
    `flush` at the end of the stream for an event left without its blank line.
    """

    def __init__(self) -> None:
        self._event = ""
        self._data: list[str] = []
        self._has_data = False
        self._last_id: str | None = None
        self._retry: int | None = None
        self._first_line = True

    def decode(self, line: str) -> ServerSentEvent | None:
        """Feed one line, with or without its line terminator."""
        if line.endswith("\n"):
            line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
        if self._first_line:
            self._first_line = False
            line = line.removeprefix("\ufeff")

        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]

        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
            self._has_data = True
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def flush(self) -> ServerSentEvent | None:
        """The pending event at the end of the stream, if a block was left open."""
        return self._dispatch()

    def _dispatch(self) -> ServerSentEvent | None:
        # Per the spec an event without any `data` field is not dispatched, and the last event
        # id carries over to the following events.
        event = None
        if self._has_data:
            event = ServerSentEvent(
                event=self._event or "message",
                data="\n".join(self._data),
                id=self._last_id,
                retry=self._retry,
            )
        self._event = ""
        self._data = []
        self._has_data = False
        self._retry = None
        return event


def iter_sse(lines: Iterable[str]) -> Iterator[ServerSentEvent]:
    """The events in a stream of lines (say `iter_sse_lines(response.iter_text())`)."""
    decoder = SSEDecoder()
    for line in lines:
        event = decoder.decode(line)
        if event is not None:
            yield event
    event = decoder.flush()
    if event is not None:
        yield event


async def aiter_sse(lines: AsyncIterable[str]) -> AsyncIterator[ServerSentEvent]:
    """The events in an async stream of lines (say `aiter_sse_lines(response.aiter_text())`)."""
    decoder = SSEDecoder()
    async for line in lines:
        event = decoder.decode(line)
        if event is not None:
            yield event
    event = decoder.flush()
    if event is not None:
        yield event


class _LineSplitter:
    """Splits text chunks into lines at CRLF, CR and LF, whatever the chunk boundaries."""

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, chunk: str) -> list[str]:
        text = self._pending + chunk
        # A final CR may be the first half of a CRLF split across chunks: hold it back.
        held = "\r" if text.endswith("\r") else ""
        *lines, rest = _LINE_BREAK.split(text.removesuffix(held))
        self._pending = rest + held
        return lines

    def flush(self) -> list[str]:
        lines = _LINE_BREAK.split(self._pending)
        self._pending = ""
        if not lines[-1]:
            lines.pop()
        return lines


def iter_sse_lines(chunks: Iterable[str]) -> Iterator[str]:
    """The lines of a stream of text chunks, split only where SSE splits them."""
    splitter = _LineSplitter()
    for chunk in chunks:
        yield from splitter.feed(chunk)
    yield from splitter.flush()


async def aiter_sse_lines(chunks: AsyncIterable[str]) -> AsyncIterator[str]:
    """The lines of an async stream of text chunks, split only where SSE splits them."""
    splitter = _LineSplitter()
    async for chunk in chunks:
        for line in splitter.feed(chunk):
            yield line
    for line in splitter.flush():
        yield line
