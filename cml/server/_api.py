"""The CML HTTP API over the embedded engine, with no web framework.

`Api.handle` takes a request (method, path, headers, query, body bytes) and returns a `Reply`.
`cml serve` wraps it in ASGI; embedded mode calls it in-process through an httpx transport, so
both modes share one implementation of the wire contract: routes come from the bundled spec,
requests are validated against its schemas, and auth, tenants, CSRF, idempotency, request ids
and error shapes follow the CML server.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._constants import DEFAULT_TENANT_ID
from .._exceptions import ConfigurationError, InvalidRequestError, NotFoundError, StorageError
from .._releases import DEFAULT_RELEASE, get_release
from ._guard import Admission, RateLimiter
from ._schema import UNBOUNDED_ALLOWANCE, SchemaValidator

__all__ = ["Api", "Reply", "Request", "Unsupported", "check_keys", "load_spec"]

logger = logging.getLogger("cml.server")

_DASHBOARD = "/api/v1/dashboard/"
# Recalls are POSTs that change nothing: a retried one is simply answered again. Recording each
# answer for its Idempotency-Key would turn every read into a write (and grow the database).
_SAFE_POSTS = frozenset({"read_memory", "session_read", "read_memory_stream"})
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
# Keys travel as header values: visible ASCII only (what `secrets.compare_digest` can compare).
_KEY_TOKEN = re.compile(r"[\x21-\x7e]+")
# What a page of an allowed origin may send, and read back.
_CORS_HEADERS = (
    "Content-Type, X-API-Key, X-Tenant-ID, Idempotency-Key, X-Request-ID, X-Requested-With, "
    "X-Eval-Mode"
)
_CORS_EXPOSED = "X-Request-ID, X-Response-Time, Retry-After, Idempotent-Replayed"
# How long a retry waits for the first attempt with its Idempotency-Key before a 409.
IDEMPOTENCY_WAIT_SECONDS = 30.0


def load_spec(api_version: str = DEFAULT_RELEASE) -> dict[str, Any]:
    """The OpenAPI document of a server release, as its generated client was made from it."""
    return get_release(api_version).document()


def check_keys(api_key: str | None, admin_api_key: str | None) -> None:
    """Refuse a key no HTTP client can send: every request would fail (never quoting it)."""
    for name, key in (("api_key", api_key), ("admin_api_key", admin_api_key)):
        if key is not None and not _KEY_TOKEN.fullmatch(key):
            raise ConfigurationError(
                f"{name} must be visible ASCII characters without spaces",
                hint="Keys travel in the X-API-Key header; choose another key.",
            )


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
    body: bytes | bytearray = b""  # a bytearray as received: no copy of a large body


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
        allowed_hosts: Iterable[str] = (),
        allowed_origins: Iterable[str] = (),
        rate_limit: int | None = None,
        api_version: str = DEFAULT_RELEASE,
    ) -> None:
        check_keys(api_key, admin_api_key)
        self.api_version = api_version
        self.spec = load_spec(api_version)
        self._validator = SchemaValidator(self.spec)
        self._handlers = handlers
        self._api_key = api_key
        self._admin_key = admin_api_key
        self._default_tenant = default_tenant
        self._idempotency = idempotency
        self._admission = Admission(allowed_hosts, allowed_origins)
        # Per-key limits mean nothing without keys: every caller would share one budget.
        self.rate_limiter = RateLimiter(rate_limit) if rate_limit and not self.open_mode else None
        self._in_flight = _InFlight()
        self._routes = self._build_routes()
        self._fixed = self._fixed_paths()
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

    def _fixed_paths(self) -> dict[tuple[str, str], _Route]:
        """The route of each method on each path without parameters, as `_scan` finds it: most
        calls go to such a path, and a dictionary answers them without trying every pattern."""
        fixed = {}
        for path in self.spec["paths"]:
            if "{" in path:
                continue
            for method in ("GET", "PUT", "POST", "DELETE", "PATCH"):
                with contextlib.suppress(HTTPProblem):
                    route, _ = self._scan(method, path)
                    fixed[(method, path)] = route
        return fixed

    # -- the request cycle ---------------------------------------------------------------------

    def check(
        self, method: str, path: str, headers: Mapping[str, str], has_body: bool
    ) -> Reply | None:
        """The checks that need no body, so that a refused request is never read (413s and
        401s cost nothing): `None` to go on, else the answer. Counts against the rate limit."""
        started = time.perf_counter()
        if method == "OPTIONS":
            return self._traced(self._preflight(headers), headers, started)
        try:
            self._admit(method, path, headers, has_body)
        except HTTPProblem as problem:
            reply = _json_reply(problem.status, {"detail": problem.detail}, problem.headers)
            return self._traced(reply, headers, started)
        return None

    def body_limit(self, method: str, path: str) -> int:
        """The largest body a request to this route may need."""
        try:
            route, _ = self._match(method, path)
        except HTTPProblem:
            return UNBOUNDED_ALLOWANCE
        # A route that takes no body ignores one (clients send `{}`): the allowance covers it.
        spec = route.operation.get("requestBody") or {}
        schema = spec.get("content", {}).get("application/json", {}).get("schema", {})
        return self._validator.max_bytes(schema)

    def handle(self, request: Request, *, checked: bool = False) -> Reply:
        """Answer `request`; `checked` says `check` has passed it already (with its headers)."""
        started = time.perf_counter()
        if request.method == "OPTIONS":
            return self._traced(self._preflight(request.headers), request.headers, started)
        try:
            if checked:
                route, path_params = self._match(request.method, request.path)
                tenant, admin = self._authorize(route, request.headers)
            else:
                route, path_params, tenant, admin = self._admit(
                    request.method, request.path, request.headers, bool(request.body)
                )
            reply = self._dispatch(request, route, path_params, tenant, admin)
        except HTTPProblem as problem:
            reply = _json_reply(problem.status, {"detail": problem.detail}, problem.headers)
        except Exception:
            logger.exception("unhandled error in %s %s", request.method, request.path)
            reply = _json_reply(500, {"detail": "Internal Server Error"})
        return self._traced(reply, request.headers, started)

    def _preflight(self, headers: Mapping[str, str]) -> Reply:
        """A browser's CORS preflight: granted to `--allowed-origin` pages only."""
        if self._admission.cors_origin(headers) is None:
            return _json_reply(403, {"detail": "Cross-origin request not allowed"})
        return Reply(
            204,
            b"",
            {
                "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
                "Access-Control-Allow-Headers": _CORS_HEADERS,
                "Access-Control-Max-Age": "600",
            },
        )

    def _traced(self, reply: Reply, headers: Mapping[str, str], started: float) -> Reply:
        origin = self._admission.cors_origin(headers)
        if origin is not None:
            reply.headers["Access-Control-Allow-Origin"] = origin
            reply.headers["Access-Control-Expose-Headers"] = _CORS_EXPOSED
            reply.headers["Vary"] = "Origin"
        reply.headers["X-Request-ID"] = headers.get("x-request-id") or uuid.uuid4().hex
        reply.headers["X-Response-Time"] = f"{(time.perf_counter() - started) * 1000:.2f}ms"
        return reply

    def _admit(
        self, method: str, path: str, headers: Mapping[str, str], has_body: bool
    ) -> tuple[_Route, dict[str, str], str, bool]:
        """Refuse what may not come in (raises `HTTPProblem`); else the request's route, its
        path parameters, and the tenant and admin rights it acts with."""
        problem = self._admission.host_problem(headers)
        if problem is not None:
            raise HTTPProblem(400, problem)
        problem = self._admission.origin_problem(headers)
        if problem is not None:
            raise HTTPProblem(403, problem)
        route, path_params = self._match(method, path)
        tenant, admin = self._authorize(route, headers)
        problem = self._admission.media_problem(method, headers, has_body)
        if problem is not None:
            raise HTTPProblem(415, problem)
        if self.rate_limiter is not None and not route.public:
            wait = self.rate_limiter.take("admin" if admin else "user")
            if wait is not None:
                raise HTTPProblem(
                    429,
                    "Rate limit exceeded",
                    {
                        "Retry-After": str(max(1, math.ceil(wait))),
                        "X-RateLimit-Limit": str(self.rate_limiter.per_minute),
                    },
                )
        return route, path_params, tenant, admin

    def _dispatch(
        self,
        request: Request,
        route: _Route,
        path_params: Mapping[str, str],
        tenant: str,
        admin: bool,
    ) -> Reply:
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
        if call.idempotency_key and self._idempotency is not None:
            return self._once(route, call)
        return self._run(route, call)

    def _once(self, route: _Route, call: Call) -> Reply:
        """Run a keyed request at most once: a duplicate replays the first answer.

        The key is claimed before the handler runs. A duplicate that arrives while the first
        attempt runs in this process waits for its answer; one whose first attempt runs in
        another process (or could not be waited for) gets a 409 to retry later.
        """
        replay_key = f"http:{route.operation_id}:{call.idempotency_key}"
        store = self._idempotency
        with self._in_flight.hold(f"{call.tenant}\0{replay_key}", IDEMPOTENCY_WAIT_SECONDS):
            stored = store.lookup(call.tenant, replay_key)
            if stored is None and not store.claim(call.tenant, replay_key):
                raise HTTPProblem(
                    409,
                    "A request with this Idempotency-Key is still in progress",
                    {"Retry-After": "1"},
                )
            if stored is not None:
                reply = _json_reply(stored["status"], stored["body"])
                reply.headers["Idempotent-Replayed"] = "true"
                return reply
            try:
                reply = self._run(route, call)
            except BaseException:
                store.release(call.tenant, replay_key)  # failed: a retry may run it again
                raise
            if isinstance(reply.body, bytes):
                answer = {"status": 200, "body": json.loads(reply.body)}
                store.store(call.tenant, replay_key, answer)
            else:
                store.release(call.tenant, replay_key)
            return reply

    def _run(self, route: _Route, call: Call) -> Reply:
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
        except StorageError as exc:
            raise HTTPProblem(507, exc.message) from None
        if isinstance(result, Stream):
            return Reply(200, result.events, {"Cache-Control": "no-cache"}, "text/event-stream")
        return _json_reply(200, self._answer(route, result))

    def _answer(self, route: _Route, result: Any) -> Any:
        """The handler's answer as the served release's response schema has it."""
        content = route.operation["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        return self._validator.prune(result, schema) if schema else result

    def _match(self, method: str, path: str) -> tuple[_Route, dict[str, str]]:
        route = self._fixed.get((method, path))
        if route is not None:
            return route, {}
        return self._scan(method, path)

    def _scan(self, method: str, path: str) -> tuple[_Route, dict[str, str]]:
        """The first route of the spec whose pattern and method match (404 or 405 if none)."""
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
        is_admin = _same_key(key, self._admin_key)
        is_user = _same_key(key, self._api_key)
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

    def _body(self, route: _Route, raw: bytes | bytearray) -> Any:
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


def _same_key(sent: str, key: str | None) -> bool:
    """Constant-time comparison of a sent key with a configured (visible ASCII) one.

    `compare_digest` refuses non-ASCII text, so both are compared as bytes; a sent key that is
    not ASCII can match nothing, and is still compared so that the time tells nothing.
    """
    if key is None:
        return False
    sent_bytes = sent.encode("utf-8", "surrogateescape")
    return secrets.compare_digest(sent_bytes, key.encode("ascii"))


class _InFlight:
    """Keys of requests running in this process, so that a duplicate waits for the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[threading.Lock, int]] = {}

    @contextlib.contextmanager
    def hold(self, key: str, timeout: float) -> Iterator[None]:
        with self._lock:
            lock, users = self._keys.get(key, (threading.Lock(), 0))
            self._keys[key] = (lock, users + 1)
        try:
            if not lock.acquire(timeout=timeout):
                raise HTTPProblem(
                    409,
                    "A request with this Idempotency-Key is still in progress",
                    {"Retry-After": "1"},
                )
            try:
                yield
            finally:
                lock.release()
        finally:
            with self._lock:
                lock, users = self._keys[key]
                if users == 1:
                    del self._keys[key]
                else:
                    self._keys[key] = (lock, users - 1)


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
