from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.memory_stats_by_type import MemoryStatsByType


T = TypeVar("T", bound="MemoryStats")


@_attrs_define
class MemoryStats:
    """Summary of the memories held for the caller's tenant."""

    active_memories: int
    """ Memories that take part in recall. """
    archived_memories: int
    """ Memories moved out of recall. """
    avg_confidence: float
    """ Mean confidence over all memories. """
    avg_importance: float
    """ Mean importance over all memories. """
    by_type: MemoryStatsByType
    """ Count per memory type. """
    estimated_size_mb: float
    """ Rough storage used, in megabytes. """
    silent_memories: int
    """ Memories kept but no longer surfaced. """
    total_memories: int
    """ All memories, whatever their status. """
    newest_memory: datetime.datetime | None | Unset = UNSET
    """ Time of the newest memory, if any. """
    oldest_memory: datetime.datetime | None | Unset = UNSET
    """ Time of the oldest memory, if any. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active_memories = self.active_memories

        archived_memories = self.archived_memories

        avg_confidence = self.avg_confidence

        avg_importance = self.avg_importance

        by_type = self.by_type.to_dict()

        estimated_size_mb = self.estimated_size_mb

        silent_memories = self.silent_memories

        total_memories = self.total_memories

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active_memories": active_memories,
                "archived_memories": archived_memories,
                "avg_confidence": avg_confidence,
                "avg_importance": avg_importance,
                "by_type": by_type,
                "estimated_size_mb": estimated_size_mb,
                "silent_memories": silent_memories,
                "total_memories": total_memories,
            }
        )
        if newest_memory is not UNSET:
            field_dict["newest_memory"] = newest_memory
        if oldest_memory is not UNSET:
            field_dict["oldest_memory"] = oldest_memory

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.memory_stats_by_type import MemoryStatsByType  # noqa: PLC0415

        d = dict(src_dict)
        active_memories = d.pop("active_memories")

        archived_memories = d.pop("archived_memories")

        avg_confidence = d.pop("avg_confidence")

        avg_importance = d.pop("avg_importance")

        by_type = MemoryStatsByType.from_dict(d.pop("by_type"))

        estimated_size_mb = d.pop("estimated_size_mb")

        silent_memories = d.pop("silent_memories")

        total_memories = d.pop("total_memories")

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

        memory_stats = cls(
            active_memories=active_memories,
            archived_memories=archived_memories,
            avg_confidence=avg_confidence,
            avg_importance=avg_importance,
            by_type=by_type,
            estimated_size_mb=estimated_size_mb,
            silent_memories=silent_memories,
            total_memories=total_memories,
            newest_memory=newest_memory,
            oldest_memory=oldest_memory,
        )

        memory_stats.additional_properties = d
        return memory_stats

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
