from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.health_response_components_type_0 import HealthResponseComponentsType0


T = TypeVar("T", bound="HealthResponse")


@_attrs_define
class HealthResponse:
    """Liveness report."""

    status: str
    """ `healthy` when the server is up. """
    timestamp: datetime.datetime
    """ The server's clock at the time of the check. """
    api_version: None | str | Unset = UNSET
    """ Version of the HTTP interface, when the server reports one. """
    version: None | str | Unset = UNSET
    """ The server's release. The upstream 1.5.1 server leaves it out; py-cml's own local server fills it in. """
    components: HealthResponseComponentsType0 | None | Unset = UNSET
    """ Health of the server's parts, by name, when the server reports it. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.health_response_components_type_0 import HealthResponseComponentsType0  # noqa: PLC0415

        status = self.status

        timestamp = self.timestamp.isoformat()

        api_version: None | str | Unset
        if isinstance(self.api_version, Unset):
            api_version = UNSET
        else:
            api_version = self.api_version

        version: None | str | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        components: dict[str, Any] | None | Unset
        if isinstance(self.components, Unset):
            components = UNSET
        elif isinstance(self.components, HealthResponseComponentsType0):
            components = self.components.to_dict()
        else:
            components = self.components

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "timestamp": timestamp,
            }
        )
        if api_version is not UNSET:
            field_dict["api_version"] = api_version
        if version is not UNSET:
            field_dict["version"] = version
        if components is not UNSET:
            field_dict["components"] = components

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.health_response_components_type_0 import HealthResponseComponentsType0  # noqa: PLC0415

        d = dict(src_dict)
        status = d.pop("status")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        def _parse_api_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_version = _parse_api_version(d.pop("api_version", UNSET))

        def _parse_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        def _parse_components(data: object) -> HealthResponseComponentsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                components_type_0 = HealthResponseComponentsType0.from_dict(data)

                return components_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HealthResponseComponentsType0 | None | Unset, data)

        components = _parse_components(d.pop("components", UNSET))

        health_response = cls(
            status=status,
            timestamp=timestamp,
            api_version=api_version,
            version=version,
            components=components,
        )

        health_response.additional_properties = d
        return health_response

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
