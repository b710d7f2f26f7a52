from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GraphSearchResult")


@_attrs_define
class GraphSearchResult:
    """An entity found in the graph."""

    entity: str
    entity_type: str
    scope_id: str
    tenant_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entity = self.entity

        entity_type = self.entity_type

        scope_id = self.scope_id

        tenant_id = self.tenant_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entity": entity,
                "entity_type": entity_type,
                "scope_id": scope_id,
                "tenant_id": tenant_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entity = d.pop("entity")

        entity_type = d.pop("entity_type")

        scope_id = d.pop("scope_id")

        tenant_id = d.pop("tenant_id")

        graph_search_result = cls(
            entity=entity,
            entity_type=entity_type,
            scope_id=scope_id,
            tenant_id=tenant_id,
        )

        graph_search_result.additional_properties = d
        return graph_search_result

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
