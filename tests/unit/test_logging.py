import io
import logging
from collections.abc import Iterator

import pytest

from cml._logging import (
    RedactingFilter,
    display_url,
    log_request,
    logger,
    redact,
    register_secrets,
    setup_logging,
)

KEY = "sk-live-0123456789"


@pytest.fixture(autouse=True)
def restore_logger() -> Iterator[None]:
    """Leave the `cml` logger as it was: handlers and level are process-wide."""
    handlers, level = list(logger.handlers), logger.level
    yield
    for handler in logger.handlers:
        if handler not in handlers:
            logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.mark.parametrize("value", [None, "", "warning", "verbose"])
def test_logging_stays_off_unless_asked(value: str | None) -> None:
    env = {} if value is None else {"CML_LOG": value}
    before = list(logger.handlers)
    assert setup_logging(env) is None
    assert logger.handlers == before


@pytest.mark.parametrize(("value", "level"), [("debug", logging.DEBUG), ("INFO", logging.INFO)])
def test_cml_log_sets_the_level(value: str, level: int) -> None:
    assert setup_logging({"CML_LOG": value}) is not None
    assert logger.level == level


def test_setup_is_idempotent() -> None:
    first = setup_logging({"CML_LOG": "info"})
    second = setup_logging({"CML_LOG": "debug"})
    assert first is second
    assert logger.handlers.count(first) == 1  # type: ignore[arg-type]
    assert logger.level == logging.DEBUG


def test_debug_line_with_the_key_comes_out_redacted(caplog: pytest.LogCaptureFixture) -> None:
    handler = setup_logging({"CML_LOG": "debug", "CML_API_KEY": KEY})
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    handler.setStream(stream)
    with caplog.at_level(logging.DEBUG, logger="cml"):
        logger.debug("sending with key %s", KEY)
    assert KEY not in caplog.text
    assert "sending with key ***" in caplog.text
    assert KEY not in stream.getvalue()
    assert "sending with key ***" in stream.getvalue()


def test_key_looking_assignments_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    setup_logging({"CML_LOG": "debug"})
    with caplog.at_level(logging.DEBUG, logger="cml"):
        logger.debug("headers %s", {"X-API-Key": "unregistered-secret"})
        logger.debug("client(api_key=another-secret)")
    assert "unregistered-secret" not in caplog.text
    assert "another-secret" not in caplog.text
    assert "{'X-API-Key': '***'}" in caplog.text


def test_registered_secrets_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    register_secrets("sk-registered-999", None, "")
    with caplog.at_level(logging.INFO, logger="cml"):
        logger.info("echo: sk-registered-999")
    assert "sk-registered-999" not in caplog.text


def test_tracebacks_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    register_secrets("sk-in-traceback")
    with caplog.at_level(logging.ERROR, logger="cml"):
        try:
            raise ValueError("bad key sk-in-traceback")
        except ValueError:
            logger.exception("request failed")
    assert "sk-in-traceback" not in caplog.text
    assert "ValueError: bad key ***" in caplog.text


def test_filter_on_a_foreign_logger() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "key=%s", (KEY,), None)
    assert RedactingFilter([KEY]).filter(record)
    assert record.getMessage() == "key=***"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("X-API-Key: abc123", "X-API-Key: ***"),
        ("x-api-key=abc123 next", "x-api-key=*** next"),
        ("api_key=abc123, timeout=3", "api_key=***, timeout=3"),
        ("admin_api_key='abc123'", "admin_api_key='***'"),
        ('{"api_key": "abc123"}', '{"api_key": "***"}'),
        ("CML_API_KEY=abc123", "CML_API_KEY=***"),
        ("api_key=None", "api_key=None"),
        ("no keys here", "no keys here"),
    ],
)
def test_redact_patterns(text: str, expected: str) -> None:
    assert redact(text, []) == expected


def test_redact_known_secrets() -> None:
    assert redact("a sk-long-key b sk-long", ["sk-long", "sk-long-key"]) == "a *** b ***"
    assert redact("nothing to hide", [None, ""]) == "nothing to hide"


def test_log_request_is_one_line_without_query_or_credentials(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="cml"):
        log_request(
            "POST", "http://u:p@localhost:8000/api/v1/memory/read?q=secret", 200, 12.4, "req-1", 0
        )
        log_request("GET", "http://localhost:8000/api/v1/health", None, 3000.0, None, 2)
    base = "http://localhost:8000/api/v1"
    assert caplog.messages == [
        f"POST {base}/memory/read -> 200 in 12 ms (attempt 1, request id req-1)",
        f"GET {base}/health -> no response in 3000 ms (attempt 3, request id -)",
    ]
    assert all(record.levelno == logging.INFO for record in caplog.records)


def test_display_url() -> None:
    assert display_url("https://u:p@h:1/a/b?c=d#e") == "https://h:1/a/b"
