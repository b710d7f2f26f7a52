from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProcessTurnResponse")


@_attrs_define
class ProcessTurnResponse:
    """What the server recalled and stored for a turn."""

    memories_retrieved: int
    """ How many memories went into `memory_context`. """
    memories_stored: int
    """ How many new memories the turn produced. """
    memory_context: str
    """ Recalled memories rendered as Markdown, ready for the next prompt. """
    reconsolidation_applied: bool | Unset = False
    """ True when recalled memories were revised in the light of this turn. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        memories_retrieved = self.memories_retrieved

        memories_stored = self.memories_stored

        memory_context = self.memory_context

        reconsolidation_applied = self.reconsolidation_applied

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "memories_retrieved": memories_retrieved,
                "memories_stored": memories_stored,
                "memory_context": memory_context,
            }
        )
        if reconsolidation_applied is not UNSET:
            field_dict["reconsolidation_applied"] = reconsolidation_applied

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        memories_retrieved = d.pop("memories_retrieved")

        memories_stored = d.pop("memories_stored")

        memory_context = d.pop("memory_context")

        reconsolidation_applied = d.pop("reconsolidation_applied", UNSET)

        process_turn_response = cls(
            memories_retrieved=memories_retrieved,
            memories_stored=memories_stored,
            memory_context=memory_context,
            reconsolidation_applied=reconsolidation_applied,
        )

        process_turn_response.additional_properties = d
        return process_turn_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
