from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.eval_outcome import EvalOutcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="WriteMemoryResponse")


@_attrs_define
class WriteMemoryResponse:
    """Outcome of a write."""

    success: bool
    """ True when the server processed the content without error. """
    chunks_created: int | Unset = 0
    """ How many memories the content was split into and stored as. """
    eval_outcome: EvalOutcome | None | Unset = UNSET
    """ Whether the write was stored or skipped; filled in eval mode (header `X-Eval-Mode`). """
    eval_reason: None | str | Unset = UNSET
    """ Why the write was stored or skipped; filled in eval mode. """
    memory_id: None | Unset | UUID = UNSET
    """ Id of the stored memory, when exactly one was created. """
    message: str | Unset = ""
    """ Human-readable remark from the server. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        chunks_created = self.chunks_created

        eval_outcome: None | str | Unset
        if isinstance(self.eval_outcome, Unset):
            eval_outcome = UNSET
        elif isinstance(self.eval_outcome, EvalOutcome):
            eval_outcome = self.eval_outcome.value
        else:
            eval_outcome = self.eval_outcome

        eval_reason: None | str | Unset
        if isinstance(self.eval_reason, Unset):
            eval_reason = UNSET
        else:
            eval_reason = self.eval_reason

        memory_id: None | str | Unset
        if isinstance(self.memory_id, Unset):
            memory_id = UNSET
        elif isinstance(self.memory_id, UUID):
            memory_id = str(self.memory_id)
        else:
            memory_id = self.memory_id

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
            }
        )
        if chunks_created is not UNSET:
            field_dict["chunks_created"] = chunks_created
        if eval_outcome is not UNSET:
            field_dict["eval_outcome"] = eval_outcome
        if eval_reason is not UNSET:
            field_dict["eval_reason"] = eval_reason
        if memory_id is not UNSET:
            field_dict["memory_id"] = memory_id
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        success = d.pop("success")

        chunks_created = d.pop("chunks_created", UNSET)

        def _parse_eval_outcome(data: object) -> EvalOutcome | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                eval_outcome_type_0 = EvalOutcome(data)

                return eval_outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EvalOutcome | None | Unset, data)

        eval_outcome = _parse_eval_outcome(d.pop("eval_outcome", UNSET))

        def _parse_eval_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        eval_reason = _parse_eval_reason(d.pop("eval_reason", UNSET))

        def _parse_memory_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                memory_id_type_0 = UUID(data)

                return memory_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        memory_id = _parse_memory_id(d.pop("memory_id", UNSET))

        message = d.pop("message", UNSET)

        write_memory_response = cls(
            success=success,
            chunks_created=chunks_created,
            eval_outcome=eval_outcome,
            eval_reason=eval_reason,
            memory_id=memory_id,
            message=message,
        )

        write_memory_response.additional_properties = d
        return write_memory_response

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
