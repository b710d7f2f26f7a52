from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_write_simulation_request_metadata import DashboardWriteSimulationRequestMetadata


T = TypeVar("T", bound="DashboardWriteSimulationRequest")


@_attrs_define
class DashboardWriteSimulationRequest:
    """Content to run through the write pipeline without storing it."""

    content: str
    tenant_id: str
    compare_extractors: bool | Unset = False
    """ Also run the alternative extractors and report their output side by side. """
    context_tags: list[str] | None | Unset = UNSET
    memory_type: None | str | Unset = UNSET
    """ A MemoryType value, as text. """
    metadata: DashboardWriteSimulationRequestMetadata | Unset = UNSET
    namespace: None | str | Unset = UNSET
    session_id: None | str | Unset = UNSET
    timestamp: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        content = self.content

        tenant_id = self.tenant_id

        compare_extractors = self.compare_extractors

        context_tags: list[str] | None | Unset
        if isinstance(self.context_tags, Unset):
            context_tags = UNSET
        elif isinstance(self.context_tags, list):
            context_tags = self.context_tags

        else:
            context_tags = self.context_tags

        memory_type: None | str | Unset
        if isinstance(self.memory_type, Unset):
            memory_type = UNSET
        else:
            memory_type = self.memory_type

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        namespace: None | str | Unset
        if isinstance(self.namespace, Unset):
            namespace = UNSET
        else:
            namespace = self.namespace

        session_id: None | str | Unset
        if isinstance(self.session_id, Unset):
            session_id = UNSET
        else:
            session_id = self.session_id

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
                "content": content,
                "tenant_id": tenant_id,
            }
        )
        if compare_extractors is not UNSET:
            field_dict["compare_extractors"] = compare_extractors
        if context_tags is not UNSET:
            field_dict["context_tags"] = context_tags
        if memory_type is not UNSET:
            field_dict["memory_type"] = memory_type
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if namespace is not UNSET:
            field_dict["namespace"] = namespace
        if session_id is not UNSET:
            field_dict["session_id"] = session_id
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_write_simulation_request_metadata import DashboardWriteSimulationRequestMetadata  # noqa: PLC0415

        d = dict(src_dict)
        content = d.pop("content")

        tenant_id = d.pop("tenant_id")

        compare_extractors = d.pop("compare_extractors", UNSET)

        def _parse_context_tags(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                context_tags_type_0 = cast(list[str], data)

                return context_tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        context_tags = _parse_context_tags(d.pop("context_tags", UNSET))

        def _parse_memory_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        memory_type = _parse_memory_type(d.pop("memory_type", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: DashboardWriteSimulationRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = DashboardWriteSimulationRequestMetadata.from_dict(_metadata)

        def _parse_namespace(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        namespace = _parse_namespace(d.pop("namespace", UNSET))

        def _parse_session_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        session_id = _parse_session_id(d.pop("session_id", UNSET))

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

        dashboard_write_simulation_request = cls(
            content=content,
            tenant_id=tenant_id,
            compare_extractors=compare_extractors,
            context_tags=context_tags,
            memory_type=memory_type,
            metadata=metadata,
            namespace=namespace,
            session_id=session_id,
            timestamp=timestamp,
        )

        dashboard_write_simulation_request.additional_properties = d
        return dashboard_write_simulation_request

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
