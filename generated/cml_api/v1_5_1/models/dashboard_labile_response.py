from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tenant_labile_info import TenantLabileInfo


T = TypeVar("T", bound="DashboardLabileResponse")


@_attrs_define
class DashboardLabileResponse:
    """Labile memory counts, per tenant and in total."""

    tenants: list[TenantLabileInfo] | Unset = UNSET
    total_db_labile: int | Unset = 0
    total_redis_memories: int | Unset = 0
    total_redis_scopes: int | Unset = 0
    total_redis_sessions: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tenants: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tenants, Unset):
            tenants = []
            for tenants_item_data in self.tenants:
                tenants_item = tenants_item_data.to_dict()
                tenants.append(tenants_item)

        total_db_labile = self.total_db_labile

        total_redis_memories = self.total_redis_memories

        total_redis_scopes = self.total_redis_scopes

        total_redis_sessions = self.total_redis_sessions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if tenants is not UNSET:
            field_dict["tenants"] = tenants
        if total_db_labile is not UNSET:
            field_dict["total_db_labile"] = total_db_labile
        if total_redis_memories is not UNSET:
            field_dict["total_redis_memories"] = total_redis_memories
        if total_redis_scopes is not UNSET:
            field_dict["total_redis_scopes"] = total_redis_scopes
        if total_redis_sessions is not UNSET:
            field_dict["total_redis_sessions"] = total_redis_sessions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tenant_labile_info import TenantLabileInfo  # noqa: PLC0415

        d = dict(src_dict)
        _tenants = d.pop("tenants", UNSET)
        tenants: list[TenantLabileInfo] | Unset = UNSET
        if _tenants is not UNSET:
            tenants = []
            for tenants_item_data in _tenants:
                tenants_item = TenantLabileInfo.from_dict(tenants_item_data)

                tenants.append(tenants_item)

        total_db_labile = d.pop("total_db_labile", UNSET)

        total_redis_memories = d.pop("total_redis_memories", UNSET)

        total_redis_scopes = d.pop("total_redis_scopes", UNSET)

        total_redis_sessions = d.pop("total_redis_sessions", UNSET)

        dashboard_labile_response = cls(
            tenants=tenants,
            total_db_labile=total_db_labile,
            total_redis_memories=total_redis_memories,
            total_redis_scopes=total_redis_scopes,
            total_redis_sessions=total_redis_sessions,
        )

        dashboard_labile_response.additional_properties = d
        return dashboard_labile_response

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
