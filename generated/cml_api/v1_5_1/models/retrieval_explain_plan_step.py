from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.retrieval_time_filter import RetrievalTimeFilter


T = TypeVar("T", bound="RetrievalExplainPlanStep")


@_attrs_define
class RetrievalExplainPlanStep:
    """One step of the retrieval plan."""

    source: str
    """ The retrieval path this step uses. """
    associative_expansion: bool | Unset = False
    """ True when results are widened to associated memories. """
    constraint_categories: list[str] | Unset = UNSET
    key: None | str | Unset = UNSET
    memory_types: list[str] | Unset = UNSET
    min_confidence: float | Unset = 0.0
    priority: int | Unset = 0
    query: None | str | Unset = UNSET
    query_domain: None | str | Unset = UNSET
    seeds: list[str] | Unset = UNSET
    """ Starting points, for graph steps. """
    skip_if_found: bool | Unset = False
    """ True when the step is skipped if earlier steps already found enough. """
    time_filter: None | RetrievalTimeFilter | Unset = UNSET
    timeout_ms: int | Unset = 0
    top_k: int | Unset = 10
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.retrieval_time_filter import RetrievalTimeFilter  # noqa: PLC0415

        source = self.source

        associative_expansion = self.associative_expansion

        constraint_categories: list[str] | Unset = UNSET
        if not isinstance(self.constraint_categories, Unset):
            constraint_categories = self.constraint_categories

        key: None | str | Unset
        if isinstance(self.key, Unset):
            key = UNSET
        else:
            key = self.key

        memory_types: list[str] | Unset = UNSET
        if not isinstance(self.memory_types, Unset):
            memory_types = self.memory_types

        min_confidence = self.min_confidence

        priority = self.priority

        query: None | str | Unset
        if isinstance(self.query, Unset):
            query = UNSET
        else:
            query = self.query

        query_domain: None | str | Unset
        if isinstance(self.query_domain, Unset):
            query_domain = UNSET
        else:
            query_domain = self.query_domain

        seeds: list[str] | Unset = UNSET
        if not isinstance(self.seeds, Unset):
            seeds = self.seeds

        skip_if_found = self.skip_if_found

        time_filter: dict[str, Any] | None | Unset
        if isinstance(self.time_filter, Unset):
            time_filter = UNSET
        elif isinstance(self.time_filter, RetrievalTimeFilter):
            time_filter = self.time_filter.to_dict()
        else:
            time_filter = self.time_filter

        timeout_ms = self.timeout_ms

        top_k = self.top_k

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "source": source,
            }
        )
        if associative_expansion is not UNSET:
            field_dict["associative_expansion"] = associative_expansion
        if constraint_categories is not UNSET:
            field_dict["constraint_categories"] = constraint_categories
        if key is not UNSET:
            field_dict["key"] = key
        if memory_types is not UNSET:
            field_dict["memory_types"] = memory_types
        if min_confidence is not UNSET:
            field_dict["min_confidence"] = min_confidence
        if priority is not UNSET:
            field_dict["priority"] = priority
        if query is not UNSET:
            field_dict["query"] = query
        if query_domain is not UNSET:
            field_dict["query_domain"] = query_domain
        if seeds is not UNSET:
            field_dict["seeds"] = seeds
        if skip_if_found is not UNSET:
            field_dict["skip_if_found"] = skip_if_found
        if time_filter is not UNSET:
            field_dict["time_filter"] = time_filter
        if timeout_ms is not UNSET:
            field_dict["timeout_ms"] = timeout_ms
        if top_k is not UNSET:
            field_dict["top_k"] = top_k

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.retrieval_time_filter import RetrievalTimeFilter  # noqa: PLC0415

        d = dict(src_dict)
        source = d.pop("source")

        associative_expansion = d.pop("associative_expansion", UNSET)

        constraint_categories = cast(list[str], d.pop("constraint_categories", UNSET))

        def _parse_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key = _parse_key(d.pop("key", UNSET))

        memory_types = cast(list[str], d.pop("memory_types", UNSET))

        min_confidence = d.pop("min_confidence", UNSET)

        priority = d.pop("priority", UNSET)

        def _parse_query(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        query = _parse_query(d.pop("query", UNSET))

        def _parse_query_domain(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        query_domain = _parse_query_domain(d.pop("query_domain", UNSET))

        seeds = cast(list[str], d.pop("seeds", UNSET))

        skip_if_found = d.pop("skip_if_found", UNSET)

        def _parse_time_filter(data: object) -> None | RetrievalTimeFilter | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                time_filter_type_0 = RetrievalTimeFilter.from_dict(data)

                return time_filter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RetrievalTimeFilter | Unset, data)

        time_filter = _parse_time_filter(d.pop("time_filter", UNSET))

        timeout_ms = d.pop("timeout_ms", UNSET)

        top_k = d.pop("top_k", UNSET)

        retrieval_explain_plan_step = cls(
            source=source,
            associative_expansion=associative_expansion,
            constraint_categories=constraint_categories,
            key=key,
            memory_types=memory_types,
            min_confidence=min_confidence,
            priority=priority,
            query=query,
            query_domain=query_domain,
            seeds=seeds,
            skip_if_found=skip_if_found,
            time_filter=time_filter,
            timeout_ms=timeout_ms,
            top_k=top_k,
        )

        retrieval_explain_plan_step.additional_properties = d
        return retrieval_explain_plan_step

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
