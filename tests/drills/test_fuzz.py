"""Hostile arguments to the public client methods, against the real local server.

`tests/robustness/test_schemathesis.py` fuzzes the server's HTTP API directly; this fuzzes the
layer above it, the methods users call, with both clients. Each call, whatever its arguments,
must return its model or raise a `cml.CMLError` (never a bare `TypeError`, `KeyError`,
`UnicodeEncodeError`...), never meet a 5xx, leave the store exactly as it was when it fails
(no partial write; a `batch_write` stores only the items it acknowledges), and never show either
API key: not in an error's text, repr, body or hint, nor in the SDK's debug log, even when the
arguments themselves contain a key (a confused caller, or a server echoing input back).

`test_hostile_arguments` below pins the cases this fuzz found when it was first run (lone
surrogates, non-JSON metadata, a bare string for a list, keys quoted in argument errors, half a
turn stored): each is now part of the strategies too.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from local_server import LocalServer

import cml

from ._support import ADMIN_KEY, TENANT, USER_KEY, start_server

pytestmark = pytest.mark.integration

MAX_EXAMPLES = 300
SECRETS = (USER_KEY, ADMIN_KEY)
# What a hostile or confused caller passes: the keys themselves (bare and as header or
# assignment text), SQL, FTS5 and format syntax, control, bidi and BOM characters, an emoji.
HOSTILE = [
    USER_KEY,
    ADMIN_KEY,
    f"X-API-Key: {USER_KEY}",
    f"api_key={ADMIN_KEY}",
    "",
    " ",
    "\n\t",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "lone \ud800 surrogate",
    "\udfff",
    "'; DROP TABLE memories; --",
    '" OR 1=1 --',
    'NEAR("a" "b") AND *',
    "text: x^ -y",
    "%s%n{0}{{}}",
    "../../etc/passwd",
    "\U0001f4a5",
]
# Around the limits: chunked into several memories, and over the 100,000-character limit.
LONG = ["a" * 3000, "b" * 100_001]
MEMORY_TYPES = [t.value for t in cml.MemoryType]

short_text = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE))
text = st.one_of(
    short_text,
    st.sampled_from(LONG),
    st.lists(st.one_of(st.text(max_size=10), st.sampled_from(HOSTILE)), max_size=4).map("".join),
)
optional_text = st.none() | text
answer_text = st.none() | text
timestamps = st.none() | st.datetimes(timezones=st.none() | st.just(UTC))
# Mostly JSON, but also what JSON cannot carry: NaN, infinities, sets, bytes.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | short_text
    | st.sampled_from([{1, 2}, b"bytes", float("nan")]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(short_text, inner, max_size=3),
    max_leaves=12,
)


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": True}
    for _ in range(depth):
        value = {"deeper": value}
    return value


metadata = st.one_of(
    st.none(),
    st.sampled_from(["not a mapping", ["a", "list"], 42]),
    st.dictionaries(short_text, json_values, max_size=4),
    st.integers(1, 40).map(_nested),  # the engine allows 32 levels
)
# Enumerated arguments get valid values and wrong ones, the keys among them: an argument error
# quotes the wrong value, and must mask it.
memory_type = st.none() | st.sampled_from(
    [*MEMORY_TYPES, "", "EPISODIC_EVENT", "nonsense", USER_KEY, ADMIN_KEY]
)
memory_types = st.none() | st.lists(
    st.sampled_from([*MEMORY_TYPES, "", "nonsense", USER_KEY]), max_size=3
)
# A bare string where a list belongs is refused, never split into one-letter tags.
tags = st.none() | st.lists(short_text, max_size=3) | st.sampled_from(["tea", USER_KEY])
max_results = st.integers(-3, 60)
# "existing" stands for the id of a memory in the store when the call runs.
memory_id = st.just("existing") | st.uuids() | st.sampled_from([USER_KEY, "not-a-uuid"])


# (method name, positional arguments, keyword arguments)
CALLS = st.one_of(
    st.tuples(
        st.just("write"),
        st.tuples(text),
        st.fixed_dictionaries(
            {},
            optional={
                "context_tags": tags,
                "memory_type": memory_type,
                "namespace": optional_text,
                "metadata": metadata,
                "session_id": optional_text,
                "turn_id": optional_text,
                "agent_id": optional_text,
                "timestamp": timestamps,
            },
        ),
    ),
    st.tuples(
        st.just("read"),
        st.tuples(text),
        st.fixed_dictionaries(
            {},
            optional={
                "max_results": max_results,
                "context_filter": tags,
                "memory_types": memory_types,
                "since": timestamps,
                "until": timestamps,
                "response_format": st.sampled_from(
                    ["packet", "list", "llm_context", "xml", USER_KEY]
                ),
                "user_timezone": optional_text,
            },
        ),
    ),
    st.tuples(
        st.just("get_context"),
        st.tuples(text),
        st.fixed_dictionaries({}, optional={"max_results": max_results}),
    ),
    st.tuples(
        st.just("batch_read"),
        st.tuples(st.lists(text, max_size=4)),
        st.fixed_dictionaries({}, optional={"max_results": max_results}),
    ),
    st.tuples(
        st.just("update"),
        st.tuples(memory_id),
        st.fixed_dictionaries(
            {},
            optional={
                "text": optional_text,
                "confidence": st.none() | st.floats(),
                "importance": st.none() | st.floats(),
                "metadata": metadata,
                "feedback": st.none() | st.sampled_from(["correct", "outdated", "great", ""]),
            },
        ),
    ),
    st.tuples(
        st.just("forget"),
        st.just(()),
        st.fixed_dictionaries(
            {},
            optional={
                "memory_ids": st.none() | st.lists(memory_id, max_size=3),
                "query": optional_text,
                "before": timestamps,
                "action": st.sampled_from(["delete", "archive", "silence", "shred", ADMIN_KEY]),
            },
        ),
    ),
    st.tuples(
        st.just("batch_write"),
        st.tuples(
            st.lists(
                st.fixed_dictionaries(
                    {"content": short_text},
                    optional={
                        "metadata": metadata,
                        "timestamp": timestamps,
                        "memory_type": memory_type,
                        "context_tags": tags,
                    },
                ),
                max_size=5,
            )
        ),
        st.just({}),
    ),
    st.tuples(
        st.just("turn"),
        st.tuples(text),
        st.fixed_dictionaries(
            {},
            optional={
                "assistant_response": answer_text,
                "session_id": optional_text,
                "max_context_tokens": st.integers(-10, 5000),
            },
        ),
    ),
)


class Store:
    """What the fuzz checks in the server's store, read directly from its engine."""

    def __init__(self, server: LocalServer) -> None:
        assert server.engine is not None
        self.engine = server.engine

    def digest(self) -> str:
        """Everything a call could change in the memories (access counts aside: reads count)."""
        rows = self.engine.store.execute(
            "SELECT id, tenant_id, text, status, type, confidence, importance, metadata, "
            "context_tags, namespace, session_id, version FROM memories ORDER BY rowid"
        )
        return hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()

    def texts(self) -> Counter[str]:
        rows = self.engine.store.execute("SELECT text FROM memories WHERE tenant_id = ?", (TENANT,))
        return Counter(row[0] for row in rows)

    def active_ids(self) -> set[str]:
        rows = self.engine.store.execute(
            "SELECT id FROM memories WHERE tenant_id = ? AND status = 'active'", (TENANT,)
        )
        return {row[0] for row in rows}

    def any_id(self) -> uuid.UUID:
        ids = sorted(self.active_ids())
        return uuid.UUID(ids[0]) if ids else uuid.uuid4()


def _assert_no_secret(*texts: object) -> None:
    for item in texts:
        for secret in SECRETS:
            assert secret not in str(item), f"an API key shows in {str(item)[:200]!r}"


def _check_error(exc: cml.CMLError) -> None:
    assert not isinstance(exc, cml.ServerError), exc
    assert (exc.status_code or 0) < 500, exc
    _assert_no_secret(str(exc), repr(exc), repr(exc.body), exc.message, exc.hint, exc.args)


def _resolve(value: Any, store: Store) -> Any:
    if value == "existing":
        return store.any_id()
    if isinstance(value, list):
        return [_resolve(v, store) for v in value]
    return value


def _check_result(
    name: str, args: tuple[Any, ...], result: Any, store: Store, before: Counter[str]
) -> None:
    """The call succeeded: its answer must be the model it promises, consistent with the store."""
    live = store.active_ids()
    if name == "write":
        assert isinstance(result, cml.WriteResponse)
        assert result.success, result
        assert str(result.memory_id) in live
    elif name in ("read", "batch_read"):
        for answer in result if name == "batch_read" else [result]:
            assert isinstance(answer, cml.ReadResponse)
            if answer.error is not None:
                _check_error(answer.error)
                assert answer.memories == ()
            assert {str(m.id) for m in answer.memories} <= live
    elif name == "get_context":
        assert isinstance(result, str)
    elif name == "batch_write":
        items = args[0]
        assert len(result) == len(items)
        acked = {item["content"] for item, r in zip(items, result, strict=True) if r.success}
        for r in result:
            assert isinstance(r, cml.WriteResponse)
            if not r.success:
                assert isinstance(r.error, cml.CMLError)
                _check_error(r.error)
                _assert_no_secret(r.message)
        # No partial write: what appeared is what was acknowledged, nothing else.
        appeared = set(store.texts() - before)
        assert appeared <= acked, appeared - acked
    elif name == "update":
        assert isinstance(result, cml.UpdateResponse)
    elif name == "forget":
        assert isinstance(result, cml.ForgetResponse)
    elif name == "turn":
        assert isinstance(result, cml.TurnResponse)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    running = start_server(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    with running:
        assert running.engine is not None
        running.engine.write(TENANT, "The user keeps a spare key under the blue flowerpot.")
        yield running
    assert running.engine is not None
    running.engine.close()


def _caller(kind: str, url: str) -> tuple[Callable[..., Any], Callable[[], None], Any]:
    """A function that calls a client method by name, a function to close it, and the client."""
    options: dict[str, Any] = {
        "api_key": USER_KEY,
        "admin_api_key": ADMIN_KEY,
        "base_url": url,
        "max_retries": 0,
        "timeout": 60,
    }
    if kind == "sync":
        client = cml.CognitiveMemoryLayer(**options)
        return (lambda name, *a, **kw: getattr(client, name)(*a, **kw)), client.close, client
    loop = asyncio.new_event_loop()
    aclient = cml.AsyncCognitiveMemoryLayer(**options)

    def call(name: str, *args: Any, **kwargs: Any) -> Any:
        return loop.run_until_complete(getattr(aclient, name)(*args, **kwargs))

    def close() -> None:
        loop.run_until_complete(aclient.close())
        loop.close()

    return call, close, aclient


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_hostile_arguments_get_typed_errors_and_change_nothing(
    kind: str,
    fuzz_server: LocalServer,
    caplog: pytest.LogCaptureFixture,
    figures: dict[str, dict[str, Any]],
) -> None:
    caplog.set_level(logging.DEBUG, logger="cml")
    store = Store(fuzz_server)
    call, close, client = _caller(kind, fuzz_server.url)
    outcomes: Counter[str] = Counter()

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=CALLS)
    def run(case: tuple[str, tuple[Any, ...], dict[str, Any]]) -> None:
        name, raw_args, raw_kwargs = case
        args = tuple(_resolve(a, store) for a in raw_args)
        kwargs = {k: _resolve(v, store) for k, v in raw_kwargs.items()}
        digest, texts = store.digest(), store.texts()
        try:
            result = call(name, *args, **kwargs)
        except cml.CMLError as exc:
            _check_error(exc)
            assert store.digest() == digest, f"{name} failed but changed the store"
            outcomes[f"{name}: {type(exc).__name__}"] += 1
            return
        _check_result(name, args, result, store, texts)
        if name in ("read", "get_context", "batch_read"):
            assert store.digest() == digest, f"{name} changed the store"
        outcomes[f"{name}: ok"] += 1

    try:
        run()
        _assert_no_secret(repr(client), str(client))
    finally:
        close()
    logged = [r for r in caplog.records if r.name == "cml"]
    assert any("/api/v1/memory" in r.getMessage() for r in logged), "nothing was logged"
    _assert_no_secret(caplog.text, *(r.getMessage() for r in logged))

    ok = sum(n for label, n in outcomes.items() if label.endswith(": ok"))
    figures[f"fuzz ({kind} client)"] = {
        "calls": sum(outcomes.values()),
        "succeeded": ok,
        "typed errors": sum(outcomes.values()) - ok,
        "by outcome": dict(sorted(outcomes.items())),
    }


# What the fuzz found on its first run, kept as named cases: each once gave an untyped
# exception, accepted bad input, showed a key in an error's text, or stored half a turn.
FOUND = [
    pytest.param("write", ("lone \ud800 surrogate",), {}, id="surrogate-in-content"),
    pytest.param("read", ("lone \udfff",), {}, id="surrogate-in-query"),
    pytest.param("write", ("x",), {"metadata": {"tags": {1, 2}}}, id="set-in-metadata"),
    pytest.param("write", ("x",), {"metadata": {"v": float("nan")}}, id="nan-metadata"),
    pytest.param("write", ("x",), {"metadata": "not a dict"}, id="str-metadata"),
    pytest.param("create_session", (), {"ttl_hours": "24"}, id="str-ttl"),
    # Accepted, and stored as the tags ["t", "e", "a"].
    pytest.param("write", ("x",), {"context_tags": "tea"}, id="str-tags"),
    pytest.param("write", ("x",), {"memory_type": USER_KEY}, id="key-in-type"),
    pytest.param("read", ("x",), {"response_format": USER_KEY}, id="key-in-format"),
    pytest.param("update", (USER_KEY,), {"text": "x"}, id="key-as-id"),
    pytest.param("forget", (), {"query": "x", "action": ADMIN_KEY}, id="key-in-action"),
    pytest.param("turn", ("Hello there.",), {"assistant_response": "\x00"}, id="turn-half-stored"),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), FOUND)
def test_hostile_arguments(
    fuzz_server: LocalServer, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    store = Store(fuzz_server)
    digest = store.digest()
    with (
        cml.CognitiveMemoryLayer(
            api_key=USER_KEY, admin_api_key=ADMIN_KEY, base_url=fuzz_server.url, max_retries=0
        ) as memory,
        pytest.raises(cml.CMLError) as info,
    ):
        getattr(memory, name)(*args, **kwargs)
    _check_error(info.value)
    assert store.digest() == digest
