from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConfigItem")


@_attrs_define
class ConfigItem:
    """One server setting."""

    key: str
    """ The setting's name. """
    default_value: Any | Unset = UNSET
    """ The value used when nothing overrides it. """
    description: str | Unset = ""
    env_var: str | Unset = ""
    """ Environment variable that sets it, if any. """
    is_editable: bool | Unset = False
    """ True when `dashboard_update_config` may change it. """
    is_required: bool | Unset = False
    """ True when the server cannot run without a value. """
    is_secret: bool | Unset = False
    """ True for settings that hold a secret, such as a password or key. """
    options: list[str] | None | Unset = UNSET
    """ The allowed values, when the setting is a choice. """
    requires_restart: bool | Unset = True
    """ True when a change only takes effect after a restart. """
    source: str | Unset = "default"
    """ Where the value in effect came from; `default` when nothing overrides it. """
    value: Any | Unset = UNSET
    """ The value in effect; secrets are masked. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        default_value = self.default_value

        description = self.description

        env_var = self.env_var

        is_editable = self.is_editable

        is_required = self.is_required

        is_secret = self.is_secret

        options: list[str] | None | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        elif isinstance(self.options, list):
            options = self.options

        else:
            options = self.options

        requires_restart = self.requires_restart

        source = self.source

        value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
            }
        )
        if default_value is not UNSET:
            field_dict["default_value"] = default_value
        if description is not UNSET:
            field_dict["description"] = description
        if env_var is not UNSET:
            field_dict["env_var"] = env_var
        if is_editable is not UNSET:
            field_dict["is_editable"] = is_editable
        if is_required is not UNSET:
            field_dict["is_required"] = is_required
        if is_secret is not UNSET:
            field_dict["is_secret"] = is_secret
        if options is not UNSET:
            field_dict["options"] = options
        if requires_restart is not UNSET:
            field_dict["requires_restart"] = requires_restart
        if source is not UNSET:
            field_dict["source"] = source
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        default_value = d.pop("default_value", UNSET)

        description = d.pop("description", UNSET)

        env_var = d.pop("env_var", UNSET)

        is_editable = d.pop("is_editable", UNSET)

        is_required = d.pop("is_required", UNSET)

        is_secret = d.pop("is_secret", UNSET)

        def _parse_options(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                options_type_0 = cast(list[str], data)

                return options_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        options = _parse_options(d.pop("options", UNSET))

        requires_restart = d.pop("requires_restart", UNSET)

        source = d.pop("source", UNSET)

        value = d.pop("value", UNSET)

        config_item = cls(
            key=key,
            default_value=default_value,
            description=description,
            env_var=env_var,
            is_editable=is_editable,
            is_required=is_required,
            is_secret=is_secret,
            options=options,
            requires_restart=requires_restart,
            source=source,
            value=value,
        )

        config_item.additional_properties = d
        return config_item

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
