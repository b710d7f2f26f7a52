from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_forgetting_preview_item import DashboardForgettingPreviewItem
    from ..models.dashboard_forgetting_preview_response_summary import DashboardForgettingPreviewResponseSummary


T = TypeVar("T", bound="DashboardForgettingPreviewResponse")


@_attrs_define
class DashboardForgettingPreviewResponse:
    """The outcome of a forgetting preview."""

    tenant_id: str
    user_id: str
    duplicates_found: int | Unset = 0
    items: list[DashboardForgettingPreviewItem] | Unset = UNSET
    operations_planned: int | Unset = 0
    """ Memories a real run would change. """
    scanned_count: int | Unset = 0
    """ Memories examined. """
    summary: DashboardForgettingPreviewResponseSummary | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tenant_id = self.tenant_id

        user_id = self.user_id

        duplicates_found = self.duplicates_found

        items: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.items, Unset):
            items = []
            for items_item_data in self.items:
                items_item = items_item_data.to_dict()
                items.append(items_item)

        operations_planned = self.operations_planned

        scanned_count = self.scanned_count

        summary: dict[str, Any] | Unset = UNSET
        if not isinstance(self.summary, Unset):
            summary = self.summary.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tenant_id": tenant_id,
                "user_id": user_id,
            }
        )
        if duplicates_found is not UNSET:
            field_dict["duplicates_found"] = duplicates_found
        if items is not UNSET:
            field_dict["items"] = items
        if operations_planned is not UNSET:
            field_dict["operations_planned"] = operations_planned
        if scanned_count is not UNSET:
            field_dict["scanned_count"] = scanned_count
        if summary is not UNSET:
            field_dict["summary"] = summary

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_forgetting_preview_item import DashboardForgettingPreviewItem  # noqa: PLC0415
        from ..models.dashboard_forgetting_preview_response_summary import DashboardForgettingPreviewResponseSummary  # noqa: PLC0415

        d = dict(src_dict)
        tenant_id = d.pop("tenant_id")

        user_id = d.pop("user_id")

        duplicates_found = d.pop("duplicates_found", UNSET)

        _items = d.pop("items", UNSET)
        items: list[DashboardForgettingPreviewItem] | Unset = UNSET
        if _items is not UNSET:
            items = []
            for items_item_data in _items:
                items_item = DashboardForgettingPreviewItem.from_dict(items_item_data)

                items.append(items_item)

        operations_planned = d.pop("operations_planned", UNSET)

        scanned_count = d.pop("scanned_count", UNSET)

        _summary = d.pop("summary", UNSET)
        summary: DashboardForgettingPreviewResponseSummary | Unset
        if isinstance(_summary, Unset):
            summary = UNSET
        else:
            summary = DashboardForgettingPreviewResponseSummary.from_dict(_summary)

        dashboard_forgetting_preview_response = cls(
            tenant_id=tenant_id,
            user_id=user_id,
            duplicates_found=duplicates_found,
            items=items,
            operations_planned=operations_planned,
            scanned_count=scanned_count,
            summary=summary,
        )

        dashboard_forgetting_preview_response.additional_properties = d
        return dashboard_forgetting_preview_response

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
