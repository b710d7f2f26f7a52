"""Fixtures for the transport-level tests of the HTTP clients (see `_support` for the rules)."""

from __future__ import annotations

import asyncio
import os
import time
import types
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import respx

import cml
import cml._async_client
import cml._client
from cml import _logging

from ._support import API_KEY, BASE_URL, Client, run

_real_async_sleep = asyncio.sleep


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    for name in list(os.environ):
        if name.startswith("CML_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def restore_log_secrets() -> Iterator[None]:
    """Forget the keys the test's clients registered with the `cml` log filter.

    The filter is process-wide and only ever grows; test keys such as "env-key" or "admin"
    would otherwise be masked in the log output of every later test.
    """
    saved = _logging._FILTER._secrets
    yield
    _logging._FILTER._secrets = saved


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the clients asked to sleep, in order; nothing really sleeps."""
    delays: list[float] = []

    def fake_time_sleep(seconds: float) -> None:
        delays.append(seconds)

    async def fake_async_sleep(seconds: float, result: Any = None) -> Any:
        delays.append(seconds)
        await _real_async_sleep(0)
        return result

    # Proxies of the modules, so only the clients' sleep changes, not everyone's.
    fake_time = types.SimpleNamespace(
        **{name: getattr(time, name) for name in dir(time) if not name.startswith("__")}
    )
    fake_time.sleep = fake_time_sleep
    fake_asyncio = types.SimpleNamespace(
        **{name: getattr(asyncio, name) for name in dir(asyncio) if not name.startswith("__")}
    )
    fake_asyncio.sleep = fake_async_sleep
    monkeypatch.setattr(cml._client, "time", fake_time)
    monkeypatch.setattr(cml._async_client, "asyncio", fake_asyncio)
    return delays


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def make_client(kind: str, api: respx.MockRouter) -> AsyncIterator[Callable[..., Any]]:
    """Build a client of this test's kind: api key, BASE_URL, 2 retries, tiny delays."""
    made: list[Client] = []

    def make(**overrides: Any) -> Any:
        settings: dict[str, Any] = {
            "api_key": API_KEY,
            "base_url": BASE_URL,
            "max_retries": 2,
            "retry_delay": 0.001,
            # Only plain http is mocked; skipping the CA bundle load saves ~30 ms per client.
            "verify_ssl": False,
        }
        settings.update(overrides)
        cls = cml.CognitiveMemoryLayer if kind == "sync" else cml.AsyncCognitiveMemoryLayer
        client = cls(**settings)
        made.append(client)
        return client

    yield make
    for client in made:
        await run(client.close())


@pytest.fixture
def client(make_client: Callable[..., Any]) -> Any:
    return make_client()
