from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_lineage_memory import DashboardLineageMemory
    from ..models.dashboard_memory_detail import DashboardMemoryDetail
    from ..models.dashboard_related_job import DashboardRelatedJob
    from ..models.fact_item import FactItem
    from ..models.graph_search_result import GraphSearchResult


T = TypeVar("T", bound="DashboardMemoryLineageResponse")


@_attrs_define
class DashboardMemoryLineageResponse:
    """A memory together with its history and connections."""

    memory: DashboardMemoryDetail
    """ The full record of one memory. """
    ancestors: list[DashboardLineageMemory] | Unset = UNSET
    """ Versions this memory replaced, directly or indirectly. """
    descendants: list[DashboardLineageMemory] | Unset = UNSET
    """ Versions that replaced this memory. """
    evidence_facts: list[FactItem] | Unset = UNSET
    """ Facts this memory is evidence for. """
    lifecycle_flags: list[str] | Unset = UNSET
    """ Short labels describing the memory's state, for display. """
    related_entities: list[GraphSearchResult] | Unset = UNSET
    """ Graph entities mentioned by the memory. """
    related_jobs: list[DashboardRelatedJob] | Unset = UNSET
    same_key_versions: list[DashboardLineageMemory] | Unset = UNSET
    """ Every memory sharing this memory's key. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        memory = self.memory.to_dict()

        ancestors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.ancestors, Unset):
            ancestors = []
            for ancestors_item_data in self.ancestors:
                ancestors_item = ancestors_item_data.to_dict()
                ancestors.append(ancestors_item)

        descendants: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.descendants, Unset):
            descendants = []
            for descendants_item_data in self.descendants:
                descendants_item = descendants_item_data.to_dict()
                descendants.append(descendants_item)

        evidence_facts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.evidence_facts, Unset):
            evidence_facts = []
            for evidence_facts_item_data in self.evidence_facts:
                evidence_facts_item = evidence_facts_item_data.to_dict()
                evidence_facts.append(evidence_facts_item)

        lifecycle_flags: list[str] | Unset = UNSET
        if not isinstance(self.lifecycle_flags, Unset):
            lifecycle_flags = self.lifecycle_flags

        related_entities: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.related_entities, Unset):
            related_entities = []
            for related_entities_item_data in self.related_entities:
                related_entities_item = related_entities_item_data.to_dict()
                related_entities.append(related_entities_item)

        related_jobs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.related_jobs, Unset):
            related_jobs = []
            for related_jobs_item_data in self.related_jobs:
                related_jobs_item = related_jobs_item_data.to_dict()
                related_jobs.append(related_jobs_item)

        same_key_versions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.same_key_versions, Unset):
            same_key_versions = []
            for same_key_versions_item_data in self.same_key_versions:
                same_key_versions_item = same_key_versions_item_data.to_dict()
                same_key_versions.append(same_key_versions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "memory": memory,
            }
        )
        if ancestors is not UNSET:
            field_dict["ancestors"] = ancestors
        if descendants is not UNSET:
            field_dict["descendants"] = descendants
        if evidence_facts is not UNSET:
            field_dict["evidence_facts"] = evidence_facts
        if lifecycle_flags is not UNSET:
            field_dict["lifecycle_flags"] = lifecycle_flags
        if related_entities is not UNSET:
            field_dict["related_entities"] = related_entities
        if related_jobs is not UNSET:
            field_dict["related_jobs"] = related_jobs
        if same_key_versions is not UNSET:
            field_dict["same_key_versions"] = same_key_versions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_lineage_memory import DashboardLineageMemory  # noqa: PLC0415
        from ..models.dashboard_memory_detail import DashboardMemoryDetail  # noqa: PLC0415
        from ..models.dashboard_related_job import DashboardRelatedJob  # noqa: PLC0415
        from ..models.fact_item import FactItem  # noqa: PLC0415
        from ..models.graph_search_result import GraphSearchResult  # noqa: PLC0415

        d = dict(src_dict)
        memory = DashboardMemoryDetail.from_dict(d.pop("memory"))

        _ancestors = d.pop("ancestors", UNSET)
        ancestors: list[DashboardLineageMemory] | Unset = UNSET
        if _ancestors is not UNSET:
            ancestors = []
            for ancestors_item_data in _ancestors:
                ancestors_item = DashboardLineageMemory.from_dict(ancestors_item_data)

                ancestors.append(ancestors_item)

        _descendants = d.pop("descendants", UNSET)
        descendants: list[DashboardLineageMemory] | Unset = UNSET
        if _descendants is not UNSET:
            descendants = []
            for descendants_item_data in _descendants:
                descendants_item = DashboardLineageMemory.from_dict(descendants_item_data)

                descendants.append(descendants_item)

        _evidence_facts = d.pop("evidence_facts", UNSET)
        evidence_facts: list[FactItem] | Unset = UNSET
        if _evidence_facts is not UNSET:
            evidence_facts = []
            for evidence_facts_item_data in _evidence_facts:
                evidence_facts_item = FactItem.from_dict(evidence_facts_item_data)

                evidence_facts.append(evidence_facts_item)

        lifecycle_flags = cast(list[str], d.pop("lifecycle_flags", UNSET))

        _related_entities = d.pop("related_entities", UNSET)
        related_entities: list[GraphSearchResult] | Unset = UNSET
        if _related_entities is not UNSET:
            related_entities = []
            for related_entities_item_data in _related_entities:
                related_entities_item = GraphSearchResult.from_dict(related_entities_item_data)

                related_entities.append(related_entities_item)

        _related_jobs = d.pop("related_jobs", UNSET)
        related_jobs: list[DashboardRelatedJob] | Unset = UNSET
        if _related_jobs is not UNSET:
            related_jobs = []
            for related_jobs_item_data in _related_jobs:
                related_jobs_item = DashboardRelatedJob.from_dict(related_jobs_item_data)

                related_jobs.append(related_jobs_item)

        _same_key_versions = d.pop("same_key_versions", UNSET)
        same_key_versions: list[DashboardLineageMemory] | Unset = UNSET
        if _same_key_versions is not UNSET:
            same_key_versions = []
            for same_key_versions_item_data in _same_key_versions:
                same_key_versions_item = DashboardLineageMemory.from_dict(same_key_versions_item_data)

                same_key_versions.append(same_key_versions_item)

        dashboard_memory_lineage_response = cls(
            memory=memory,
            ancestors=ancestors,
            descendants=descendants,
            evidence_facts=evidence_facts,
            lifecycle_flags=lifecycle_flags,
            related_entities=related_entities,
            related_jobs=related_jobs,
            same_key_versions=same_key_versions,
        )

        dashboard_memory_lineage_response.additional_properties = d
        return dashboard_memory_lineage_response

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
