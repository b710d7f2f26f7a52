"""
Client settings: explicit argument, then environment, then a `.env` file, then the default.

Every value is checked when the config is built. A bad one fails at once, with a message naming
the setting and where it came from, rather than as an obscure error on the first request.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit, urlunsplit

import attrs

from ._constants import (
    API_PREFIX,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_DELAY,
    DEFAULT_TENANT_ID,
    DEFAULT_TIMEOUT,
    MAX_RETRY_DELAY,
)
from ._exceptions import ConfigurationError
from ._logging import MASK
from ._releases import DEFAULT_RELEASE, SUPPORTED_RELEASES

__all__ = ["ENV_VARS", "CMLConfig"]

T = TypeVar("T")

ENV_VARS: Mapping[str, str] = MappingProxyType(
    {
        "api_key": "CML_API_KEY",
        "admin_api_key": "CML_ADMIN_API_KEY",
        "base_url": "CML_BASE_URL",
        "tenant_id": "CML_TENANT_ID",
        "timeout": "CML_TIMEOUT",
        "max_retries": "CML_MAX_RETRIES",
        "retry_delay": "CML_RETRY_DELAY",
        "max_retry_delay": "CML_MAX_RETRY_DELAY",
        "verify_ssl": "CML_VERIFY_SSL",
        "api_version": "CML_API_VERSION",
    }
)
"""The environment variable behind each setting."""

_ARGUMENT = "argument"
_BOOLEANS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
# Keys and the tenant id travel as header values: visible ASCII only, no spaces.
_HEADER_TOKEN = re.compile(r"[\x21-\x7e]+")


def _invalid(setting: str, source: str, expected: str) -> ConfigurationError:
    return ConfigurationError(f"Invalid {setting} from {source}: expected {expected}.")


# Checks: each takes (setting, value, source), raises ConfigurationError naming all three, and
# returns the value as stored. `resolve` runs them with the real source; the attrs validators and
# converters run them again with source "argument" for direct construction.


def _check_key(setting: str, value: object, source: str) -> str | None:
    # The value never appears in the message: it may be a real key with a typo.
    if value is None:
        return None
    if not isinstance(value, str) or not _HEADER_TOKEN.fullmatch(value):
        raise _invalid(
            setting, source, "a non-empty string of visible ASCII characters without spaces"
        )
    return value


def _check_base_url(setting: str, value: object, source: str) -> str:
    expected = f"an http:// or https:// URL with a host, such as {DEFAULT_BASE_URL!r}"
    if not isinstance(value, str):
        raise _invalid(setting, source, f"{expected}, got {value!r}")
    parts = urlsplit(value.strip())
    try:
        parts.port  # noqa: B018 - parsing the port is what validates it
    except ValueError:
        raise _invalid(setting, source, f"{expected} and a valid port, got {value!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid(setting, source, f"{expected}, got {value!r}")
    if parts.query or parts.fragment:
        raise _invalid(setting, source, f"a URL without query or fragment, got {value!r}")
    # Stored without the API prefix, which the clients add; users often paste it in.
    path = parts.path.rstrip("/")
    path = path.removesuffix(API_PREFIX).rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _check_tenant_id(setting: str, value: object, source: str) -> str:
    if not isinstance(value, str) or not _HEADER_TOKEN.fullmatch(value):
        raise _invalid(
            setting,
            source,
            f"a non-empty string of visible ASCII characters without spaces, got {value!r}",
        )
    return value


def _check_api_version(setting: str, value: object, source: str) -> str:
    if not isinstance(value, str) or value not in SUPPORTED_RELEASES:
        raise _invalid(
            setting,
            source,
            f"a supported CML server release ({', '.join(SUPPORTED_RELEASES)}), got {value!r}",
        )
    return value


def _check_timeout(setting: str, value: object, source: str) -> float:
    seconds = _finite_number(value)
    if seconds is None or seconds <= 0:
        raise _invalid(setting, source, f"a number of seconds > 0, got {value!r}")
    return seconds


def _check_retry_delay(setting: str, value: object, source: str) -> float:
    seconds = _finite_number(value)
    if seconds is None or seconds < 0:
        raise _invalid(setting, source, f"a number of seconds >= 0, got {value!r}")
    return seconds


def _finite_number(value: object) -> float | None:
    """`value` as a float when it is a finite int or float (bools excluded), else `None`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _check_max_retries(setting: str, value: object, source: str) -> int:
    if value is None:
        raise TypeError(f"{setting} cannot be None; pass {setting}=0 to turn retries off.")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _invalid(setting, source, f"an integer >= 0, got {value!r}")
    return value


def _check_verify_ssl(setting: str, value: object, source: str) -> bool:
    if not isinstance(value, bool):
        raise _invalid(setting, source, f"True or False, got {value!r}")
    return value


def _check_headers(setting: str, value: object, source: str) -> Mapping[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _invalid(setting, source, "a mapping of header names to string values")
    return MappingProxyType(dict(value))


# Parsers for text from the environment or a .env file, before the checks run.


def _parse_float(setting: str, text: str, source: str) -> object:
    try:
        return float(text)
    except ValueError:
        raise _invalid(setting, source, f"a number of seconds, got {text!r}") from None


def _parse_int(setting: str, text: str, source: str) -> object:
    try:
        return int(text)
    except ValueError:
        raise _invalid(setting, source, f"a whole number, got {text!r}") from None


def _parse_bool(setting: str, text: str, source: str) -> object:
    try:
        return _BOOLEANS[text.lower()]
    except KeyError:
        raise _invalid(setting, source, f"one of 1/0/true/false/yes/no, got {text!r}") from None


def _validator(
    check: Callable[[str, object, str], object],
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """An attrs validator running `check` for a value passed to the constructor."""

    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        check(attribute.name, value, _ARGUMENT)

    return validate


def _base_url_argument(value: str) -> str:
    return _check_base_url("base_url", value, _ARGUMENT)


def _headers_argument(value: Mapping[str, str]) -> Mapping[str, str]:
    return _check_headers("default_headers", value, _ARGUMENT)


def _masked(value: str | None) -> str:
    return "None" if value is None else repr(MASK)


def _masked_headers(value: Mapping[str, str]) -> str:
    # Header values can be credentials too (a proxy's token, say); names are enough to debug.
    return repr(dict.fromkeys(value, MASK))


@attrs.frozen
class CMLConfig:
    """
    Everything a client needs to reach a CML server, checked and immutable.

    Build it with `CMLConfig.resolve(...)`, which fills what is not given from the environment,
    a `.env` file and the defaults. The keys never appear in `repr()` or `str()`.
    """

    api_key: str | None = attrs.field(default=None, validator=_validator(_check_key), repr=_masked)
    admin_api_key: str | None = attrs.field(
        default=None, validator=_validator(_check_key), repr=_masked
    )
    base_url: str = attrs.field(default=DEFAULT_BASE_URL, converter=_base_url_argument)
    tenant_id: str = attrs.field(default=DEFAULT_TENANT_ID, validator=_validator(_check_tenant_id))
    timeout: float = attrs.field(default=DEFAULT_TIMEOUT, validator=_validator(_check_timeout))
    max_retries: int = attrs.field(
        default=DEFAULT_MAX_RETRIES, validator=_validator(_check_max_retries)
    )
    retry_delay: float = attrs.field(
        default=DEFAULT_RETRY_DELAY, validator=_validator(_check_retry_delay)
    )
    #: The longest backoff wait between retries, in seconds (a server's Retry-After aside).
    max_retry_delay: float = attrs.field(
        default=MAX_RETRY_DELAY, validator=_validator(_check_retry_delay)
    )
    verify_ssl: bool = attrs.field(default=True, validator=_validator(_check_verify_ssl))
    #: The CML server release the client speaks (its routes, fields and checks).
    api_version: str = attrs.field(
        default=DEFAULT_RELEASE, validator=_validator(_check_api_version)
    )
    # Not hashed: the read-only mapping is not hashable, and equal configs still hash equal.
    default_headers: Mapping[str, str] = attrs.field(
        factory=dict, converter=_headers_argument, repr=_masked_headers, hash=False
    )

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | None = None,
        admin_api_key: str | None = None,
        base_url: str | None = None,
        tenant_id: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_delay: float | None = None,
        verify_ssl: bool | None = None,
        default_headers: Mapping[str, str] | None = None,
        api_version: str | None = None,
        max_retry_delay: float | None = None,
        env: Mapping[str, str] | None = None,
        env_file: str | os.PathLike[str] | Literal[False] | None = None,
    ) -> CMLConfig:
        """
        A config from explicit arguments, falling back to the environment, a `.env` file and
        the defaults, in that order.

        **Parameters:**

        * **env** - *(optional)* the environment to read; `os.environ` when omitted.
        * **env_file** - *(optional)* a `.env` file to read; by default `.env` in the current
          directory when there is one; `False` reads none. The file never changes `os.environ`.

        An argument left as `None` means "not given". Empty environment values count as unset.
        Raises `ConfigurationError` naming the bad setting and its source.
        """
        sources = _Sources(os.environ if env is None else env, *read_env_file(env_file))
        return cls(
            api_key=sources.pick("api_key", api_key, _check_key, None),
            admin_api_key=sources.pick("admin_api_key", admin_api_key, _check_key, None),
            base_url=sources.pick("base_url", base_url, _check_base_url, DEFAULT_BASE_URL),
            tenant_id=sources.pick("tenant_id", tenant_id, _check_tenant_id, DEFAULT_TENANT_ID),
            timeout=sources.pick(
                "timeout", timeout, _check_timeout, DEFAULT_TIMEOUT, parse=_parse_float
            ),
            max_retries=sources.pick(
                "max_retries",
                max_retries,
                _check_max_retries,
                DEFAULT_MAX_RETRIES,
                parse=_parse_int,
            ),
            retry_delay=sources.pick(
                "retry_delay",
                retry_delay,
                _check_retry_delay,
                DEFAULT_RETRY_DELAY,
                parse=_parse_float,
            ),
            max_retry_delay=sources.pick(
                "max_retry_delay",
                max_retry_delay,
                _check_retry_delay,
                MAX_RETRY_DELAY,
                parse=_parse_float,
            ),
            verify_ssl=sources.pick(
                "verify_ssl", verify_ssl, _check_verify_ssl, True, parse=_parse_bool
            ),
            default_headers={} if default_headers is None else default_headers,
            api_version=sources.pick(
                "api_version", api_version, _check_api_version, DEFAULT_RELEASE
            ),
        )


@attrs.frozen
class _Sources:
    """Where `resolve` looks for a setting that was not passed as an argument."""

    env: Mapping[str, str]
    file_values: Mapping[str, str]
    file_label: str

    def pick(
        self,
        setting: str,
        argument: object,
        check: Callable[[str, object, str], T],
        default: T,
        parse: Callable[[str, str, str], object] | None = None,
    ) -> T:
        """The first of argument, environment, file that is set, checked; else `default`."""
        if argument is not None:
            return check(setting, argument, _ARGUMENT)
        var = ENV_VARS[setting]
        for values, source in (
            (self.env, f"environment variable {var}"),
            (self.file_values, f"{var} in {self.file_label}"),
        ):
            text = values.get(var, "").strip()
            if text:
                return check(setting, parse(setting, text, source) if parse else text, source)
        return default


def read_env_file(
    env_file: str | os.PathLike[str] | Literal[False] | None,
) -> tuple[Mapping[str, str], str]:
    """The variables of the `.env` file to use (none when there is none) and its label."""
    if env_file is False:
        return {}, ""
    path = Path(".env" if env_file is None else env_file)
    if env_file is None and not path.is_file():
        return {}, ""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigurationError(f"Cannot read env_file {str(path)!r}: {exc.strerror}.") from None
    return _parse_env_file(text), str(path)


def _parse_env_file(text: str) -> dict[str, str]:
    """
    The `KEY=VALUE` pairs of a `.env` file's text, read the simple way.

    Understood: blank lines, `#` comments (whole-line, or after whitespace in an unquoted value),
    an `export ` prefix, and values in single or double quotes (kept literally, no escapes or
    interpolation). Lines that are not assignments are skipped.
    """
    values: dict[str, str] = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        key = key.strip()
        if not sep or not key:
            continue
        value = value.strip()
        quote = value[:1]
        closing = value.find(quote, 1) if quote in ("'", '"') else -1
        if closing != -1:
            values[key] = value[1:closing]
        else:
            values[key] = re.split(r"\s#", value, maxsplit=1)[0].strip()
    return values
