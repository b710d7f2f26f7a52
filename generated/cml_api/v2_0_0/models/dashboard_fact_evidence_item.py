from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_fact_evidence_item_metadata import DashboardFactEvidenceItemMetadata


T = TypeVar("T", bound="DashboardFactEvidenceItem")


@_attrs_define
class DashboardFactEvidenceItem:
    """A memory that supports a fact."""

    confidence: float
    id: UUID
    status: str
    text: str
    type_: str
    importance: float | Unset = 0.0
    metadata: DashboardFactEvidenceItemMetadata | Unset = UNSET
    source_session_id: None | str | Unset = UNSET
    supersedes_id: None | Unset | UUID = UNSET
    timestamp: datetime.datetime | None | Unset = UNSET
    written_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        confidence = self.confidence

        id = str(self.id)

        status = self.status

        text = self.text

        type_ = self.type_

        importance = self.importance

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        source_session_id: None | str | Unset
        if isinstance(self.source_session_id, Unset):
            source_session_id = UNSET
        else:
            source_session_id = self.source_session_id

        supersedes_id: None | str | Unset
        if isinstance(self.supersedes_id, Unset):
            supersedes_id = UNSET
        elif isinstance(self.supersedes_id, UUID):
            supersedes_id = str(self.supersedes_id)
        else:
            supersedes_id = self.supersedes_id

        timestamp: None | str | Unset
        if isinstance(self.timestamp, Unset):
            timestamp = UNSET
        elif isinstance(self.timestamp, datetime.datetime):
            timestamp = self.timestamp.isoformat()
        else:
            timestamp = self.timestamp

        written_at: None | str | Unset
        if isinstance(self.written_at, Unset):
            written_at = UNSET
        elif isinstance(self.written_at, datetime.datetime):
            written_at = self.written_at.isoformat()
        else:
            written_at = self.written_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "confidence": confidence,
                "id": id,
                "status": status,
                "text": text,
                "type": type_,
            }
        )
        if importance is not UNSET:
            field_dict["importance"] = importance
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if source_session_id is not UNSET:
            field_dict["source_session_id"] = source_session_id
        if supersedes_id is not UNSET:
            field_dict["supersedes_id"] = supersedes_id
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if written_at is not UNSET:
            field_dict["written_at"] = written_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_fact_evidence_item_metadata import DashboardFactEvidenceItemMetadata  # noqa: PLC0415

        d = dict(src_dict)
        confidence = d.pop("confidence")

        id = UUID(d.pop("id"))

        status = d.pop("status")

        text = d.pop("text")

        type_ = d.pop("type")

        importance = d.pop("importance", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: DashboardFactEvidenceItemMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = DashboardFactEvidenceItemMetadata.from_dict(_metadata)

        def _parse_source_session_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source_session_id = _parse_source_session_id(d.pop("source_session_id", UNSET))

        def _parse_supersedes_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                supersedes_id_type_0 = UUID(data)

                return supersedes_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        supersedes_id = _parse_supersedes_id(d.pop("supersedes_id", UNSET))

        def _parse_timestamp(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                timestamp_type_0 = datetime.datetime.fromisoformat(data)

                return timestamp_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        timestamp = _parse_timestamp(d.pop("timestamp", UNSET))

        def _parse_written_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                written_at_type_0 = datetime.datetime.fromisoformat(data)

                return written_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        written_at = _parse_written_at(d.pop("written_at", UNSET))

        dashboard_fact_evidence_item = cls(
            confidence=confidence,
            id=id,
            status=status,
            text=text,
            type_=type_,
            importance=importance,
            metadata=metadata,
            source_session_id=source_session_id,
            supersedes_id=supersedes_id,
            timestamp=timestamp,
            written_at=written_at,
        )

        dashboard_fact_evidence_item.additional_properties = d
        return dashboard_fact_evidence_item

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
