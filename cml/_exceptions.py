"""
Every error the SDK raises, and the one place HTTP failures become them.

The tree:

    CMLError
        ConfigurationError          invalid settings (also a ValueError)
        InvalidRequestError         an invalid argument, refused before sending (also a ValueError)
        VersionMismatchError        the server runs another release than the pin (check_server)
        UnsupportedOperationError   the pinned server release lacks the operation; nothing was sent
        APIStatusError              the server answered with an error status
            AuthenticationError     401: missing or wrong API key
            AuthorizationError      403: the key may not do this (admin key, CSRF header)
            NotFoundError           404
            ConflictError           409
            ValidationError         422: the server rejected request fields
            RateLimitError          429: slow down, see `retry_after`
            ServerError             5xx
        CMLConnectionError          no response: connect, read or write failed
            CMLTimeoutError         no response in time
        StreamError                 an `error` event inside a Server-Sent Events stream

This module is the one boundary where HTTP failures become these errors: `error_from_response`,
`error_from_transport` and `error_from_malformed_response` are the only translators, and every
error masks the keys clients registered (`cml._logging.register_secrets`) in everything it holds
(message, hint, body, request id, field errors) when it is built, whoever builds it. An error
never carries the low-level exception it replaced (`__cause__` and `__context__` stay empty):
that exception's text, a server's answer quoted in a parser's message, could hold a key. The
clients raise these errors outside their `except` blocks for that reason; the message keeps a
masked summary of the reason instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any, ClassVar

import attrs
import httpx

from ._constants import REQUEST_ID_HEADER
from ._logging import display_url, redact, registered_secrets, safe_request_id
from ._retry import parse_retry_after

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "AuthorizationError",
    "CMLConnectionError",
    "CMLError",
    "CMLTimeoutError",
    "ConfigurationError",
    "ConflictError",
    "FieldError",
    "InvalidRequestError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "StorageError",
    "StreamError",
    "UnsupportedOperationError",
    "ValidationError",
    "VersionMismatchError",
    "error_from_malformed_response",
    "error_from_response",
    "error_from_transport",
]

# A message longer than this (an HTML error page from a proxy, say) is cut; `body` keeps it all.
_MAX_MESSAGE_CHARS = 500


class CMLError(Exception):
    """Base of every error the SDK raises."""

    default_hint: ClassVar[str | None] = None

    message: str
    status_code: int | None
    request_id: str | None
    body: object | None
    hint: str | None

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        body: object | None = None,
        hint: str | None = None,
    ) -> None:
        # Masked once, here, whoever raises: an argument error may quote a value the caller
        # mixed up with a key, and a server's answer may echo one anywhere in its body.
        secrets = registered_secrets()
        message = redact(message, secrets)
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.request_id = safe_request_id(request_id, secrets)
        self.body = _masked(body, secrets)
        hint = hint if hint is not None else self._default_hint()
        self.hint = redact(hint, secrets) if hint is not None else None

    def _default_hint(self) -> str | None:
        return self.default_hint

    def __str__(self) -> str:
        details: list[str] = []
        if self.status_code is not None:
            details.append(f"status {self.status_code}")
        if self.request_id:
            details.append(f"request id {self.request_id}")
        text = f"{self.message} ({', '.join(details)})" if details else self.message
        return f"{text}\nHint: {self.hint}" if self.hint else text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, status_code={self.status_code!r}, "
            f"request_id={self.request_id!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception pickles as `cls(*args)`, which the subclasses' keyword-only arguments defeat;
        # rebuild from the attributes instead, so errors can cross process boundaries.
        return (_unpickle, (type(self), dict(self.__dict__)))


def _unpickle(cls: type[CMLError], state: dict[str, Any]) -> CMLError:
    error = cls.__new__(cls, state["message"])
    error.__dict__.update(state)
    return error


class ConfigurationError(CMLError, ValueError):
    """A setting is missing or invalid; the message names it and where it came from."""

    default_hint = "Settings come from arguments, CML_* environment variables or a .env file."


class InvalidRequestError(CMLError, ValueError):
    """An argument is invalid; raised before anything is sent, so nothing was stored."""


class VersionMismatchError(CMLError):
    """The server runs another release than the one the client is pinned to (`check_server`)."""

    default_hint = (
        "Pin the client to the server's release (api_version= or CML_API_VERSION), or add that "
        "release to openapi/ and regenerate (`nox -s spec`, then `nox -s regen`)."
    )


class UnsupportedOperationError(CMLError):
    """The pinned server release has no such operation; raised before anything is sent."""

    default_hint = (
        "Pin the client to a release that has it (api_version= or CML_API_VERSION), or leave "
        "the call out when talking to this release."
    )

    def __init__(
        self,
        message: str,
        *,
        method: str,
        api_version: str,
        available_in: tuple[str, ...],
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.method = method
        self.api_version = api_version
        self.available_in = available_in


class APIStatusError(CMLError):
    """The server answered with an error status; subclasses name the common ones."""

    default_hint = "The server refused the request as sent; see the message and `body`."

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        body: object | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, request_id=request_id, body=body, hint=hint
        )


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""

    default_hint = "Check CML_API_KEY or the api_key argument."


class AuthorizationError(APIStatusError):
    """403: the key is valid but may not make this call."""

    default_hint = (
        "This call needs the admin key (CML_ADMIN_API_KEY or the admin_api_key argument); "
        "/admin, /dashboard and DELETE /memory/all are admin-only."
    )


class NotFoundError(APIStatusError):
    """404: no such resource (or no such route: check the base URL)."""

    default_hint = "Check the id, and that CML_BASE_URL points at a CML server."


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""

    default_hint = "The resource changed or already exists; read it again before retrying."


@attrs.frozen
class FieldError:
    """One entry of a 422 answer: where the problem is, what it is, and its machine type."""

    loc: tuple[str | int, ...]
    msg: str
    type: str

    @property
    def field(self) -> str:
        """The location dotted, as in `body.turns.0.content`."""
        return ".".join(str(part) for part in self.loc)


class ValidationError(APIStatusError):
    """422: the server rejected some request fields; `errors` lists them."""

    errors: tuple[FieldError, ...]

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 422,
        request_id: str | None = None,
        body: object | None = None,
        hint: str | None = None,
        errors: Iterable[FieldError] = (),
    ) -> None:
        secrets = registered_secrets()
        self.errors = tuple(
            FieldError(
                loc=tuple(_masked(part, secrets) for part in error.loc),
                msg=redact(error.msg, secrets),
                type=redact(error.type, secrets),
            )
            for error in errors
        )
        super().__init__(
            message, status_code=status_code, request_id=request_id, body=body, hint=hint
        )

    @property
    def fields(self) -> tuple[str, ...]:
        """The dotted locations of the rejected fields, such as `body.content`."""
        return tuple(error.field for error in self.errors)

    def _default_hint(self) -> str | None:
        if not self.errors:
            return "The server rejected the request; check the arguments against the API."
        return f"Fix the rejected field(s): {', '.join(self.fields)}."


class RateLimitError(APIStatusError):
    """429: too many requests for this key; `retry_after` is the server's wait, in seconds."""

    retry_after: float | None

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 429,
        request_id: str | None = None,
        body: object | None = None,
        hint: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(
            message, status_code=status_code, request_id=request_id, body=body, hint=hint
        )

    def _default_hint(self) -> str | None:
        if self.retry_after is None:
            return "The server limits requests per key; wait before retrying."
        return f"The server limits requests per key; it asks to wait {self.retry_after:g} s."


class ServerError(APIStatusError):
    """5xx: the server failed."""

    default_hint = "A server-side failure; quote the request id when reporting it."


class CMLConnectionError(CMLError):
    """No response arrived: the connection could not be made or broke."""

    default_hint = "Check that the CML server is running and reachable at CML_BASE_URL."


class CMLTimeoutError(CMLConnectionError):
    """No response arrived within the timeout."""

    default_hint = "The server may be overloaded or unreachable; raise timeout (CML_TIMEOUT)."


class StorageError(CMLError):
    """The embedded store cannot be used as asked: its disk is full, or it is read-only."""

    default_hint = "Free disk space, or check the permissions of the database file and folder."


class StreamError(CMLError):
    """The server sent an `error` event inside a Server-Sent Events stream."""

    default_hint = "The server aborted the stream; the events before the error are still valid."


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    401: AuthenticationError,
    403: AuthorizationError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}

_CSRF_HINT = (
    "Dashboard writes need the header 'X-Requested-With: XMLHttpRequest' (the server's CSRF check)."
)


def error_from_response(
    status_code: int,
    headers: Mapping[str, str],
    content: bytes,
) -> APIStatusError:
    """
    The exception for an HTTP error response: the right class, message, request id and hint.

    The body is parsed as JSON when it is JSON (else kept as text); the message is the server's
    `detail`.
    """
    body = _parse_body(content)
    request_id = _header(headers, REQUEST_ID_HEADER)
    detail = body.get("detail") if isinstance(body, dict) else None

    if status_code == 422 and isinstance(detail, list):
        errors = tuple(_field_error(item) for item in detail if isinstance(item, dict))
        return ValidationError(
            _validation_message(errors),
            status_code=status_code,
            request_id=request_id,
            body=body,
            errors=errors,
        )

    message = _message(status_code, body, detail)
    if status_code == 429:
        return RateLimitError(
            message,
            status_code=status_code,
            request_id=request_id,
            body=body,
            retry_after=parse_retry_after(_header(headers, "Retry-After")),
        )
    hint = _CSRF_HINT if status_code == 403 and "csrf" in message.lower() else None
    cls = _STATUS_CLASSES.get(status_code, ServerError if status_code >= 500 else APIStatusError)
    return cls(message, status_code=status_code, request_id=request_id, body=body, hint=hint)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """A header value, looked up without regard to case even in a plain dict."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def _parse_body(content: bytes) -> object | None:
    """The body as JSON when it parses, else as text; `None` when empty."""
    if not content:
        return None
    text = content.decode("utf-8", errors="replace")
    try:
        parsed: object = json.loads(text)
    except ValueError:
        return text
    return parsed


def _masked(value: Any, secrets: tuple[str, ...]) -> Any:
    """`value` (text, or JSON-like data) with `secrets` masked in every string, keys included."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {_masked(k, secrets): _masked(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item, secrets) for item in value]
    if isinstance(value, tuple):
        return tuple(_masked(item, secrets) for item in value)
    return value


def _message(status_code: int, body: object | None, detail: object) -> str:
    """The server's `detail`, else the body itself, else the status line; cut when long."""
    if isinstance(detail, str):
        text = detail
    elif detail is not None:
        text = json.dumps(detail, ensure_ascii=False)
    elif isinstance(body, str):
        text = body.strip()
    elif body is not None:
        text = json.dumps(body, ensure_ascii=False)
    else:
        text = ""
    if not text:
        return _reason(status_code)
    if len(text) > _MAX_MESSAGE_CHARS:
        return text[:_MAX_MESSAGE_CHARS] + "..."
    return text


def _reason(status_code: int) -> str:
    try:
        return f"HTTP {status_code} {HTTPStatus(status_code).phrase}"
    except ValueError:
        return f"HTTP {status_code}"


def _field_error(item: Mapping[str, object]) -> FieldError:
    loc = item.get("loc")
    parts = loc if isinstance(loc, list | tuple) else () if loc is None else (loc,)
    return FieldError(
        loc=tuple(part if isinstance(part, str | int) else str(part) for part in parts),
        msg=str(item.get("msg", "")),
        type=str(item.get("type", "")),
    )


def _validation_message(errors: tuple[FieldError, ...]) -> str:
    if not errors:
        return "Request validation failed"
    problems = "; ".join(f"{error.field}: {error.msg}" for error in errors)
    return f"Request validation failed: {problems}"


_TRANSPORT_FAILURES: tuple[tuple[type[httpx.TransportError], str], ...] = (
    (httpx.ConnectTimeout, "Timed out connecting to the server"),
    (httpx.ReadTimeout, "Timed out waiting for the server's response"),
    (httpx.WriteTimeout, "Timed out sending the request"),
    (httpx.PoolTimeout, "Timed out waiting for a free connection in the pool"),
    (httpx.TimeoutException, "Timed out"),
    (httpx.ConnectError, "Could not connect to the server"),
    (httpx.ReadError, "The connection broke while reading the response"),
    (httpx.WriteError, "The connection broke while sending the request"),
    (httpx.RemoteProtocolError, "The server broke the HTTP protocol or closed the connection"),
    (httpx.ProxyError, "The proxy failed"),
    (httpx.UnsupportedProtocol, "The URL's scheme is not supported"),
)


def error_from_transport(exc: BaseException) -> CMLConnectionError:
    """
    The exception for a request that got no response.

    httpx timeouts become `CMLTimeoutError`, every other failure `CMLConnectionError`. The
    message names the kind of failure and the URL (without credentials or query string), plus
    the low-level reason, masked; `exc` itself is not kept (see the module docstring).
    """
    kind = next(
        (text for cls, text in _TRANSPORT_FAILURES if isinstance(exc, cls)),
        f"The request failed ({type(exc).__name__})",
    )
    url = _request_url(exc)
    message = f"{kind}: {url}" if url else kind
    reason = str(exc)
    if reason:
        message = f"{message} ({reason})"
    error_cls = CMLTimeoutError if isinstance(exc, httpx.TimeoutException) else CMLConnectionError
    return error_cls(message)


def error_from_malformed_response(response: httpx.Response, exc: BaseException) -> CMLError:
    """
    The exception for a success whose body is not what the API promises (an HTML page from a
    proxy, another service at the base URL, a value the parser refuses).

    Built like an error response, for the request id and the parsed body; the message names the
    request and the parser's complaint, masked (a date field may echo a key back).
    """
    like_error = error_from_response(response.status_code, response.headers, response.content)
    request = response.request
    return CMLError(
        f"the server's answer to {request.method} {display_url(str(request.url))} does not "
        f"match the API ({type(exc).__name__}: {exc})",
        status_code=response.status_code,
        request_id=like_error.request_id,
        body=like_error.body,
        hint=(
            "Check that CML_BASE_URL points at a CML server (not a proxy's or another "
            "service's page) and that its version is compatible (check_server())."
        ),
    )


def _request_url(exc: BaseException) -> str | None:
    if not isinstance(exc, httpx.RequestError):
        return None
    try:
        url = exc.request.url
    except RuntimeError:  # raised by httpx when no request is attached
        return None
    return f"{exc.request.method} {display_url(str(url))}"
