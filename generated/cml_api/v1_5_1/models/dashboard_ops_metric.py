from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_ops_metric_labels import DashboardOpsMetricLabels


T = TypeVar("T", bound="DashboardOpsMetric")


@_attrs_define
class DashboardOpsMetric:
    """One runtime metric."""

    name: str
    labels: DashboardOpsMetricLabels | Unset = UNSET
    """ Label name to value, as in Prometheus. """
    value: float | int | None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        value: float | int | None | str | Unset
        if isinstance(self.value, Unset):
            value = UNSET
        else:
            value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if labels is not UNSET:
            field_dict["labels"] = labels
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_ops_metric_labels import DashboardOpsMetricLabels  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        _labels = d.pop("labels", UNSET)
        labels: DashboardOpsMetricLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = DashboardOpsMetricLabels.from_dict(_labels)

        def _parse_value(data: object) -> float | int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | int | None | str | Unset, data)

        value = _parse_value(d.pop("value", UNSET))

        dashboard_ops_metric = cls(
            name=name,
            labels=labels,
            value=value,
        )

        dashboard_ops_metric.additional_properties = d
        return dashboard_ops_metric

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
