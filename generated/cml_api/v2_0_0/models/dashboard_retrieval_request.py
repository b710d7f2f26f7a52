from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.retrieval_format import RetrievalFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="DashboardRetrievalRequest")


@_attrs_define
class DashboardRetrievalRequest:
    """A test retrieval run from the dashboard."""

    query: str
    tenant_id: str
    """ Tenant to search. """
    context_filter: list[str] | None | Unset = UNSET
    """ Keep only memories carrying one of these context tags. """
    format_: RetrievalFormat | Unset = RetrievalFormat.LIST
    """ Shape of the answer, as for `read_memory`. """
    max_results: int | Unset = 10
    """ Most results to return (at most 50). """
    memory_types: list[str] | None | Unset = UNSET
    """ Keep only memories of these types (MemoryType values, as text). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        query = self.query

        tenant_id = self.tenant_id

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
            memory_types = self.memory_types

        else:
            memory_types = self.memory_types

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "query": query,
                "tenant_id": tenant_id,
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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        query = d.pop("query")

        tenant_id = d.pop("tenant_id")

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
        format_: RetrievalFormat | Unset
        if isinstance(_format_, Unset):
            format_ = UNSET
        else:
            format_ = RetrievalFormat(_format_)

        max_results = d.pop("max_results", UNSET)

        def _parse_memory_types(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                memory_types_type_0 = cast(list[str], data)

                return memory_types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        memory_types = _parse_memory_types(d.pop("memory_types", UNSET))

        dashboard_retrieval_request = cls(
            query=query,
            tenant_id=tenant_id,
            context_filter=context_filter,
            format_=format_,
            max_results=max_results,
            memory_types=memory_types,
        )

        dashboard_retrieval_request.additional_properties = d
        return dashboard_retrieval_request

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
