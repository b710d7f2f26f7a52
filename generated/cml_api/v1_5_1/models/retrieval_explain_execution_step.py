from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.retrieval_explain_execution_step_filters import RetrievalExplainExecutionStepFilters
    from ..models.retrieval_explain_execution_step_result_preview_item import (
        RetrievalExplainExecutionStepResultPreviewItem,
    )


T = TypeVar("T", bound="RetrievalExplainExecutionStep")


@_attrs_define
class RetrievalExplainExecutionStep:
    """What one plan step did when it ran."""

    source: str
    success: bool
    elapsed_ms: float | Unset = 0.0
    error: None | str | Unset = UNSET
    filters: RetrievalExplainExecutionStepFilters | Unset = UNSET
    query_preview: None | str | Unset = UNSET
    result_count: int | Unset = 0
    result_preview: list[RetrievalExplainExecutionStepResultPreviewItem] | Unset = UNSET
    """ The first few results of the step. """
    timed_out: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source = self.source

        success = self.success

        elapsed_ms = self.elapsed_ms

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        filters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.filters, Unset):
            filters = self.filters.to_dict()

        query_preview: None | str | Unset
        if isinstance(self.query_preview, Unset):
            query_preview = UNSET
        else:
            query_preview = self.query_preview

        result_count = self.result_count

        result_preview: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.result_preview, Unset):
            result_preview = []
            for result_preview_item_data in self.result_preview:
                result_preview_item = result_preview_item_data.to_dict()
                result_preview.append(result_preview_item)

        timed_out = self.timed_out

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "source": source,
                "success": success,
            }
        )
        if elapsed_ms is not UNSET:
            field_dict["elapsed_ms"] = elapsed_ms
        if error is not UNSET:
            field_dict["error"] = error
        if filters is not UNSET:
            field_dict["filters"] = filters
        if query_preview is not UNSET:
            field_dict["query_preview"] = query_preview
        if result_count is not UNSET:
            field_dict["result_count"] = result_count
        if result_preview is not UNSET:
            field_dict["result_preview"] = result_preview
        if timed_out is not UNSET:
            field_dict["timed_out"] = timed_out

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.retrieval_explain_execution_step_filters import RetrievalExplainExecutionStepFilters  # noqa: PLC0415
        from ..models.retrieval_explain_execution_step_result_preview_item import (
            RetrievalExplainExecutionStepResultPreviewItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        source = d.pop("source")

        success = d.pop("success")

        elapsed_ms = d.pop("elapsed_ms", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        _filters = d.pop("filters", UNSET)
        filters: RetrievalExplainExecutionStepFilters | Unset
        if isinstance(_filters, Unset):
            filters = UNSET
        else:
            filters = RetrievalExplainExecutionStepFilters.from_dict(_filters)

        def _parse_query_preview(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        query_preview = _parse_query_preview(d.pop("query_preview", UNSET))

        result_count = d.pop("result_count", UNSET)

        _result_preview = d.pop("result_preview", UNSET)
        result_preview: list[RetrievalExplainExecutionStepResultPreviewItem] | Unset = UNSET
        if _result_preview is not UNSET:
            result_preview = []
            for result_preview_item_data in _result_preview:
                result_preview_item = RetrievalExplainExecutionStepResultPreviewItem.from_dict(result_preview_item_data)

                result_preview.append(result_preview_item)

        timed_out = d.pop("timed_out", UNSET)

        retrieval_explain_execution_step = cls(
            source=source,
            success=success,
            elapsed_ms=elapsed_ms,
            error=error,
            filters=filters,
            query_preview=query_preview,
            result_count=result_count,
            result_preview=result_preview,
            timed_out=timed_out,
        )

        retrieval_explain_execution_step.additional_properties = d
        return retrieval_explain_execution_step

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
