from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DashboardQualityIssue")


@_attrs_define
class DashboardQualityIssue:
    """One kind of data-quality problem."""

    count: int
    label: str
    description: str | Unset = ""
    sample_ids: list[str] | Unset = UNSET
    """ A few ids of affected records. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        label = self.label

        description = self.description

        sample_ids: list[str] | Unset = UNSET
        if not isinstance(self.sample_ids, Unset):
            sample_ids = self.sample_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "label": label,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if sample_ids is not UNSET:
            field_dict["sample_ids"] = sample_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        label = d.pop("label")

        description = d.pop("description", UNSET)

        sample_ids = cast(list[str], d.pop("sample_ids", UNSET))

        dashboard_quality_issue = cls(
            count=count,
            label=label,
            description=description,
            sample_ids=sample_ids,
        )

        dashboard_quality_issue.additional_properties = d
        return dashboard_quality_issue

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
