from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.retrieval_result_item_metadata import RetrievalResultItemMetadata


T = TypeVar("T", bound="RetrievalResultItem")


@_attrs_define
class RetrievalResultItem:
    """One result of a dashboard retrieval."""

    confidence: float
    id: UUID
    relevance_score: float
    """ How well the memory matches the query. """
    text: str
    type_: str
    metadata: RetrievalResultItemMetadata | Unset = UNSET
    retrieval_source: str | Unset = ""
    """ Which retrieval path found it. """
    supersedes_id: None | Unset | UUID = UNSET
    timestamp: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        confidence = self.confidence

        id = str(self.id)

        relevance_score = self.relevance_score

        text = self.text

        type_ = self.type_

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        retrieval_source = self.retrieval_source

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "confidence": confidence,
                "id": id,
                "relevance_score": relevance_score,
                "text": text,
                "type": type_,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if retrieval_source is not UNSET:
            field_dict["retrieval_source"] = retrieval_source
        if supersedes_id is not UNSET:
            field_dict["supersedes_id"] = supersedes_id
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.retrieval_result_item_metadata import RetrievalResultItemMetadata  # noqa: PLC0415

        d = dict(src_dict)
        confidence = d.pop("confidence")

        id = UUID(d.pop("id"))

        relevance_score = d.pop("relevance_score")

        text = d.pop("text")

        type_ = d.pop("type")

        _metadata = d.pop("metadata", UNSET)
        metadata: RetrievalResultItemMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = RetrievalResultItemMetadata.from_dict(_metadata)

        retrieval_source = d.pop("retrieval_source", UNSET)

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

        retrieval_result_item = cls(
            confidence=confidence,
            id=id,
            relevance_score=relevance_score,
            text=text,
            type_=type_,
            metadata=metadata,
            retrieval_source=retrieval_source,
            supersedes_id=supersedes_id,
            timestamp=timestamp,
        )

        retrieval_result_item.additional_properties = d
        return retrieval_result_item

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
