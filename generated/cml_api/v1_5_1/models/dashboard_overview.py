from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_overview_by_status import DashboardOverviewByStatus
    from ..models.dashboard_overview_by_type import DashboardOverviewByType
    from ..models.dashboard_overview_events_by_operation import DashboardOverviewEventsByOperation
    from ..models.dashboard_overview_events_by_type import DashboardOverviewEventsByType
    from ..models.dashboard_overview_facts_by_category import DashboardOverviewFactsByCategory


T = TypeVar("T", bound="DashboardOverview")


@_attrs_define
class DashboardOverview:
    """Headline numbers for one tenant, or for all tenants together."""

    active_memories: int | Unset = 0
    archived_memories: int | Unset = 0
    avg_access_count: float | Unset = 0.0
    """ Mean number of times a memory was recalled. """
    avg_confidence: float | Unset = 0.0
    avg_decay_rate: float | Unset = 0.0
    """ Mean rate at which memories lose strength. """
    avg_evidence_count: float | Unset = 0.0
    """ Mean number of memories supporting a fact. """
    avg_fact_confidence: float | Unset = 0.0
    avg_importance: float | Unset = 0.0
    by_status: DashboardOverviewByStatus | Unset = UNSET
    """ Memory count per status. """
    by_type: DashboardOverviewByType | Unset = UNSET
    """ Memory count per memory type. """
    compressed_memories: int | Unset = 0
    """ Memories folded into a summary by consolidation. """
    current_semantic_facts: int | Unset = 0
    """ Facts whose latest version is still valid. """
    deleted_memories: int | Unset = 0
    """ Memories marked deleted but not yet purged. """
    estimated_size_mb: float | Unset = 0.0
    """ Rough storage used, in megabytes. """
    events_by_operation: DashboardOverviewEventsByOperation | Unset = UNSET
    """ Event count per operation. """
    events_by_type: DashboardOverviewEventsByType | Unset = UNSET
    """ Event count per event type. """
    facts_by_category: DashboardOverviewFactsByCategory | Unset = UNSET
    """ Fact count per category. """
    labile_memories: int | Unset = 0
    """ Memories currently open to reconsolidation. """
    newest_memory: datetime.datetime | None | Unset = UNSET
    oldest_memory: datetime.datetime | None | Unset = UNSET
    silent_memories: int | Unset = 0
    total_events: int | Unset = 0
    """ Entries in the event log. """
    total_memories: int | Unset = 0
    total_semantic_facts: int | Unset = 0
    """ Facts in the fact store, every version included. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active_memories = self.active_memories

        archived_memories = self.archived_memories

        avg_access_count = self.avg_access_count

        avg_confidence = self.avg_confidence

        avg_decay_rate = self.avg_decay_rate

        avg_evidence_count = self.avg_evidence_count

        avg_fact_confidence = self.avg_fact_confidence

        avg_importance = self.avg_importance

        by_status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.by_status, Unset):
            by_status = self.by_status.to_dict()

        by_type: dict[str, Any] | Unset = UNSET
        if not isinstance(self.by_type, Unset):
            by_type = self.by_type.to_dict()

        compressed_memories = self.compressed_memories

        current_semantic_facts = self.current_semantic_facts

        deleted_memories = self.deleted_memories

        estimated_size_mb = self.estimated_size_mb

        events_by_operation: dict[str, Any] | Unset = UNSET
        if not isinstance(self.events_by_operation, Unset):
            events_by_operation = self.events_by_operation.to_dict()

        events_by_type: dict[str, Any] | Unset = UNSET
        if not isinstance(self.events_by_type, Unset):
            events_by_type = self.events_by_type.to_dict()

        facts_by_category: dict[str, Any] | Unset = UNSET
        if not isinstance(self.facts_by_category, Unset):
            facts_by_category = self.facts_by_category.to_dict()

        labile_memories = self.labile_memories

        newest_memory: None | str | Unset
        if isinstance(self.newest_memory, Unset):
            newest_memory = UNSET
        elif isinstance(self.newest_memory, datetime.datetime):
            newest_memory = self.newest_memory.isoformat()
        else:
            newest_memory = self.newest_memory

        oldest_memory: None | str | Unset
        if isinstance(self.oldest_memory, Unset):
            oldest_memory = UNSET
        elif isinstance(self.oldest_memory, datetime.datetime):
            oldest_memory = self.oldest_memory.isoformat()
        else:
            oldest_memory = self.oldest_memory

        silent_memories = self.silent_memories

        total_events = self.total_events

        total_memories = self.total_memories

        total_semantic_facts = self.total_semantic_facts

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if active_memories is not UNSET:
            field_dict["active_memories"] = active_memories
        if archived_memories is not UNSET:
            field_dict["archived_memories"] = archived_memories
        if avg_access_count is not UNSET:
            field_dict["avg_access_count"] = avg_access_count
        if avg_confidence is not UNSET:
            field_dict["avg_confidence"] = avg_confidence
        if avg_decay_rate is not UNSET:
            field_dict["avg_decay_rate"] = avg_decay_rate
        if avg_evidence_count is not UNSET:
            field_dict["avg_evidence_count"] = avg_evidence_count
        if avg_fact_confidence is not UNSET:
            field_dict["avg_fact_confidence"] = avg_fact_confidence
        if avg_importance is not UNSET:
            field_dict["avg_importance"] = avg_importance
        if by_status is not UNSET:
            field_dict["by_status"] = by_status
        if by_type is not UNSET:
            field_dict["by_type"] = by_type
        if compressed_memories is not UNSET:
            field_dict["compressed_memories"] = compressed_memories
        if current_semantic_facts is not UNSET:
            field_dict["current_semantic_facts"] = current_semantic_facts
        if deleted_memories is not UNSET:
            field_dict["deleted_memories"] = deleted_memories
        if estimated_size_mb is not UNSET:
            field_dict["estimated_size_mb"] = estimated_size_mb
        if events_by_operation is not UNSET:
            field_dict["events_by_operation"] = events_by_operation
        if events_by_type is not UNSET:
            field_dict["events_by_type"] = events_by_type
        if facts_by_category is not UNSET:
            field_dict["facts_by_category"] = facts_by_category
        if labile_memories is not UNSET:
            field_dict["labile_memories"] = labile_memories
        if newest_memory is not UNSET:
            field_dict["newest_memory"] = newest_memory
        if oldest_memory is not UNSET:
            field_dict["oldest_memory"] = oldest_memory
        if silent_memories is not UNSET:
            field_dict["silent_memories"] = silent_memories
        if total_events is not UNSET:
            field_dict["total_events"] = total_events
        if total_memories is not UNSET:
            field_dict["total_memories"] = total_memories
        if total_semantic_facts is not UNSET:
            field_dict["total_semantic_facts"] = total_semantic_facts

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_overview_by_status import DashboardOverviewByStatus  # noqa: PLC0415
        from ..models.dashboard_overview_by_type import DashboardOverviewByType  # noqa: PLC0415
        from ..models.dashboard_overview_events_by_operation import DashboardOverviewEventsByOperation  # noqa: PLC0415
        from ..models.dashboard_overview_events_by_type import DashboardOverviewEventsByType  # noqa: PLC0415
        from ..models.dashboard_overview_facts_by_category import DashboardOverviewFactsByCategory  # noqa: PLC0415

        d = dict(src_dict)
        active_memories = d.pop("active_memories", UNSET)

        archived_memories = d.pop("archived_memories", UNSET)

        avg_access_count = d.pop("avg_access_count", UNSET)

        avg_confidence = d.pop("avg_confidence", UNSET)

        avg_decay_rate = d.pop("avg_decay_rate", UNSET)

        avg_evidence_count = d.pop("avg_evidence_count", UNSET)

        avg_fact_confidence = d.pop("avg_fact_confidence", UNSET)

        avg_importance = d.pop("avg_importance", UNSET)

        _by_status = d.pop("by_status", UNSET)
        by_status: DashboardOverviewByStatus | Unset
        if isinstance(_by_status, Unset):
            by_status = UNSET
        else:
            by_status = DashboardOverviewByStatus.from_dict(_by_status)

        _by_type = d.pop("by_type", UNSET)
        by_type: DashboardOverviewByType | Unset
        if isinstance(_by_type, Unset):
            by_type = UNSET
        else:
            by_type = DashboardOverviewByType.from_dict(_by_type)

        compressed_memories = d.pop("compressed_memories", UNSET)

        current_semantic_facts = d.pop("current_semantic_facts", UNSET)

        deleted_memories = d.pop("deleted_memories", UNSET)

        estimated_size_mb = d.pop("estimated_size_mb", UNSET)

        _events_by_operation = d.pop("events_by_operation", UNSET)
        events_by_operation: DashboardOverviewEventsByOperation | Unset
        if isinstance(_events_by_operation, Unset):
            events_by_operation = UNSET
        else:
            events_by_operation = DashboardOverviewEventsByOperation.from_dict(_events_by_operation)

        _events_by_type = d.pop("events_by_type", UNSET)
        events_by_type: DashboardOverviewEventsByType | Unset
        if isinstance(_events_by_type, Unset):
            events_by_type = UNSET
        else:
            events_by_type = DashboardOverviewEventsByType.from_dict(_events_by_type)

        _facts_by_category = d.pop("facts_by_category", UNSET)
        facts_by_category: DashboardOverviewFactsByCategory | Unset
        if isinstance(_facts_by_category, Unset):
            facts_by_category = UNSET
        else:
            facts_by_category = DashboardOverviewFactsByCategory.from_dict(_facts_by_category)

        labile_memories = d.pop("labile_memories", UNSET)

        def _parse_newest_memory(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                newest_memory_type_0 = datetime.datetime.fromisoformat(data)

                return newest_memory_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        newest_memory = _parse_newest_memory(d.pop("newest_memory", UNSET))

        def _parse_oldest_memory(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                oldest_memory_type_0 = datetime.datetime.fromisoformat(data)

                return oldest_memory_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        oldest_memory = _parse_oldest_memory(d.pop("oldest_memory", UNSET))

        silent_memories = d.pop("silent_memories", UNSET)

        total_events = d.pop("total_events", UNSET)

        total_memories = d.pop("total_memories", UNSET)

        total_semantic_facts = d.pop("total_semantic_facts", UNSET)

        dashboard_overview = cls(
            active_memories=active_memories,
            archived_memories=archived_memories,
            avg_access_count=avg_access_count,
            avg_confidence=avg_confidence,
            avg_decay_rate=avg_decay_rate,
            avg_evidence_count=avg_evidence_count,
            avg_fact_confidence=avg_fact_confidence,
            avg_importance=avg_importance,
            by_status=by_status,
            by_type=by_type,
            compressed_memories=compressed_memories,
            current_semantic_facts=current_semantic_facts,
            deleted_memories=deleted_memories,
            estimated_size_mb=estimated_size_mb,
            events_by_operation=events_by_operation,
            events_by_type=events_by_type,
            facts_by_category=facts_by_category,
            labile_memories=labile_memories,
            newest_memory=newest_memory,
            oldest_memory=oldest_memory,
            silent_memories=silent_memories,
            total_events=total_events,
            total_memories=total_memories,
            total_semantic_facts=total_semantic_facts,
        )

        dashboard_overview.additional_properties = d
        return dashboard_overview

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
