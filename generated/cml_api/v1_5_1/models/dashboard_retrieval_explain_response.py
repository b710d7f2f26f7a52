from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_retrieval_explain_response_retrieval_meta import (
        DashboardRetrievalExplainResponseRetrievalMeta,
    )
    from ..models.retrieval_explain_analysis import RetrievalExplainAnalysis
    from ..models.retrieval_explain_execution_step import RetrievalExplainExecutionStep
    from ..models.retrieval_explain_plan_step import RetrievalExplainPlanStep
    from ..models.retrieval_explain_rerank_item import RetrievalExplainRerankItem
    from ..models.retrieval_result_item import RetrievalResultItem


T = TypeVar("T", bound="DashboardRetrievalExplainResponse")


@_attrs_define
class DashboardRetrievalExplainResponse:
    """A retrieval with the reasoning behind it."""

    analysis: RetrievalExplainAnalysis
    """ How the server understood the query. """
    query: str
    elapsed_ms: float | Unset = 0.0
    execution_steps: list[RetrievalExplainExecutionStep] | Unset = UNSET
    llm_context: None | str | Unset = UNSET
    open_questions: list[str] | Unset = UNSET
    packet_warnings: list[str] | Unset = UNSET
    parallel_groups: list[list[int]] | Unset = UNSET
    """ Indexes into `plan_steps` of the steps that ran together. """
    plan_steps: list[RetrievalExplainPlanStep] | Unset = UNSET
    rerank: list[RetrievalExplainRerankItem] | Unset = UNSET
    results: list[RetrievalResultItem] | Unset = UNSET
    retrieval_meta: DashboardRetrievalExplainResponseRetrievalMeta | Unset = UNSET
    total_count: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        analysis = self.analysis.to_dict()

        query = self.query

        elapsed_ms = self.elapsed_ms

        execution_steps: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.execution_steps, Unset):
            execution_steps = []
            for execution_steps_item_data in self.execution_steps:
                execution_steps_item = execution_steps_item_data.to_dict()
                execution_steps.append(execution_steps_item)

        llm_context: None | str | Unset
        if isinstance(self.llm_context, Unset):
            llm_context = UNSET
        else:
            llm_context = self.llm_context

        open_questions: list[str] | Unset = UNSET
        if not isinstance(self.open_questions, Unset):
            open_questions = self.open_questions

        packet_warnings: list[str] | Unset = UNSET
        if not isinstance(self.packet_warnings, Unset):
            packet_warnings = self.packet_warnings

        parallel_groups: list[list[int]] | Unset = UNSET
        if not isinstance(self.parallel_groups, Unset):
            parallel_groups = []
            for parallel_groups_item_data in self.parallel_groups:
                parallel_groups_item = parallel_groups_item_data

                parallel_groups.append(parallel_groups_item)

        plan_steps: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.plan_steps, Unset):
            plan_steps = []
            for plan_steps_item_data in self.plan_steps:
                plan_steps_item = plan_steps_item_data.to_dict()
                plan_steps.append(plan_steps_item)

        rerank: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rerank, Unset):
            rerank = []
            for rerank_item_data in self.rerank:
                rerank_item = rerank_item_data.to_dict()
                rerank.append(rerank_item)

        results: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.results, Unset):
            results = []
            for results_item_data in self.results:
                results_item = results_item_data.to_dict()
                results.append(results_item)

        retrieval_meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.retrieval_meta, Unset):
            retrieval_meta = self.retrieval_meta.to_dict()

        total_count = self.total_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "analysis": analysis,
                "query": query,
            }
        )
        if elapsed_ms is not UNSET:
            field_dict["elapsed_ms"] = elapsed_ms
        if execution_steps is not UNSET:
            field_dict["execution_steps"] = execution_steps
        if llm_context is not UNSET:
            field_dict["llm_context"] = llm_context
        if open_questions is not UNSET:
            field_dict["open_questions"] = open_questions
        if packet_warnings is not UNSET:
            field_dict["packet_warnings"] = packet_warnings
        if parallel_groups is not UNSET:
            field_dict["parallel_groups"] = parallel_groups
        if plan_steps is not UNSET:
            field_dict["plan_steps"] = plan_steps
        if rerank is not UNSET:
            field_dict["rerank"] = rerank
        if results is not UNSET:
            field_dict["results"] = results
        if retrieval_meta is not UNSET:
            field_dict["retrieval_meta"] = retrieval_meta
        if total_count is not UNSET:
            field_dict["total_count"] = total_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_retrieval_explain_response_retrieval_meta import (
            DashboardRetrievalExplainResponseRetrievalMeta,  # noqa: PLC0415
        )
        from ..models.retrieval_explain_analysis import RetrievalExplainAnalysis  # noqa: PLC0415
        from ..models.retrieval_explain_execution_step import RetrievalExplainExecutionStep  # noqa: PLC0415
        from ..models.retrieval_explain_plan_step import RetrievalExplainPlanStep  # noqa: PLC0415
        from ..models.retrieval_explain_rerank_item import RetrievalExplainRerankItem  # noqa: PLC0415
        from ..models.retrieval_result_item import RetrievalResultItem  # noqa: PLC0415

        d = dict(src_dict)
        analysis = RetrievalExplainAnalysis.from_dict(d.pop("analysis"))

        query = d.pop("query")

        elapsed_ms = d.pop("elapsed_ms", UNSET)

        _execution_steps = d.pop("execution_steps", UNSET)
        execution_steps: list[RetrievalExplainExecutionStep] | Unset = UNSET
        if _execution_steps is not UNSET:
            execution_steps = []
            for execution_steps_item_data in _execution_steps:
                execution_steps_item = RetrievalExplainExecutionStep.from_dict(execution_steps_item_data)

                execution_steps.append(execution_steps_item)

        def _parse_llm_context(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        llm_context = _parse_llm_context(d.pop("llm_context", UNSET))

        open_questions = cast(list[str], d.pop("open_questions", UNSET))

        packet_warnings = cast(list[str], d.pop("packet_warnings", UNSET))

        _parallel_groups = d.pop("parallel_groups", UNSET)
        parallel_groups: list[list[int]] | Unset = UNSET
        if _parallel_groups is not UNSET:
            parallel_groups = []
            for parallel_groups_item_data in _parallel_groups:
                parallel_groups_item = cast(list[int], parallel_groups_item_data)

                parallel_groups.append(parallel_groups_item)

        _plan_steps = d.pop("plan_steps", UNSET)
        plan_steps: list[RetrievalExplainPlanStep] | Unset = UNSET
        if _plan_steps is not UNSET:
            plan_steps = []
            for plan_steps_item_data in _plan_steps:
                plan_steps_item = RetrievalExplainPlanStep.from_dict(plan_steps_item_data)

                plan_steps.append(plan_steps_item)

        _rerank = d.pop("rerank", UNSET)
        rerank: list[RetrievalExplainRerankItem] | Unset = UNSET
        if _rerank is not UNSET:
            rerank = []
            for rerank_item_data in _rerank:
                rerank_item = RetrievalExplainRerankItem.from_dict(rerank_item_data)

                rerank.append(rerank_item)

        _results = d.pop("results", UNSET)
        results: list[RetrievalResultItem] | Unset = UNSET
        if _results is not UNSET:
            results = []
            for results_item_data in _results:
                results_item = RetrievalResultItem.from_dict(results_item_data)

                results.append(results_item)

        _retrieval_meta = d.pop("retrieval_meta", UNSET)
        retrieval_meta: DashboardRetrievalExplainResponseRetrievalMeta | Unset
        if isinstance(_retrieval_meta, Unset):
            retrieval_meta = UNSET
        else:
            retrieval_meta = DashboardRetrievalExplainResponseRetrievalMeta.from_dict(_retrieval_meta)

        total_count = d.pop("total_count", UNSET)

        dashboard_retrieval_explain_response = cls(
            analysis=analysis,
            query=query,
            elapsed_ms=elapsed_ms,
            execution_steps=execution_steps,
            llm_context=llm_context,
            open_questions=open_questions,
            packet_warnings=packet_warnings,
            parallel_groups=parallel_groups,
            plan_steps=plan_steps,
            rerank=rerank,
            results=results,
            retrieval_meta=retrieval_meta,
            total_count=total_count,
        )

        dashboard_retrieval_explain_response.additional_properties = d
        return dashboard_retrieval_explain_response

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
