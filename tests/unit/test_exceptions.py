import json
import pickle
from collections.abc import Callable

import httpx
import pytest

from cml._exceptions import (
    APIStatusError,
    AuthenticationError,
    AuthorizationError,
    CMLConnectionError,
    CMLError,
    CMLTimeoutError,
    ConfigurationError,
    ConflictError,
    FieldError,
    NotFoundError,
    RateLimitError,
    ServerError,
    StreamError,
    ValidationError,
    error_from_response,
    error_from_transport,
)

KEY = "sk-live-0123456789"
ADMIN_KEY = "sk-admin-abcdef"


def detail(text: str) -> bytes:
    return json.dumps({"detail": text}).encode()


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, APIStatusError),
        (401, AuthenticationError),
        (403, AuthorizationError),
        (404, NotFoundError),
        (405, APIStatusError),
        (409, ConflictError),
        (418, APIStatusError),
        (422, ValidationError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (599, ServerError),
    ],
)
def test_status_maps_to_class_with_request_id_and_hint(
    status: int, cls: type[APIStatusError]
) -> None:
    exc = error_from_response(status, {"X-Request-ID": "req-42"}, detail("boom"))
    assert type(exc) is cls
    assert exc.status_code == status
    assert exc.request_id == "req-42"
    assert exc.message == "boom"
    assert exc.hint
    text = str(exc)
    assert text.startswith(f"boom (status {status}, request id req-42)")
    assert f"Hint: {exc.hint}" in text


def test_request_id_header_is_found_in_any_case() -> None:
    exc = error_from_response(404, {"x-request-id": "abc"}, detail("Not found"))
    assert exc.request_id == "abc"
    headers = httpx.Headers({"X-REQUEST-ID": "def"})
    assert error_from_response(404, headers, b"").request_id == "def"


def test_missing_request_id_is_none_and_left_out() -> None:
    exc = error_from_response(404, {}, detail("Memory not found"))
    assert exc.request_id is None
    assert str(exc).startswith("Memory not found (status 404)\n")


def test_401_hint_points_at_the_key() -> None:
    exc = error_from_response(401, {}, detail("Invalid API key"))
    assert isinstance(exc, AuthenticationError)
    assert exc.hint == "Check CML_API_KEY or the api_key argument."


def test_403_hint_names_the_admin_key() -> None:
    exc = error_from_response(403, {}, detail("Admin API key required"))
    assert exc.hint is not None
    assert "CML_ADMIN_API_KEY" in exc.hint


def test_403_csrf_hint_names_the_header() -> None:
    exc = error_from_response(403, {}, detail("Missing CSRF header"))
    assert isinstance(exc, AuthorizationError)
    assert exc.hint is not None
    assert "CSRF" in exc.hint
    assert "X-Requested-With: XMLHttpRequest" in exc.hint


def test_422_field_list_is_parsed() -> None:
    body = {
        "detail": [
            {"loc": ["body", "content"], "msg": "Field required", "type": "missing"},
            {
                "loc": ["body", "turns", 0, "content"],
                "msg": "String should have at least 1 character",
                "type": "string_too_short",
            },
        ]
    }
    exc = error_from_response(422, {"X-Request-ID": "r"}, json.dumps(body).encode())
    assert isinstance(exc, ValidationError)
    assert exc.errors == (
        FieldError(loc=("body", "content"), msg="Field required", type="missing"),
        FieldError(
            loc=("body", "turns", 0, "content"),
            msg="String should have at least 1 character",
            type="string_too_short",
        ),
    )
    assert exc.fields == ("body.content", "body.turns.0.content")
    assert "body.content: Field required" in exc.message
    assert exc.hint is not None
    assert "body.content, body.turns.0.content" in exc.hint
    assert exc.body == body


def test_422_tolerates_odd_entries() -> None:
    body = {"detail": [{"loc": "query", "msg": 3}, {}, "not a dict"]}
    exc = error_from_response(422, {}, json.dumps(body).encode())
    assert isinstance(exc, ValidationError)
    assert exc.errors == (
        FieldError(loc=("query",), msg="3", type=""),
        FieldError(loc=(), msg="", type=""),
    )


def test_422_with_a_text_detail() -> None:
    exc = error_from_response(422, {}, detail("Unprocessable"))
    assert isinstance(exc, ValidationError)
    assert exc.errors == ()
    assert exc.message == "Unprocessable"
    assert exc.hint


def test_429_reads_retry_after() -> None:
    exc = error_from_response(429, {"Retry-After": "7"}, detail("Rate limit exceeded"))
    assert isinstance(exc, RateLimitError)
    assert exc.retry_after == 7.0
    assert exc.hint is not None
    assert "7 s" in exc.hint


def test_429_without_retry_after() -> None:
    exc = error_from_response(429, {}, detail("Rate limit exceeded"))
    assert isinstance(exc, RateLimitError)
    assert exc.retry_after is None


def test_429_huge_retry_after_is_capped() -> None:
    exc = error_from_response(429, {"retry-after": "86400"}, b"")
    assert isinstance(exc, RateLimitError)
    assert exc.retry_after == 60.0


def test_text_body_becomes_message_and_body() -> None:
    exc = error_from_response(502, {}, b"<html>Bad gateway</html>\n")
    assert isinstance(exc, ServerError)
    assert exc.message == "<html>Bad gateway</html>"
    assert exc.body == "<html>Bad gateway</html>\n"


def test_empty_body_falls_back_to_the_status_line() -> None:
    exc = error_from_response(503, {}, b"")
    assert exc.message == "HTTP 503 Service Unavailable"
    assert exc.body is None
    assert error_from_response(599, {}, b"").message == "HTTP 599"
    assert error_from_response(404, {}, detail("")).message == "HTTP 404 Not Found"


def test_json_without_detail_is_shown_whole() -> None:
    exc = error_from_response(400, {}, b'{"error": "bad"}')
    assert exc.message == '{"error": "bad"}'
    assert exc.body == {"error": "bad"}


def test_long_message_is_cut_but_body_is_kept() -> None:
    text = "x" * 5000
    exc = error_from_response(500, {}, text.encode())
    assert len(exc.message) < 600
    assert exc.message.endswith("...")
    assert exc.body == text


def test_non_utf8_body_does_not_raise() -> None:
    exc = error_from_response(500, {}, b"\xff\xfe oops")
    assert "oops" in exc.message


def test_echoed_key_is_redacted_everywhere(register: Callable[..., None]) -> None:
    register(KEY, ADMIN_KEY)
    body = {
        "detail": f"Invalid API key {KEY}",
        "echo": {"headers": {"X-API-Key": KEY}, "list": [KEY, ADMIN_KEY]},
    }
    exc = error_from_response(401, {}, json.dumps(body).encode())
    for shown in (str(exc), repr(exc), repr(exc.body), exc.message, repr(exc.args)):
        assert KEY not in shown
        assert ADMIN_KEY not in shown
    assert exc.message == "Invalid API key ***"
    assert exc.body == {
        "detail": "Invalid API key ***",
        "echo": {"headers": {"X-API-Key": "***"}, "list": ["***", "***"]},
    }


def test_echoed_key_is_redacted_in_text_and_validation_bodies(
    register: Callable[..., None],
) -> None:
    register(KEY)
    exc = error_from_response(500, {}, f"failed for key {KEY}".encode())
    assert KEY not in str(exc)
    assert KEY not in repr(exc.body)
    body = {"detail": [{"loc": ["body", "content"], "msg": f"bad {KEY}", "input": KEY}]}
    exc = error_from_response(422, {}, json.dumps(body).encode())
    assert isinstance(exc, ValidationError)
    assert KEY not in str(exc)
    assert KEY not in repr(exc.body)
    assert exc.errors[0].msg == "bad ***"


def test_empty_and_missing_secrets_are_ignored(register: Callable[..., None]) -> None:
    register("", None)
    exc = error_from_response(404, {}, detail("Not found"))
    assert exc.message == "Not found"


def test_exceptions_are_raisable_and_caught_by_base() -> None:
    exc = error_from_response(404, {}, detail("Not found"))
    with pytest.raises(CMLError, match="Not found"):
        raise exc


@pytest.mark.parametrize(
    "cls",
    [
        ConfigurationError,
        APIStatusError,
        AuthenticationError,
        AuthorizationError,
        NotFoundError,
        ConflictError,
        ValidationError,
        RateLimitError,
        ServerError,
        CMLConnectionError,
        CMLTimeoutError,
        StreamError,
    ],
)
def test_every_class_has_a_docstring_and_a_default_hint(cls: type[CMLError]) -> None:
    assert cls.__doc__
    assert "\n" not in cls.__doc__.strip()
    exc = cls("x", status_code=500) if issubclass(cls, APIStatusError) else cls("x")
    assert exc.hint


def test_tree() -> None:
    assert issubclass(ConfigurationError, ValueError)
    assert issubclass(CMLTimeoutError, CMLConnectionError)
    for status_cls in (AuthenticationError, ValidationError, RateLimitError, ServerError):
        assert issubclass(status_cls, APIStatusError)
    for cls in (APIStatusError, CMLConnectionError, StreamError, ConfigurationError):
        assert issubclass(cls, CMLError)


def test_explicit_hint_wins_and_plain_errors_have_none() -> None:
    assert ConfigurationError("bad", hint="do this").hint == "do this"
    assert str(CMLError("plain")) == "plain"


def _request(url: str = "http://user:pw@localhost:8000/api/v1/health?q=1") -> httpx.Request:
    return httpx.Request("GET", url)


def test_connect_error_maps_to_connection_error() -> None:
    cause = httpx.ConnectError("[Errno 111] Connection refused", request=_request())
    exc = error_from_transport(cause)
    assert type(exc) is CMLConnectionError
    # The httpx exception is summarized in the message, never carried (it may hold a key).
    assert exc.__cause__ is None
    assert exc.__context__ is None
    assert exc.message == (
        "Could not connect to the server: GET http://localhost:8000/api/v1/health "
        "([Errno 111] Connection refused)"
    )
    assert "pw" not in str(exc)
    assert "q=1" not in str(exc)
    assert exc.hint


@pytest.mark.parametrize(
    ("cause", "words"),
    [
        (httpx.ConnectTimeout("t"), "Timed out connecting"),
        (httpx.ReadTimeout("t"), "Timed out waiting for the server's response"),
        (httpx.WriteTimeout("t"), "Timed out sending"),
        (httpx.PoolTimeout("t"), "free connection"),
    ],
)
def test_timeouts_map_to_timeout_error(cause: httpx.TimeoutException, words: str) -> None:
    exc = error_from_transport(cause)
    assert isinstance(exc, CMLTimeoutError)
    assert isinstance(exc, CMLConnectionError)
    assert words in exc.message
    assert exc.__cause__ is None


@pytest.mark.parametrize(
    ("cause", "words"),
    [
        (httpx.ReadError(""), "while reading"),
        (httpx.WriteError(""), "while sending"),
        (httpx.RemoteProtocolError(""), "closed the connection"),
        (httpx.ProxyError(""), "proxy"),
        (httpx.UnsupportedProtocol(""), "scheme"),
        (OSError("boom"), "OSError"),
    ],
)
def test_other_failures_map_to_connection_error(cause: BaseException, words: str) -> None:
    exc = error_from_transport(cause)
    assert type(exc) is CMLConnectionError
    assert words in exc.message


def test_transport_error_without_a_request_names_no_url() -> None:
    exc = error_from_transport(httpx.ConnectError("refused"))
    assert exc.message == "Could not connect to the server (refused)"


def test_transport_error_masks_secrets(register: Callable[..., None]) -> None:
    register(KEY)
    exc = error_from_transport(httpx.ConnectError(f"failed with {KEY}"))
    assert KEY not in str(exc)
    assert KEY not in repr(exc)


def test_errors_survive_pickling() -> None:
    body = {"detail": [{"loc": ["body", "content"], "msg": "Field required", "type": "missing"}]}
    exc = error_from_response(422, {"X-Request-ID": "r"}, json.dumps(body).encode())
    copy = pickle.loads(pickle.dumps(exc))
    assert isinstance(exc, ValidationError)
    assert isinstance(copy, ValidationError)
    assert (copy.message, copy.status_code, copy.request_id, copy.body, copy.hint) == (
        exc.message,
        exc.status_code,
        exc.request_id,
        exc.body,
        exc.hint,
    )
    assert copy.errors == exc.errors
    assert str(copy) == str(exc)
    assert copy.args == exc.args
    limited = pickle.loads(pickle.dumps(error_from_response(429, {"Retry-After": "3"}, b"")))
    assert isinstance(limited, RateLimitError)
    assert limited.retry_after == 3.0


def test_every_error_masks_the_keys_clients_registered() -> None:
    # An argument error quotes the wrong value; when the caller passed a key by mistake, the
    # error (message, hint, str, repr) must not show it, whoever raised it.
    from cml._exceptions import InvalidRequestError
    from cml._logging import register_secrets

    key = "sk-registered-for-errors-0123456789"
    register_secrets(key)
    error = InvalidRequestError(f"memory_type {key!r} is unknown", hint=f"not {key}")
    for shown in (error.message, error.hint, str(error), repr(error), error.args[0]):
        assert key not in shown
        assert "***" in shown
