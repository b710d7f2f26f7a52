from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_fact_evidence_item import DashboardFactEvidenceItem


T = TypeVar("T", bound="DashboardFactEvidenceResponse")


@_attrs_define
class DashboardFactEvidenceResponse:
    """The evidence behind one fact."""

    fact_id: str
    evidence: list[DashboardFactEvidenceItem] | Unset = UNSET
    missing_evidence_ids: list[str] | Unset = UNSET
    """ Evidence ids that no longer lead to a memory. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        fact_id = self.fact_id

        evidence: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.evidence, Unset):
            evidence = []
            for evidence_item_data in self.evidence:
                evidence_item = evidence_item_data.to_dict()
                evidence.append(evidence_item)

        missing_evidence_ids: list[str] | Unset = UNSET
        if not isinstance(self.missing_evidence_ids, Unset):
            missing_evidence_ids = self.missing_evidence_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fact_id": fact_id,
            }
        )
        if evidence is not UNSET:
            field_dict["evidence"] = evidence
        if missing_evidence_ids is not UNSET:
            field_dict["missing_evidence_ids"] = missing_evidence_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_fact_evidence_item import DashboardFactEvidenceItem  # noqa: PLC0415

        d = dict(src_dict)
        fact_id = d.pop("fact_id")

        _evidence = d.pop("evidence", UNSET)
        evidence: list[DashboardFactEvidenceItem] | Unset = UNSET
        if _evidence is not UNSET:
            evidence = []
            for evidence_item_data in _evidence:
                evidence_item = DashboardFactEvidenceItem.from_dict(evidence_item_data)

                evidence.append(evidence_item)

        missing_evidence_ids = cast(list[str], d.pop("missing_evidence_ids", UNSET))

        dashboard_fact_evidence_response = cls(
            fact_id=fact_id,
            evidence=evidence,
            missing_evidence_ids=missing_evidence_ids,
        )

        dashboard_fact_evidence_response.additional_properties = d
        return dashboard_fact_evidence_response

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
