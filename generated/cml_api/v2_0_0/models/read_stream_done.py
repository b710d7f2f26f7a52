from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.read_stream_done_retrieval_meta import ReadStreamDoneRetrievalMeta


T = TypeVar("T", bound="ReadStreamDone")


@_attrs_define
class ReadStreamDone:
    """Data of the `done` event that closes a streamed recall."""

    elapsed_ms: float
    """ Time the server spent on retrieval, in milliseconds. """
    total_count: int
    """ Number of memory events sent before this one. """
    retrieval_meta: None | ReadStreamDoneRetrievalMeta | Unset = UNSET
    """ Diagnostic details of how retrieval ran. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.read_stream_done_retrieval_meta import ReadStreamDoneRetrievalMeta  # noqa: PLC0415

        elapsed_ms = self.elapsed_ms

        total_count = self.total_count

        retrieval_meta: dict[str, Any] | None | Unset
        if isinstance(self.retrieval_meta, Unset):
            retrieval_meta = UNSET
        elif isinstance(self.retrieval_meta, ReadStreamDoneRetrievalMeta):
            retrieval_meta = self.retrieval_meta.to_dict()
        else:
            retrieval_meta = self.retrieval_meta

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "elapsed_ms": elapsed_ms,
                "total_count": total_count,
            }
        )
        if retrieval_meta is not UNSET:
            field_dict["retrieval_meta"] = retrieval_meta

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.read_stream_done_retrieval_meta import ReadStreamDoneRetrievalMeta  # noqa: PLC0415

        d = dict(src_dict)
        elapsed_ms = d.pop("elapsed_ms")

        total_count = d.pop("total_count")

        def _parse_retrieval_meta(data: object) -> None | ReadStreamDoneRetrievalMeta | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                retrieval_meta_type_0 = ReadStreamDoneRetrievalMeta.from_dict(data)

                return retrieval_meta_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReadStreamDoneRetrievalMeta | Unset, data)

        retrieval_meta = _parse_retrieval_meta(d.pop("retrieval_meta", UNSET))

        read_stream_done = cls(
            elapsed_ms=elapsed_ms,
            total_count=total_count,
            retrieval_meta=retrieval_meta,
        )

        read_stream_done.additional_properties = d
        return read_stream_done

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
