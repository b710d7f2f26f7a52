from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.hourly_request_count import HourlyRequestCount


T = TypeVar("T", bound="RequestStatsResponse")


@_attrs_define
class RequestStatsResponse:
    """Hourly request counts."""

    points: list[HourlyRequestCount]
    total_last_24h: int | Unset = 0
    """ Requests served in the last 24 hours. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        total_last_24h = self.total_last_24h

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "points": points,
            }
        )
        if total_last_24h is not UNSET:
            field_dict["total_last_24h"] = total_last_24h

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.hourly_request_count import HourlyRequestCount  # noqa: PLC0415

        d = dict(src_dict)
        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = HourlyRequestCount.from_dict(points_item_data)

            points.append(points_item)

        total_last_24h = d.pop("total_last_24h", UNSET)

        request_stats_response = cls(
            points=points,
            total_last_24h=total_last_24h,
        )

        request_stats_response.additional_properties = d
        return request_stats_response

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
