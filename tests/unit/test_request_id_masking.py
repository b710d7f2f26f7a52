"""A request id that carries a key (a proxy echoing it) never shows the key (issue 11, 9)."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable

import pytest

from cml._exceptions import error_from_response
from cml._logging import MASK


@pytest.mark.parametrize("key", ["k3y", "a-much-longer-secret-key-value"])
def test_an_error_never_carries_a_key_in_its_request_id(
    key: str, register: Callable[..., None]
) -> None:
    register(key)
    error = error_from_response(500, {"X-Request-ID": f"req-{key}"}, b'{"detail": "boom"}')
    assert error.request_id == MASK
    for shown in (str(error), repr(error), pickle.dumps(error)):
        assert key not in (shown if isinstance(shown, str) else shown.decode("latin-1"))


def test_an_ordinary_request_id_is_kept() -> None:
    from cml._logging import safe_request_id

    assert safe_request_id("0af7651916cd43dd8448eb211c80319c", ["key"]) == (
        "0af7651916cd43dd8448eb211c80319c"
    )
    assert safe_request_id(None, ["key"]) is None


def test_keys_in_a_query_string_never_reach_the_access_log() -> None:
    from cml.server._uvicorn import QueryMask, mask_query

    assert mask_query("/api/v1/memory/stats?api_key=s3cret&x=1") == (
        "/api/v1/memory/stats?api_key=***&x=1"
    )
    assert mask_query("/a?token=t&Password=p&q=tea") == "/a?token=***&Password=***&q=tea"
    assert mask_query("/plain/path") == "/plain/path"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/health?api_key=s3cret", "1.1", 200),
        None,
    )
    assert QueryMask().filter(record)
    assert "s3cret" not in record.getMessage()
