from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DashboardLineageMemory")


@_attrs_define
class DashboardLineageMemory:
    """A memory as it appears in a lineage view."""

    id: UUID
    status: str
    text: str
    type_: str
    confidence: float | Unset = 0.0
    importance: float | Unset = 0.0
    key: None | str | Unset = UNSET
    """ Identity key shared by successive versions. """
    supersedes_id: None | Unset | UUID = UNSET
    """ The earlier version this one replaced. """
    timestamp: datetime.datetime | None | Unset = UNSET
    version: int | Unset = 1
    written_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        status = self.status

        text = self.text

        type_ = self.type_

        confidence = self.confidence

        importance = self.importance

        key: None | str | Unset
        if isinstance(self.key, Unset):
            key = UNSET
        else:
            key = self.key

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

        version = self.version

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
                "id": id,
                "status": status,
                "text": text,
                "type": type_,
            }
        )
        if confidence is not UNSET:
            field_dict["confidence"] = confidence
        if importance is not UNSET:
            field_dict["importance"] = importance
        if key is not UNSET:
            field_dict["key"] = key
        if supersedes_id is not UNSET:
            field_dict["supersedes_id"] = supersedes_id
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if version is not UNSET:
            field_dict["version"] = version
        if written_at is not UNSET:
            field_dict["written_at"] = written_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        status = d.pop("status")

        text = d.pop("text")

        type_ = d.pop("type")

        confidence = d.pop("confidence", UNSET)

        importance = d.pop("importance", UNSET)

        def _parse_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key = _parse_key(d.pop("key", UNSET))

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

        version = d.pop("version", UNSET)

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

        dashboard_lineage_memory = cls(
            id=id,
            status=status,
            text=text,
            type_=type_,
            confidence=confidence,
            importance=importance,
            key=key,
            supersedes_id=supersedes_id,
            timestamp=timestamp,
            version=version,
            written_at=written_at,
        )

        dashboard_lineage_memory.additional_properties = d
        return dashboard_lineage_memory

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
