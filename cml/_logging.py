"""
The SDK's one logger, `cml`: silent unless `CML_LOG` asks, and never showing an API key.

Redaction happens where records are made (a filter on the `cml` logger), so keys stay out of
every handler, the application's own included. Log through `logger` here, not a child logger:
a filter on a logger does not see its children's records.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "MASK",
    "RedactingFilter",
    "configure_logging",
    "display_url",
    "log_request",
    "logger",
    "redact",
    "register_secrets",
    "registered_secrets",
    "safe_request_id",
    "setup_logging",
]

logger = logging.getLogger("cml")

MASK = "***"

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# `X-API-Key: v`, `api_key=v`, `'x-api-key': 'v'`, `"api_key": "v"`, `CML_ADMIN_API_KEY=v`...
# The value ends at whitespace, a quote or a separator; `api_key=None` is left alone.
_KEY_ASSIGNMENT = re.compile(
    r"(?P<name>(?:x-)?api[-_]key)(?P<sep>['\"]?\s*[:=]\s*['\"]?)(?!None\b)[^\s'\",;&)}\]]+",
    re.IGNORECASE,
)


_MIN_SUBSTRING_SECRET = 8


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """
    `text` with every known secret, and anything written as an API-key assignment, masked.

    Longer secrets go first, so a key that contains another is masked whole.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if len(secret) >= _MIN_SUBSTRING_SECRET:
            text = text.replace(secret, MASK)
        else:
            # A very short "key" is also an ordinary word fragment: mask it only standing alone,
            # or every "k" in the log would vanish.
            text = re.sub(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", MASK, text)
    return _KEY_ASSIGNMENT.sub(rf"\g<name>\g<sep>{MASK}", text)


def safe_request_id(request_id: str | None, secrets: Iterable[str | None]) -> str | None:
    """A server's request id, or `MASK` when it holds a secret anywhere (a proxy that echoes
    the key as `req-<key>`): a request id is an opaque token, so none of it is kept."""
    if request_id is None:
        return None
    if any(secret and secret in request_id for secret in secrets):
        return MASK
    return redact(request_id, ())


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback text) through `redact`."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        """Also mask these values from now on (`None` and empty strings are ignored)."""
        # Clients on two threads may register keys at once: neither may be lost. The tuple is
        # replaced whole, never mutated, so `filter` reads a consistent snapshot without the lock.
        with self._lock:
            new = (s for s in secrets if s and s not in self._secrets)
            self._secrets = (*self._secrets, *new)

    @property
    def secrets(self) -> tuple[str, ...]:
        return self._secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self._secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        return True


_FILTER = RedactingFilter()
logger.addFilter(_FILTER)


def register_secrets(*secrets: str | None) -> None:
    """Mask these values in everything the `cml` logger emits and in every `CMLError`'s text;
    clients call it with their keys."""
    _FILTER.add(*secrets)


def registered_secrets() -> tuple[str, ...]:
    """Every value `register_secrets` was given in this process."""
    return _FILTER.secrets


class _Handler(logging.StreamHandler[TextIO]):
    """The stderr handler `setup_logging` installs; its own class so it is found again."""


def setup_logging(
    env: Mapping[str, str] = os.environ, *, secrets: Iterable[str | None] = ()
) -> logging.Handler | None:
    """
    Turn on `cml` log output to stderr when `CML_LOG` is `debug` or `info`; otherwise do nothing.

    Safe to call many times: the handler is attached once, the level follows the latest call.
    The keys in `CML_API_KEY` / `CML_ADMIN_API_KEY` and `secrets` are masked. Returns the
    handler, or `None` when logging stays off.
    """
    level = _LEVELS.get(env.get("CML_LOG", "").strip().lower())
    if level is None:
        return None
    register_secrets(env.get("CML_API_KEY"), env.get("CML_ADMIN_API_KEY"), *secrets)
    handler = next((h for h in logger.handlers if isinstance(h, _Handler)), None)
    if handler is None:
        handler = _Handler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(_FILTER)
        logger.addHandler(handler)
    logger.setLevel(level)
    return handler


def configure_logging(level: str | int = "WARNING", handler: logging.Handler | None = None) -> None:
    """
    Set the `cml` logger's level and where it writes, from code (`CML_LOG` does it from the
    environment): `handler`, or else the stderr handler `CML_LOG` would install. Keys stay masked
    either way. An unknown level name raises `ValueError`.
    """
    resolved = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if not isinstance(resolved, int):
        raise ValueError(f"unknown log level {level!r}; use DEBUG, INFO, WARNING or ERROR")
    if handler is None:
        handler = next((h for h in logger.handlers if isinstance(h, _Handler)), None) or _Handler()
        handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(_FILTER)
    if handler not in logger.handlers:
        logger.addHandler(handler)
    logger.setLevel(resolved)


def log_request(  # noqa: PLR0917 - the arguments are the fields of the line, in its order
    method: str,
    url: str,
    status: int | None,
    elapsed_ms: float,
    request_id: str | None,
    attempt: int,
) -> None:
    """
    Log one finished HTTP attempt at INFO as a single line, without headers or body.

    `status` is `None` when no response came back; `attempt` counts from 0 (as in `_retry`) and
    is shown counting from 1. The query string is dropped: it can carry user text.
    """
    logger.info(
        "%s %s -> %s in %.0f ms (attempt %d, request id %s)",
        method,
        display_url(url),
        "no response" if status is None else status,
        elapsed_ms,
        attempt + 1,
        request_id or "-",
    )


def display_url(url: str) -> str:
    """`url` fit for logs and error messages: without credentials, query string or fragment."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
