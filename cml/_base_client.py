"""What the sync and async clients share: settings, request building, retry decisions, errors.

Nothing here does I/O. `_client.py` and `_async_client.py` hold only the send loop (with
`time.sleep` or `asyncio.sleep`) and one-line public methods over `_operations.py`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx

from cml_api import Client as _GeneratedClient
from cml_api import __api_version__
from cml_api.models import MemoryItem as WireMemoryItem

from ._config import CMLConfig
from ._constants import API_PREFIX, DEFAULT_TENANT_ID, IDEMPOTENCY_HEADER, REQUEST_ID_HEADER
from ._exceptions import (
    CMLConnectionError,
    CMLError,
    ConfigurationError,
    InvalidRequestError,
    StreamError,
    VersionMismatchError,
    error_from_response,
    error_from_transport,
)
from ._logging import display_url, log_request, redact, register_secrets, setup_logging
from ._operations import Call, memory_item
from ._retry import (
    is_permanent_server_error,
    new_idempotency_key,
    parse_retry_after,
    retry_delay,
    should_retry_status,
)
from ._version import __version__
from .models import HealthResponse, MemoryItem, ServerCheck
from .streaming._sse import ServerSentEvent

__all__ = ["BaseClient", "Call", "compare_versions"]

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
        setup_logging()
        register_secrets(config.api_key, config.admin_api_key)
        # Used only to satisfy the generated parsers' signature; it never sends anything.
        self._parser_client = _GeneratedClient(
            base_url=config.base_url, raise_on_unexpected_status=False
        )

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

    def _request_args(self, call: Call[Any]) -> dict[str, Any]:
        """Method, URL, body and headers for `call`, from the generated endpoint.

        Built once per call and re-sent unchanged by every retry: non-GET requests carry one
        `Idempotency-Key`, so a server that honours it stores a retried write once.
        """
        try:
            args: dict[str, Any] = dict(call.endpoint._get_kwargs(**call.kwargs))
            has_body = "json" in args
            if has_body:
                # Serialized here, not by httpx: a value JSON cannot carry (a set, NaN, a lone
                # surrogate, an object) is the caller's mistake and gets a typed error.
                args["content"] = json.dumps(
                    args.pop("json"), ensure_ascii=False, allow_nan=False, separators=(",", ":")
                ).encode("utf-8")
        except (TypeError, ValueError, AttributeError) as exc:
            operation = call.endpoint.__name__.rpartition(".")[2]
            raise InvalidRequestError(
                f"the arguments of {operation} cannot be sent: {type(exc).__name__}: {exc}"
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

    def _result(self, call: Call[T], response: httpx.Response) -> T:
        """Turn a response into the call's result, or raise the mapped error.

        A success whose body is not what the API promises (an HTML page from a proxy, another
        service at the base URL, an undocumented status) raises `CMLError`, never a bare
        `ValueError` or `KeyError` from deep inside the parser.
        """
        if response.status_code >= 400:
            raise self._status_error(response)
        try:
            parsed = call.endpoint._parse_response(client=self._parser_client, response=response)
            if parsed is None:
                raise ValueError(f"undocumented status {response.status_code}")
            return call.convert(parsed)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise self._malformed_response(response, exc) from exc

    def _status_error(self, response: httpx.Response) -> CMLError:
        return error_from_response(
            response.status_code, response.headers, response.content, secrets=self._secrets
        )

    def _malformed_response(self, response: httpx.Response, exc: Exception) -> CMLError:
        # Built like an error response, for the request id and the masked, parsed body.
        like_error = self._status_error(response)
        request = response.request
        reason = redact(f"{type(exc).__name__}: {exc}", self._secrets)
        return CMLError(
            f"the server's answer to {request.method} {display_url(str(request.url))} does not "
            f"match the API ({reason})",
            status_code=response.status_code,
            request_id=like_error.request_id,
            body=like_error.body,
            hint=(
                "Check that CML_BASE_URL points at a CML server (not a proxy's or another "
                "service's page) and that its version is compatible (check_server())."
            ),
        )

    def _transport_error(self, exc: Exception) -> CMLError:
        return error_from_transport(exc, secrets=self._secrets)

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
            response.headers.get(REQUEST_ID_HEADER) if response is not None else None,
            attempt,
        )

    # -- streams and versions ----------------------------------------------------------------

    @staticmethod
    def _stream_event(event: ServerSentEvent) -> MemoryItem | None:
        """A memory from a read-stream event; None at `done`; raises on `error`."""
        if event.event == "done":
            return None
        if event.event == "error":
            detail = _event_detail(event)
            raise StreamError(f"the server reported an error in the stream: {detail}", body=detail)
        try:
            return memory_item(WireMemoryItem.from_dict(event.json()))
        except (ValueError, KeyError, TypeError) as exc:
            raise StreamError(f"malformed memory in the stream: {exc}") from exc

    @staticmethod
    def _stream_truncated() -> CMLError:
        return CMLConnectionError("the read stream ended before its 'done' event")

    @staticmethod
    def _check_versions(health: HealthResponse, *, strict: bool) -> ServerCheck:
        check = compare_versions(__api_version__, health)
        if strict and check.compatible is False:
            raise VersionMismatchError(check.message)
        return check


def _event_detail(event: ServerSentEvent) -> object:
    try:
        payload = event.json()
    except ValueError:
        return event.data
    return payload.get("detail", payload) if isinstance(payload, dict) else payload


def _major(version: str) -> str:
    return version.strip().lstrip("v").split(".", 1)[0]


def compare_versions(client_api_version: str, health: HealthResponse) -> ServerCheck:
    """Same major version: compatible. The server's API version, else its release version."""
    server = health.api_version or health.version
    if server is None:
        return ServerCheck(
            client_api_version=client_api_version,
            server_api_version=None,
            server_version=None,
            compatible=None,
            message=(
                f"the server does not report its version (client generated for API "
                f"{client_api_version}); compatibility unknown"
            ),
        )
    compatible = _major(server) == _major(client_api_version)
    verdict = "compatible with" if compatible else "INCOMPATIBLE with"
    return ServerCheck(
        client_api_version=client_api_version,
        server_api_version=health.api_version,
        server_version=health.version,
        compatible=compatible,
        message=f"server API {server} is {verdict} client API {client_api_version}",
    )
