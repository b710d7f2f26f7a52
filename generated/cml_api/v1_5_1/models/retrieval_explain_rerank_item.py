from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.retrieval_explain_rerank_item_breakdown import RetrievalExplainRerankItemBreakdown


T = TypeVar("T", bound="RetrievalExplainRerankItem")


@_attrs_define
class RetrievalExplainRerankItem:
    """A candidate as placed by the re-ranker."""

    final_score: float
    id: UUID
    rank: int
    source_type: str
    text: str
    breakdown: RetrievalExplainRerankItemBreakdown | Unset = UNSET
    """ The parts of `final_score`, by name. """
    notes: list[str] | Unset = UNSET
    retrieval_source: str | Unset = ""
    selected: bool | Unset = True
    """ False when the candidate was dropped from the final answer. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        final_score = self.final_score

        id = str(self.id)

        rank = self.rank

        source_type = self.source_type

        text = self.text

        breakdown: dict[str, Any] | Unset = UNSET
        if not isinstance(self.breakdown, Unset):
            breakdown = self.breakdown.to_dict()

        notes: list[str] | Unset = UNSET
        if not isinstance(self.notes, Unset):
            notes = self.notes

        retrieval_source = self.retrieval_source

        selected = self.selected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "final_score": final_score,
                "id": id,
                "rank": rank,
                "source_type": source_type,
                "text": text,
            }
        )
        if breakdown is not UNSET:
            field_dict["breakdown"] = breakdown
        if notes is not UNSET:
            field_dict["notes"] = notes
        if retrieval_source is not UNSET:
            field_dict["retrieval_source"] = retrieval_source
        if selected is not UNSET:
            field_dict["selected"] = selected

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.retrieval_explain_rerank_item_breakdown import RetrievalExplainRerankItemBreakdown  # noqa: PLC0415

        d = dict(src_dict)
        final_score = d.pop("final_score")

        id = UUID(d.pop("id"))

        rank = d.pop("rank")

        source_type = d.pop("source_type")

        text = d.pop("text")

        _breakdown = d.pop("breakdown", UNSET)
        breakdown: RetrievalExplainRerankItemBreakdown | Unset
        if isinstance(_breakdown, Unset):
            breakdown = UNSET
        else:
            breakdown = RetrievalExplainRerankItemBreakdown.from_dict(_breakdown)

        notes = cast(list[str], d.pop("notes", UNSET))

        retrieval_source = d.pop("retrieval_source", UNSET)

        selected = d.pop("selected", UNSET)

        retrieval_explain_rerank_item = cls(
            final_score=final_score,
            id=id,
            rank=rank,
            source_type=source_type,
            text=text,
            breakdown=breakdown,
            notes=notes,
            retrieval_source=retrieval_source,
            selected=selected,
        )

        retrieval_explain_rerank_item.additional_properties = d
        return retrieval_explain_rerank_item

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
