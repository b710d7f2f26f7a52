from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GraphNeo4JConfigResponse")


@_attrs_define
class GraphNeo4JConfigResponse:
    """Connection details of the graph database. Contains a password."""

    server_password: str
    server_url: str
    server_user: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        server_password = self.server_password

        server_url = self.server_url

        server_user = self.server_user

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "server_password": server_password,
                "server_url": server_url,
                "server_user": server_user,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        server_password = d.pop("server_password")

        server_url = d.pop("server_url")

        server_user = d.pop("server_user")

        graph_neo4j_config_response = cls(
            server_password=server_password,
            server_url=server_url,
            server_user=server_user,
        )

        graph_neo4j_config_response.additional_properties = d
        return graph_neo4j_config_response

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
