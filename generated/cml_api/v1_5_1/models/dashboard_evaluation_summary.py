from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_evaluation_artifact import DashboardEvaluationArtifact
    from ..models.dashboard_evaluation_summary_comparisons_item import DashboardEvaluationSummaryComparisonsItem
    from ..models.dashboard_evaluation_summary_readiness import DashboardEvaluationSummaryReadiness
    from ..models.latest_evaluation_summary import LatestEvaluationSummary


T = TypeVar("T", bound="DashboardEvaluationSummary")


@_attrs_define
class DashboardEvaluationSummary:
    """What is known about evaluation runs."""

    generated_at: datetime.datetime
    artifacts: list[DashboardEvaluationArtifact] | Unset = UNSET
    comparisons: list[DashboardEvaluationSummaryComparisonsItem] | Unset = UNSET
    latest_report: None | str | Unset = UNSET
    latest_summary: LatestEvaluationSummary | None | Unset = UNSET
    readiness: DashboardEvaluationSummaryReadiness | Unset = UNSET
    """ Checklist of what is in place for running evaluations. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.latest_evaluation_summary import LatestEvaluationSummary  # noqa: PLC0415

        generated_at = self.generated_at.isoformat()

        artifacts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.artifacts, Unset):
            artifacts = []
            for artifacts_item_data in self.artifacts:
                artifacts_item = artifacts_item_data.to_dict()
                artifacts.append(artifacts_item)

        comparisons: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.comparisons, Unset):
            comparisons = []
            for comparisons_item_data in self.comparisons:
                comparisons_item = comparisons_item_data.to_dict()
                comparisons.append(comparisons_item)

        latest_report: None | str | Unset
        if isinstance(self.latest_report, Unset):
            latest_report = UNSET
        else:
            latest_report = self.latest_report

        latest_summary: dict[str, Any] | None | Unset
        if isinstance(self.latest_summary, Unset):
            latest_summary = UNSET
        elif isinstance(self.latest_summary, LatestEvaluationSummary):
            latest_summary = self.latest_summary.to_dict()
        else:
            latest_summary = self.latest_summary

        readiness: dict[str, Any] | Unset = UNSET
        if not isinstance(self.readiness, Unset):
            readiness = self.readiness.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "generated_at": generated_at,
            }
        )
        if artifacts is not UNSET:
            field_dict["artifacts"] = artifacts
        if comparisons is not UNSET:
            field_dict["comparisons"] = comparisons
        if latest_report is not UNSET:
            field_dict["latest_report"] = latest_report
        if latest_summary is not UNSET:
            field_dict["latest_summary"] = latest_summary
        if readiness is not UNSET:
            field_dict["readiness"] = readiness

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_evaluation_artifact import DashboardEvaluationArtifact  # noqa: PLC0415
        from ..models.dashboard_evaluation_summary_comparisons_item import DashboardEvaluationSummaryComparisonsItem  # noqa: PLC0415
        from ..models.dashboard_evaluation_summary_readiness import DashboardEvaluationSummaryReadiness  # noqa: PLC0415
        from ..models.latest_evaluation_summary import LatestEvaluationSummary  # noqa: PLC0415

        d = dict(src_dict)
        generated_at = datetime.datetime.fromisoformat(d.pop("generated_at"))

        _artifacts = d.pop("artifacts", UNSET)
        artifacts: list[DashboardEvaluationArtifact] | Unset = UNSET
        if _artifacts is not UNSET:
            artifacts = []
            for artifacts_item_data in _artifacts:
                artifacts_item = DashboardEvaluationArtifact.from_dict(artifacts_item_data)

                artifacts.append(artifacts_item)

        _comparisons = d.pop("comparisons", UNSET)
        comparisons: list[DashboardEvaluationSummaryComparisonsItem] | Unset = UNSET
        if _comparisons is not UNSET:
            comparisons = []
            for comparisons_item_data in _comparisons:
                comparisons_item = DashboardEvaluationSummaryComparisonsItem.from_dict(comparisons_item_data)

                comparisons.append(comparisons_item)

        def _parse_latest_report(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        latest_report = _parse_latest_report(d.pop("latest_report", UNSET))

        def _parse_latest_summary(data: object) -> LatestEvaluationSummary | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                latest_summary_type_0 = LatestEvaluationSummary.from_dict(data)

                return latest_summary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LatestEvaluationSummary | None | Unset, data)

        latest_summary = _parse_latest_summary(d.pop("latest_summary", UNSET))

        _readiness = d.pop("readiness", UNSET)
        readiness: DashboardEvaluationSummaryReadiness | Unset
        if isinstance(_readiness, Unset):
            readiness = UNSET
        else:
            readiness = DashboardEvaluationSummaryReadiness.from_dict(_readiness)

        dashboard_evaluation_summary = cls(
            generated_at=generated_at,
            artifacts=artifacts,
            comparisons=comparisons,
            latest_report=latest_report,
            latest_summary=latest_summary,
            readiness=readiness,
        )

        dashboard_evaluation_summary.additional_properties = d
        return dashboard_evaluation_summary

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
