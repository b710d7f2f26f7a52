from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.forget_action import ForgetAction
from ..types import UNSET, Unset

T = TypeVar("T", bound="ForgetRequest")


@_attrs_define
class ForgetRequest:
    """Which memories to forget and how. Give `memory_ids`, `query`, `before`, or a combination."""

    action: ForgetAction | Unset = ForgetAction.DELETE
    """ `delete` removes the memories, `archive` keeps them out of recall but stored, `silence` keeps them but stops
    them surfacing. """
    before: datetime.datetime | None | Unset = UNSET
    """ Forget memories older than this moment. """
    memory_ids: list[UUID] | None | Unset = UNSET
    """ Forget these memories. """
    query: None | str | Unset = UNSET
    """ Forget memories matching this query. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action: str | Unset = UNSET
        if not isinstance(self.action, Unset):
            action = self.action.value

        before: None | str | Unset
        if isinstance(self.before, Unset):
            before = UNSET
        elif isinstance(self.before, datetime.datetime):
            before = self.before.isoformat()
        else:
            before = self.before

        memory_ids: list[str] | None | Unset
        if isinstance(self.memory_ids, Unset):
            memory_ids = UNSET
        elif isinstance(self.memory_ids, list):
            memory_ids = []
            for memory_ids_type_0_item_data in self.memory_ids:
                memory_ids_type_0_item = str(memory_ids_type_0_item_data)
                memory_ids.append(memory_ids_type_0_item)

        else:
            memory_ids = self.memory_ids

        query: None | str | Unset
        if isinstance(self.query, Unset):
            query = UNSET
        else:
            query = self.query

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if action is not UNSET:
            field_dict["action"] = action
        if before is not UNSET:
            field_dict["before"] = before
        if memory_ids is not UNSET:
            field_dict["memory_ids"] = memory_ids
        if query is not UNSET:
            field_dict["query"] = query

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _action = d.pop("action", UNSET)
        action: ForgetAction | Unset
        if isinstance(_action, Unset):
            action = UNSET
        else:
            action = ForgetAction(_action)

        def _parse_before(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                before_type_0 = datetime.datetime.fromisoformat(data)

                return before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        before = _parse_before(d.pop("before", UNSET))

        def _parse_memory_ids(data: object) -> list[UUID] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                memory_ids_type_0 = []
                _memory_ids_type_0 = data
                for memory_ids_type_0_item_data in _memory_ids_type_0:
                    memory_ids_type_0_item = UUID(memory_ids_type_0_item_data)

                    memory_ids_type_0.append(memory_ids_type_0_item)

                return memory_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[UUID] | None | Unset, data)

        memory_ids = _parse_memory_ids(d.pop("memory_ids", UNSET))

        def _parse_query(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        query = _parse_query(d.pop("query", UNSET))

        forget_request = cls(
            action=action,
            before=before,
            memory_ids=memory_ids,
            query=query,
        )

        forget_request.additional_properties = d
        return forget_request

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
