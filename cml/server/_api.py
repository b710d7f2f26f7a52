"""The CML HTTP API over the embedded engine, with no web framework.

`Api.handle` takes a request (method, path, headers, query, body bytes) and returns a `Reply`.
`cml serve` wraps it in ASGI; embedded mode calls it in-process through an httpx transport, so
both modes share one implementation of the wire contract: routes come from the bundled spec,
requests are validated against its schemas, and auth, tenants, CSRF, idempotency, request ids
and error shapes follow the CML server.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._constants import DEFAULT_TENANT_ID
from .._exceptions import InvalidRequestError, NotFoundError
from .._releases import DEFAULT_RELEASE, get_release
from ._schema import SchemaValidator

__all__ = ["Api", "Reply", "Request", "Unsupported", "load_spec"]

logger = logging.getLogger("cml.server")

_DASHBOARD = "/api/v1/dashboard/"
# Recalls are POSTs that change nothing: a retried one is simply answered again. Recording each
# answer for its Idempotency-Key would turn every read into a write (and grow the database).
_SAFE_POSTS = frozenset({"read_memory", "session_read", "read_memory_stream"})
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def load_spec(api_version: str = DEFAULT_RELEASE) -> dict[str, Any]:
    """The OpenAPI document of a server release, as its generated client was made from it."""
    return get_release(api_version).document()


class Unsupported(Exception):
    """An operation that means nothing on one node; answered 501 with this message."""


class HTTPProblem(Exception):
    def __init__(self, status: int, detail: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(str(detail))
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})


@dataclass
class Request:
    method: str
    path: str
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, list[str]] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Reply:
    status: int
    body: bytes | Iterator[bytes]
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"


@dataclass
class Call:
    """What a route handler receives."""

    tenant: str
    admin: bool
    path: dict[str, Any]
    query: dict[str, Any]
    body: Any
    headers: Mapping[str, str]
    idempotency_key: str | None


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    operation_id: str
    operation: Mapping[str, Any]
    public: bool
    admin: bool


Handler = Callable[[Call], Any]


class Stream:
    """A handler result sent as Server-Sent Events instead of JSON."""

    def __init__(self, events: Iterator[bytes]) -> None:
        self.events = events


class Api:
    """
    The request handler. `api_key`/`admin_api_key` None means open mode: every caller is
    trusted as admin (loopback and in-process use only; `cml serve` enforces that).
    """

    def __init__(
        self,
        handlers: Mapping[str, Handler],
        *,
        api_key: str | None = None,
        admin_api_key: str | None = None,
        default_tenant: str = DEFAULT_TENANT_ID,
        idempotency: Any = None,
        api_version: str = DEFAULT_RELEASE,
    ) -> None:
        self.api_version = api_version
        self.spec = load_spec(api_version)
        self._validator = SchemaValidator(self.spec)
        self._handlers = handlers
        self._api_key = api_key
        self._admin_key = admin_api_key
        self._default_tenant = default_tenant
        self._idempotency = idempotency
        self._routes = self._build_routes()
        missing = {r.operation_id for r in self._routes} - set(handlers)
        if missing:
            raise RuntimeError(f"no handler for operations: {', '.join(sorted(missing))}")
        self._lock = threading.Lock()

    @property
    def open_mode(self) -> bool:
        return self._api_key is None and self._admin_key is None

    def _build_routes(self) -> list[_Route]:
        routes = []
        for path, item in self.spec["paths"].items():
            regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$"
            for method, operation in item.items():
                if method not in ("get", "put", "post", "delete", "patch"):
                    continue
                routes.append(
                    _Route(
                        method=method.upper(),
                        pattern=re.compile(regex),
                        operation_id=operation["operationId"],
                        operation=operation,
                        public=operation.get("security") == [],
                        admin=bool(operation.get("x-cml-admin-only")),
                    )
                )
        return routes

    # -- the request cycle ---------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        started = time.perf_counter()
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        try:
            reply = self._dispatch(request)
        except HTTPProblem as problem:
            reply = _json_reply(problem.status, {"detail": problem.detail}, problem.headers)
        except Exception:
            logger.exception(
                "unhandled error in %s %s (request %s)", request.method, request.path, request_id
            )
            reply = _json_reply(500, {"detail": "Internal Server Error"})
        reply.headers["X-Request-ID"] = request_id
        reply.headers["X-Response-Time"] = f"{(time.perf_counter() - started) * 1000:.2f}ms"
        return reply

    def _dispatch(self, request: Request) -> Reply:
        route, path_params = self._match(request.method, request.path)
        tenant, admin = self._authorize(route, request.headers)
        if (
            route.method != "GET"
            and request.path.startswith(_DASHBOARD)
            and request.headers.get("x-requested-with") != "XMLHttpRequest"
        ):
            raise HTTPProblem(403, "Missing CSRF header")
        call = Call(
            tenant=tenant,
            admin=admin,
            path=self._parameters(route, "path", {k: [v] for k, v in path_params.items()}),
            query=self._parameters(route, "query", request.query),
            body=self._body(route, request.body),
            headers=request.headers,
            idempotency_key=request.headers.get("idempotency-key")
            if route.method != "GET" and route.operation_id not in _SAFE_POSTS
            else None,
        )
        replay_key = f"http:{route.operation_id}:{call.idempotency_key}"
        if call.idempotency_key and self._idempotency is not None:
            stored = self._idempotency.lookup(tenant, replay_key)
            if stored is not None:
                reply = _json_reply(stored["status"], stored["body"])
                reply.headers["Idempotent-Replayed"] = "true"
                return reply
        try:
            result = self._handlers[route.operation_id](call)
        except InvalidRequestError as exc:
            raise HTTPProblem(
                422, [{"loc": ["body"], "msg": exc.message, "type": "value_error"}]
            ) from None
        except NotFoundError as exc:
            raise HTTPProblem(404, exc.message) from None
        except Unsupported as exc:
            raise HTTPProblem(501, str(exc)) from None
        if isinstance(result, Stream):
            return Reply(200, result.events, {"Cache-Control": "no-cache"}, "text/event-stream")
        result = self._answer(route, result)
        if call.idempotency_key and self._idempotency is not None:
            self._idempotency.store(tenant, replay_key, {"status": 200, "body": result})
        return _json_reply(200, result)

    def _answer(self, route: _Route, result: Any) -> Any:
        """The handler's answer as the served release's response schema has it."""
        content = route.operation["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        return self._validator.prune(result, schema) if schema else result

    def _match(self, method: str, path: str) -> tuple[_Route, dict[str, str]]:
        allowed = False
        for route in self._routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, found.groupdict()
            allowed = True
        if allowed:
            raise HTTPProblem(405, "Method Not Allowed")
        raise HTTPProblem(404, "Not Found")

    def _authorize(self, route: _Route, headers: Mapping[str, str]) -> tuple[str, bool]:
        requested = headers.get("x-tenant-id") or self._default_tenant
        if route.public:
            return self._default_tenant, False
        if self.open_mode:
            return requested, True
        key = headers.get("x-api-key")
        if not key:
            raise HTTPProblem(401, "API key required")
        is_admin = self._admin_key is not None and secrets.compare_digest(key, self._admin_key)
        is_user = self._api_key is not None and secrets.compare_digest(key, self._api_key)
        if not (is_admin or is_user):
            raise HTTPProblem(401, "Invalid API key")
        if route.admin and not is_admin:
            raise HTTPProblem(403, "Admin API key required")
        # X-Tenant-ID is honoured only for the admin key; a user key is bound to the default.
        return (requested if is_admin else self._default_tenant), is_admin

    def _parameters(
        self, route: _Route, where: str, raw: Mapping[str, list[str]]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        problems: list[dict[str, Any]] = []
        for declared in route.operation.get("parameters", []):
            parameter = self._validator.resolve(declared)
            if parameter["in"] != where:
                continue
            name = parameter["name"]
            schema = parameter.get("schema", {})
            if name not in raw or not raw[name]:
                if parameter.get("required"):
                    problems.append(
                        {"loc": [where, name], "msg": "Field required", "type": "missing"}
                    )
                elif "default" in self._validator.resolve(schema):
                    values[name] = self._validator.resolve(schema)["default"]
                continue
            value = _coerce(raw[name][-1], self._validator.resolve(schema))
            found = self._validator.errors(value, schema, (where, name))
            if found:
                problems.extend(found)
            else:
                values[name] = value
        if problems:
            raise HTTPProblem(422, problems)
        return values

    def _body(self, route: _Route, raw: bytes) -> Any:
        spec = route.operation.get("requestBody")
        if spec is None:
            return None
        schema = spec.get("content", {}).get("application/json", {}).get("schema", {})
        if not raw.strip():
            if spec.get("required"):
                raise HTTPProblem(
                    422, [{"loc": ["body"], "msg": "Field required", "type": "missing"}]
                )
            return {}
        try:
            body = json.loads(raw)
            # `\ud800` is valid JSON but no text: stored, it could never be sent back as UTF-8.
            if _ESCAPED_SURROGATE.search(raw):
                json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            msg = "Input contains a lone surrogate; it is not valid Unicode text"
            raise HTTPProblem(
                422, [{"loc": ["body"], "msg": msg, "type": "string_unicode"}]
            ) from None
        except (ValueError, UnicodeDecodeError):
            raise HTTPProblem(
                422, [{"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"}]
            ) from None
        except RecursionError:
            msg = "JSON nested too deeply"
            raise HTTPProblem(
                422, [{"loc": ["body"], "msg": msg, "type": "json_invalid"}]
            ) from None
        problems = self._validator.errors(body, schema, ("body",))
        if problems:
            raise HTTPProblem(422, problems)
        return body


def _coerce(text: str, schema: Mapping[str, Any]) -> Any:
    """A query or path string as the type its schema names (left as text when it isn't one)."""
    kinds = [schema.get("type")] + [s.get("type") for s in schema.get("anyOf", [])]
    if "boolean" in kinds and text.lower() in ("true", "false", "1", "0"):
        return text.lower() in ("true", "1")
    if "integer" in kinds:
        try:
            return int(text)
        except ValueError:
            return text
    if "number" in kinds:
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _json_reply(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Reply:
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    return Reply(status, body, dict(headers or {}))
