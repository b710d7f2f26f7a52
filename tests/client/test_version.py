"""Server releases: the client's pin, operations a release lacks, and telling a server's release
from its OpenAPI document (servers do not report it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import cml

from ._support import run

TIMESTAMP = "2026-11-21T19:22:08.356677"
LIVE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "live"
REFERENCE = LIVE.parent / "cml-server-1.5.1.openapi.json"


def live_document(release: str) -> dict[str, Any]:
    path = LIVE / f"cml-server-{release}.openapi.json"
    assert path.exists(), f"the live server documents are missing: {path}"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def health(**versions: str) -> httpx.Response:
    return httpx.Response(200, json={"status": "healthy", "timestamp": TIMESTAMP, **versions})


def serve_document(api: respx.MockRouter, document: Any, status: int = 200) -> respx.Route:
    api.get("/api/v1/health").mock(return_value=health())
    return api.get("/openapi.json").mock(return_value=httpx.Response(status, json=document))


def test_supported_releases_and_default_pin(make_client: Any) -> None:
    assert cml.__api_versions__ == ("1.5.1", "2.0.0")
    assert cml.__api_version__ == "2.0.0"
    assert make_client().api_version == "2.0.0"
    assert make_client(api_version="1.5.1").api_version == "1.5.1"


def test_pin_from_the_environment(make_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CML_API_VERSION", "1.5.1")
    assert make_client().api_version == "1.5.1"


def test_an_unsupported_pin_is_refused(make_client: Any) -> None:
    with pytest.raises(cml.ConfigurationError, match=r"1\.5\.1, 2\.0\.0"):
        make_client(api_version="3.1.4")


@pytest.mark.parametrize(("pin", "status"), [("2.0.0", "match"), ("1.5.1", "mismatch")])
async def test_a_live_2_0_0_document_is_told_apart(
    make_client: Any, api: respx.MockRouter, pin: str, status: str
) -> None:
    route = serve_document(api, live_document("2.0.0"))
    check = await run(make_client(api_version=pin).check_server())
    assert route.call_count == 1
    assert (check.server_api_version, check.client_api_version) == ("2.0.0", pin)
    assert check.status == status
    assert check.compatible is (status == "match")


@pytest.mark.parametrize(("pin", "status"), [("1.5.1", "match"), ("2.0.0", "mismatch")])
async def test_a_live_1_5_1_document_is_told_apart(
    make_client: Any, api: respx.MockRouter, pin: str, status: str
) -> None:
    serve_document(api, live_document("1.5.1"))
    check = await run(make_client(api_version=pin).check_server())
    assert check.server_api_version == "1.5.1"
    assert check.status == status


async def test_strict_raises_on_another_release(make_client: Any, api: respx.MockRouter) -> None:
    serve_document(api, live_document("1.5.1"))
    with pytest.raises(cml.VersionMismatchError) as info:
        await run(make_client().check_server(strict=True))
    assert "1.5.1" in str(info.value)
    assert "2.0.0" in str(info.value)
    assert "CML_API_VERSION" in (info.value.hint or "")


async def test_strict_passes_on_the_pinned_release(make_client: Any, api: respx.MockRouter) -> None:
    serve_document(api, live_document("2.0.0"))
    check = await run(make_client().check_server(strict=True))
    assert check.status == "match"


async def test_an_unknown_document_names_the_closest_release_and_the_differences(
    make_client: Any, api: respx.MockRouter
) -> None:
    document = live_document("2.0.0")
    del document["paths"]["/api/v1/dashboard/sessions"]
    document["components"]["schemas"]["MemoryItem"]["properties"]["mood"] = {"type": "string"}
    serve_document(api, document)
    check = await run(make_client().check_server(strict=True))  # unknown never raises
    assert check.status == "unknown"
    assert check.server_api_version is None
    assert check.closest == "2.0.0"
    assert check.differences == (
        "missing operation GET /api/v1/dashboard/sessions",
        "extra field MemoryItem.mood",
    )
    assert "closest 2.0.0" in check.message
    assert "MemoryItem.mood" in check.message


async def test_no_document_and_no_reported_release_is_unknown(
    make_client: Any, api: respx.MockRouter
) -> None:
    serve_document(api, {"detail": "Not Found"}, status=404)
    check = await run(make_client().check_server(strict=True))
    assert check.status == "unknown"
    assert "serves no OpenAPI document" in check.message


async def test_no_document_falls_back_to_a_reported_release(
    make_client: Any, api: respx.MockRouter
) -> None:
    api.get("/api/v1/health").mock(return_value=health(version="0.1.0", api_version="1.5.1"))
    api.get("/openapi.json").mock(return_value=httpx.Response(404))
    check = await run(make_client().check_server())
    assert (check.server_api_version, check.status) == ("1.5.1", "mismatch")


async def test_health_failure_propagates(make_client: Any, api: respx.MockRouter) -> None:
    client = make_client(max_retries=0)
    api.get("/api/v1/health").mock(return_value=httpx.Response(503, json={"detail": "down"}))
    with pytest.raises(cml.ServerError):
        await run(client.check_server())


@pytest.mark.parametrize(
    ("pin", "method", "available"),
    [("2.0.0", "get_events", ("1.5.1",)), ("1.5.1", "consolidation_status", ("2.0.0",))],
)
async def test_an_operation_the_pinned_release_lacks_raises_before_sending(
    make_client: Any, api: respx.MockRouter, pin: str, method: str, available: tuple[str, ...]
) -> None:
    anything = api.route().mock(return_value=httpx.Response(200, json={}))
    client = make_client(api_version=pin)
    with pytest.raises(cml.UnsupportedOperationError) as info:
        await run(getattr(client, method)())
    error = info.value
    assert anything.call_count == 0
    assert (error.method, error.api_version, error.available_in) == (method, pin, available)
    assert f"{method}()" in str(error)
    assert pin in str(error)
    assert available[0] in str(error)


async def test_the_2_0_0_read_fields_reach_the_model(
    make_client: Any, api: respx.MockRouter
) -> None:
    answer = {
        "query": "q",
        "memories": [],
        "total_count": 0,
        "elapsed_ms": 1.0,
        "sufficiency": {"sufficient": False},
        "warnings": ["stale"],
        "open_questions": ["which city?"],
    }
    api.post("/api/v1/memory/read").mock(return_value=httpx.Response(200, json=answer))
    latest = await run(make_client().read("q"))
    assert latest.sufficiency == {"sufficient": False}
    assert latest.warnings == ("stale",)
    assert latest.open_questions == ("which city?",)
    older = await run(make_client(api_version="1.5.1").read("q"))
    assert (older.sufficiency, older.warnings, older.open_questions) == (None, None, None)
