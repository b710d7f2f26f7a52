from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DashboardMemoryListItem")


@_attrs_define
class DashboardMemoryListItem:
    """One row of the dashboard's memory browser."""

    id: UUID
    status: str
    """ `active`, `silent`, `compressed`, `archived` or `deleted`. """
    tenant_id: str
    text: str
    type_: str
    """ The memory's type, one of the MemoryType values. """
    access_count: int | Unset = 0
    """ How many times the memory has been recalled. """
    agent_id: None | str | Unset = UNSET
    confidence: float | Unset = 0.5
    context_tags: list[str] | Unset = UNSET
    decay_rate: float | Unset = 0.01
    """ How fast the memory loses strength when not recalled. """
    importance: float | Unset = 0.5
    key: None | str | Unset = UNSET
    """ Identity key shared by successive versions of the same memory. """
    labile: bool | Unset = False
    """ True while the memory is open to reconsolidation. """
    namespace: None | str | Unset = UNSET
    timestamp: datetime.datetime | None | Unset = UNSET
    """ When the remembered thing happened. """
    version: int | Unset = 1
    written_at: datetime.datetime | None | Unset = UNSET
    """ When the memory was stored. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        status = self.status

        tenant_id = self.tenant_id

        text = self.text

        type_ = self.type_

        access_count = self.access_count

        agent_id: None | str | Unset
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        else:
            agent_id = self.agent_id

        confidence = self.confidence

        context_tags: list[str] | Unset = UNSET
        if not isinstance(self.context_tags, Unset):
            context_tags = self.context_tags

        decay_rate = self.decay_rate

        importance = self.importance

        key: None | str | Unset
        if isinstance(self.key, Unset):
            key = UNSET
        else:
            key = self.key

        labile = self.labile

        namespace: None | str | Unset
        if isinstance(self.namespace, Unset):
            namespace = UNSET
        else:
            namespace = self.namespace

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
                "tenant_id": tenant_id,
                "text": text,
                "type": type_,
            }
        )
        if access_count is not UNSET:
            field_dict["access_count"] = access_count
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id
        if confidence is not UNSET:
            field_dict["confidence"] = confidence
        if context_tags is not UNSET:
            field_dict["context_tags"] = context_tags
        if decay_rate is not UNSET:
            field_dict["decay_rate"] = decay_rate
        if importance is not UNSET:
            field_dict["importance"] = importance
        if key is not UNSET:
            field_dict["key"] = key
        if labile is not UNSET:
            field_dict["labile"] = labile
        if namespace is not UNSET:
            field_dict["namespace"] = namespace
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

        tenant_id = d.pop("tenant_id")

        text = d.pop("text")

        type_ = d.pop("type")

        access_count = d.pop("access_count", UNSET)

        def _parse_agent_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent_id = _parse_agent_id(d.pop("agent_id", UNSET))

        confidence = d.pop("confidence", UNSET)

        context_tags = cast(list[str], d.pop("context_tags", UNSET))

        decay_rate = d.pop("decay_rate", UNSET)

        importance = d.pop("importance", UNSET)

        def _parse_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key = _parse_key(d.pop("key", UNSET))

        labile = d.pop("labile", UNSET)

        def _parse_namespace(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        namespace = _parse_namespace(d.pop("namespace", UNSET))

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

        dashboard_memory_list_item = cls(
            id=id,
            status=status,
            tenant_id=tenant_id,
            text=text,
            type_=type_,
            access_count=access_count,
            agent_id=agent_id,
            confidence=confidence,
            context_tags=context_tags,
            decay_rate=decay_rate,
            importance=importance,
            key=key,
            labile=labile,
            namespace=namespace,
            timestamp=timestamp,
            version=version,
            written_at=written_at,
        )

        dashboard_memory_list_item.additional_properties = d
        return dashboard_memory_list_item

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
