from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_memory_detail_related_events_item import DashboardMemoryDetailRelatedEventsItem


T = TypeVar("T", bound="DashboardMemoryDetail")


@_attrs_define
class DashboardMemoryDetail:
    """The full record of one memory."""

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
    content_hash: None | str | Unset = UNSET
    """ Hash of the text, used to spot duplicates. """
    context_tags: list[str] | Unset = UNSET
    decay_rate: float | Unset = 0.01
    """ How fast the memory loses strength when not recalled. """
    entities: Any | Unset = UNSET
    """ Entities extracted from the text; shape decided by the extractor. """
    importance: float | Unset = 0.5
    key: None | str | Unset = UNSET
    """ Identity key shared by successive versions of the same memory. """
    labile: bool | Unset = False
    """ True while the memory is open to reconsolidation. """
    last_accessed_at: datetime.datetime | None | Unset = UNSET
    """ When the memory was last recalled. """
    metadata: Any | Unset = UNSET
    """ Free-form data stored with the memory. """
    namespace: None | str | Unset = UNSET
    provenance: Any | Unset = UNSET
    """ Where the memory came from (source, extractor, pipeline); free-form. """
    related_events: list[DashboardMemoryDetailRelatedEventsItem] | Unset = UNSET
    """ Event-log entries that mention this memory. """
    relations: Any | Unset = UNSET
    """ Relations extracted from the text; shape decided by the extractor. """
    source_session_id: None | str | Unset = UNSET
    """ Session in which the memory was written. """
    supersedes_id: None | Unset | UUID = UNSET
    """ The earlier version this memory replaced. """
    timestamp: datetime.datetime | None | Unset = UNSET
    """ When the remembered thing happened. """
    valid_from: datetime.datetime | None | Unset = UNSET
    """ Start of the period in which the memory holds. """
    valid_to: datetime.datetime | None | Unset = UNSET
    """ End of the period in which the memory holds. """
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

        content_hash: None | str | Unset
        if isinstance(self.content_hash, Unset):
            content_hash = UNSET
        else:
            content_hash = self.content_hash

        context_tags: list[str] | Unset = UNSET
        if not isinstance(self.context_tags, Unset):
            context_tags = self.context_tags

        decay_rate = self.decay_rate

        entities = self.entities

        importance = self.importance

        key: None | str | Unset
        if isinstance(self.key, Unset):
            key = UNSET
        else:
            key = self.key

        labile = self.labile

        last_accessed_at: None | str | Unset
        if isinstance(self.last_accessed_at, Unset):
            last_accessed_at = UNSET
        elif isinstance(self.last_accessed_at, datetime.datetime):
            last_accessed_at = self.last_accessed_at.isoformat()
        else:
            last_accessed_at = self.last_accessed_at

        metadata = self.metadata

        namespace: None | str | Unset
        if isinstance(self.namespace, Unset):
            namespace = UNSET
        else:
            namespace = self.namespace

        provenance = self.provenance

        related_events: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.related_events, Unset):
            related_events = []
            for related_events_item_data in self.related_events:
                related_events_item = related_events_item_data.to_dict()
                related_events.append(related_events_item)

        relations = self.relations

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

        valid_from: None | str | Unset
        if isinstance(self.valid_from, Unset):
            valid_from = UNSET
        elif isinstance(self.valid_from, datetime.datetime):
            valid_from = self.valid_from.isoformat()
        else:
            valid_from = self.valid_from

        valid_to: None | str | Unset
        if isinstance(self.valid_to, Unset):
            valid_to = UNSET
        elif isinstance(self.valid_to, datetime.datetime):
            valid_to = self.valid_to.isoformat()
        else:
            valid_to = self.valid_to

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
        if content_hash is not UNSET:
            field_dict["content_hash"] = content_hash
        if context_tags is not UNSET:
            field_dict["context_tags"] = context_tags
        if decay_rate is not UNSET:
            field_dict["decay_rate"] = decay_rate
        if entities is not UNSET:
            field_dict["entities"] = entities
        if importance is not UNSET:
            field_dict["importance"] = importance
        if key is not UNSET:
            field_dict["key"] = key
        if labile is not UNSET:
            field_dict["labile"] = labile
        if last_accessed_at is not UNSET:
            field_dict["last_accessed_at"] = last_accessed_at
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if namespace is not UNSET:
            field_dict["namespace"] = namespace
        if provenance is not UNSET:
            field_dict["provenance"] = provenance
        if related_events is not UNSET:
            field_dict["related_events"] = related_events
        if relations is not UNSET:
            field_dict["relations"] = relations
        if source_session_id is not UNSET:
            field_dict["source_session_id"] = source_session_id
        if supersedes_id is not UNSET:
            field_dict["supersedes_id"] = supersedes_id
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if valid_from is not UNSET:
            field_dict["valid_from"] = valid_from
        if valid_to is not UNSET:
            field_dict["valid_to"] = valid_to
        if version is not UNSET:
            field_dict["version"] = version
        if written_at is not UNSET:
            field_dict["written_at"] = written_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_memory_detail_related_events_item import DashboardMemoryDetailRelatedEventsItem  # noqa: PLC0415

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

        def _parse_content_hash(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        content_hash = _parse_content_hash(d.pop("content_hash", UNSET))

        context_tags = cast(list[str], d.pop("context_tags", UNSET))

        decay_rate = d.pop("decay_rate", UNSET)

        entities = d.pop("entities", UNSET)

        importance = d.pop("importance", UNSET)

        def _parse_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key = _parse_key(d.pop("key", UNSET))

        labile = d.pop("labile", UNSET)

        def _parse_last_accessed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_accessed_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_accessed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_accessed_at = _parse_last_accessed_at(d.pop("last_accessed_at", UNSET))

        metadata = d.pop("metadata", UNSET)

        def _parse_namespace(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        namespace = _parse_namespace(d.pop("namespace", UNSET))

        provenance = d.pop("provenance", UNSET)

        _related_events = d.pop("related_events", UNSET)
        related_events: list[DashboardMemoryDetailRelatedEventsItem] | Unset = UNSET
        if _related_events is not UNSET:
            related_events = []
            for related_events_item_data in _related_events:
                related_events_item = DashboardMemoryDetailRelatedEventsItem.from_dict(related_events_item_data)

                related_events.append(related_events_item)

        relations = d.pop("relations", UNSET)

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

        def _parse_valid_from(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_from_type_0 = datetime.datetime.fromisoformat(data)

                return valid_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        valid_from = _parse_valid_from(d.pop("valid_from", UNSET))

        def _parse_valid_to(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_to_type_0 = datetime.datetime.fromisoformat(data)

                return valid_to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        valid_to = _parse_valid_to(d.pop("valid_to", UNSET))

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

        dashboard_memory_detail = cls(
            id=id,
            status=status,
            tenant_id=tenant_id,
            text=text,
            type_=type_,
            access_count=access_count,
            agent_id=agent_id,
            confidence=confidence,
            content_hash=content_hash,
            context_tags=context_tags,
            decay_rate=decay_rate,
            entities=entities,
            importance=importance,
            key=key,
            labile=labile,
            last_accessed_at=last_accessed_at,
            metadata=metadata,
            namespace=namespace,
            provenance=provenance,
            related_events=related_events,
            relations=relations,
            source_session_id=source_session_id,
            supersedes_id=supersedes_id,
            timestamp=timestamp,
            valid_from=valid_from,
            valid_to=valid_to,
            version=version,
            written_at=written_at,
        )

        dashboard_memory_detail.additional_properties = d
        return dashboard_memory_detail

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
