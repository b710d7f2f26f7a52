from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.update_memory_metadata import UpdateMemoryMetadata


T = TypeVar("T", bound="UpdateMemoryRequest")


@_attrs_define
class UpdateMemoryRequest:
    """Changes to one memory. Only the fields that are set are changed."""

    memory_id: UUID
    """ The memory to change. """
    confidence: float | None | Unset = UNSET
    """ New confidence, from 0 to 1. """
    feedback: None | str | Unset = UNSET
    """ Verdict on the memory: `correct`, `incorrect` or `outdated`. The server's schema types it as a plain string.
    """
    importance: float | None | Unset = UNSET
    """ New importance, from 0 to 1. """
    metadata: None | Unset | UpdateMemoryMetadata = UNSET
    """ New metadata. """
    text: None | str | Unset = UNSET
    """ New text. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.update_memory_metadata import UpdateMemoryMetadata  # noqa: PLC0415

        memory_id = str(self.memory_id)

        confidence: float | None | Unset
        if isinstance(self.confidence, Unset):
            confidence = UNSET
        else:
            confidence = self.confidence

        feedback: None | str | Unset
        if isinstance(self.feedback, Unset):
            feedback = UNSET
        else:
            feedback = self.feedback

        importance: float | None | Unset
        if isinstance(self.importance, Unset):
            importance = UNSET
        else:
            importance = self.importance

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, UpdateMemoryMetadata):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "memory_id": memory_id,
            }
        )
        if confidence is not UNSET:
            field_dict["confidence"] = confidence
        if feedback is not UNSET:
            field_dict["feedback"] = feedback
        if importance is not UNSET:
            field_dict["importance"] = importance
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.update_memory_metadata import UpdateMemoryMetadata  # noqa: PLC0415

        d = dict(src_dict)
        memory_id = UUID(d.pop("memory_id"))

        def _parse_confidence(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        confidence = _parse_confidence(d.pop("confidence", UNSET))

        def _parse_feedback(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        feedback = _parse_feedback(d.pop("feedback", UNSET))

        def _parse_importance(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        importance = _parse_importance(d.pop("importance", UNSET))

        def _parse_metadata(data: object) -> None | Unset | UpdateMemoryMetadata:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = UpdateMemoryMetadata.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UpdateMemoryMetadata, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))

        update_memory_request = cls(
            memory_id=memory_id,
            confidence=confidence,
            feedback=feedback,
            importance=importance,
            metadata=metadata,
            text=text,
        )

        update_memory_request.additional_properties = d
        return update_memory_request

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
