from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.retrieval_explain_analysis_metadata import RetrievalExplainAnalysisMetadata


T = TypeVar("T", bound="RetrievalExplainAnalysis")


@_attrs_define
class RetrievalExplainAnalysis:
    """How the server understood the query."""

    confidence: float
    """ How sure the analyser is of `intent`. """
    intent: str
    """ The kind of question detected. """
    constraint_dimensions: list[str] | Unset = UNSET
    entities: list[str] | Unset = UNSET
    """ Entities named in the query. """
    is_decision_query: bool | Unset = False
    """ True when the query asks for help with a decision, which brings constraints forward. """
    key_phrases: list[str] | Unset = UNSET
    metadata: RetrievalExplainAnalysisMetadata | Unset = UNSET
    query_domain: None | str | Unset = UNSET
    suggested_sources: list[str] | Unset = UNSET
    """ Retrieval paths the analyser recommends. """
    suggested_top_k: int | Unset = 10
    time_end: datetime.datetime | None | Unset = UNSET
    """ End of the time window read from the query. """
    time_reference: None | str | Unset = UNSET
    """ A time expression found in the query, as written. """
    time_start: datetime.datetime | None | Unset = UNSET
    """ Start of the time window read from the query. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        confidence = self.confidence

        intent = self.intent

        constraint_dimensions: list[str] | Unset = UNSET
        if not isinstance(self.constraint_dimensions, Unset):
            constraint_dimensions = self.constraint_dimensions

        entities: list[str] | Unset = UNSET
        if not isinstance(self.entities, Unset):
            entities = self.entities

        is_decision_query = self.is_decision_query

        key_phrases: list[str] | Unset = UNSET
        if not isinstance(self.key_phrases, Unset):
            key_phrases = self.key_phrases

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        query_domain: None | str | Unset
        if isinstance(self.query_domain, Unset):
            query_domain = UNSET
        else:
            query_domain = self.query_domain

        suggested_sources: list[str] | Unset = UNSET
        if not isinstance(self.suggested_sources, Unset):
            suggested_sources = self.suggested_sources

        suggested_top_k = self.suggested_top_k

        time_end: None | str | Unset
        if isinstance(self.time_end, Unset):
            time_end = UNSET
        elif isinstance(self.time_end, datetime.datetime):
            time_end = self.time_end.isoformat()
        else:
            time_end = self.time_end

        time_reference: None | str | Unset
        if isinstance(self.time_reference, Unset):
            time_reference = UNSET
        else:
            time_reference = self.time_reference

        time_start: None | str | Unset
        if isinstance(self.time_start, Unset):
            time_start = UNSET
        elif isinstance(self.time_start, datetime.datetime):
            time_start = self.time_start.isoformat()
        else:
            time_start = self.time_start

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "confidence": confidence,
                "intent": intent,
            }
        )
        if constraint_dimensions is not UNSET:
            field_dict["constraint_dimensions"] = constraint_dimensions
        if entities is not UNSET:
            field_dict["entities"] = entities
        if is_decision_query is not UNSET:
            field_dict["is_decision_query"] = is_decision_query
        if key_phrases is not UNSET:
            field_dict["key_phrases"] = key_phrases
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if query_domain is not UNSET:
            field_dict["query_domain"] = query_domain
        if suggested_sources is not UNSET:
            field_dict["suggested_sources"] = suggested_sources
        if suggested_top_k is not UNSET:
            field_dict["suggested_top_k"] = suggested_top_k
        if time_end is not UNSET:
            field_dict["time_end"] = time_end
        if time_reference is not UNSET:
            field_dict["time_reference"] = time_reference
        if time_start is not UNSET:
            field_dict["time_start"] = time_start

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.retrieval_explain_analysis_metadata import RetrievalExplainAnalysisMetadata  # noqa: PLC0415

        d = dict(src_dict)
        confidence = d.pop("confidence")

        intent = d.pop("intent")

        constraint_dimensions = cast(list[str], d.pop("constraint_dimensions", UNSET))

        entities = cast(list[str], d.pop("entities", UNSET))

        is_decision_query = d.pop("is_decision_query", UNSET)

        key_phrases = cast(list[str], d.pop("key_phrases", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: RetrievalExplainAnalysisMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = RetrievalExplainAnalysisMetadata.from_dict(_metadata)

        def _parse_query_domain(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        query_domain = _parse_query_domain(d.pop("query_domain", UNSET))

        suggested_sources = cast(list[str], d.pop("suggested_sources", UNSET))

        suggested_top_k = d.pop("suggested_top_k", UNSET)

        def _parse_time_end(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                time_end_type_0 = datetime.datetime.fromisoformat(data)

                return time_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        time_end = _parse_time_end(d.pop("time_end", UNSET))

        def _parse_time_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        time_reference = _parse_time_reference(d.pop("time_reference", UNSET))

        def _parse_time_start(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                time_start_type_0 = datetime.datetime.fromisoformat(data)

                return time_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        time_start = _parse_time_start(d.pop("time_start", UNSET))

        retrieval_explain_analysis = cls(
            confidence=confidence,
            intent=intent,
            constraint_dimensions=constraint_dimensions,
            entities=entities,
            is_decision_query=is_decision_query,
            key_phrases=key_phrases,
            metadata=metadata,
            query_domain=query_domain,
            suggested_sources=suggested_sources,
            suggested_top_k=suggested_top_k,
            time_end=time_end,
            time_reference=time_reference,
            time_start=time_start,
        )

        retrieval_explain_analysis.additional_properties = d
        return retrieval_explain_analysis

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
