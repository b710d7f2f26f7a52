from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.graph_node_info_properties import GraphNodeInfoProperties


T = TypeVar("T", bound="GraphNodeInfo")


@_attrs_define
class GraphNodeInfo:
    """A node of the knowledge graph."""

    entity: str
    """ The entity's name. """
    entity_type: str
    id: str
    properties: GraphNodeInfoProperties | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entity = self.entity

        entity_type = self.entity_type

        id = self.id

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entity": entity,
                "entity_type": entity_type,
                "id": id,
            }
        )
        if properties is not UNSET:
            field_dict["properties"] = properties

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.graph_node_info_properties import GraphNodeInfoProperties  # noqa: PLC0415

        d = dict(src_dict)
        entity = d.pop("entity")

        entity_type = d.pop("entity_type")

        id = d.pop("id")

        _properties = d.pop("properties", UNSET)
        properties: GraphNodeInfoProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = GraphNodeInfoProperties.from_dict(_properties)

        graph_node_info = cls(
            entity=entity,
            entity_type=entity_type,
            id=id,
            properties=properties,
        )

        graph_node_info.additional_properties = d
        return graph_node_info

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
