from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.memory_item import MemoryItem


T = TypeVar("T", bound="SessionContextResponse")


@_attrs_define
class SessionContextResponse:
    """The working context of a session."""

    session_id: str
    context_string: str | Unset = ""
    """ The session's content rendered as text for a prompt. """
    messages: list[MemoryItem] | Unset = UNSET
    """ Conversation messages stored in the session. """
    scratch_pad: list[MemoryItem] | Unset = UNSET
    """ Scratch notes stored in the session. """
    tool_results: list[MemoryItem] | Unset = UNSET
    """ Tool outputs stored in the session. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        session_id = self.session_id

        context_string = self.context_string

        messages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.messages, Unset):
            messages = []
            for messages_item_data in self.messages:
                messages_item = messages_item_data.to_dict()
                messages.append(messages_item)

        scratch_pad: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.scratch_pad, Unset):
            scratch_pad = []
            for scratch_pad_item_data in self.scratch_pad:
                scratch_pad_item = scratch_pad_item_data.to_dict()
                scratch_pad.append(scratch_pad_item)

        tool_results: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tool_results, Unset):
            tool_results = []
            for tool_results_item_data in self.tool_results:
                tool_results_item = tool_results_item_data.to_dict()
                tool_results.append(tool_results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "session_id": session_id,
            }
        )
        if context_string is not UNSET:
            field_dict["context_string"] = context_string
        if messages is not UNSET:
            field_dict["messages"] = messages
        if scratch_pad is not UNSET:
            field_dict["scratch_pad"] = scratch_pad
        if tool_results is not UNSET:
            field_dict["tool_results"] = tool_results

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.memory_item import MemoryItem  # noqa: PLC0415

        d = dict(src_dict)
        session_id = d.pop("session_id")

        context_string = d.pop("context_string", UNSET)

        _messages = d.pop("messages", UNSET)
        messages: list[MemoryItem] | Unset = UNSET
        if _messages is not UNSET:
            messages = []
            for messages_item_data in _messages:
                messages_item = MemoryItem.from_dict(messages_item_data)

                messages.append(messages_item)

        _scratch_pad = d.pop("scratch_pad", UNSET)
        scratch_pad: list[MemoryItem] | Unset = UNSET
        if _scratch_pad is not UNSET:
            scratch_pad = []
            for scratch_pad_item_data in _scratch_pad:
                scratch_pad_item = MemoryItem.from_dict(scratch_pad_item_data)

                scratch_pad.append(scratch_pad_item)

        _tool_results = d.pop("tool_results", UNSET)
        tool_results: list[MemoryItem] | Unset = UNSET
        if _tool_results is not UNSET:
            tool_results = []
            for tool_results_item_data in _tool_results:
                tool_results_item = MemoryItem.from_dict(tool_results_item_data)

                tool_results.append(tool_results_item)

        session_context_response = cls(
            session_id=session_id,
            context_string=context_string,
            messages=messages,
            scratch_pad=scratch_pad,
            tool_results=tool_results,
        )

        session_context_response.additional_properties = d
        return session_context_response

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
