"""Request validation against openapi/ schemas, with errors shaped like the CML server's 422.

Covers the JSON-Schema subset the spec uses (type, enum, required, anyOf, $ref, items,
additionalProperties, string/number/array bounds, uuid and date-time formats). Each problem
becomes `{"loc": [...], "msg": ..., "type": ...}`, the `detail` list clients parse.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from dateutil import parser as dateparser

__all__ = ["SchemaValidator"]

# What a body may hold beyond the bounds the spec states (metadata, tags, ids and other fields
# without a length limit), shared by the whole body: generous for any real request.
UNBOUNDED_ALLOWANCE = 1024 * 1024
# Per array item or object member: quotes, commas, the member name.
_MEMBER_OVERHEAD = 64

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


_CONTAINERS = (dict, list)


def _is(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[name])


class SchemaValidator:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            node: Any = self._document
            for part in str(schema["$ref"]).lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def max_bytes(self, schema: Mapping[str, Any]) -> int:
        """The largest body a schema admits, as compact UTF-8 JSON: every bounded string at its
        limit in 4-byte characters, plus `UNBOUNDED_ALLOWANCE` for everything unbounded."""
        return self._bounded_bytes(schema, 0) + UNBOUNDED_ALLOWANCE

    def _bounded_bytes(self, schema: Mapping[str, Any], depth: int) -> int:
        schema = self.resolve(schema)
        if depth > 16:
            return 0
        if "anyOf" in schema:
            return max(self._bounded_bytes(option, depth + 1) for option in schema["anyOf"])
        if "maxLength" in schema:
            return 4 * int(schema["maxLength"]) + 2
        if "items" in schema and "maxItems" in schema:
            item = self._bounded_bytes(schema["items"], depth + 1) + _MEMBER_OVERHEAD
            return int(schema["maxItems"]) * item
        total = 0
        for name, item in schema.get("properties", {}).items():
            total += len(name) + _MEMBER_OVERHEAD + self._bounded_bytes(item, depth + 1)
        return total

    def errors(
        self, value: Any, schema: Mapping[str, Any], loc: tuple[Any, ...]
    ) -> list[dict[str, Any]]:
        schema = self.resolve(schema)
        if "anyOf" in schema:
            branches = [self.errors(value, option, loc) for option in schema["anyOf"]]
            if any(not found for found in branches):
                return []
            # Report the branch that got furthest: one whose type the value has ("[1, 2]" is
            # a list of the wrong items, not a wrong null), then the fewest problems.
            typed = [found for found in branches if not _wrong_type(found, loc)]
            return min(typed or branches, key=len)
        problems: list[dict[str, Any]] = []
        expected = schema.get("type")
        if expected is not None:
            names = expected if isinstance(expected, list) else [expected]
            if not any(_is(value, name) for name in names):
                kind = names[0] if len(names) == 1 else " or ".join(names)
                return [_problem(loc, f"Input should be a valid {kind}", f"{names[0]}_type")]
        if "enum" in schema and value not in schema["enum"]:
            allowed = ", ".join(repr(v) for v in schema["enum"])
            return [_problem(loc, f"Input should be one of {allowed}", "enum")]
        if isinstance(value, str):
            problems += self._string(value, schema, loc)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                problems.append(
                    _problem(
                        loc,
                        f"Input should be greater than or equal to {schema['minimum']:g}",
                        "greater_than_equal",
                    )
                )
            if "maximum" in schema and value > schema["maximum"]:
                problems.append(
                    _problem(
                        loc,
                        f"Input should be less than or equal to {schema['maximum']:g}",
                        "less_than_equal",
                    )
                )
        elif isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                problems.append(
                    _problem(
                        loc, f"List should have at least {schema['minItems']} items", "too_short"
                    )
                )
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                problems.append(
                    _problem(
                        loc, f"List should have at most {schema['maxItems']} items", "too_long"
                    )
                )
            if "items" in schema:
                for index, item in enumerate(value):
                    problems += self.errors(item, schema["items"], (*loc, index))
        elif isinstance(value, dict):
            for name in schema.get("required", ()):
                if name not in value:
                    problems.append(_problem((*loc, name), "Field required", "missing"))
            properties = schema.get("properties", {})
            for name, item in value.items():
                if name in properties:
                    problems += self.errors(item, properties[name], (*loc, name))
                elif isinstance(schema.get("additionalProperties"), dict):
                    problems += self.errors(item, schema["additionalProperties"], (*loc, name))
        return problems

    def prune(self, value: Any, schema: Mapping[str, Any]) -> Any:
        """`value` without the object members `schema` does not declare.

        Answers are built once for every release; this keeps to what the served release's
        response schema holds (a field a release dropped, or one it has not got yet, is left
        out). Objects open to more members (`additionalProperties`) keep them all.
        """
        if not isinstance(value, _CONTAINERS):
            return value  # only objects have members to leave out (and arrays hold objects)
        schema = self.resolve(schema)
        if "anyOf" in schema:
            for option in schema["anyOf"]:
                if not self.errors(value, option, ()):
                    return self.prune(value, option)
            return value
        if isinstance(value, list) and "items" in schema:
            return [self.prune(item, schema["items"]) for item in value]
        if isinstance(value, dict) and "properties" in schema:
            properties = schema["properties"]
            open_to_more = schema.get("additionalProperties", False) is not False
            # Most members are plain values, which pruning leaves alone: no call for them.
            return {
                name: self.prune(item, properties[name])
                if isinstance(item, _CONTAINERS) and name in properties
                else item
                for name, item in value.items()
                if name in properties or open_to_more
            }
        return value

    @staticmethod
    def _string(
        value: str, schema: Mapping[str, Any], loc: tuple[Any, ...]
    ) -> list[dict[str, Any]]:
        problems = []
        if "minLength" in schema and len(value) < schema["minLength"]:
            problems.append(
                _problem(
                    loc,
                    f"String should have at least {schema['minLength']} character",
                    "string_too_short",
                )
            )
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(
                _problem(
                    loc,
                    f"String should have at most {schema['maxLength']} characters",
                    "string_too_long",
                )
            )
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            problems.append(
                _problem(
                    loc,
                    f"String should match pattern '{schema['pattern']}'",
                    "string_pattern_mismatch",
                )
            )
        fmt = schema.get("format")
        if fmt == "uuid":
            try:
                uuid.UUID(value)
            except ValueError:
                problems.append(_problem(loc, "Input should be a valid UUID", "uuid_parsing"))
        elif fmt == "date-time":
            try:
                parsed = dateparser.isoparse(value)
                offset = parsed.utcoffset()
                if offset is not None:
                    _ = parsed - offset  # in UTC it must still be a date (years 1 to 9999)
            except (ValueError, OverflowError):
                problems.append(
                    _problem(loc, "Input should be a valid datetime", "datetime_parsing")
                )
        return problems


def _wrong_type(problems: list[dict[str, Any]], loc: tuple[Any, ...]) -> bool:
    """Whether `problems` is the value itself having the wrong type."""
    return (
        len(problems) == 1
        and problems[0]["loc"] == list(loc)
        and (problems[0]["type"].endswith("_type"))
    )


def _problem(loc: tuple[Any, ...], msg: str, kind: str) -> dict[str, Any]:
    return {"loc": list(loc), "msg": msg, "type": kind}
