"""What a request must show before anything else is read: who it is for and where it comes from.

A server on loopback without keys trusts every caller, so it must make sure the caller is a
program on this machine and not a web page the user happens to have open:

- `Host` must be a loopback name (or an IP address, or a configured name). A page served from
  a name the attacker controls can re-point that name at 127.0.0.1 (DNS rebinding); the browser
  then sends the attacker's name as `Host`, which is refused.
- `Origin`, when a browser sends it, must be this server's own origin or a configured one: a
  page elsewhere may send requests here, never read answers or change anything.
- A body must be JSON (`Content-Type: application/json`): the types an HTML form can send
  without a CORS preflight (`text/plain`, form encodings) are refused with 415.

`RateLimiter` keeps the per-key request budget (a token bucket per key).
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlsplit

__all__ = ["Admission", "RateLimiter"]

_JSON_TYPES = ("application/json",)


def _host_name(host: str) -> str:
    """The name in a `Host` value, without its port, lower-case, without a trailing dot."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def is_loopback_name(name: str) -> bool:
    """`localhost`, `*.localhost` (RFC 6761: never resolved by DNS) or a loopback address."""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in _JSON_TYPES or (media.startswith("application/") and media.endswith("+json"))


class Admission:
    """The `Host`, `Origin` and `Content-Type` checks; each answers `None` or why not."""

    def __init__(self, allowed_hosts: Iterable[str] = (), allowed_origins: Iterable[str] = ()):
        self._hosts = frozenset(_host_name(h) for h in allowed_hosts)
        self._origins = frozenset(o.strip().lower().rstrip("/") for o in allowed_origins)

    def host_problem(self, headers: Mapping[str, str]) -> str | None:
        host = headers.get("host")
        if host is None:
            return None  # HTTP/1.0 without a name: no browser sends that, so no rebinding
        name = _host_name(host)
        # An address is safe to accept: rebinding needs a name the attacker controls.
        if "*" in self._hosts or name in self._hosts or is_loopback_name(name) or _is_ip(name):
            return None
        return "Host not allowed (start the server with --allowed-host to accept it)"

    def cors_origin(self, headers: Mapping[str, str]) -> str | None:
        """The request's `Origin` when it is a configured one: its page may read the answer."""
        origin = headers.get("origin")
        if origin is None:
            return None
        wanted = origin.strip().lower().rstrip("/")
        return origin if "*" in self._origins or wanted in self._origins else None

    def origin_problem(self, headers: Mapping[str, str]) -> str | None:
        origin = headers.get("origin")
        if origin is None:
            return None  # not sent by a browser (or a same-origin GET)
        wanted = origin.strip().lower().rstrip("/")
        if "*" in self._origins or wanted in self._origins:
            return None
        parts = urlsplit(wanted)
        host = headers.get("host", "").strip().lower()
        if parts.scheme in ("http", "https") and host and parts.netloc == host:
            return None  # the server's own pages (the dashboard)
        return "Cross-origin request not allowed (start the server with --allowed-origin)"

    @staticmethod
    def media_problem(method: str, headers: Mapping[str, str], has_body: bool) -> str | None:
        content_type = headers.get("content-type")
        if content_type is None:
            return "Content-Type must be application/json" if has_body else None
        if method in ("GET", "HEAD") and not has_body:
            return None
        return None if _is_json(content_type) else "Content-Type must be application/json"


class RateLimiter:
    """At most `per_minute` requests a minute for each key, with bursts up to that many.

    A token bucket per key: it holds `per_minute` tokens and refills one every
    `60 / per_minute` seconds. Keys are only the server's own (user and admin), so the table
    never grows past two entries.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0:
            raise ValueError(f"per_minute must be > 0, got {per_minute}")
        self.per_minute = per_minute
        self._clock = clock
        self._rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float | None:
        """Spend one request of `key`'s budget: `None`, or the seconds until one is free."""
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - at) * self._rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self._rate

    def remaining(self, key: str) -> int:
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.get(key, (float(self.per_minute), now))
            return math.floor(min(float(self.per_minute), tokens + (now - at) * self._rate))
