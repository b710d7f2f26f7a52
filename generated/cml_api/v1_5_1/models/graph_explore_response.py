from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.graph_edge_info import GraphEdgeInfo
    from ..models.graph_node_info import GraphNodeInfo


T = TypeVar("T", bound="GraphExploreResponse")


@_attrs_define
class GraphExploreResponse:
    """A piece of the knowledge graph."""

    center_entity: None | str | Unset = UNSET
    """ The entity the view is centred on, if any. """
    edges: list[GraphEdgeInfo] | Unset = UNSET
    nodes: list[GraphNodeInfo] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        center_entity: None | str | Unset
        if isinstance(self.center_entity, Unset):
            center_entity = UNSET
        else:
            center_entity = self.center_entity

        edges: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.edges, Unset):
            edges = []
            for edges_item_data in self.edges:
                edges_item = edges_item_data.to_dict()
                edges.append(edges_item)

        nodes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.nodes, Unset):
            nodes = []
            for nodes_item_data in self.nodes:
                nodes_item = nodes_item_data.to_dict()
                nodes.append(nodes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if center_entity is not UNSET:
            field_dict["center_entity"] = center_entity
        if edges is not UNSET:
            field_dict["edges"] = edges
        if nodes is not UNSET:
            field_dict["nodes"] = nodes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.graph_edge_info import GraphEdgeInfo  # noqa: PLC0415
        from ..models.graph_node_info import GraphNodeInfo  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_center_entity(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        center_entity = _parse_center_entity(d.pop("center_entity", UNSET))

        _edges = d.pop("edges", UNSET)
        edges: list[GraphEdgeInfo] | Unset = UNSET
        if _edges is not UNSET:
            edges = []
            for edges_item_data in _edges:
                edges_item = GraphEdgeInfo.from_dict(edges_item_data)

                edges.append(edges_item)

        _nodes = d.pop("nodes", UNSET)
        nodes: list[GraphNodeInfo] | Unset = UNSET
        if _nodes is not UNSET:
            nodes = []
            for nodes_item_data in _nodes:
                nodes_item = GraphNodeInfo.from_dict(nodes_item_data)

                nodes.append(nodes_item)

        graph_explore_response = cls(
            center_entity=center_entity,
            edges=edges,
            nodes=nodes,
        )

        graph_explore_response.additional_properties = d
        return graph_explore_response

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
