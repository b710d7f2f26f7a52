"""The OpenAPI Overlay 1.0 applier (generator/overlay.py): merge, append, remove, misses, errors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generator"))

import overlay  # noqa: E402


def make(*actions: dict[str, Any]) -> overlay.Overlay:
    return overlay.parse(
        {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)},
        source="test.yaml",
    )


DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "API", "version": "1.0.0"},
    "paths": {
        "/a": {"get": {"operationId": "a_long", "parameters": [{"name": "x", "in": "header"}]}},
        "/b": {
            "post": {
                "operationId": "b_long",
                "parameters": [{"name": "x", "in": "header"}, {"name": "y", "in": "query"}],
            }
        },
    },
}


def test_update_merges_objects_recursively_and_replaces_other_values() -> None:
    result, misses = overlay.apply(
        DOCUMENT,
        make(
            {
                "target": "$.info",
                "update": {"version": "2.0.0", "license": {"name": "GPL"}},
            },
            {"target": "$", "update": {"info": {"license": {"identifier": "GPL-3.0-only"}}}},
        ),
    )
    assert misses == []
    assert result["info"] == {
        "title": "API",
        "version": "2.0.0",
        "license": {"name": "GPL", "identifier": "GPL-3.0-only"},
    }
    assert DOCUMENT["info"] == {"title": "API", "version": "1.0.0"}  # the input is not changed


def test_update_on_an_array_appends_to_each_selected_array() -> None:
    result, _ = overlay.apply(
        DOCUMENT,
        make({"target": "$.paths.*.*.parameters", "update": {"name": "z", "in": "header"}}),
    )
    assert [p["name"] for p in result["paths"]["/a"]["get"]["parameters"]] == ["x", "z"]
    assert [p["name"] for p in result["paths"]["/b"]["post"]["parameters"]] == ["x", "y", "z"]


def test_filters_select_by_member_value() -> None:
    result, _ = overlay.apply(
        DOCUMENT,
        make({"target": "$.paths.*.*.parameters[?@.name=='x']", "update": {"description": "X"}}),
    )
    for path, method in (("/a", "get"), ("/b", "post")):
        params = result["paths"][path][method]["parameters"]
        assert [p.get("description") for p in params if p["name"] == "x"] == ["X"]
    assert "description" not in result["paths"]["/b"]["post"]["parameters"][1]


def test_remove_takes_every_selected_node_out() -> None:
    result, _ = overlay.apply(
        DOCUMENT,
        make(
            {"target": "$.paths.*.*.parameters[*]", "remove": True},
            {"target": "$.paths['/a']", "remove": True},
        ),
    )
    assert list(result["paths"]) == ["/b"]
    assert result["paths"]["/b"]["post"]["parameters"] == []


def test_actions_apply_in_order_each_to_what_the_last_left() -> None:
    result, misses = overlay.apply(
        DOCUMENT,
        make(
            {"target": "$.paths['/a'].get", "update": {"operationId": "a"}},
            {"target": "$.paths[?@.get.operationId=='a']", "update": {"x-seen": True}},
        ),
    )
    assert misses == []
    assert result["paths"]["/a"]["x-seen"] is True


def test_an_action_that_matches_nothing_is_reported_by_name() -> None:
    result, misses = overlay.apply(
        DOCUMENT,
        make(
            {"target": "$.info", "update": {"title": "T"}},
            {
                "target": "$.paths['/gone'].get",
                "description": "gone: GET /gone",
                "update": {"operationId": "gone"},
            },
        ),
    )
    assert result["info"]["title"] == "T"
    assert [str(m) for m in misses] == [
        "test.yaml action 2 (gone: GET /gone): target $.paths['/gone'].get matched nothing"
    ]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"overlay": "2.0.0", "info": {"title": "t", "version": "1"}, "actions": [{}]}, "version"),
        ({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [{}]}, "title and a version"),
        ({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": []}, "non-empty"),
        (
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "actions": [{"target": "$.paths[", "update": {}}],
            },
            "not valid JSONPath",
        ),
        (
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "actions": [{"target": "$.info"}],
            },
            "needs `update` or `remove: true`",
        ),
        (
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "actions": [{"target": "$.info", "update": {}, "merge": {}}],
            },
            "unknown fields",
        ),
    ],
)
def test_a_malformed_overlay_is_refused(document: dict[str, Any], message: str) -> None:
    with pytest.raises(overlay.OverlayError, match=message):
        overlay.parse(document)


def test_updating_a_scalar_or_removing_the_root_is_an_error() -> None:
    with pytest.raises(overlay.OverlayError, match="selects a str"):
        overlay.apply(DOCUMENT, make({"target": "$.info.title", "update": {"a": 1}}))
    with pytest.raises(overlay.OverlayError, match="cannot remove the document itself"):
        overlay.apply(DOCUMENT, make({"target": "$", "remove": True}))
