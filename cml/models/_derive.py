"""Public models derived from the generated ones: same fields, plain values, frozen.

The dashboard, admin, graph, config and job answers have dozens of fields that differ between
server releases. Their public classes are not written out by hand: each names the generated
model it mirrors, and its fields are read from that model's attrs fields when the class is
created. Values are converted once, on the way in: `UNSET` becomes `None`, generated enums
their string value, naive timestamps UTC, lists tuples, and nested generated models the public
class registered for them (a "map" model with no fields of its own becomes a `dict`).

`wire_model` is the only place that touches the generated models, so the release the public
classes follow is chosen in one place: the oldest supported release that has the model. Later
releases only removed fields from these answers (2.0.0 dropped the event counts), so the public
classes keep every field any supported release sends; one a release does not send is `None`.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self

import attrs

__all__ = ["WireModel", "public_value", "wire_model"]


def wire_model(name: str) -> type:
    """The generated model class `name`, of the oldest supported release that has it."""
    from .._releases import SUPPORTED_RELEASES, get_release

    for release in SUPPORTED_RELEASES:
        found = getattr(
            importlib.import_module(f"{get_release(release).package}.models"), name, None
        )
        if found is not None:
            return found  # type: ignore[no-any-return]
    raise AttributeError(f"no supported server release has a model named {name!r}")


# Public class for each generated model name, filled as the classes are created.
_REGISTRY: dict[str, type[WireModel]] = {}
_EXTRA = "additional_properties"


def _wire_fields(cls: type) -> list[attrs.Attribute[Any]]:
    return [f for f in attrs.fields(cls) if f.name != _EXTRA]


def _is_unset(value: object) -> bool:
    # The generated `Unset` class, recognised by name: the package it comes from may change.
    return type(value).__name__ == "Unset"


def public_value(value: Any) -> Any:
    """`value` from a generated model, as the public models hold it."""
    if value is None or _is_unset(value):
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, list | tuple):
        return tuple(public_value(v) for v in value)
    if isinstance(value, dict):
        return {k: public_value(v) for k, v in value.items()}
    if attrs.has(type(value)) and hasattr(value, _EXTRA):
        if not _wire_fields(type(value)):
            return {k: public_value(v) for k, v in getattr(value, _EXTRA).items()}
        return _public_class(type(value).__name__).from_wire(value)
    return value


def _public_class(wire_name: str) -> type[WireModel]:
    """The public class for a generated model; one is derived on first use if none is declared."""
    found = _REGISTRY.get(wire_name)
    if found is None:
        found = type(wire_name, (WireModel,), {"__module__": __name__}, wire=wire_name)
    return found


def _jsonable(value: Any) -> Any:
    if isinstance(value, WireModel):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if type(value).__name__ == "UUID":
        return str(value)
    return value


def _default(wire_default: Any) -> Any:
    if wire_default is attrs.NOTHING:
        return attrs.NOTHING
    if isinstance(wire_default, attrs.Factory):  # type: ignore[arg-type]
        factory = wire_default.factory
        return attrs.Factory(lambda: public_value(factory()))
    return public_value(wire_default)


class WireModel:
    """Base of the derived public models.

    Fields are attributes with Python values (`overview.oldest_memory` is a datetime). For code
    that wants the dict: `to_dict()` is the JSON the server sent, unknown fields included, and
    `model["field"]`, `model.get("field")`, `"field" in model` and `dict(model)` read that JSON,
    as the dict answers of py-cml 0.x did (there is no `.items()`: `items` is a field of the list
    answers).

    A subclass names the generated model it mirrors:

        class DashboardOverview(WireModel, wire="DashboardOverview"): ...

    `rename` maps a public field name to a different generated attribute; `extra` adds fields
    the generated model lacks, read from the JSON's unknown keys; `exclude` drops fields.
    """

    __wire__: ClassVar[str]
    __wire_names__: ClassVar[Mapping[str, str]]
    __extra_fields__: ClassVar[tuple[str, ...]]
    _raw: dict[str, Any] | None

    if TYPE_CHECKING:
        # Fields are derived at run time; to a type checker each is an attribute of any type.
        def __init__(self, **fields: Any) -> None: ...

        def __getattr__(self, name: str) -> Any: ...

    def __init_subclass__(
        cls,
        *,
        wire: str,
        rename: Mapping[str, str] | None = None,
        extra: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        source = wire_model(wire)
        to_public = {v: k for k, v in (rename or {}).items()}
        names: dict[str, str] = {}
        these: dict[str, Any] = {}
        for field in _wire_fields(source):
            public = to_public.get(field.name, field.name.rstrip("_"))
            if public in exclude:
                continue
            names[public] = field.name
            these[public] = attrs.field(default=_default(field.default), kw_only=True)
        # Once the API document gains such a field it comes from the generated model instead.
        missing = tuple(name for name in extra if name not in names)
        for name in missing:
            these[name] = attrs.field(default=None, kw_only=True)
        cls.__wire__ = wire
        cls.__wire_names__ = names
        cls.__extra_fields__ = missing
        # slots=False: attrs then patches this very class, so the name defined in the module
        # is the attrs class (a slotted class would be a new object).
        attrs.frozen(cls, these=these, slots=False)
        _REGISTRY.setdefault(wire, cls)

    @classmethod
    def from_wire(cls, wire: Any) -> Self:
        """The public model for a parsed generated model."""
        # A field the answer left out takes the schema's default (None when it has none).
        # A field the answering release does not have at all (2.0.0 dropped the event counts)
        # is None: its default would claim a value that release never sent.
        values = {
            name: public_value(getattr(wire, attr)) if hasattr(wire, attr) else None
            for name, attr in cls.__wire_names__.items()
            if not _is_unset(getattr(wire, attr, None))
        }
        unknown = getattr(wire, _EXTRA, {})
        for name in cls.__extra_fields__:
            values[name] = public_value(unknown.get(name))
        model = cls(**values)
        object.__setattr__(model, "_raw", dict(wire.to_dict()))
        return model

    def to_dict(self) -> dict[str, Any]:
        """As JSON: what the server sent, or, for a model built here, its fields by wire name."""
        raw = getattr(self, "_raw", None)
        if raw is not None:
            return dict(_copy_json(raw))
        fields = {**self.__wire_names__, **{n: n for n in self.__extra_fields__}}
        return {
            attr.rstrip("_"): _jsonable(getattr(self, name))
            for name, attr in fields.items()
            if getattr(self, name) is not None
        }

    # -- the dict view: the JSON, as the dict answers of earlier versions and of upstream were --

    def _json(self) -> Mapping[str, Any]:
        raw = getattr(self, "_raw", None)
        return raw if raw is not None else self.to_dict()

    def keys(self) -> list[str]:
        return list(self._json())

    def __getitem__(self, key: str) -> Any:
        return _copy_json(self._json()[key])

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return key in self._json()


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    return value
