from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="WriteBatchResponse")


@_attrs_define
class WriteBatchResponse:
    """Outcome of a batch write."""

    success: bool
    """ True when the batch was processed. """
    chunks_created: int | Unset = 0
    """ How many memories were stored across all turns. """
    message: str | Unset = ""
    """ Human-readable remark from the server. """
    turns_processed: int | Unset = 0
    """ How many turns were handled. """
    memory_ids: list[None | UUID] | Unset = UNSET
    """ One entry per turn, in order, when the server reports them (py-cml's own server does; the CML server does
    not). The id of the memory the turn stored, or null when it stored nothing new (an equivalent memory existed and
    was reinforced). """
    chunks_per_turn: list[int] | Unset = UNSET
    """ One entry per turn, in order, when the server reports them (py-cml's own server does). How many memories
    (chunks) the turn created; 0 for a duplicate. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        chunks_created = self.chunks_created

        message = self.message

        turns_processed = self.turns_processed

        memory_ids: list[None | str] | Unset = UNSET
        if not isinstance(self.memory_ids, Unset):
            memory_ids = []
            for memory_ids_item_data in self.memory_ids:
                memory_ids_item: None | str
                if isinstance(memory_ids_item_data, UUID):
                    memory_ids_item = str(memory_ids_item_data)
                else:
                    memory_ids_item = memory_ids_item_data
                memory_ids.append(memory_ids_item)

        chunks_per_turn: list[int] | Unset = UNSET
        if not isinstance(self.chunks_per_turn, Unset):
            chunks_per_turn = self.chunks_per_turn

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
            }
        )
        if chunks_created is not UNSET:
            field_dict["chunks_created"] = chunks_created
        if message is not UNSET:
            field_dict["message"] = message
        if turns_processed is not UNSET:
            field_dict["turns_processed"] = turns_processed
        if memory_ids is not UNSET:
            field_dict["memory_ids"] = memory_ids
        if chunks_per_turn is not UNSET:
            field_dict["chunks_per_turn"] = chunks_per_turn

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        success = d.pop("success")

        chunks_created = d.pop("chunks_created", UNSET)

        message = d.pop("message", UNSET)

        turns_processed = d.pop("turns_processed", UNSET)

        _memory_ids = d.pop("memory_ids", UNSET)
        memory_ids: list[None | UUID] | Unset = UNSET
        if _memory_ids is not UNSET:
            memory_ids = []
            for memory_ids_item_data in _memory_ids:

                def _parse_memory_ids_item(data: object) -> None | UUID:
                    if data is None:
                        return data
                    try:
                        if not isinstance(data, str):
                            raise TypeError()
                        memory_ids_item_type_0 = UUID(data)

                        return memory_ids_item_type_0
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    return cast(None | UUID, data)

                memory_ids_item = _parse_memory_ids_item(memory_ids_item_data)

                memory_ids.append(memory_ids_item)

        chunks_per_turn = cast(list[int], d.pop("chunks_per_turn", UNSET))

        write_batch_response = cls(
            success=success,
            chunks_created=chunks_created,
            message=message,
            turns_processed=turns_processed,
            memory_ids=memory_ids,
            chunks_per_turn=chunks_per_turn,
        )

        write_batch_response.additional_properties = d
        return write_batch_response

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
