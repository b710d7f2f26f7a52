"""Error mapping for every status, secrets kept out of errors, reprs and logs, and arguments
refused before anything is sent."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

import cml
from cml import _logging

from ._support import ADMIN_KEY, API_KEY, run, write_json

REQUEST_ID = "req-0f1e2d"

VALIDATION_DETAIL = [
    {"loc": ["body", "content"], "msg": "String should have at least 1 character", "type": "x"},
    {"loc": ["body", "turns", 0, "timestamp"], "msg": "Input should be a datetime", "type": "y"},
]

# status, body, expected class (exactly), hint fragment
STATUS_CASES: list[tuple[int, Any, type[cml.CMLError], str]] = [
    (400, {"detail": "Bad request body"}, cml.APIStatusError, "refused the request"),
    (401, {"detail": "Invalid API key"}, cml.AuthenticationError, "CML_API_KEY"),
    (403, {"detail": "Admin key required"}, cml.AuthorizationError, "admin key"),
    (403, {"detail": "Missing CSRF header"}, cml.AuthorizationError, "X-Requested-With"),
    (404, {"detail": "Memory not found"}, cml.NotFoundError, "CML_BASE_URL"),
    (409, {"detail": "Already exists"}, cml.ConflictError, "read it again"),
    (422, {"detail": VALIDATION_DETAIL}, cml.ValidationError, "body.content"),
    (429, {"detail": "Rate limit exceeded"}, cml.RateLimitError, "wait 3 s"),
    (500, {"detail": "Internal error"}, cml.ServerError, "request id"),
    (503, {"detail": "Service unavailable"}, cml.ServerError, "request id"),
    (418, {"detail": "I am a teapot"}, cml.APIStatusError, "refused the request"),
]


class TestStatusMapping:
    @pytest.mark.parametrize(
        ("status", "body", "cls", "hint"),
        STATUS_CASES,
        ids=[f"{c[0]}-{c[2].__name__}" for c in STATUS_CASES],
    )
    async def test_status_maps_to_class_with_details(
        self,
        *,
        make_client: Any,
        api: respx.MockRouter,
        status: int,
        body: Any,
        cls: type[cml.CMLError],
        hint: str,
    ) -> None:
        client = make_client(max_retries=0)
        api.post("/api/v1/memory/write").mock(
            return_value=httpx.Response(
                status, json=body, headers={"X-Request-ID": REQUEST_ID, "Retry-After": "3"}
            )
        )
        with pytest.raises(cml.CMLError) as info:
            await run(client.write("hello"))
        exc = info.value
        assert type(exc) is cls
        assert isinstance(exc, cml.APIStatusError)
        assert exc.status_code == status
        assert exc.request_id == REQUEST_ID
        assert exc.body == body
        assert exc.hint is not None
        assert hint in exc.hint
        assert f"status {status}" in str(exc)
        assert REQUEST_ID in str(exc)
        if isinstance(body["detail"], str):
            assert exc.message == body["detail"]

    async def test_validation_error_lists_fields(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=0)
        api.post("/api/v1/memory/write").mock(
            return_value=httpx.Response(422, json={"detail": VALIDATION_DETAIL})
        )
        with pytest.raises(cml.ValidationError) as info:
            await run(client.write("hello"))
        assert info.value.fields == ("body.content", "body.turns.0.timestamp")
        assert [e.msg for e in info.value.errors] == [d["msg"] for d in VALIDATION_DETAIL]
        assert "body.content: String should have at least 1 character" in str(info.value)

    async def test_422_with_a_string_detail_is_still_a_validation_error(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=0)
        api.post("/api/v1/memory/write").mock(
            return_value=httpx.Response(422, json={"detail": "content too long"})
        )
        with pytest.raises(cml.ValidationError) as info:
            await run(client.write("hello"))
        assert info.value.fields == ()
        assert info.value.message == "content too long"

    async def test_rate_limit_error_without_retry_after(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=0)
        api.post("/api/v1/memory/write").mock(
            return_value=httpx.Response(429, json={"detail": "slow down"})
        )
        with pytest.raises(cml.RateLimitError) as info:
            await run(client.write("hello"))
        assert info.value.retry_after is None

    async def test_non_json_error_body_is_kept_as_text(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=0)
        api.post("/api/v1/memory/write").mock(
            return_value=httpx.Response(502, text="<html>Bad Gateway</html>")
        )
        with pytest.raises(cml.ServerError) as info:
            await run(client.write("hello"))
        assert info.value.body == "<html>Bad Gateway</html>"
        assert info.value.request_id is None

    async def test_empty_error_body_gets_the_status_line(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=0)
        api.post("/api/v1/memory/write").mock(return_value=httpx.Response(404))
        with pytest.raises(cml.NotFoundError) as info:
            await run(client.write("hello"))
        assert info.value.message == "HTTP 404 Not Found"
        assert info.value.body is None


def _assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert API_KEY not in text
        assert ADMIN_KEY not in text


class TestSecretsNeverShow:
    async def test_keys_echoed_by_the_server_are_masked_in_the_error(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=0, admin_api_key=ADMIN_KEY)
        echoed = {
            "detail": f"Invalid API key {API_KEY}",
            "headers": {"X-API-Key": API_KEY, "admin": ADMIN_KEY},
            ADMIN_KEY: [f"key={API_KEY}"],
        }
        api.post("/api/v1/memory/write").mock(return_value=httpx.Response(401, json=echoed))
        with pytest.raises(cml.AuthenticationError) as info:
            await run(client.write("hello"))
        exc = info.value
        _assert_no_secret(str(exc), repr(exc), repr(exc.body), exc.message, str(exc.args))
        assert "Invalid API key" in exc.message

    async def test_keys_in_a_text_body_are_masked(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=0, admin_api_key=ADMIN_KEY)
        api.delete("/api/v1/memory/all").mock(
            return_value=httpx.Response(500, text=f"crash with {ADMIN_KEY} and {API_KEY}")
        )
        with pytest.raises(cml.ServerError) as info:
            await run(client.delete_all(confirm=True))
        exc = info.value
        _assert_no_secret(str(exc), repr(exc), repr(exc.body))
        assert "crash with" in str(exc.body)

    async def test_keys_in_a_transport_error_are_masked(
        self, make_client: Any, api: respx.MockRouter
    ) -> None:
        client = make_client(max_retries=0, admin_api_key=ADMIN_KEY)
        api.post("/api/v1/memory/write").mock(
            side_effect=httpx.ConnectError(f"proxy refused {API_KEY} / {ADMIN_KEY}")
        )
        with pytest.raises(cml.CMLConnectionError) as info:
            await run(client.write("hello"))
        exc = info.value
        _assert_no_secret(str(exc), repr(exc))
        assert "proxy refused" in str(exc)

    async def test_client_and_config_reprs_hide_the_keys(self, make_client: Any) -> None:
        client = make_client(admin_api_key=ADMIN_KEY)
        _assert_no_secret(repr(client), str(client), repr(client.config), str(client.config))
        scoped = client.with_namespace("ns")
        _assert_no_secret(repr(scoped), repr(scoped.config))
        # The keys are really configured (so the check above is not vacuous).
        assert client.config.api_key == API_KEY
        assert client.config.admin_api_key == ADMIN_KEY


@pytest.fixture
def debug_log(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> Iterator[Any]:
    """CML_LOG=debug as a client sees it at construction; the `cml` logger put back after."""
    logger = logging.getLogger("cml")
    level, handlers = logger.level, list(logger.handlers)
    # A stderr handler left by an earlier test would write to a stale stream: start afresh.
    for handler in handlers:
        if isinstance(handler, _logging._Handler):
            logger.removeHandler(handler)
    monkeypatch.setenv("CML_LOG", "debug")
    caplog.set_level(logging.DEBUG, logger="cml")
    yield caplog
    for handler in list(logger.handlers):
        if handler not in handlers:
            logger.removeHandler(handler)
    for handler in handlers:
        if handler not in logger.handlers:
            logger.addHandler(handler)
    logger.setLevel(level)


async def test_debug_log_output_never_shows_the_keys(
    make_client: Any,
    api: respx.MockRouter,
    debug_log: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = make_client(max_retries=1, admin_api_key=ADMIN_KEY)
    api.post("/api/v1/memory/write").mock(
        side_effect=[
            httpx.Response(500, json={"detail": f"echo {API_KEY}"}),
            httpx.Response(200, json=write_json()),
        ]
    )
    api.delete("/api/v1/memory/all").mock(
        return_value=httpx.Response(403, json={"detail": f"bad key {ADMIN_KEY}"})
    )
    await run(client.write(f"my key is {API_KEY}"))
    with pytest.raises(cml.AuthorizationError):
        await run(client.delete_all(confirm=True))
    records = [r for r in debug_log.records if r.name == "cml"]
    # Something was logged for each attempt (else this test would prove nothing).
    assert len(records) >= 3
    logged = "\n".join(r.getMessage() for r in records)
    assert "/api/v1/memory/write" in logged
    _assert_no_secret(logged, debug_log.text)
    captured = capsys.readouterr()
    _assert_no_secret(captured.err, captured.out)
    # The stderr handler CML_LOG=debug turns on wrote the lines, keys masked.
    assert "/api/v1/memory/all" in captured.err


MEMORY_ID = "0b6a3f6e-8a47-4c38-9a43-0e0c7f0b2a11"

INVALID_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("write", ("",), {}),
    ("write", ("   \n",), {}),
    ("write", ("hello",), {"memory_type": "not_a_type"}),
    ("read", ("",), {}),
    ("read", ("q",), {"max_results": 0}),
    ("read", ("q",), {"max_results": 51}),
    ("read", ("q",), {"response_format": "xml"}),
    ("read", ("q",), {"memory_types": ["nonsense"]}),
    ("get_context", ("q",), {"max_results": 100}),
    ("read_safe", ("q",), {"max_results": 0}),
    ("forget", (), {}),
    ("forget", (), {"memory_ids": []}),
    ("forget", (), {"query": "old", "action": "shred"}),
    ("update", (MEMORY_ID,), {"feedback": "great"}),
    ("update", (MEMORY_ID,), {"confidence": 1.5}),
    ("update", ("not-a-uuid",), {"text": "x"}),
    ("delete_all", (), {}),
    ("delete_all", (), {"confirm": False}),
    ("turn", ("",), {}),
    ("create_session", (), {"ttl_hours": 0}),
    ("reset_database", (), {}),
    ("bulk_memory_action", ([MEMORY_ID], "explode"), {}),
]


@pytest.mark.parametrize(
    ("method", "args", "kwargs"),
    INVALID_CALLS,
    ids=[f"{m}-{i}" for i, (m, _, _) in enumerate(INVALID_CALLS)],
)
async def test_invalid_arguments_raise_before_sending(
    make_client: Any,
    api: respx.MockRouter,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    client = make_client(admin_api_key=ADMIN_KEY)
    catch_all = api.route().mock(return_value=httpx.Response(200, json={}))
    with pytest.raises(cml.InvalidRequestError) as info:
        await run(getattr(client, method)(*args, **kwargs))
    assert isinstance(info.value, ValueError)
    assert info.value.status_code is None
    assert catch_all.call_count == 0
    assert len(api.calls) == 0


async def test_invalid_stream_arguments_raise_before_sending(
    make_client: Any, api: respx.MockRouter
) -> None:
    client = make_client()
    catch_all = api.route().mock(return_value=httpx.Response(200, json={}))
    with pytest.raises(cml.InvalidRequestError):
        client.read_stream("q", max_results=0)
    with pytest.raises(cml.InvalidRequestError):
        client.read_stream("")
    assert catch_all.call_count == 0


async def test_invalid_uuid_in_forget_ids(make_client: Any, api: respx.MockRouter) -> None:
    client = make_client()
    catch_all = api.route().mock(return_value=httpx.Response(200, json={}))
    with pytest.raises(cml.InvalidRequestError, match="memory_ids"):
        await run(client.forget(memory_ids=[uuid.uuid4(), "nope"]))
    assert catch_all.call_count == 0


MALFORMED_SUCCESSES = [
    httpx.Response(200, text="<html>Welcome to nginx</html>", headers={"X-Request-ID": "r-m"}),
    httpx.Response(200, json={"unexpected": True}, headers={"X-Request-ID": "r-m"}),
    httpx.Response(200, json=[1, 2], headers={"X-Request-ID": "r-m"}),
    httpx.Response(204, headers={"X-Request-ID": "r-m"}),
]


@pytest.mark.parametrize(
    "response", MALFORMED_SUCCESSES, ids=["html", "wrong-fields", "list", "204"]
)
async def test_success_that_does_not_match_the_api_is_a_cml_error(
    make_client: Any, api: respx.MockRouter, response: httpx.Response
) -> None:
    client = make_client()
    route = api.post("/api/v1/memory/write").mock(return_value=response)
    with pytest.raises(cml.CMLError) as info:
        await run(client.write("hello"))
    exc = info.value
    assert type(exc) is cml.CMLError
    assert exc.status_code == response.status_code
    assert exc.request_id == "r-m"
    assert "does not match the API" in exc.message
    assert "/api/v1/memory/write" in exc.message
    assert exc.hint
    assert "CML_BASE_URL" in exc.hint
    # Not retried: the request succeeded, only its answer is unusable.
    assert route.call_count == 1


async def test_malformed_success_masks_echoed_keys(make_client: Any, api: respx.MockRouter) -> None:
    client = make_client(admin_api_key=ADMIN_KEY)
    api.post("/api/v1/memory/write").mock(
        return_value=httpx.Response(200, json={"echo": API_KEY, ADMIN_KEY: 1})
    )
    with pytest.raises(cml.CMLError) as info:
        await run(client.write("hello"))
    _assert_no_secret(str(info.value), repr(info.value), repr(info.value.body))
