from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.memory_item_metadata import MemoryItemMetadata


T = TypeVar("T", bound="MemoryItem")


@_attrs_define
class MemoryItem:
    """One recalled memory. Its `timestamp` may come without a time zone offset, while session timestamps end in `Z`;
    clients must accept both forms.

    """

    confidence: float
    """ How sure the server is that the memory is true, from 0 to 1. """
    id: UUID
    relevance: float
    """ How well the memory matches the query, from 0 to 1. """
    text: str
    """ The remembered text. """
    timestamp: datetime.datetime
    """ When the remembered thing happened. """
    type_: str
    """ The memory's type, one of the MemoryType values. """
    metadata: MemoryItemMetadata | Unset = UNSET
    """ Free-form data stored with the memory. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        confidence = self.confidence

        id = str(self.id)

        relevance = self.relevance

        text = self.text

        timestamp = self.timestamp.isoformat()

        type_ = self.type_

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "confidence": confidence,
                "id": id,
                "relevance": relevance,
                "text": text,
                "timestamp": timestamp,
                "type": type_,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.memory_item_metadata import MemoryItemMetadata  # noqa: PLC0415

        d = dict(src_dict)
        confidence = d.pop("confidence")

        id = UUID(d.pop("id"))

        relevance = d.pop("relevance")

        text = d.pop("text")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        type_ = d.pop("type")

        _metadata = d.pop("metadata", UNSET)
        metadata: MemoryItemMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = MemoryItemMetadata.from_dict(_metadata)

        memory_item = cls(
            confidence=confidence,
            id=id,
            relevance=relevance,
            text=text,
            timestamp=timestamp,
            type_=type_,
            metadata=metadata,
        )

        memory_item.additional_properties = d
        return memory_item

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
