from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProcessTurnRequest")


@_attrs_define
class ProcessTurnRequest:
    """One conversation turn, seen from the agent's side."""

    user_message: str
    """ What the user said. """
    assistant_response: None | str | Unset = UNSET
    """ The agent's reply, when it already exists; stored as well. """
    max_context_tokens: int | Unset = 1500
    """ Budget for `memory_context`, in tokens. """
    session_id: None | str | Unset = UNSET
    """ Session the turn belongs to. """
    timestamp: datetime.datetime | None | Unset = UNSET
    """ When the turn happened. """
    user_timezone: None | str | Unset = UNSET
    """ IANA time zone of the user. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_message = self.user_message

        assistant_response: None | str | Unset
        if isinstance(self.assistant_response, Unset):
            assistant_response = UNSET
        else:
            assistant_response = self.assistant_response

        max_context_tokens = self.max_context_tokens

        session_id: None | str | Unset
        if isinstance(self.session_id, Unset):
            session_id = UNSET
        else:
            session_id = self.session_id

        timestamp: None | str | Unset
        if isinstance(self.timestamp, Unset):
            timestamp = UNSET
        elif isinstance(self.timestamp, datetime.datetime):
            timestamp = self.timestamp.isoformat()
        else:
            timestamp = self.timestamp

        user_timezone: None | str | Unset
        if isinstance(self.user_timezone, Unset):
            user_timezone = UNSET
        else:
            user_timezone = self.user_timezone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_message": user_message,
            }
        )
        if assistant_response is not UNSET:
            field_dict["assistant_response"] = assistant_response
        if max_context_tokens is not UNSET:
            field_dict["max_context_tokens"] = max_context_tokens
        if session_id is not UNSET:
            field_dict["session_id"] = session_id
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if user_timezone is not UNSET:
            field_dict["user_timezone"] = user_timezone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_message = d.pop("user_message")

        def _parse_assistant_response(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        assistant_response = _parse_assistant_response(d.pop("assistant_response", UNSET))

        max_context_tokens = d.pop("max_context_tokens", UNSET)

        def _parse_session_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        session_id = _parse_session_id(d.pop("session_id", UNSET))

        def _parse_timestamp(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                timestamp_type_0 = datetime.datetime.fromisoformat(data)

                return timestamp_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        timestamp = _parse_timestamp(d.pop("timestamp", UNSET))

        def _parse_user_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_timezone = _parse_user_timezone(d.pop("user_timezone", UNSET))

        process_turn_request = cls(
            user_message=user_message,
            assistant_response=assistant_response,
            max_context_tokens=max_context_tokens,
            session_id=session_id,
            timestamp=timestamp,
            user_timezone=user_timezone,
        )

        process_turn_request.additional_properties = d
        return process_turn_request

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
