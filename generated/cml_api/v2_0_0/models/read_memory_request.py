from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.memory_type import MemoryType
from ..models.response_format import ResponseFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReadMemoryRequest")


@_attrs_define
class ReadMemoryRequest:
    """A recall query and the filters to apply."""

    query: str
    """ What to look for, in natural language. """
    context_filter: list[str] | None | Unset = UNSET
    """ Keep only memories carrying one of these context tags. """
    format_: ResponseFormat | Unset = ResponseFormat.PACKET
    """ Shape of the answer: `packet` (categorised lists plus `memories`), `list` (only `memories`) or `llm_context`
    (also a rendered Markdown context in `llm_context`). """
    max_results: int | Unset = 10
    """ Most memories to return (1 to 50). """
    memory_types: list[MemoryType] | None | Unset = UNSET
    """ Keep only memories of these types. """
    since: datetime.datetime | None | Unset = UNSET
    """ Keep only memories from this moment on. """
    until: datetime.datetime | None | Unset = UNSET
    """ Keep only memories up to this moment. """
    user_timezone: None | str | Unset = UNSET
    """ IANA time zone of the user (such as `Europe/Paris`), used to read relative dates in the query. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        query = self.query

        context_filter: list[str] | None | Unset
        if isinstance(self.context_filter, Unset):
            context_filter = UNSET
        elif isinstance(self.context_filter, list):
            context_filter = self.context_filter

        else:
            context_filter = self.context_filter

        format_: str | Unset = UNSET
        if not isinstance(self.format_, Unset):
            format_ = self.format_.value

        max_results = self.max_results

        memory_types: list[str] | None | Unset
        if isinstance(self.memory_types, Unset):
            memory_types = UNSET
        elif isinstance(self.memory_types, list):
            memory_types = []
            for memory_types_type_0_item_data in self.memory_types:
                memory_types_type_0_item = memory_types_type_0_item_data.value
                memory_types.append(memory_types_type_0_item)

        else:
            memory_types = self.memory_types

        since: None | str | Unset
        if isinstance(self.since, Unset):
            since = UNSET
        elif isinstance(self.since, datetime.datetime):
            since = self.since.isoformat()
        else:
            since = self.since

        until: None | str | Unset
        if isinstance(self.until, Unset):
            until = UNSET
        elif isinstance(self.until, datetime.datetime):
            until = self.until.isoformat()
        else:
            until = self.until

        user_timezone: None | str | Unset
        if isinstance(self.user_timezone, Unset):
            user_timezone = UNSET
        else:
            user_timezone = self.user_timezone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "query": query,
            }
        )
        if context_filter is not UNSET:
            field_dict["context_filter"] = context_filter
        if format_ is not UNSET:
            field_dict["format"] = format_
        if max_results is not UNSET:
            field_dict["max_results"] = max_results
        if memory_types is not UNSET:
            field_dict["memory_types"] = memory_types
        if since is not UNSET:
            field_dict["since"] = since
        if until is not UNSET:
            field_dict["until"] = until
        if user_timezone is not UNSET:
            field_dict["user_timezone"] = user_timezone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        query = d.pop("query")

        def _parse_context_filter(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                context_filter_type_0 = cast(list[str], data)

                return context_filter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        context_filter = _parse_context_filter(d.pop("context_filter", UNSET))

        _format_ = d.pop("format", UNSET)
        format_: ResponseFormat | Unset
        if isinstance(_format_, Unset):
            format_ = UNSET
        else:
            format_ = ResponseFormat(_format_)

        max_results = d.pop("max_results", UNSET)

        def _parse_memory_types(data: object) -> list[MemoryType] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                memory_types_type_0 = []
                _memory_types_type_0 = data
                for memory_types_type_0_item_data in _memory_types_type_0:
                    memory_types_type_0_item = MemoryType(memory_types_type_0_item_data)

                    memory_types_type_0.append(memory_types_type_0_item)

                return memory_types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[MemoryType] | None | Unset, data)

        memory_types = _parse_memory_types(d.pop("memory_types", UNSET))

        def _parse_since(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.datetime.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        since = _parse_since(d.pop("since", UNSET))

        def _parse_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                until_type_0 = datetime.datetime.fromisoformat(data)

                return until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        until = _parse_until(d.pop("until", UNSET))

        def _parse_user_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_timezone = _parse_user_timezone(d.pop("user_timezone", UNSET))

        read_memory_request = cls(
            query=query,
            context_filter=context_filter,
            format_=format_,
            max_results=max_results,
            memory_types=memory_types,
            since=since,
            until=until,
            user_timezone=user_timezone,
        )

        read_memory_request.additional_properties = d
        return read_memory_request

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
