import os
from pathlib import Path

import attrs
import pytest

from cml._config import ENV_VARS, CMLConfig, _parse_env_file
from cml._constants import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_DELAY,
    DEFAULT_TENANT_ID,
    DEFAULT_TIMEOUT,
)
from cml._exceptions import ConfigurationError

KEY = "sk-live-0123456789"
ADMIN_KEY = "sk-admin-abcdef"


def resolve(**kwargs: object) -> CMLConfig:
    """`CMLConfig.resolve` reading nothing from the real environment or working directory."""
    kwargs.setdefault("env", {})
    kwargs.setdefault("env_file", False)
    return CMLConfig.resolve(**kwargs)  # type: ignore[arg-type]


def write_env(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    config = resolve()
    assert config == CMLConfig()
    assert config.api_key is None
    assert config.admin_api_key is None
    assert config.base_url == DEFAULT_BASE_URL
    assert config.tenant_id == DEFAULT_TENANT_ID
    assert config.timeout == DEFAULT_TIMEOUT
    assert config.max_retries == DEFAULT_MAX_RETRIES
    assert config.retry_delay == DEFAULT_RETRY_DELAY
    assert config.verify_ssl is True
    assert config.default_headers == {}


def test_every_setting_is_read_from_the_environment() -> None:
    env = {
        "CML_API_KEY": KEY,
        "CML_ADMIN_API_KEY": ADMIN_KEY,
        "CML_BASE_URL": "https://cml.example.com/",
        "CML_TENANT_ID": "acme",
        "CML_TIMEOUT": "12.5",
        "CML_MAX_RETRIES": "0",
        "CML_RETRY_DELAY": "0.25",
        "CML_MAX_RETRY_DELAY": "4",
        "CML_VERIFY_SSL": "false",
        "CML_API_VERSION": "1.5.1",
    }
    assert set(env) == set(ENV_VARS.values())
    config = resolve(env=env)
    assert config == CMLConfig(
        api_key=KEY,
        admin_api_key=ADMIN_KEY,
        base_url="https://cml.example.com",
        tenant_id="acme",
        timeout=12.5,
        max_retries=0,
        retry_delay=0.25,
        max_retry_delay=4.0,
        verify_ssl=False,
        api_version="1.5.1",
    )


def test_precedence_argument_then_env_then_file_then_default(tmp_path: Path) -> None:
    env_file = write_env(
        tmp_path,
        "CML_API_KEY=file-key\nCML_TENANT_ID=file-tenant\nCML_TIMEOUT=3\nCML_MAX_RETRIES=7\n",
    )
    env = {"CML_API_KEY": "env-key", "CML_TENANT_ID": "env-tenant"}
    config = resolve(api_key="arg-key", env=env, env_file=env_file)
    assert config.api_key == "arg-key"  # argument beats environment and file
    assert config.tenant_id == "env-tenant"  # environment beats file
    assert config.timeout == 3.0  # file beats default
    assert config.max_retries == 7
    assert config.retry_delay == DEFAULT_RETRY_DELAY  # nobody set it


def test_empty_environment_values_count_as_unset(tmp_path: Path) -> None:
    env_file = write_env(tmp_path, "CML_TIMEOUT=9\n")
    config = resolve(env={"CML_TIMEOUT": "", "CML_API_KEY": "  "}, env_file=env_file)
    assert config.timeout == 9.0
    assert config.api_key is None


def test_dot_env_in_the_working_directory_is_read_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_env(tmp_path, "CML_TENANT_ID=from-dotenv\nCML_API_KEY=dotenv-key\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CML_API_KEY", raising=False)
    assert CMLConfig.resolve(env={}).tenant_id == "from-dotenv"
    assert CMLConfig.resolve(env={}, env_file=False).tenant_id == DEFAULT_TENANT_ID
    assert "CML_API_KEY" not in os.environ  # the file never leaks into the process environment


def test_no_dot_env_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert CMLConfig.resolve(env={}) == CMLConfig()


def test_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CML_TENANT_ID", "from-process")
    assert CMLConfig.resolve(env_file=False).tenant_id == "from-process"


def test_missing_explicit_env_file_fails(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="env_file"):
        resolve(env_file=tmp_path / "nope.env")


def test_env_file_syntax() -> None:
    text = "\n".join(
        [
            "\ufeff# a comment",
            "",
            "PLAIN=value",
            "export EXPORTED=yes",
            "  SPACED  =  padded  ",
            'DOUBLE="quoted # not a comment"',
            "SINGLE='single'  # trailing comment",
            "INLINE=bare # comment",
            "HASH=abc#def",
            "EQUALS=a=b",
            "EMPTY=",
            "not an assignment",
            "=novalue",
            'UNBALANCED="open',
        ]
    )
    assert _parse_env_file(text.removeprefix("\ufeff")) == {
        "PLAIN": "value",
        "EXPORTED": "yes",
        "SPACED": "padded",
        "DOUBLE": "quoted # not a comment",
        "SINGLE": "single",
        "INLINE": "bare",
        "HASH": "abc#def",
        "EQUALS": "a=b",
        "EMPTY": "",
        "UNBALANCED": '"open',
    }


def test_env_file_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "settings.env"
    path.write_bytes(b"\xef\xbb\xbfCML_TENANT_ID=bom\r\nCML_TIMEOUT='4'\r\n")
    config = resolve(env_file=path)
    assert config.tenant_id == "bom"
    assert config.timeout == 4.0


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("http://localhost:8000/", "http://localhost:8000"),
        ("http://localhost:8000/api/v1", "http://localhost:8000"),
        ("http://localhost:8000/api/v1/", "http://localhost:8000"),
        ("https://proxy.example.com/cml/api/v1", "https://proxy.example.com/cml"),
        ("HTTPS://Example.com", "https://Example.com"),
        ("  http://[::1]:8000  ", "http://[::1]:8000"),
    ],
)
def test_base_url_is_normalised(given: str, stored: str) -> None:
    assert resolve(base_url=given).base_url == stored
    assert resolve(env={"CML_BASE_URL": given}).base_url == stored
    assert CMLConfig(base_url=given).base_url == stored


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("base_url", "localhost:8000"),
        ("base_url", "ftp://example.com"),
        ("base_url", "http://"),
        ("base_url", "http://host:99999"),
        ("base_url", "http://host:port"),
        ("base_url", "http://host?x=1"),
        ("tenant_id", ""),
        ("tenant_id", "two words"),
        ("timeout", 0),
        ("timeout", -1.0),
        ("timeout", float("nan")),
        ("timeout", float("inf")),
        ("timeout", True),
        ("max_retries", -1),
        ("max_retries", 1.5),
        ("max_retries", True),
        ("retry_delay", -0.1),
        ("verify_ssl", "yes"),
    ],
)
def test_invalid_argument_names_setting_and_source(setting: str, value: object) -> None:
    with pytest.raises(ConfigurationError, match=f"Invalid {setting} from argument") as info:
        resolve(**{setting: value})
    assert repr(value) in str(info.value)
    with pytest.raises(ConfigurationError, match=f"Invalid {setting} from argument"):
        CMLConfig(**{setting: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("var", "text", "setting"),
    [
        ("CML_TIMEOUT", "abc", "timeout"),
        ("CML_TIMEOUT", "-1", "timeout"),
        ("CML_TIMEOUT", "0", "timeout"),
        ("CML_MAX_RETRIES", "three", "max_retries"),
        ("CML_MAX_RETRIES", "1.5", "max_retries"),
        ("CML_MAX_RETRIES", "-2", "max_retries"),
        ("CML_RETRY_DELAY", "fast", "retry_delay"),
        ("CML_VERIFY_SSL", "maybe", "verify_ssl"),
        ("CML_BASE_URL", "localhost:8000", "base_url"),
        ("CML_TENANT_ID", "a b", "tenant_id"),
    ],
)
def test_invalid_environment_value_names_variable(
    var: str, text: str, setting: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve(env={var: text})
    message = str(info.value)
    assert f"Invalid {setting} from environment variable {var}" in message
    assert text in message

    env_file = write_env(tmp_path, f"{var}={text}\n")
    with pytest.raises(ConfigurationError, match=f"Invalid {setting} from {var} in .*\\.env"):
        resolve(env_file=env_file)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("0", False), ("true", True), ("FALSE", False), ("Yes", True), ("no", False)],
)
def test_verify_ssl_words(text: str, expected: bool) -> None:
    assert resolve(env={"CML_VERIFY_SSL": text}).verify_ssl is expected


def test_numbers_are_stored_as_floats() -> None:
    config = resolve(timeout=5, retry_delay=0)
    assert isinstance(config.timeout, float)
    assert isinstance(config.retry_delay, float)


def test_max_retries_none_is_a_type_error_that_says_pass_zero() -> None:
    with pytest.raises(TypeError, match="max_retries=0"):
        CMLConfig(max_retries=None)  # type: ignore[arg-type]
    assert resolve(max_retries=None).max_retries == DEFAULT_MAX_RETRIES  # None: not given


@pytest.mark.parametrize("bad_key", ["", "has space", "new\nline", "ключ"])
def test_invalid_key_is_rejected_without_echoing_it(bad_key: str) -> None:
    with pytest.raises(ConfigurationError, match="Invalid api_key from argument") as info:
        CMLConfig(api_key=bad_key)
    if bad_key:
        assert bad_key not in str(info.value)
    with pytest.raises(ConfigurationError, match="Invalid admin_api_key from environment"):
        resolve(env={"CML_ADMIN_API_KEY": f"x{bad_key}y z"})


def test_repr_and_str_never_show_keys() -> None:
    config = resolve(api_key=KEY, admin_api_key=ADMIN_KEY, default_headers={"X-Token": "tok"})
    for text in (repr(config), str(config)):
        assert KEY not in text
        assert ADMIN_KEY not in text
        assert "tok'" not in text
        assert "api_key='***'" in text
        assert "admin_api_key='***'" in text
        assert "X-Token" in text
    assert "api_key=None" in repr(resolve())


def test_config_is_frozen_hashable_and_evolvable() -> None:
    config = resolve(api_key=KEY, default_headers={"X-Trace": "1"})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.timeout = 1.0  # type: ignore[misc]
    assert hash(config) == hash(resolve(api_key=KEY, default_headers={"X-Trace": "1"}))
    assert attrs.evolve(config, timeout=2.0).timeout == 2.0
    with pytest.raises(ConfigurationError, match="timeout"):
        attrs.evolve(config, timeout=-2.0)


def test_default_headers_are_a_read_only_copy() -> None:
    headers = {"X-Trace": "1"}
    config = resolve(default_headers=headers)
    headers["X-Trace"] = "2"
    assert config.default_headers == {"X-Trace": "1"}
    with pytest.raises(TypeError):
        config.default_headers["X-Other"] = "x"  # type: ignore[index]
    with pytest.raises(ConfigurationError, match="default_headers"):
        resolve(default_headers={"X-Count": 1})


def test_configuration_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="timeout"):
        resolve(timeout=-1)
