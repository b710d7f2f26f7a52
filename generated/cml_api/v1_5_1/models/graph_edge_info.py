from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.graph_edge_info_properties import GraphEdgeInfoProperties


T = TypeVar("T", bound="GraphEdgeInfo")


@_attrs_define
class GraphEdgeInfo:
    """An edge of the knowledge graph."""

    predicate: str
    """ The relation the edge stands for. """
    source: str
    """ Id of the node the edge leaves. """
    target: str
    """ Id of the node the edge reaches. """
    confidence: float | Unset = 0.0
    properties: GraphEdgeInfoProperties | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        predicate = self.predicate

        source = self.source

        target = self.target

        confidence = self.confidence

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "predicate": predicate,
                "source": source,
                "target": target,
            }
        )
        if confidence is not UNSET:
            field_dict["confidence"] = confidence
        if properties is not UNSET:
            field_dict["properties"] = properties

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.graph_edge_info_properties import GraphEdgeInfoProperties  # noqa: PLC0415

        d = dict(src_dict)
        predicate = d.pop("predicate")

        source = d.pop("source")

        target = d.pop("target")

        confidence = d.pop("confidence", UNSET)

        _properties = d.pop("properties", UNSET)
        properties: GraphEdgeInfoProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = GraphEdgeInfoProperties.from_dict(_properties)

        graph_edge_info = cls(
            predicate=predicate,
            source=source,
            target=target,
            confidence=confidence,
            properties=properties,
        )

        graph_edge_info.additional_properties = d
        return graph_edge_info

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
