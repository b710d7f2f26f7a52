from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RateLimitEntry")


@_attrs_define
class RateLimitEntry:
    """One rate-limit counter."""

    identifier: str
    """ Which key or tenant the counter belongs to. """
    key_type: str
    """ What the counter is kept for (for example an API key or a tenant). """
    current_count: int | Unset = 0
    """ Requests counted in the current window. """
    limit: int | Unset = 60
    """ Requests allowed per window. """
    ttl_seconds: int | Unset = -1
    """ Seconds until the window resets; -1 when unknown. """
    utilization_pct: float | Unset = 0.0
    """ `current_count` as a percentage of `limit`. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        identifier = self.identifier

        key_type = self.key_type

        current_count = self.current_count

        limit = self.limit

        ttl_seconds = self.ttl_seconds

        utilization_pct = self.utilization_pct

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "identifier": identifier,
                "key_type": key_type,
            }
        )
        if current_count is not UNSET:
            field_dict["current_count"] = current_count
        if limit is not UNSET:
            field_dict["limit"] = limit
        if ttl_seconds is not UNSET:
            field_dict["ttl_seconds"] = ttl_seconds
        if utilization_pct is not UNSET:
            field_dict["utilization_pct"] = utilization_pct

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identifier = d.pop("identifier")

        key_type = d.pop("key_type")

        current_count = d.pop("current_count", UNSET)

        limit = d.pop("limit", UNSET)

        ttl_seconds = d.pop("ttl_seconds", UNSET)

        utilization_pct = d.pop("utilization_pct", UNSET)

        rate_limit_entry = cls(
            identifier=identifier,
            key_type=key_type,
            current_count=current_count,
            limit=limit,
            ttl_seconds=ttl_seconds,
            utilization_pct=utilization_pct,
        )

        rate_limit_entry.additional_properties = d
        return rate_limit_entry

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
