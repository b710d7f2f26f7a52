"""check_server(): the server's reported version against the API this client was generated for."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

import cml

from ._support import run

TIMESTAMP = "2026-11-21T19:22:08.356677"


def health(**versions: str) -> httpx.Response:
    return httpx.Response(200, json={"status": "healthy", "timestamp": TIMESTAMP, **versions})


def test_client_is_generated_for_1_5_1() -> None:
    assert cml.__api_version__ == "1.5.1"


@pytest.mark.parametrize("strict", [False, True])
async def test_no_version_is_unknown_never_an_error(
    client: Any, api: respx.MockRouter, strict: bool
) -> None:
    route = api.get("/api/v1/health").mock(return_value=health())
    check = await run(client.check_server(strict=strict))
    assert isinstance(check, cml.ServerCheck)
    assert check.status == "unknown"
    assert check.compatible is None
    assert check.server_version is None
    assert check.server_api_version is None
    assert check.client_api_version == "1.5.1"
    assert "unknown" in check.message
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("versions", "status", "compatible"),
    [
        ({"version": "1.5.1", "api_version": "1.5.1"}, "match", True),
        ({"api_version": "1.5.1"}, "match", True),
        ({"version": "1.9.0"}, "compatible", True),
        ({"version": "1.9.0", "api_version": "1.6.0"}, "compatible", True),
        ({"version": "2.0.0"}, "mismatch", False),
        ({"version": "1.5.1", "api_version": "2.0.0"}, "mismatch", False),
        ({"version": "0.9.0"}, "mismatch", False),
    ],
)
async def test_version_comparison(
    client: Any, api: respx.MockRouter, versions: dict[str, str], status: str, compatible: bool
) -> None:
    api.get("/api/v1/health").mock(return_value=health(**versions))
    check = await run(client.check_server())
    assert check.status == status
    assert check.compatible is compatible
    assert check.server_version == versions.get("version")
    assert check.server_api_version == versions.get("api_version")


async def test_strict_mismatch_raises(client: Any, api: respx.MockRouter) -> None:
    api.get("/api/v1/health").mock(return_value=health(version="2.0.0"))
    with pytest.raises(cml.VersionMismatchError) as info:
        await run(client.check_server(strict=True))
    assert "2.0.0" in str(info.value)
    assert "1.5.1" in str(info.value)
    assert info.value.hint


@pytest.mark.parametrize("version", ["1.5.1", "1.9.0"])
async def test_strict_compatible_does_not_raise(
    client: Any, api: respx.MockRouter, version: str
) -> None:
    api.get("/api/v1/health").mock(return_value=health(version=version))
    check = await run(client.check_server(strict=True))
    assert check.compatible is True


async def test_health_failure_propagates(make_client: Any, api: respx.MockRouter) -> None:
    client = make_client(max_retries=0)
    api.get("/api/v1/health").mock(return_value=httpx.Response(503, json={"detail": "down"}))
    with pytest.raises(cml.ServerError):
        await run(client.check_server())
