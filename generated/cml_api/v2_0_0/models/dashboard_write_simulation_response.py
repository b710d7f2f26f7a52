from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dashboard_write_simulation_chunk import DashboardWriteSimulationChunk
    from ..models.dashboard_write_simulation_response_summary import DashboardWriteSimulationResponseSummary


T = TypeVar("T", bound="DashboardWriteSimulationResponse")


@_attrs_define
class DashboardWriteSimulationResponse:
    """The simulated outcome of a write."""

    tenant_id: str
    chunks: list[DashboardWriteSimulationChunk] | Unset = UNSET
    summary: DashboardWriteSimulationResponseSummary | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tenant_id = self.tenant_id

        chunks: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.chunks, Unset):
            chunks = []
            for chunks_item_data in self.chunks:
                chunks_item = chunks_item_data.to_dict()
                chunks.append(chunks_item)

        summary: dict[str, Any] | Unset = UNSET
        if not isinstance(self.summary, Unset):
            summary = self.summary.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tenant_id": tenant_id,
            }
        )
        if chunks is not UNSET:
            field_dict["chunks"] = chunks
        if summary is not UNSET:
            field_dict["summary"] = summary

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dashboard_write_simulation_chunk import DashboardWriteSimulationChunk  # noqa: PLC0415
        from ..models.dashboard_write_simulation_response_summary import DashboardWriteSimulationResponseSummary  # noqa: PLC0415

        d = dict(src_dict)
        tenant_id = d.pop("tenant_id")

        _chunks = d.pop("chunks", UNSET)
        chunks: list[DashboardWriteSimulationChunk] | Unset = UNSET
        if _chunks is not UNSET:
            chunks = []
            for chunks_item_data in _chunks:
                chunks_item = DashboardWriteSimulationChunk.from_dict(chunks_item_data)

                chunks.append(chunks_item)

        _summary = d.pop("summary", UNSET)
        summary: DashboardWriteSimulationResponseSummary | Unset
        if isinstance(_summary, Unset):
            summary = UNSET
        else:
            summary = DashboardWriteSimulationResponseSummary.from_dict(_summary)

        dashboard_write_simulation_response = cls(
            tenant_id=tenant_id,
            chunks=chunks,
            summary=summary,
        )

        dashboard_write_simulation_response.additional_properties = d
        return dashboard_write_simulation_response

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
