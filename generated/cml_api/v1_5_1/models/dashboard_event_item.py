from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DashboardEventItem")


@_attrs_define
class DashboardEventItem:
    """One entry of the event log."""

    event_type: str
    id: UUID
    scope_id: str
    """ Scope inside the tenant (for example a user or a session) the event belongs to. """
    tenant_id: str
    agent_id: None | str | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    memory_ids: list[UUID] | Unset = UNSET
    """ Memories the event concerns. """
    operation: None | str | Unset = UNSET
    """ The operation that produced the event. """
    parent_event_id: None | Unset | UUID = UNSET
    """ The event that caused this one, if any. """
    payload: Any | Unset = UNSET
    """ Event-specific data; its shape depends on the event type. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_type = self.event_type

        id = str(self.id)

        scope_id = self.scope_id

        tenant_id = self.tenant_id

        agent_id: None | str | Unset
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        else:
            agent_id = self.agent_id

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        memory_ids: list[str] | Unset = UNSET
        if not isinstance(self.memory_ids, Unset):
            memory_ids = []
            for memory_ids_item_data in self.memory_ids:
                memory_ids_item = str(memory_ids_item_data)
                memory_ids.append(memory_ids_item)

        operation: None | str | Unset
        if isinstance(self.operation, Unset):
            operation = UNSET
        else:
            operation = self.operation

        parent_event_id: None | str | Unset
        if isinstance(self.parent_event_id, Unset):
            parent_event_id = UNSET
        elif isinstance(self.parent_event_id, UUID):
            parent_event_id = str(self.parent_event_id)
        else:
            parent_event_id = self.parent_event_id

        payload = self.payload

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_type": event_type,
                "id": id,
                "scope_id": scope_id,
                "tenant_id": tenant_id,
            }
        )
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if memory_ids is not UNSET:
            field_dict["memory_ids"] = memory_ids
        if operation is not UNSET:
            field_dict["operation"] = operation
        if parent_event_id is not UNSET:
            field_dict["parent_event_id"] = parent_event_id
        if payload is not UNSET:
            field_dict["payload"] = payload

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_type = d.pop("event_type")

        id = UUID(d.pop("id"))

        scope_id = d.pop("scope_id")

        tenant_id = d.pop("tenant_id")

        def _parse_agent_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent_id = _parse_agent_id(d.pop("agent_id", UNSET))

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        _memory_ids = d.pop("memory_ids", UNSET)
        memory_ids: list[UUID] | Unset = UNSET
        if _memory_ids is not UNSET:
            memory_ids = []
            for memory_ids_item_data in _memory_ids:
                memory_ids_item = UUID(memory_ids_item_data)

                memory_ids.append(memory_ids_item)

        def _parse_operation(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        operation = _parse_operation(d.pop("operation", UNSET))

        def _parse_parent_event_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_event_id_type_0 = UUID(data)

                return parent_event_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        parent_event_id = _parse_parent_event_id(d.pop("parent_event_id", UNSET))

        payload = d.pop("payload", UNSET)

        dashboard_event_item = cls(
            event_type=event_type,
            id=id,
            scope_id=scope_id,
            tenant_id=tenant_id,
            agent_id=agent_id,
            created_at=created_at,
            memory_ids=memory_ids,
            operation=operation,
            parent_event_id=parent_event_id,
            payload=payload,
        )

        dashboard_event_item.additional_properties = d
        return dashboard_event_item

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
