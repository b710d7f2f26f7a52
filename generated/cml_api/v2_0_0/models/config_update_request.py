from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.config_update_request_updates import ConfigUpdateRequestUpdates


T = TypeVar("T", bound="ConfigUpdateRequest")


@_attrs_define
class ConfigUpdateRequest:
    """New values for editable settings."""

    updates: ConfigUpdateRequestUpdates | Unset = UNSET
    """ Setting name to new value. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        updates: dict[str, Any] | Unset = UNSET
        if not isinstance(self.updates, Unset):
            updates = self.updates.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if updates is not UNSET:
            field_dict["updates"] = updates

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.config_update_request_updates import ConfigUpdateRequestUpdates  # noqa: PLC0415

        d = dict(src_dict)
        _updates = d.pop("updates", UNSET)
        updates: ConfigUpdateRequestUpdates | Unset
        if isinstance(_updates, Unset):
            updates = UNSET
        else:
            updates = ConfigUpdateRequestUpdates.from_dict(_updates)

        config_update_request = cls(
            updates=updates,
        )

        config_update_request.additional_properties = d
        return config_update_request

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
