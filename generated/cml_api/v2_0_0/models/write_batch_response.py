from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

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
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        chunks_created = self.chunks_created

        message = self.message

        turns_processed = self.turns_processed

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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        success = d.pop("success")

        chunks_created = d.pop("chunks_created", UNSET)

        message = d.pop("message", UNSET)

        turns_processed = d.pop("turns_processed", UNSET)

        write_batch_response = cls(
            success=success,
            chunks_created=chunks_created,
            message=message,
            turns_processed=turns_processed,
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
