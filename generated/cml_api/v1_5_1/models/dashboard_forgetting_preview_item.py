from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_forgetting_preview_item_duplicate_matches_item import (
        DashboardForgettingPreviewItemDuplicateMatchesItem,
    )


T = TypeVar("T", bound="DashboardForgettingPreviewItem")


@_attrs_define
class DashboardForgettingPreviewItem:
    """How the forgetting pass scores one memory. The `*_score` fields are the parts that add up to `total_score`; a low
    total makes the memory a candidate for forgetting.

    """

    access_count: int
    confidence: float
    confidence_score: float
    dependency_score: float
    """ Weight from other records that depend on this memory. """
    frequency_score: float
    importance: float
    importance_score: float
    memory_id: UUID
    recency_score: float
    status: str
    suggested_action: str
    """ What the pass would do with the memory (for example keep, decay, silence or delete). """
    text: str
    total_score: float
    """ The combined score. """
    type_: str
    type_bonus_score: float
    """ Extra weight some memory types receive. """
    dependency_count: int | Unset = 0
    """ How many records depend on this memory. """
    duplicate_matches: list[DashboardForgettingPreviewItemDuplicateMatchesItem] | Unset = UNSET
    """ Other memories that look like duplicates of this one. """
    keep_reason: None | str | Unset = UNSET
    """ Why the memory is kept, when it is. """
    protected: bool | Unset = False
    """ True when the memory may not be forgotten whatever its score. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_count = self.access_count

        confidence = self.confidence

        confidence_score = self.confidence_score

        dependency_score = self.dependency_score

        frequency_score = self.frequency_score

        importance = self.importance

        importance_score = self.importance_score

        memory_id = str(self.memory_id)

        recency_score = self.recency_score

        status = self.status

        suggested_action = self.suggested_action

        text = self.text

        total_score = self.total_score

        type_ = self.type_

        type_bonus_score = self.type_bonus_score

        dependency_count = self.dependency_count

        duplicate_matches: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.duplicate_matches, Unset):
            duplicate_matches = []
            for duplicate_matches_item_data in self.duplicate_matches:
                duplicate_matches_item = duplicate_matches_item_data.to_dict()
                duplicate_matches.append(duplicate_matches_item)

        keep_reason: None | str | Unset
        if isinstance(self.keep_reason, Unset):
            keep_reason = UNSET
        else:
            keep_reason = self.keep_reason

        protected = self.protected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "access_count": access_count,
                "confidence": confidence,
                "confidence_score": confidence_score,
                "dependency_score": dependency_score,
                "frequency_score": frequency_score,
                "importance": importance,
                "importance_score": importance_score,
                "memory_id": memory_id,
                "recency_score": recency_score,
                "status": status,
                "suggested_action": suggested_action,
                "text": text,
                "total_score": total_score,
                "type": type_,
                "type_bonus_score": type_bonus_score,
            }
        )
        if dependency_count is not UNSET:
            field_dict["dependency_count"] = dependency_count
        if duplicate_matches is not UNSET:
            field_dict["duplicate_matches"] = duplicate_matches
        if keep_reason is not UNSET:
            field_dict["keep_reason"] = keep_reason
        if protected is not UNSET:
            field_dict["protected"] = protected

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_forgetting_preview_item_duplicate_matches_item import (
            DashboardForgettingPreviewItemDuplicateMatchesItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        access_count = d.pop("access_count")

        confidence = d.pop("confidence")

        confidence_score = d.pop("confidence_score")

        dependency_score = d.pop("dependency_score")

        frequency_score = d.pop("frequency_score")

        importance = d.pop("importance")

        importance_score = d.pop("importance_score")

        memory_id = UUID(d.pop("memory_id"))

        recency_score = d.pop("recency_score")

        status = d.pop("status")

        suggested_action = d.pop("suggested_action")

        text = d.pop("text")

        total_score = d.pop("total_score")

        type_ = d.pop("type")

        type_bonus_score = d.pop("type_bonus_score")

        dependency_count = d.pop("dependency_count", UNSET)

        _duplicate_matches = d.pop("duplicate_matches", UNSET)
        duplicate_matches: list[DashboardForgettingPreviewItemDuplicateMatchesItem] | Unset = UNSET
        if _duplicate_matches is not UNSET:
            duplicate_matches = []
            for duplicate_matches_item_data in _duplicate_matches:
                duplicate_matches_item = DashboardForgettingPreviewItemDuplicateMatchesItem.from_dict(
                    duplicate_matches_item_data
                )

                duplicate_matches.append(duplicate_matches_item)

        def _parse_keep_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        keep_reason = _parse_keep_reason(d.pop("keep_reason", UNSET))

        protected = d.pop("protected", UNSET)

        dashboard_forgetting_preview_item = cls(
            access_count=access_count,
            confidence=confidence,
            confidence_score=confidence_score,
            dependency_score=dependency_score,
            frequency_score=frequency_score,
            importance=importance,
            importance_score=importance_score,
            memory_id=memory_id,
            recency_score=recency_score,
            status=status,
            suggested_action=suggested_action,
            text=text,
            total_score=total_score,
            type_=type_,
            type_bonus_score=type_bonus_score,
            dependency_count=dependency_count,
            duplicate_matches=duplicate_matches,
            keep_reason=keep_reason,
            protected=protected,
        )

        dashboard_forgetting_preview_item.additional_properties = d
        return dashboard_forgetting_preview_item

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
