from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateMemoryResponse")


@_attrs_define
class UpdateMemoryResponse:
    """Outcome of an update."""

    memory_id: UUID
    """ The memory that was changed. """
    success: bool
    """ True when the memory was changed. """
    version: int
    """ The memory's version after the change. """
    message: str | Unset = ""
    """ Human-readable remark from the server. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        memory_id = str(self.memory_id)

        success = self.success

        version = self.version

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "memory_id": memory_id,
                "success": success,
                "version": version,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        memory_id = UUID(d.pop("memory_id"))

        success = d.pop("success")

        version = d.pop("version")

        message = d.pop("message", UNSET)

        update_memory_response = cls(
            memory_id=memory_id,
            success=success,
            version=version,
            message=message,
        )

        update_memory_response.additional_properties = d
        return update_memory_response

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
