from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TenantInfo")


@_attrs_define
class TenantInfo:
    """A tenant and how much it holds."""

    tenant_id: str
    active_memory_count: int | Unset = 0
    event_count: int | Unset = 0
    fact_count: int | Unset = 0
    last_event_at: datetime.datetime | None | Unset = UNSET
    """ When the tenant's latest event was logged. """
    last_memory_at: datetime.datetime | None | Unset = UNSET
    """ When the tenant's latest memory was written. """
    memory_count: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tenant_id = self.tenant_id

        active_memory_count = self.active_memory_count

        event_count = self.event_count

        fact_count = self.fact_count

        last_event_at: None | str | Unset
        if isinstance(self.last_event_at, Unset):
            last_event_at = UNSET
        elif isinstance(self.last_event_at, datetime.datetime):
            last_event_at = self.last_event_at.isoformat()
        else:
            last_event_at = self.last_event_at

        last_memory_at: None | str | Unset
        if isinstance(self.last_memory_at, Unset):
            last_memory_at = UNSET
        elif isinstance(self.last_memory_at, datetime.datetime):
            last_memory_at = self.last_memory_at.isoformat()
        else:
            last_memory_at = self.last_memory_at

        memory_count = self.memory_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tenant_id": tenant_id,
            }
        )
        if active_memory_count is not UNSET:
            field_dict["active_memory_count"] = active_memory_count
        if event_count is not UNSET:
            field_dict["event_count"] = event_count
        if fact_count is not UNSET:
            field_dict["fact_count"] = fact_count
        if last_event_at is not UNSET:
            field_dict["last_event_at"] = last_event_at
        if last_memory_at is not UNSET:
            field_dict["last_memory_at"] = last_memory_at
        if memory_count is not UNSET:
            field_dict["memory_count"] = memory_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tenant_id = d.pop("tenant_id")

        active_memory_count = d.pop("active_memory_count", UNSET)

        event_count = d.pop("event_count", UNSET)

        fact_count = d.pop("fact_count", UNSET)

        def _parse_last_event_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_event_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_event_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_event_at = _parse_last_event_at(d.pop("last_event_at", UNSET))

        def _parse_last_memory_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_memory_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_memory_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_memory_at = _parse_last_memory_at(d.pop("last_memory_at", UNSET))

        memory_count = d.pop("memory_count", UNSET)

        tenant_info = cls(
            tenant_id=tenant_id,
            active_memory_count=active_memory_count,
            event_count=event_count,
            fact_count=fact_count,
            last_event_at=last_event_at,
            last_memory_at=last_memory_at,
            memory_count=memory_count,
        )

        tenant_info.additional_properties = d
        return tenant_info

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
