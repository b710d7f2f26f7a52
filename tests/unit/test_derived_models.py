"""The public dashboard/admin models derived from the generated ones: attribute access, no
UNSET, nested models, a dict view, the JSON as sent."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from cml import models
from cml.models._derive import wire_model

OVERVIEW = {
    "total_memories": 7,
    "by_type": {"semantic_fact": 4, "episodic_event": 3},
    "oldest_memory": "2026-11-21T19:22:08.356677",
    "a_field_from_a_newer_server": {"x": 1},
}


def _parse(name: str, payload: dict[str, object]) -> object:
    return wire_model(name).from_dict(payload)  # type: ignore[attr-defined]


def test_fields_are_attributes_with_plain_values() -> None:
    overview = models.DashboardOverview.from_wire(_parse("DashboardOverview", OVERVIEW))
    assert overview.total_memories == 7
    assert overview.by_type == {"semantic_fact": 4, "episodic_event": 3}  # a map model: a dict
    assert overview.oldest_memory == datetime(2026, 11, 21, 19, 22, 8, 356677, tzinfo=UTC)
    # Absent from the answer: the schema's default, or None, never the generated UNSET.
    assert overview.newest_memory is None
    assert overview.events_by_type is None
    assert overview.active_memories == 0
    assert all(type(v).__name__ != "Unset" for v in attrs.asdict(overview).values())


def test_models_are_frozen() -> None:
    overview = models.DashboardOverview.from_wire(_parse("DashboardOverview", OVERVIEW))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        overview.total_memories = 1


def test_the_dict_view_keeps_what_the_server_sent() -> None:
    overview = models.DashboardOverview.from_wire(_parse("DashboardOverview", OVERVIEW))
    assert overview["total_memories"] == 7
    assert overview["oldest_memory"] == "2026-11-21T19:22:08.356677"  # as sent
    assert overview.get("no_such_field", "absent") == "absent"
    assert overview["a_field_from_a_newer_server"] == {"x": 1}
    assert "a_field_from_a_newer_server" in overview
    assert dict(overview)["total_memories"] == 7
    assert overview.to_dict() == OVERVIEW  # the JSON as sent, unknown field included
    with pytest.raises(KeyError):
        overview["nope"]


def test_nested_models_get_their_public_classes() -> None:
    page = models.DashboardFactListResponse.from_wire(
        _parse(
            "FactListResponse",
            {
                "items": [
                    {
                        "id": "f1",
                        "tenant_id": "t",
                        "category": "preference",
                        "key": "user:food",
                        "value": "vegetarian",
                        "confidence": 0.9,
                        "evidence_count": 2,
                        "is_current": True,
                        "version": 1,
                    }
                ],
                "total": 1,
            },
        )
    )
    (fact,) = page.items
    assert isinstance(fact, models.DashboardFactItem)
    assert (fact.value, fact.created_at) == ("vegetarian", None)
    assert page["items"][0]["key"] == "user:food"  # the dict view is the JSON, nested too


def test_a_field_the_document_lacks_is_read_from_the_answer() -> None:
    # The live servers send ConfigItem.description; the API document has no such field.
    wire = _parse(
        "ConfigItem",
        {
            "key": "retrieval.top_k",
            "value": 10,
            "default_value": 10,
            "is_secret": False,
            "is_editable": True,
            "source": "default",
            "description": "How many memories a read returns.",
        },
    )
    item = models.ConfigItem.from_wire(wire)
    assert item.description == "How many memories a read returns."


def test_request_models_build_the_wire_json() -> None:
    request = models.ReadRequest(query="What does the user eat?", response_format="llm_context")
    assert request.to_dict() == {
        "query": "What does the user eat?",
        "format": "llm_context",
        "max_results": 10,
    }


def test_the_generated_models_are_reached_through_wire_model_only() -> None:
    # One place chooses the server release the public models follow (`_derive.wire_model`).
    package = Path(models.__file__).parent
    reaching = sorted(
        path.name
        for path in package.glob("*.py")
        if any(name in path.read_text(encoding="utf-8") for name in ("cml_api", "_releases"))
    )
    assert reaching == ["_derive.py"]
    source = (package / "_derive.py").read_text(encoding="utf-8")
    assert source.count("import_module(") == 1


def test_public_models_keep_the_fields_a_later_release_dropped() -> None:
    # 2.0.0 dropped the event counts from the overview; the public class follows the oldest
    # release that has the model, so a 1.5.1 server's answer keeps them.
    fields = {f.name for f in attrs.fields(models.DashboardOverview)}
    assert {"total_events", "events_by_type", "total_memories"} <= fields
