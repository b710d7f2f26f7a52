"""The fault proxy itself: each kind of fault reaches the client as designed, and a retry with
the same Idempotency-Key gets through it, so the drills built on it can fail."""

from __future__ import annotations

import pytest
from fault_proxy import FaultProxy
from local_server import LocalServer

import cml

from ._support import USER_KEY, filler_text, stored_texts

pytestmark = pytest.mark.integration

# fault, the error a client without retries gets, whether the server stored the write anyway
CASES = [
    ("reset", cml.CMLConnectionError, False),
    ("drop", cml.CMLConnectionError, True),
    ("429", cml.RateLimitError, False),
    ("502", cml.ServerError, False),
    ("503", cml.ServerError, False),
    ("slow", cml.CMLTimeoutError, True),
]


@pytest.mark.parametrize(("fault", "error", "committed"), CASES, ids=[c[0] for c in CASES])
def test_each_fault_reaches_the_client_as_designed(
    server: LocalServer, fault: str, error: type[cml.CMLError], committed: bool
) -> None:
    assert server.engine is not None
    text = filler_text(0, "harness")
    options = {"api_key": USER_KEY, "timeout": 0.3, "retry_delay": 0.001}
    with FaultProxy(server.port, fault_rate=0.0, weights={}, seed=0) as proxy:
        proxy.force([fault])
        with (
            cml.CognitiveMemoryLayer(base_url=proxy.url, max_retries=0, **options) as memory,
            pytest.raises(error) as info,
        ):
            memory.write(text)
        if error is cml.CMLConnectionError:
            assert not isinstance(info.value, cml.CMLTimeoutError)
        if fault == "429":
            assert isinstance(info.value, cml.RateLimitError)
            assert info.value.retry_after == 0
        assert (text in stored_texts(server.engine, "harness")) is committed
        assert proxy.counts()["faults"][fault] == 1
        assert proxy.counts()["forwarded"] == int(committed)

        # The same fault once more, now with one retry allowed: stored once, replayed when the
        # first attempt had been committed.
        proxy.force([fault, None])
        again = filler_text(1, "harness")
        with cml.CognitiveMemoryLayer(base_url=proxy.url, max_retries=1, **options) as memory:
            response = memory.write(again)
        counts = proxy.counts()
    assert stored_texts(server.engine, "harness")[again] == [str(response.memory_id)]
    assert counts["faults"][fault] == 2
    assert counts["retries"] == 1
    assert counts["replayed"] == int(committed)
