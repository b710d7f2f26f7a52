"""Settings through the client constructors: argument > environment > .env > default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import cml
from cml._constants import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_DELAY,
    DEFAULT_TENANT_ID,
    DEFAULT_TIMEOUT,
)

from ._support import run

# setting, env var, default, (.env text, value), (env text, value), (argument, value)
SETTINGS: list[tuple[str, str, Any, tuple[str, Any], tuple[str, Any], tuple[Any, Any]]] = [
    (
        "base_url",
        "CML_BASE_URL",
        DEFAULT_BASE_URL,
        ("http://file.test", "http://file.test"),
        ("http://env.test/api/v1/", "http://env.test"),
        ("https://arg.test:8443/", "https://arg.test:8443"),
    ),
    (
        "api_key",
        "CML_API_KEY",
        None,
        ("file-key", "file-key"),
        ("env-key", "env-key"),
        ("arg-key", "arg-key"),
    ),
    (
        "admin_api_key",
        "CML_ADMIN_API_KEY",
        None,
        ("file-admin", "file-admin"),
        ("env-admin", "env-admin"),
        ("arg-admin", "arg-admin"),
    ),
    (
        "tenant_id",
        "CML_TENANT_ID",
        DEFAULT_TENANT_ID,
        ("t-file", "t-file"),
        ("t-env", "t-env"),
        ("t-arg", "t-arg"),
    ),
    ("timeout", "CML_TIMEOUT", DEFAULT_TIMEOUT, ("11", 11.0), ("12.5", 12.5), (13, 13.0)),
    ("max_retries", "CML_MAX_RETRIES", DEFAULT_MAX_RETRIES, ("5", 5), ("6", 6), (0, 0)),
    (
        "retry_delay",
        "CML_RETRY_DELAY",
        DEFAULT_RETRY_DELAY,
        ("0.5", 0.5),
        ("0.25", 0.25),
        (0.0, 0.0),
    ),
    ("verify_ssl", "CML_VERIFY_SSL", True, ("false", False), ("no", False), (False, False)),
]
IDS = [s[0] for s in SETTINGS]
CLASSES = [cml.CognitiveMemoryLayer, cml.AsyncCognitiveMemoryLayer]


@pytest.fixture(params=CLASSES, ids=["sync", "async"])
def cls(request: pytest.FixtureRequest) -> Any:
    return request.param


async def _config(cls: Any, **kwargs: Any) -> cml.CMLConfig:
    client = cls(**kwargs)
    try:
        return client.config
    finally:
        await run(client.close())


def _write_env_file(text: str) -> None:
    Path(".env").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", SETTINGS, ids=IDS)
class TestPrecedence:
    async def test_default(self, cls: Any, case: Any) -> None:
        setting, _var, default, _file, _env, _arg = case
        config = await _config(cls)
        assert getattr(config, setting) == default

    async def test_env_file_over_default(self, cls: Any, case: Any) -> None:
        setting, var, _default, (file_text, file_value), _env, _arg = case
        _write_env_file(f"# settings\n{var}={file_text}\n")
        config = await _config(cls)
        assert getattr(config, setting) == file_value

    async def test_environment_over_env_file(
        self, monkeypatch: pytest.MonkeyPatch, cls: Any, case: Any
    ) -> None:
        setting, var, _default, (file_text, _), (env_text, env_value), _arg = case
        _write_env_file(f"{var}={file_text}\n")
        monkeypatch.setenv(var, env_text)
        config = await _config(cls)
        assert getattr(config, setting) == env_value

    async def test_argument_over_environment(
        self, monkeypatch: pytest.MonkeyPatch, cls: Any, case: Any
    ) -> None:
        setting, var, _default, (file_text, _), (env_text, _), (argument, value) = case
        _write_env_file(f"{var}={file_text}\n")
        monkeypatch.setenv(var, env_text)
        config = await _config(cls, **{setting: argument})
        assert getattr(config, setting) == value


async def test_settings_from_the_environment_reach_the_wire(
    monkeypatch: pytest.MonkeyPatch, cls: Any
) -> None:
    _write_env_file("CML_API_KEY=file-key\nCML_TENANT_ID=file-tenant\n")
    monkeypatch.setenv("CML_BASE_URL", "http://env.test")
    monkeypatch.setenv("CML_API_KEY", "env-key")
    # Another tenant than the default is reached with the admin key (a normal key cannot).
    monkeypatch.setenv("CML_ADMIN_API_KEY", "env-admin-key")
    monkeypatch.setenv("CML_TIMEOUT", "7")
    with respx.mock(base_url="http://env.test") as api:
        route = api.get("/api/v1/health").mock(
            return_value=httpx.Response(
                200, json={"status": "healthy", "timestamp": "2026-01-01T00:00:00"}
            )
        )
        client = cls()
        try:
            await run(client.health())
        finally:
            await run(client.close())
    request = route.calls[0].request
    assert request.headers["X-API-Key"] == "env-admin-key"
    assert request.headers["X-Tenant-ID"] == "file-tenant"
    assert request.extensions["timeout"]["read"] == 7.0


async def test_empty_environment_value_counts_as_unset(
    monkeypatch: pytest.MonkeyPatch, cls: Any
) -> None:
    _write_env_file("CML_TENANT_ID=from-file\n")
    monkeypatch.setenv("CML_TENANT_ID", "")
    config = await _config(cls)
    assert config.tenant_id == "from-file"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_url": "ftp://cml.test"},
        {"base_url": "not a url"},
        {"base_url": "http://"},
        {"base_url": "http://cml.test:99999"},
        {"base_url": "http://cml.test/?x=1"},
        {"timeout": -1},
        {"timeout": 0},
        {"timeout": float("nan")},
        {"retry_delay": -0.5},
        {"max_retries": -1},
        {"tenant_id": "has space"},
        {"api_key": "bad key"},
    ],
    ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()),
)
def test_invalid_argument_fails_at_construction(cls: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(cml.ConfigurationError) as info:
        cls(**kwargs)
    assert isinstance(info.value, ValueError)
    assert next(iter(kwargs)) in str(info.value)


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("CML_BASE_URL", "cml.test"),
        ("CML_TIMEOUT", "-3"),
        ("CML_TIMEOUT", "soon"),
        ("CML_MAX_RETRIES", "2.5"),
        ("CML_VERIFY_SSL", "maybe"),
    ],
)
def test_invalid_environment_fails_at_construction_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, cls: Any, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(cml.ConfigurationError, match=var):
        cls()


def test_invalid_env_file_value_names_the_file(cls: Any) -> None:
    _write_env_file("CML_TIMEOUT=-1\n")
    with pytest.raises(cml.ConfigurationError, match=r"\.env"):
        cls()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_key": "another-key"},
        {"base_url": "http://other.test"},
        {"tenant_id": "t"},
        {"timeout": 5.0},
        {"max_retries": 1},
        {"retry_delay": 0.1},
        {"verify_ssl": False},
        {"admin_api_key": "admin"},
        {"default_headers": {"X-Trace": "1"}},
    ],
    ids=lambda kw: next(iter(kw)),
)
def test_config_with_other_settings_is_refused(cls: Any, kwargs: dict[str, Any]) -> None:
    config = cml.CMLConfig(base_url="http://cfg.test")
    with pytest.raises(cml.ConfigurationError, match="config="):
        cls(config=config, **kwargs)


async def test_config_alone_is_used_as_is(monkeypatch: pytest.MonkeyPatch, cls: Any) -> None:
    monkeypatch.setenv("CML_BASE_URL", "http://env.test")
    monkeypatch.setenv("CML_API_KEY", "env-key")
    config = cml.CMLConfig(
        base_url="http://cfg.test", api_key="cfg-key", admin_api_key="cfg-admin", tenant_id="cfg"
    )
    with respx.mock(base_url="http://cfg.test") as api:
        route = api.get("/api/v1/memory/stats").mock(
            return_value=httpx.Response(401, json={"detail": "Invalid API key"})
        )
        client = cls(config=config, http_client=None)
        try:
            assert client.config is config
            with pytest.raises(cml.AuthenticationError):
                await run(client.stats())
        finally:
            await run(client.close())
    # Tenant "cfg" is reached with the admin key, the only one the server honours it for.
    assert route.calls[0].request.headers["X-API-Key"] == "cfg-admin"
    assert route.calls[0].request.headers["X-Tenant-ID"] == "cfg"
