from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.session_info import SessionInfo


T = TypeVar("T", bound="DashboardSessionsResponse")


@_attrs_define
class DashboardSessionsResponse:
    """Live sessions."""

    sessions: list[SessionInfo]
    total_active: int | Unset = 0
    """ Number of sessions that have not expired. """
    total_memories_with_session: int | Unset = 0
    """ Memories that belong to some session. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sessions = []
        for sessions_item_data in self.sessions:
            sessions_item = sessions_item_data.to_dict()
            sessions.append(sessions_item)

        total_active = self.total_active

        total_memories_with_session = self.total_memories_with_session

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sessions": sessions,
            }
        )
        if total_active is not UNSET:
            field_dict["total_active"] = total_active
        if total_memories_with_session is not UNSET:
            field_dict["total_memories_with_session"] = total_memories_with_session

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.session_info import SessionInfo  # noqa: PLC0415

        d = dict(src_dict)
        sessions = []
        _sessions = d.pop("sessions")
        for sessions_item_data in _sessions:
            sessions_item = SessionInfo.from_dict(sessions_item_data)

            sessions.append(sessions_item)

        total_active = d.pop("total_active", UNSET)

        total_memories_with_session = d.pop("total_memories_with_session", UNSET)

        dashboard_sessions_response = cls(
            sessions=sessions,
            total_active=total_active,
            total_memories_with_session=total_memories_with_session,
        )

        dashboard_sessions_response.additional_properties = d
        return dashboard_sessions_response

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
