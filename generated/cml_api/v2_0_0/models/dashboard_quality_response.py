from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_quality_issue import DashboardQualityIssue
    from ..models.dashboard_quality_response_graph_hygiene import DashboardQualityResponseGraphHygiene
    from ..models.dashboard_quality_response_invalidation_hotspots_item import (
        DashboardQualityResponseInvalidationHotspotsItem,
    )


T = TypeVar("T", bound="DashboardQualityResponse")


@_attrs_define
class DashboardQualityResponse:
    """Data-quality findings."""

    generated_at: datetime.datetime
    graph_hygiene: DashboardQualityResponseGraphHygiene | Unset = UNSET
    """ Findings about the knowledge graph. """
    invalidation_hotspots: list[DashboardQualityResponseInvalidationHotspotsItem] | Unset = UNSET
    """ Keys whose facts are replaced unusually often. """
    issues: list[DashboardQualityIssue] | Unset = UNSET
    labile_sessions: int | Unset = 0
    tenant_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generated_at = self.generated_at.isoformat()

        graph_hygiene: dict[str, Any] | Unset = UNSET
        if not isinstance(self.graph_hygiene, Unset):
            graph_hygiene = self.graph_hygiene.to_dict()

        invalidation_hotspots: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.invalidation_hotspots, Unset):
            invalidation_hotspots = []
            for invalidation_hotspots_item_data in self.invalidation_hotspots:
                invalidation_hotspots_item = invalidation_hotspots_item_data.to_dict()
                invalidation_hotspots.append(invalidation_hotspots_item)

        issues: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.issues, Unset):
            issues = []
            for issues_item_data in self.issues:
                issues_item = issues_item_data.to_dict()
                issues.append(issues_item)

        labile_sessions = self.labile_sessions

        tenant_id: None | str | Unset
        if isinstance(self.tenant_id, Unset):
            tenant_id = UNSET
        else:
            tenant_id = self.tenant_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "generated_at": generated_at,
            }
        )
        if graph_hygiene is not UNSET:
            field_dict["graph_hygiene"] = graph_hygiene
        if invalidation_hotspots is not UNSET:
            field_dict["invalidation_hotspots"] = invalidation_hotspots
        if issues is not UNSET:
            field_dict["issues"] = issues
        if labile_sessions is not UNSET:
            field_dict["labile_sessions"] = labile_sessions
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_quality_issue import DashboardQualityIssue  # noqa: PLC0415
        from ..models.dashboard_quality_response_graph_hygiene import DashboardQualityResponseGraphHygiene  # noqa: PLC0415
        from ..models.dashboard_quality_response_invalidation_hotspots_item import (
            DashboardQualityResponseInvalidationHotspotsItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        generated_at = datetime.datetime.fromisoformat(d.pop("generated_at"))

        _graph_hygiene = d.pop("graph_hygiene", UNSET)
        graph_hygiene: DashboardQualityResponseGraphHygiene | Unset
        if isinstance(_graph_hygiene, Unset):
            graph_hygiene = UNSET
        else:
            graph_hygiene = DashboardQualityResponseGraphHygiene.from_dict(_graph_hygiene)

        _invalidation_hotspots = d.pop("invalidation_hotspots", UNSET)
        invalidation_hotspots: list[DashboardQualityResponseInvalidationHotspotsItem] | Unset = UNSET
        if _invalidation_hotspots is not UNSET:
            invalidation_hotspots = []
            for invalidation_hotspots_item_data in _invalidation_hotspots:
                invalidation_hotspots_item = DashboardQualityResponseInvalidationHotspotsItem.from_dict(
                    invalidation_hotspots_item_data
                )

                invalidation_hotspots.append(invalidation_hotspots_item)

        _issues = d.pop("issues", UNSET)
        issues: list[DashboardQualityIssue] | Unset = UNSET
        if _issues is not UNSET:
            issues = []
            for issues_item_data in _issues:
                issues_item = DashboardQualityIssue.from_dict(issues_item_data)

                issues.append(issues_item)

        labile_sessions = d.pop("labile_sessions", UNSET)

        def _parse_tenant_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tenant_id = _parse_tenant_id(d.pop("tenant_id", UNSET))

        dashboard_quality_response = cls(
            generated_at=generated_at,
            graph_hygiene=graph_hygiene,
            invalidation_hotspots=invalidation_hotspots,
            issues=issues,
            labile_sessions=labile_sessions,
            tenant_id=tenant_id,
        )

        dashboard_quality_response.additional_properties = d
        return dashboard_quality_response

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
