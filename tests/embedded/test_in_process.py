"""Embedded mode's short way to the in-process server answers exactly as the network does.

The embedded clients hand their calls to `Api.handle` without httpx's request cycle (see
`cml.server._transport.in_process_request`). These tests run one script of calls, valid and
invalid, through an embedded client and through the HTTP client against the real local server
on 127.0.0.1, each over a fresh store of its own, once per supported release: every result and
every error must be the same, field for field, up to the ids and clocks that differ between two
stores. The raw answers are compared too, so that a field one release prunes cannot hide in a
model's default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from local_server import LocalServer

import cml
from cml._json import jsonable
from cml.engine.engine import Engine

USER_KEY = "user-key-0123456789"
ADMIN_KEY = "admin-key-9876543210"
ODD_SESSION = "trip 100% é?c=1#x"  # space, %, ?, #, non-ASCII: each quoted its own way

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX_ID = re.compile(r"\b[0-9a-f]{32}\b")
_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")
_CLOCKS = frozenset({"elapsed_ms", "timestamp", "uptime_seconds"})


class _Ids:
    """Each side's ids as the order they first appeared in: two stores make different ids."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, found: re.Match[str]) -> str:
        return self.seen.setdefault(found.group(0), f"<id{len(self.seen)}>")


def _plain(value: Any, ids: _Ids, base_url: str) -> Any:
    if isinstance(value, dict):
        return {
            k: "<clock>" if k in _CLOCKS else _plain(v, ids, base_url) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(v, ids, base_url) for v in value]
    if isinstance(value, UUID):
        value = str(value)
    if isinstance(value, str):
        value = value.replace(base_url, "<base>")
        return _TIME.sub("<time>", _HEX_ID.sub(ids, _UUID.sub(ids, value)))
    if isinstance(value, float):
        return round(value, 6)
    return value


def _outcome(call: Callable[[], Any], ids: _Ids, base_url: str) -> Any:
    try:
        result = call()
    except cml.CMLError as exc:
        seen = (type(exc).__name__, exc.status_code, str(exc), getattr(exc, "body", None))
        return _plain(("error", *seen), ids, base_url)
    if isinstance(result, list):
        return _plain(("ok", [jsonable(r) for r in result]), ids, base_url)
    return _plain(("ok", type(result).__name__, jsonable(result)), ids, base_url)


def _script(client: Any) -> Iterator[tuple[str, Callable[[], Any]]]:
    """(what, call): the same calls, in the same order, for either client."""
    yield "write", lambda: client.write("The user's sister Mira lives in Oslo.")
    yield (
        "write with everything",
        lambda: client.write(
            "The user takes the 7:40 train to work on weekdays.",
            context_tags=["commute", "routine"],
            session_id=ODD_SESSION,
            memory_type="semantic_fact",
            metadata={"source": "chat", "n": 3, "nested": {"ok": True}},
            eval_mode=True,
        ),
    )
    yield "write again (reinforced)", lambda: client.write("The user's sister Mira lives in Oslo.")
    yield (
        "batch_write",
        lambda: client.batch_write(
            [{"content": "The user is allergic to peanuts."}, {"content": "The user owns a kayak."}]
        ),
    )
    yield "read", lambda: client.read("Where does the user's sister live?")
    yield "read, filtered", lambda: client.read("train", memory_types=["semantic_fact"])
    yield "read, list format", lambda: client.read("kayak", response_format="list")
    yield "read, nothing found", lambda: client.read("zebra quantum accordion")
    yield "session context", lambda: client.get_session_context(ODD_SESSION)
    yield "session context, a slash in the id", lambda: client.get_session_context("a/b")
    yield "session context, a dot segment", lambda: client.get_session_context("..")
    yield "stats", client.stats
    yield "health", client.health
    yield (
        "dashboard memories (query parameters)",
        lambda: client.dashboard_memories(per_page=2, search="user", order="asc"),
    )
    # Invalid input: each refused the same way, and nothing written.
    yield "write empty", lambda: client.write("   ")
    yield "write too long", lambda: client.write("x" * 100_001)
    yield "write a set", lambda: client.write("text", metadata={"tags": {1, 2}})
    yield "write bad type", lambda: client.write("text", memory_type="not_a_type")  # type: ignore[arg-type]
    yield "read max_results=0", lambda: client.read("anything", max_results=0)
    yield "dashboard bad page", lambda: client.dashboard_memories(page=0)
    yield (
        "update unknown id",
        lambda: client.update(UUID("00000000-0000-4000-8000-000000000000"), text="x"),
    )
    yield "forget nothing", client.forget
    yield "stats after", client.stats


def _run(client: Any, base_url: str) -> list[tuple[str, Any]]:
    ids = _Ids()
    return [(what, _outcome(call, ids, base_url)) for what, call in _script(client)]


@pytest.fixture(params=cml.__api_versions__)
def release(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def served(tmp_path: Path, release: str) -> Iterator[LocalServer]:
    with (
        Engine(tmp_path / "server.db", embedder="none") as engine,
        LocalServer.for_engine(
            engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY, api_version=release
        ) as server,
    ):
        yield server


def _http(server: LocalServer, release: str) -> cml.CognitiveMemoryLayer:
    return cml.CognitiveMemoryLayer(
        api_key=USER_KEY,
        admin_api_key=ADMIN_KEY,
        base_url=server.url,
        max_retries=0,
        api_version=release,
    )


def test_embedded_and_http_answer_every_call_alike(
    tmp_path: Path, served: LocalServer, release: str
) -> None:
    with _http(served, release) as http:
        over_http = _run(http, served.url)
    with cml.EmbeddedCognitiveMemoryLayer(
        tmp_path / "embedded.db", embedder="none", api_version=release
    ) as embedded:
        in_process = _run(embedded, "http://embedded.cml.local")
    for (what, ours), (_, theirs) in zip(in_process, over_http, strict=True):
        assert ours == theirs, what
    outcomes = dict(in_process)
    # The script does what it says: successes and each kind of refusal are all there.
    assert outcomes["write"][0] == "ok"
    assert outcomes["session context"][0] == "ok"
    assert outcomes["write empty"][:2] == ["error", "InvalidRequestError"]  # the client's check
    assert outcomes["write too long"][:3] == ["error", "ValidationError", 422]  # the server's
    assert outcomes["read max_results=0"][0] == "error"
    assert outcomes["write a set"][:2] == ["error", "InvalidRequestError"]
    assert outcomes["update unknown id"][1:3] == ["NotFoundError", 404]
    assert outcomes["stats after"] == outcomes["stats"]  # no refused call wrote anything


def _raw(client: Any, call: Any) -> httpx.Response:
    return client._send_raw(client._request_args(call))  # type: ignore[no-any-return]


def test_raw_answers_are_the_served_releases_own(
    tmp_path: Path, served: LocalServer, release: str
) -> None:
    """Field for field, before any model reads them: pruned to the release alike."""
    from cml import _operations as ops

    with (
        _http(served, release) as http,
        cml.EmbeddedCognitiveMemoryLayer(
            tmp_path / "embedded.db", embedder="none", api_version=release
        ) as embedded,
    ):
        answers = []
        for client, base in ((http, served.url), (embedded, "http://embedded.cml.local")):
            ids = _Ids()
            client.write("The user's sister Mira lives in Oslo.", session_id=ODD_SESSION)
            read = _raw(client, ops.read("Where does Mira live?"))
            context = _raw(client, ops.session_context(ODD_SESSION))
            assert read.headers["content-type"] == "application/json"
            answers.append(_plain([read.json(), context.json()], ids, base))
    assert answers[0] == answers[1]
    read_keys = set(answers[0][0])
    assert ("sufficiency" in read_keys) is (release != "1.5.1")


async def test_async_embedded_answers_as_the_sync_one(tmp_path: Path) -> None:
    async with cml.AsyncEmbeddedCognitiveMemoryLayer(
        tmp_path / "async.db", embedder="none"
    ) as memory:
        written = await memory.write(
            "The user's sister Mira lives in Oslo.", session_id=ODD_SESSION
        )
        assert written.success
        found = await memory.read("Where does Mira live?")
        assert [m.text for m in found.memories] == ["The user's sister Mira lives in Oslo."]
        context = await memory.get_session_context(ODD_SESSION)
        assert context.session_id == ODD_SESSION
        with pytest.raises(cml.NotFoundError):
            await memory.update(UUID("00000000-0000-4000-8000-000000000000"), text="x")
        with pytest.raises(cml.ValidationError):
            await memory.write("x" * 100_001)
