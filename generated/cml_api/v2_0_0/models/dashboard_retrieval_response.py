from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.retrieval_result_item import RetrievalResultItem


T = TypeVar("T", bound="DashboardRetrievalResponse")


@_attrs_define
class DashboardRetrievalResponse:
    """The outcome of a dashboard retrieval."""

    query: str
    elapsed_ms: float | Unset = 0.0
    llm_context: None | str | Unset = UNSET
    """ Rendered Markdown context, for the `llm_context` format. """
    results: list[RetrievalResultItem] | Unset = UNSET
    total_count: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        query = self.query

        elapsed_ms = self.elapsed_ms

        llm_context: None | str | Unset
        if isinstance(self.llm_context, Unset):
            llm_context = UNSET
        else:
            llm_context = self.llm_context

        results: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.results, Unset):
            results = []
            for results_item_data in self.results:
                results_item = results_item_data.to_dict()
                results.append(results_item)

        total_count = self.total_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "query": query,
            }
        )
        if elapsed_ms is not UNSET:
            field_dict["elapsed_ms"] = elapsed_ms
        if llm_context is not UNSET:
            field_dict["llm_context"] = llm_context
        if results is not UNSET:
            field_dict["results"] = results
        if total_count is not UNSET:
            field_dict["total_count"] = total_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.retrieval_result_item import RetrievalResultItem  # noqa: PLC0415

        d = dict(src_dict)
        query = d.pop("query")

        elapsed_ms = d.pop("elapsed_ms", UNSET)

        def _parse_llm_context(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        llm_context = _parse_llm_context(d.pop("llm_context", UNSET))

        _results = d.pop("results", UNSET)
        results: list[RetrievalResultItem] | Unset = UNSET
        if _results is not UNSET:
            results = []
            for results_item_data in _results:
                results_item = RetrievalResultItem.from_dict(results_item_data)

                results.append(results_item)

        total_count = d.pop("total_count", UNSET)

        dashboard_retrieval_response = cls(
            query=query,
            elapsed_ms=elapsed_ms,
            llm_context=llm_context,
            results=results,
            total_count=total_count,
        )

        dashboard_retrieval_response.additional_properties = d
        return dashboard_retrieval_response

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
