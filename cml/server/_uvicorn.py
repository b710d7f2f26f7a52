"""How `cml serve` runs under uvicorn: connection limits, timeouts, and logs that cannot flood.

uvicorn alone keeps a connection that never sends a request open forever, and accepts until
the process runs out of file descriptors; every failed accept is then logged with a traceback.
Here a connection must send its request headers within `HEADER_TIMEOUT`, the connections
held open are capped below the descriptor limit (the oldest idle one makes room for a new one),
and a repeated log record is written once, then counted.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = [
    "HEADER_TIMEOUT",
    "OnceFilter",
    "mask_query",
    "max_connections",
    "protocol",
    "quiet_logs",
    "raise_fd_limit",
]

#: Seconds a connection has to send its request line and headers (uvicorn's keep-alive timeout
#: covers the wait between requests).
HEADER_TIMEOUT = 10.0
#: Seconds an idle keep-alive connection stays open.
KEEP_ALIVE_TIMEOUT = 5
#: The largest request line plus headers accepted (h11 answers 431 beyond it).
MAX_HEADER_BYTES = 16 * 1024
# Descriptors kept for the database, the log, the listening socket and threads.
_RESERVED_FDS = 64
_MAX_CONNECTIONS = 1000


def raise_fd_limit() -> int:
    """Raise the soft descriptor limit to the hard one; return the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def max_connections(fd_limit: int) -> int:
    """How many connections to hold at once with `fd_limit` descriptors."""
    return max(16, min(_MAX_CONNECTIONS, fd_limit - _RESERVED_FDS))


def protocol(limit: int, header_timeout: float = HEADER_TIMEOUT) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a header deadline and at most `limit` open connections."""

    class Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if len(self.connections) > limit:
                _evict_idle(self.connections, keep=self)
            self._arm()

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(header_timeout, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            waiting = self.cycle is None or self.cycle.response_complete
            if waiting and not self.transport.is_closing():
                self.transport.close()  # no request after all this time: a stalled client

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None and not self.cycle.response_complete:
                self._disarm()  # the headers arrived

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self.cycle is None or self.cycle.response_complete:
                self._arm()  # the next request's headers have the same deadline

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return Protocol


def _evict_idle(connections: set[Any], keep: Any) -> None:
    """Close one connection that is waiting for a request (the attacker's, typically)."""
    for connection in connections:
        if connection is keep or connection.transport.is_closing():
            continue
        idle = connection.cycle is None or connection.cycle.response_complete
        if idle and connection.conn.our_state is not h11.ERROR:
            connection.transport.close()
            return


class OnceFilter(logging.Filter):
    """Lets a record through once per `every` seconds per message; counts the rest.

    "Too many open files" is logged for every failed accept: hundreds of thousands of
    tracebacks a minute when the limit is reached. Once is enough to know.
    """

    def __init__(self, every: float = 60.0) -> None:
        super().__init__()
        self._every = every
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        key = (f"{record.name}:{record.msg}"[:200], kind)
        now = time.monotonic()
        last, suppressed = self._seen.get(key, (float("-inf"), 0))
        if now - last < self._every:
            self._seen[key] = (last, suppressed + 1)
            return False
        if len(self._seen) > 1000:
            self._seen.clear()
        self._seen[key] = (now, 0)
        if suppressed:
            record.msg = f"{record.msg} (and {suppressed} more like it in the last minute)"
        return True


_SECRET_WORDS = ("key", "token", "secret", "password")


def mask_query(target: str) -> str:
    """`target` (a path with its query) with the values of key-like parameters masked."""
    path, mark, query = target.partition("?")
    if not mark:
        return target
    parts = []
    for part in query.split("&"):
        name, equals, _ = part.partition("=")
        secret = equals and any(word in name.lower() for word in _SECRET_WORDS)
        parts.append(f"{name}=***" if secret else part)
    return f"{path}?{'&'.join(parts)}"


class QueryMask(logging.Filter):
    """Masks key-like query parameters ("?api_key=...") in uvicorn's access log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_query(args[2]), *args[3:])
        return True


def quiet_logs() -> None:
    """Install `OnceFilter` on the loggers a flood goes to and `QueryMask` on the access log."""
    once = OnceFilter()
    for name in ("asyncio", "uvicorn.error", "cml.server"):
        logging.getLogger(name).addFilter(once)
    logging.getLogger("uvicorn.access").addFilter(QueryMask())
