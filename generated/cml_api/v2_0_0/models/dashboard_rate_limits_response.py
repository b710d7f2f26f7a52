from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rate_limit_entry import RateLimitEntry


T = TypeVar("T", bound="DashboardRateLimitsResponse")


@_attrs_define
class DashboardRateLimitsResponse:
    """All rate-limit counters."""

    entries: list[RateLimitEntry]
    configured_rpm: int | Unset = 60
    """ The configured limit, in requests per minute. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        configured_rpm = self.configured_rpm

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entries": entries,
            }
        )
        if configured_rpm is not UNSET:
            field_dict["configured_rpm"] = configured_rpm

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_limit_entry import RateLimitEntry  # noqa: PLC0415

        d = dict(src_dict)
        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = RateLimitEntry.from_dict(entries_item_data)

            entries.append(entries_item)

        configured_rpm = d.pop("configured_rpm", UNSET)

        dashboard_rate_limits_response = cls(
            entries=entries,
            configured_rpm=configured_rpm,
        )

        dashboard_rate_limits_response.additional_properties = d
        return dashboard_rate_limits_response

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
