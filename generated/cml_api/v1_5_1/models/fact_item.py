from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FactItem")


@_attrs_define
class FactItem:
    """A fact in the semantic fact store, as listed."""

    category: str
    """ Broad class of the fact (for example identity or preference). """
    confidence: float
    evidence_count: int
    """ How many memories support the fact. """
    id: str
    is_current: bool
    """ False once a newer version has replaced this one. """
    key: str
    """ What the fact is about; later facts with the same key supersede earlier ones. """
    tenant_id: str
    value: str
    """ The fact's value, as text. """
    version: int
    created_at: datetime.datetime | None | Unset = UNSET
    updated_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        confidence = self.confidence

        evidence_count = self.evidence_count

        id = self.id

        is_current = self.is_current

        key = self.key

        tenant_id = self.tenant_id

        value = self.value

        version = self.version

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        elif isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "confidence": confidence,
                "evidence_count": evidence_count,
                "id": id,
                "is_current": is_current,
                "key": key,
                "tenant_id": tenant_id,
                "value": value,
                "version": version,
            }
        )
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = d.pop("category")

        confidence = d.pop("confidence")

        evidence_count = d.pop("evidence_count")

        id = d.pop("id")

        is_current = d.pop("is_current")

        key = d.pop("key")

        tenant_id = d.pop("tenant_id")

        value = d.pop("value")

        version = d.pop("version")

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_updated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        updated_at = _parse_updated_at(d.pop("updated_at", UNSET))

        fact_item = cls(
            category=category,
            confidence=confidence,
            evidence_count=evidence_count,
            id=id,
            is_current=is_current,
            key=key,
            tenant_id=tenant_id,
            value=value,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
        )

        fact_item.additional_properties = d
        return fact_item

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
