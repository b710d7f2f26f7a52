"""What the sync and async clients share: settings, request building, retry decisions, errors.

Nothing here does I/O. `_client.py` and `_async_client.py` hold only the send loop (with
`time.sleep` or `asyncio.sleep`) and one-line public methods over `_operations`.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx

from ._config import CMLConfig
from ._constants import API_PREFIX, DEFAULT_TENANT_ID, IDEMPOTENCY_HEADER, REQUEST_ID_HEADER
from ._exceptions import (
    CMLConnectionError,
    CMLError,
    ConfigurationError,
    InvalidRequestError,
    StreamError,
    UnsupportedOperationError,
    VersionMismatchError,
    error_from_malformed_response,
    error_from_response,
    error_from_transport,
)
from ._logging import log_request, register_secrets, safe_request_id, setup_logging
from ._operations import PreparedOperation, memory_item
from ._releases import Identification, get_release, identify, releases_with
from ._retry import (
    is_permanent_server_error,
    new_idempotency_key,
    parse_retry_after,
    retry_delay,
    should_retry_status,
)
from ._sse import ServerSentEvent
from ._version import __version__
from .models import HealthResponse, MemoryItem, ServerCheck

__all__ = ["BaseClient", "check_release"]

_DASHBOARD = f"{API_PREFIX}/dashboard/"
_ADMIN = f"{API_PREFIX}/admin/"


def _needs_admin(method: str, path: str) -> bool:
    """Routes the server reserves for the admin key."""
    return path.startswith((_ADMIN, _DASHBOARD)) or (
        method == "DELETE" and path == f"{API_PREFIX}/memory/all"
    )


T = TypeVar("T")


class BaseClient:
    """Settings and every decision that does not wait on the network."""

    _config: CMLConfig
    _tenant_id: str
    _namespace: str | None

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        tenant_id: str | None = None,
        *,
        config: CMLConfig | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_delay: float | None = None,
        verify_ssl: bool | None = None,
        admin_api_key: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        api_version: str | None = None,
    ) -> None:
        if config is None:
            config = CMLConfig.resolve(
                api_key=api_key,
                admin_api_key=admin_api_key,
                base_url=base_url,
                tenant_id=tenant_id,
                timeout=timeout,
                max_retries=max_retries,
                retry_delay=retry_delay,
                verify_ssl=verify_ssl,
                default_headers=default_headers,
                api_version=api_version,
            )
        elif any(
            v is not None
            for v in (
                api_key,
                admin_api_key,
                base_url,
                tenant_id,
                timeout,
                max_retries,
                retry_delay,
                verify_ssl,
                default_headers,
                api_version,
            )
        ):
            # Every setting counts: one given beside config= would otherwise be dropped silently.
            raise ConfigurationError(
                "pass either config= or individual settings, not both",
                hint="Use attrs.evolve(config, ...) to change one setting of a CMLConfig.",
            )
        self._config = config
        self._tenant_id = self._reachable_tenant(config.tenant_id)
        self._namespace = None
        self._release = get_release(config.api_version)
        setup_logging()
        register_secrets(config.api_key, config.admin_api_key)
        # Used only to satisfy the generated parsers' signature; it never sends anything.
        self._parser_client = self._release.parser_client(config.base_url)

    # -- public settings ---------------------------------------------------------------------

    @property
    def config(self) -> CMLConfig:
        return self._config

    @property
    def tenant_id(self) -> str:
        """The tenant every call works in, sent as `X-Tenant-ID`.

        The server honours that header only with the admin key (a normal key is bound to the
        default tenant), so a client set to another tenant sends every call, memory calls
        included, with its admin key; without one it refuses to be built (`ConfigurationError`)
        rather than write to one tenant and administer another.
        """
        return self._tenant_id

    def _reachable_tenant(self, tenant_id: str) -> str:
        config = self._config
        if tenant_id != DEFAULT_TENANT_ID and config.api_key and not config.admin_api_key:
            raise ConfigurationError(
                f"tenant_id {tenant_id!r} cannot be reached with a normal API key: the CML "
                "server honours X-Tenant-ID only for the admin key and binds a normal key to "
                f"the {DEFAULT_TENANT_ID!r} tenant, so memory calls would go there while "
                f"admin calls went to {tenant_id!r}",
                hint=(
                    "Pass the admin key as admin_api_key (CML_ADMIN_API_KEY): the client then "
                    f"sends every call with it. Or leave tenant_id as {DEFAULT_TENANT_ID!r}."
                ),
            )
        return tenant_id

    def _key_for(self, method: str, path: str) -> str | None:
        """The admin key for admin routes and for any call outside the default tenant."""
        config = self._config
        if config.admin_api_key and (
            _needs_admin(method, path) or self._tenant_id != DEFAULT_TENANT_ID or not config.api_key
        ):
            return config.admin_api_key
        return config.api_key

    @property
    def api_version(self) -> str:
        """The CML server release this client speaks (`api_version=` or `CML_API_VERSION`)."""
        return self._release.version

    @property
    def namespace(self) -> str | None:
        """The namespace writes go to when the call names none (see `with_namespace`)."""
        return self._namespace

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self._config.base_url!r}, "
            f"tenant_id={self._tenant_id!r}, namespace={self._namespace!r})"
        )

    # -- building requests -------------------------------------------------------------------

    def _http_options(self) -> dict[str, Any]:
        return {
            "timeout": self._config.timeout,
            "verify": self._config.verify_ssl,
        }

    def _endpoint(self, call: PreparedOperation[Any]) -> types.ModuleType:
        """The generated module of `call`'s operation in the pinned release; raises, before
        anything is sent, when that release has no such operation."""
        if self._release.has(call.operation):
            return self._release.endpoint(call.operation)
        method = _public_caller(self) or call.operation
        available = releases_with(call.operation)
        raise UnsupportedOperationError(
            f"{method}() is not available on CML server {self._release.version}: its operation "
            f"{call.operation} is in "
            + (f"release {', '.join(available)}" if available else "no supported release"),
            method=method,
            api_version=self._release.version,
            available_in=available,
        )

    def _request_args(self, call: PreparedOperation[Any]) -> dict[str, Any]:
        """Method, URL, body and headers for `call`, from the generated endpoint.

        Built once per call and re-sent unchanged by every retry: non-GET requests carry one
        `Idempotency-Key`, so a server that honours it stores a retried write once.
        """
        endpoint = self._endpoint(call)
        try:
            args: dict[str, Any] = dict(
                endpoint._get_kwargs(**self._release.arguments(call.kwargs))
            )
            has_body = "json" in args
            if has_body:
                # Serialized here, not by httpx: a value JSON cannot carry (a set, NaN, a lone
                # surrogate, an object) is the caller's mistake and gets a typed error.
                args["content"] = json.dumps(
                    args.pop("json"), ensure_ascii=False, allow_nan=False, separators=(",", ":")
                ).encode("utf-8")
        except (TypeError, ValueError, AttributeError) as exc:
            raise InvalidRequestError(
                f"the arguments of {call.operation} cannot be sent: {type(exc).__name__}: {exc}"
            ) from None
        args["method"] = str(args["method"]).upper()
        # Case-insensitive: a default header spelled `x-api-key` or `user-agent` is replaced by
        # the client's own, never sent beside it (a server reads the first of two).
        headers = httpx.Headers(dict(self._config.default_headers))
        headers.update(args.pop("headers", {}) or {})
        if has_body:
            headers["Content-Type"] = "application/json"
        headers["User-Agent"] = f"py-cml/{__version__}"
        headers["X-Tenant-ID"] = self._tenant_id
        path = str(args["url"])
        key = self._key_for(args["method"], path)
        if key:
            headers["X-API-Key"] = key
        if args["method"] != "GET" and path.startswith(_DASHBOARD):
            # The server's CSRF check on dashboard writes.
            headers["X-Requested-With"] = "XMLHttpRequest"
        if args["method"] != "GET":
            headers[IDEMPOTENCY_HEADER] = new_idempotency_key()
        headers.update(call.headers)
        args["headers"] = headers
        args["url"] = self._config.base_url + path
        return args

    # -- reading responses -------------------------------------------------------------------

    @property
    def _secrets(self) -> tuple[str, ...]:
        return tuple(k for k in (self._config.api_key, self._config.admin_api_key) if k)

    def _result(self, call: PreparedOperation[T], response: httpx.Response) -> T:
        """Turn a response into the call's result, or raise the mapped error.

        A success whose body is not what the API promises (an HTML page from a proxy, another
        service at the base URL, an undocumented status) raises `CMLError`, never a bare
        `ValueError` or `KeyError` from deep inside the parser.
        """
        if response.status_code >= 400:
            raise self._status_error(response)
        try:
            parsed = self._endpoint(call)._parse_response(
                client=self._parser_client, response=response
            )
            if parsed is None:
                raise ValueError(f"undocumented status {response.status_code}")
            return call.convert(parsed)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            failure = error_from_malformed_response(response, exc)
        # Raised here, out of the `except` block, so the parser's exception (whose text may
        # quote a key the server echoed) is neither its cause nor its context.
        raise failure from None

    # The client's side of the boundary in `_exceptions`: these give the `cml.exceptions` error
    # for a failure, and the callers raise it outside their `except` blocks (`from None`), so no
    # unmasked low-level exception rides along as its cause or context.

    def _status_error(self, response: httpx.Response) -> CMLError:
        return error_from_response(response.status_code, response.headers, response.content)

    def _failure(self, outcome: httpx.Response | CMLError) -> CMLError:
        """The error for a last attempt: its error status, or its transport failure."""
        return self._status_error(outcome) if isinstance(outcome, httpx.Response) else outcome

    @staticmethod
    def _transport_error(exc: Exception) -> CMLError:
        return error_from_transport(exc)

    # -- retry decisions ---------------------------------------------------------------------

    def _retry_wait(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before another attempt, or None when the caller should stop."""
        if attempt >= self._config.max_retries:
            return None
        if response is not None and not should_retry_status(response.status_code):
            return None
        if response is not None and is_permanent_server_error(
            response.status_code, response.content
        ):
            return None
        retry_after = (
            parse_retry_after(response.headers.get("Retry-After")) if response is not None else None
        )
        return retry_delay(
            attempt,
            base=self._config.retry_delay,
            retry_after=retry_after,
            cap=self._config.max_retry_delay,
        )

    def _log(
        self, args: Mapping[str, Any], response: httpx.Response | None, elapsed: float, attempt: int
    ) -> None:
        log_request(
            args["method"],
            str(args["url"]),
            response.status_code if response is not None else None,
            elapsed * 1000.0,
            safe_request_id(
                response.headers.get(REQUEST_ID_HEADER) if response is not None else None,
                self._secrets,
            ),
            attempt,
        )

    # -- streams and versions ----------------------------------------------------------------

    def _stream_event(self, event: ServerSentEvent) -> MemoryItem | None:
        """A memory from a read-stream event; None at `done`; raises on `error`."""
        if event.event == "done":
            return None
        if event.event == "error":
            detail = _event_detail(event)
            raise StreamError(f"the server reported an error in the stream: {detail}", body=detail)
        try:
            return memory_item(self._release.model("MemoryItem").from_dict(event.json()))
        except (ValueError, KeyError, TypeError) as exc:
            failure = StreamError(f"malformed memory in the stream: {type(exc).__name__}: {exc}")
        raise failure from None

    @staticmethod
    def _stream_truncated() -> CMLError:
        return CMLConnectionError("the read stream ended before its 'done' event")

    def _document_request(self) -> dict[str, Any]:
        """The server's OpenAPI document: not an operation of the API, so built here."""
        return {
            "method": "GET",
            "url": f"{self._config.base_url}/openapi.json",
            "headers": {"User-Agent": f"py-cml/{__version__}", "Accept": "application/json"},
        }

    @staticmethod
    def _document_from(response: httpx.Response) -> dict[str, Any] | None:
        if response.status_code != 200:
            return None
        try:
            document = response.json()
        except ValueError:
            return None
        return document if isinstance(document, dict) and "paths" in document else None

    def _check_release(
        self, document: Mapping[str, Any] | None, health: HealthResponse, *, strict: bool
    ) -> ServerCheck:
        check = check_release(self._release.version, document, health)
        if strict and check.compatible is False:
            raise VersionMismatchError(check.message)
        return check


def _event_detail(event: ServerSentEvent) -> object:
    try:
        payload = event.json()
    except ValueError:
        return event.data
    return payload.get("detail", payload) if isinstance(payload, dict) else payload


def _public_caller(client: object) -> str | None:
    """The public method of `client` that is running now (named in `UnsupportedOperationError`)."""
    frame: types.FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_locals.get("self") is client and not frame.f_code.co_name.startswith("_"):
            return frame.f_code.co_name
        frame = frame.f_back
    return None


def check_release(
    client_release: str, document: Mapping[str, Any] | None, health: HealthResponse
) -> ServerCheck:
    """Which release the server runs, told from its OpenAPI document, against the pinned one.

    Servers do not report their release, so the document decides: its operations and fields are
    compared with each supported release's. Without a document (a server that serves none), a
    release the server reports in its health answer (py-cml's own server does) is used.
    """
    found: Identification | None = identify(document) if document is not None else None
    server = found.release if found is not None else (health.api_version or None)
    if server is None:
        detail = (
            f"closest {found.closest}, differences: {'; '.join(found.differences[:8])}"
            + (f" (+{len(found.differences) - 8} more)" if len(found.differences) > 8 else "")
            if found is not None
            else "the server serves no OpenAPI document and reports no release"
        )
        return ServerCheck(
            client_api_version=client_release,
            server_api_version=None,
            server_version=health.version,
            compatible=None,
            message=(
                f"the server's release is unknown ({detail}); the client speaks {client_release}"
            ),
            closest=found.closest if found is not None else None,
            differences=found.differences if found is not None else (),
        )
    compatible = server == client_release
    verdict = "matches" if compatible else "does NOT match"
    return ServerCheck(
        client_api_version=client_release,
        server_api_version=server,
        server_version=health.version,
        compatible=compatible,
        message=(
            f"the server runs CML {server}, which {verdict} the client's pin ({client_release})"
        ),
        closest=server,
    )
