from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelStatusResponse")


@_attrs_define
class ModelStatusResponse:
    """State of the server's local models."""

    available: bool | Unset = False
    """ True when the local models can be used. """
    families: list[str] | Unset = UNSET
    load_errors: list[str] | Unset = UNSET
    models_dir: str | Unset = ""
    """ Directory the models are loaded from. """
    task_models: list[str] | Unset = UNSET
    """ The tasks that have a model loaded. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        available = self.available

        families: list[str] | Unset = UNSET
        if not isinstance(self.families, Unset):
            families = self.families

        load_errors: list[str] | Unset = UNSET
        if not isinstance(self.load_errors, Unset):
            load_errors = self.load_errors

        models_dir = self.models_dir

        task_models: list[str] | Unset = UNSET
        if not isinstance(self.task_models, Unset):
            task_models = self.task_models

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if available is not UNSET:
            field_dict["available"] = available
        if families is not UNSET:
            field_dict["families"] = families
        if load_errors is not UNSET:
            field_dict["load_errors"] = load_errors
        if models_dir is not UNSET:
            field_dict["models_dir"] = models_dir
        if task_models is not UNSET:
            field_dict["task_models"] = task_models

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        available = d.pop("available", UNSET)

        families = cast(list[str], d.pop("families", UNSET))

        load_errors = cast(list[str], d.pop("load_errors", UNSET))

        models_dir = d.pop("models_dir", UNSET)

        task_models = cast(list[str], d.pop("task_models", UNSET))

        model_status_response = cls(
            available=available,
            families=families,
            load_errors=load_errors,
            models_dir=models_dir,
            task_models=task_models,
        )

        model_status_response.additional_properties = d
        return model_status_response

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
