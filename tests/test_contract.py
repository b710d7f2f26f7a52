"""Contract test: each release's effective document against the CML server's own.

The effective document of a release is the server's document in ``openapi/<release>/`` with
py-cml's overlay applied (what ``generated/cml_api/v<release>/`` is generated from, bundled
there as ``openapi.json``). The overlay may add prose, ids, security and error answers, but the
wire facts (paths, methods, parameters, schema names, fields, types, enums, defaults, limits)
must stay exactly the server's, or a client generated from it would talk past the server. This
module compares the documents, resolving ``$ref`` on both sides, and reports every difference at
once: against the 1.5.1 wire contract, and against the documents the live 1.5.1 and 2.0.0
servers serve.

Problem lines read ``<where>: <what> <reference value> != <our value>``.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_PATH = PROJECT_ROOT.parent / "shared" / "reference" / "cml-server-1.5.1.openapi.json"
LIVE_PATH = PROJECT_ROOT.parent / "shared" / "reference" / "live"
RELEASES = ("1.5.1", "2.0.0")

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
CONSTRAINTS = (
    "maxLength",
    "minLength",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxItems",
    "minItems",
    "pattern",
)
MISSING = object()


# --------------------------------------------------------------------------
# Loading


def load_our_spec(release: str = "1.5.1") -> dict[str, Any]:
    from cml._releases import get_release

    return copy.deepcopy(get_release(release).document())


def load_reference(path: Path | None = None) -> dict[str, Any]:
    """Read a reference document; called inside each test (not from a fixture) so
    that a missing file makes the test fail rather than error in setup or skip."""
    path = path or REFERENCE_PATH
    if not path.is_file():
        pytest.fail(
            "The reference contract is missing, so the contract cannot be checked.\n"
            f"Expected the file at: {path}\n"
            "(a CML server's OpenAPI document, kept outside the project "
            "in ../shared/reference/ relative to the project root)",
            pytrace=False,
        )
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return load_our_spec("1.5.1")


# --------------------------------------------------------------------------
# $ref handling


def lookup(doc: dict[str, Any], ref: str) -> Any:
    """Follow one local JSON pointer such as ``#/components/schemas/MemoryItem``."""
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """Follow ``$ref`` until a node that is not a reference is reached."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"circular $ref {ref!r}")
        seen.add(ref)
        node = lookup(doc, ref)
    return node


def ref_name(schema: Any) -> str | None:
    if isinstance(schema, dict) and "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    return None


def iter_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_refs(item)


# --------------------------------------------------------------------------
# Formatting


def fmt(value: Any) -> str:
    if value is MISSING:
        return "(none)"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=str)
    return json.dumps(value, sort_keys=True)


def same_value(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from numbers (``True == 1`` in Python)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


# --------------------------------------------------------------------------
# Schema comparison


def is_null_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) <= 2


def split_nullable(schema: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """The non-null alternatives of a schema, and whether null is allowed.

    ``anyOf: [X, {type: null}]`` and ``type: [X, "null"]`` both become ``([X], True)``.
    """
    branches = list(schema.get("anyOf", [])) + list(schema.get("oneOf", []))
    if branches:
        alternatives = [b for b in branches if not is_null_schema(b)]
        return alternatives, len(alternatives) < len(branches)
    declared = schema.get("type")
    if isinstance(declared, list):
        alternatives = [{**schema, "type": t} for t in declared if t != "null"]
        return alternatives, "null" in declared
    if declared == "null":
        return [], True
    return [schema], False


def branch_key(branch: dict[str, Any]) -> str:
    name = ref_name(branch)
    if name:
        return f"$ref {name}"
    declared = branch.get("type")
    if declared is None:
        return "any"
    if branch.get("format"):
        return f"{declared}({branch['format']})"
    return str(declared)


def type_signature(schema: dict[str, Any]) -> str:
    alternatives, nullable = split_nullable(schema)
    keys = sorted(branch_key(b) for b in alternatives)
    if nullable:
        keys.append("null")
    return " | ".join(keys) or "null"


def facet(schema: dict[str, Any], name: str) -> Any:
    """A keyword such as ``default`` or ``maximum``, on the schema or on one of its alternatives."""
    if name in schema:
        return schema[name]
    for branch in split_nullable(schema)[0]:
        if name in branch and "$ref" not in branch:
            return branch[name]
    return MISSING


def enum_values(schema: dict[str, Any]) -> frozenset[Any] | None:
    """The allowed values as a set (null left out), or None when the schema has no enum."""
    holders = [schema] + [b for b in split_nullable(schema)[0] if "$ref" not in b]
    if not any("enum" in holder for holder in holders):
        return None
    return frozenset(v for holder in holders for v in holder.get("enum", []) if v is not None)


def compare_schema(
    where: str, ref: dict[str, Any], ours: dict[str, Any], problems: list[str]
) -> None:
    """Compare two schemas that are not resolved through ``$ref`` (a ``$ref`` compares by name)."""
    ref_type, our_type = type_signature(ref), type_signature(ours)
    if ref_type != our_type:
        problems.append(f"{where}: type {ref_type} != {our_type}")
        return

    ref_enum, our_enum = enum_values(ref), enum_values(ours)
    if ref_enum != our_enum:
        problems.append(
            f"{where}: enum {fmt(ref_enum) if ref_enum is not None else '(none)'}"
            f" != {fmt(our_enum) if our_enum is not None else '(none)'}"
        )

    ref_default, our_default = facet(ref, "default"), facet(ours, "default")
    if not same_value(ref_default, our_default):
        problems.append(f"{where}: default {fmt(ref_default)} != {fmt(our_default)}")

    for name in CONSTRAINTS:
        ref_value, our_value = facet(ref, name), facet(ours, name)
        if not same_value(ref_value, our_value):
            problems.append(f"{where}: {name} {fmt(ref_value)} != {fmt(our_value)}")

    our_branches = {branch_key(b): b for b in split_nullable(ours)[0]}
    for ref_branch in split_nullable(ref)[0]:
        our_branch = our_branches[branch_key(ref_branch)]
        if ref_branch.get("type") == "array":
            compare_schema(
                f"{where}[]", ref_branch.get("items", {}), our_branch.get("items", {}), problems
            )
        if ref_branch.get("type") == "object":
            compare_additional_properties(where, ref_branch, our_branch, problems)


def compare_additional_properties(
    where: str, ref: dict[str, Any], ours: dict[str, Any], problems: list[str]
) -> None:
    # A missing additionalProperties means "anything", the same as true.
    ref_extra = ref.get("additionalProperties", True)
    our_extra = ours.get("additionalProperties", True)
    if isinstance(ref_extra, dict) and isinstance(our_extra, dict):
        compare_schema(f"{where}{{*}}", ref_extra, our_extra, problems)
    elif not same_value(ref_extra, our_extra):
        problems.append(f"{where}: additionalProperties {fmt(ref_extra)} != {fmt(our_extra)}")


def compare_component_schema(
    name: str, ref: dict[str, Any], ours: dict[str, Any], problems: list[str]
) -> None:
    where = f"schema {name}"
    compare_schema(where, ref, ours, problems)

    ref_required, our_required = set(ref.get("required", [])), set(ours.get("required", []))
    for field_name in sorted(ref_required - our_required):
        problems.append(f"{where}.{field_name}: required in the reference, optional in ours")
    for field_name in sorted(our_required - ref_required):
        problems.append(f"{where}.{field_name}: optional in the reference, required in ours")

    our_properties = ours.get("properties", {})
    for prop_name, ref_prop in ref.get("properties", {}).items():
        if prop_name not in our_properties:
            problems.append(f"{where}.{prop_name}: property missing")
            continue
        compare_schema(f"{where}.{prop_name}", ref_prop, our_properties[prop_name], problems)


def compare_schemas(
    ref_doc: dict[str, Any], our_doc: dict[str, Any], problems: list[str]
) -> tuple[int, int]:
    """Returns (schemas present in ours, schemas matching)."""
    ref_schemas = ref_doc.get("components", {}).get("schemas", {})
    our_schemas = our_doc.get("components", {}).get("schemas", {})
    present = matching = 0
    for name, ref_schema in ref_schemas.items():
        if name not in our_schemas:
            problems.append(f"schema {name}: missing")
            continue
        present += 1
        found: list[str] = []
        compare_component_schema(name, ref_schema, our_schemas[name], found)
        problems.extend(found)
        matching += not found
    return present, matching


# --------------------------------------------------------------------------
# Operation comparison


def operations(
    doc: dict[str, Any],
) -> Iterator[tuple[tuple[str, str], dict[str, Any], dict[str, Any]]]:
    for path, item in doc.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield (method.upper(), path), item[method], item


@dataclass(frozen=True)
class Operation:
    """One operation, with the document it lives in (for resolving $refs)."""

    doc: dict[str, Any]
    op: dict[str, Any]
    path_item: dict[str, Any]

    def parameters(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Parameters keyed by (name, in); operation-level ones override path-level ones."""
        found = {}
        raw_params = list(self.path_item.get("parameters", [])) + list(
            self.op.get("parameters", [])
        )
        for raw in raw_params:
            param = resolve(self.doc, raw)
            found[(param["name"], param["in"])] = param
        return found

    def responses(self) -> dict[str, Any]:
        return {str(code): value for code, value in self.op.get("responses", {}).items()}


def compare_parameters(label: str, ref: Operation, ours: Operation, problems: list[str]) -> None:
    ref_params, our_params = ref.parameters(), ours.parameters()
    for (name, where), ref_param in ref_params.items():
        our_param = our_params.get((name, where))
        if our_param is None:
            problems.append(f"{label}: parameter {name} ({where}) missing")
            continue
        ref_required = bool(ref_param.get("required", False))
        our_required = bool(our_param.get("required", False))
        if ref_required != our_required:
            problems.append(
                f"{label}: parameter {name} required {fmt(ref_required)} != {fmt(our_required)}"
            )
        compare_schema(
            f"{label}: parameter {name}",
            resolve(ref.doc, ref_param.get("schema", {})),
            resolve(ours.doc, our_param.get("schema", {})),
            problems,
        )
    for (name, where), our_param in our_params.items():
        if (name, where) not in ref_params and our_param.get("required", False):
            problems.append(f"{label}: parameter {name} ({where}) is required in ours only")


def json_schema_of(doc: dict[str, Any], holder: Any) -> Any:
    """The application/json schema of a request body or response, or None."""
    holder = resolve(doc, holder)
    if not isinstance(holder, dict):
        return None
    media = holder.get("content", {}).get("application/json")
    return None if media is None else media.get("schema")


def compare_request_body(label: str, ref: Operation, ours: Operation, problems: list[str]) -> None:
    if "requestBody" not in ref.op:
        return
    if "requestBody" not in ours.op:
        problems.append(f"{label}: request body missing")
        return
    ref_body = resolve(ref.doc, ref.op["requestBody"])
    our_body = resolve(ours.doc, ours.op["requestBody"])
    if bool(ref_body.get("required", False)) != bool(our_body.get("required", False)):
        problems.append(
            f"{label}: request body required {fmt(bool(ref_body.get('required')))}"
            f" != {fmt(bool(our_body.get('required')))}"
        )
    ref_schema, our_schema = json_schema_of(ref.doc, ref_body), json_schema_of(ours.doc, our_body)
    compare_payload(f"{label}: request body", ref_schema, our_schema, problems)


def compare_payload(where: str, ref_schema: Any, our_schema: Any, problems: list[str]) -> None:
    """A body or response schema: same $ref name, or the same inline shape; {} allows anything."""
    if not ref_schema:
        return
    if our_schema is None:
        problems.append(f"{where}: no application/json schema")
    elif ref_name(ref_schema):
        if ref_name(ref_schema) != ref_name(our_schema):
            problems.append(f"{where} {ref_name(ref_schema)} != {ref_name(our_schema) or 'inline'}")
    else:
        compare_schema(where, ref_schema, our_schema, problems)


def compare_responses(label: str, ref: Operation, ours: Operation, problems: list[str]) -> None:
    our_responses = ours.responses()
    for code, ref_response in ref.responses().items():
        if code not in our_responses:
            problems.append(f"{label}: response {code} missing")
            continue
        # Where the reference schema is {} ours may be anything, including the
        # text/event-stream body of the streaming read.
        compare_payload(
            f"{label}: response {code}",
            json_schema_of(ref.doc, ref_response),
            json_schema_of(ours.doc, our_responses[code]),
            problems,
        )


def compare_operations(
    ref_doc: dict[str, Any], our_doc: dict[str, Any], problems: list[str]
) -> tuple[int, int]:
    """Returns (operations present in ours, operations matching)."""
    our_ops = {key: Operation(our_doc, op, item) for key, op, item in operations(our_doc)}
    present = matching = 0
    for key, ref_op, ref_item in operations(ref_doc):
        label = f"{key[0]} {key[1]}"
        if key not in our_ops:
            problems.append(f"{label}: operation missing")
            continue
        present += 1
        ref, ours = Operation(ref_doc, ref_op, ref_item), our_ops[key]
        found: list[str] = []
        compare_parameters(label, ref, ours, found)
        compare_request_body(label, ref, ours, found)
        compare_responses(label, ref, ours, found)
        problems.extend(found)
        matching += not found
    return present, matching


# --------------------------------------------------------------------------
# The whole check


@dataclass
class ContractReport:
    operations_total: int
    operations_present: int
    operations_matching: int
    schemas_total: int
    schemas_present: int
    schemas_matching: int
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.operations_matching}/{self.operations_total} operations match "
            f"({self.operations_present} present), "
            f"{self.schemas_matching}/{self.schemas_total} schemas match "
            f"({self.schemas_present} present)"
        )

    def message(self) -> str:
        lines = [
            f"the effective document does not match the reference: {self.summary()}.",
            f"{len(self.problems)} problem(s), each as '<where>: <what> <reference> != <ours>':",
        ]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


def check_contract(our_doc: dict[str, Any], ref_doc: dict[str, Any]) -> ContractReport:
    problems: list[str] = []
    ops_present, ops_matching = compare_operations(ref_doc, our_doc, problems)
    schemas_present, schemas_matching = compare_schemas(ref_doc, our_doc, problems)
    return ContractReport(
        operations_total=sum(1 for _ in operations(ref_doc)),
        operations_present=ops_present,
        operations_matching=ops_matching,
        schemas_total=len(ref_doc.get("components", {}).get("schemas", {})),
        schemas_present=schemas_present,
        schemas_matching=schemas_matching,
        problems=problems,
    )


# --------------------------------------------------------------------------
# Tests


def test_spec_matches_reference_contract(ours):
    reference = load_reference()
    report = check_contract(ours, reference)
    assert not report.problems, report.message()
    assert report.operations_matching == report.operations_total, report.summary()
    assert report.schemas_matching == report.schemas_total, report.summary()


@pytest.mark.parametrize("release", RELEASES)
def test_effective_document_matches_the_live_server(release):
    """Every operation, parameter, field and enum the live server serves, after the overlay.

    The live documents also list the dashboard's web pages (`/dashboard/{rest_of_path}`), which
    are not part of the API and which the overlay removes; only `/api/` routes are compared.
    """
    live = load_reference(LIVE_PATH / f"cml-server-{release}.openapi.json")
    live["paths"] = {p: item for p, item in live["paths"].items() if p.startswith("/api/")}
    report = check_contract(load_our_spec(release), live)
    assert not report.problems, report.message()
    assert (
        report.operations_matching == report.operations_total == {"1.5.1": 62, "2.0.0": 58}[release]
    ), report.summary()
    assert report.schemas_matching == report.schemas_total, report.summary()


@pytest.mark.parametrize("release", RELEASES)
def test_effective_document_names_its_release(release):
    # Live servers say "1.0.0" whatever their release; the release overlay records the real one.
    assert load_our_spec(release)["info"]["version"] == release


def test_spec_pins_the_reference_server_version(ours):
    reference = load_reference()
    assert ours["info"]["version"] == reference["info"]["version"], (
        f"info.version {ours['info']['version']!r} != reference {reference['info']['version']!r}"
    )


def test_checker_reports_every_kind_of_drift(ours):
    reference = load_reference()
    mutated = copy.deepcopy(ours)
    schemas = mutated["components"]["schemas"]
    schemas["MemoryType"]["enum"].remove("plan")
    del mutated["paths"]["/api/v1/memory/stats"]["get"]
    schemas["WriteMemoryRequest"]["properties"]["content"]["type"] = "integer"
    schemas["ReadMemoryRequest"]["properties"]["max_results"]["maximum"] = 40
    schemas["ReadMemoryRequest"]["properties"]["format"]["default"] = "list"
    schemas["ReadMemoryResponse"]["properties"]["llm_context"] = {"type": "string"}
    schemas["ForgetResponse"]["required"].remove("affected_count")
    schemas["ProcessTurnRequest"]["required"].append("session_id")
    del schemas["MemoryItem"]["properties"]["relevance"]
    schemas["WriteBatchRequest"]["properties"]["turns"]["items"] = {
        "$ref": "#/components/schemas/MemoryItem"
    }
    del schemas["TimelinePoint"]
    read_op = mutated["paths"]["/api/v1/memory/read"]["post"]
    read_op["parameters"] = [p for p in read_op["parameters"] if p.get("name") != "x-tenant-id"]
    read_op["requestBody"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/ForgetRequest"
    }
    read_op["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/MemoryStats"
    }
    forget_param = mutated["paths"]["/api/v1/admin/forget/{user_id}"]["post"]["parameters"][1]
    forget_param["schema"]["default"] = False

    report = check_contract(mutated, reference)

    expected = [
        'schema MemoryType: enum ["constraint", ',
        "GET /api/v1/memory/stats: operation missing",
        "schema WriteMemoryRequest.content: type string != integer",
        "schema ReadMemoryRequest.max_results: maximum 50 != 40",
        'schema ReadMemoryRequest.format: default "packet" != "list"',
        "schema ReadMemoryResponse.llm_context: type string | null != string",
        "schema ForgetResponse.affected_count: required in the reference, optional in ours",
        "schema ProcessTurnRequest.session_id: optional in the reference, required in ours",
        "schema MemoryItem.relevance: property missing",
        "schema WriteBatchRequest.turns[]: type $ref WriteBatchTurn != $ref MemoryItem",
        "schema TimelinePoint: missing",
        "POST /api/v1/memory/read: parameter x-tenant-id (header) missing",
        "POST /api/v1/memory/read: request body ReadMemoryRequest != ForgetRequest",
        "POST /api/v1/memory/read: response 200 ReadMemoryResponse != MemoryStats",
        "POST /api/v1/admin/forget/{user_id}: parameter dry_run: default true != false",
    ]
    unreported = [e for e in expected if not any(p.startswith(e) for p in report.problems)]
    assert not unreported, "checker missed:\n" + "\n".join(unreported) + "\n\n" + report.message()
    assert report.operations_present == report.operations_total - 1
    assert f"/{report.operations_total} operations match" in report.summary()
    assert report.schemas_present == report.schemas_total - 1


def test_missing_reference_fails_and_names_its_path(monkeypatch, tmp_path):
    absent = tmp_path / "shared" / "reference" / "cml-server-1.5.1.openapi.json"
    monkeypatch.setattr(sys.modules[__name__], "REFERENCE_PATH", absent)
    with pytest.raises(pytest.fail.Exception, match="reference contract is missing") as failure:
        load_reference()
    assert str(absent) in str(failure.value)


@pytest.mark.parametrize("release", RELEASES)
def test_every_ref_in_our_spec_resolves(release):
    ours = load_our_spec(release)
    broken = []
    for ref in sorted(set(iter_refs(ours))):
        try:
            lookup(ours, ref)
        except (KeyError, ValueError, TypeError):
            broken.append(ref)
    assert not broken, "unresolvable $ref: " + ", ".join(broken)


# Operations with no meaning on one node without the upstream infrastructure: documented 501.
NOT_IMPLEMENTED_LOCALLY: set[tuple[str, str]] = set()


@pytest.mark.parametrize("release", RELEASES)
def test_spec_declares_security_errors_and_csrf(release):
    """What the overlay adds to every release: keys, error answers, the CSRF header, and the
    501 of the operations py-cml's local server cannot serve."""
    ours = load_our_spec(release)
    problems = []
    common_errors = {"401", "403", "404", "422", "429", "500", "503"}
    for (method, path), op, item in operations(ours):
        label = f"{method} {path}"
        admin_only = path.startswith(("/api/v1/admin/", "/api/v1/dashboard/")) or (
            method == "DELETE" and path == "/api/v1/memory/all"
        )
        codes = {str(code) for code in op.get("responses", {})}
        if path == "/api/v1/health":
            expected_security, expected_codes = [], {"200", "429", "500", "503"}
        elif admin_only:
            expected_security, expected_codes = [{"AdminAPIKey": []}], common_errors | {"200"}
            if op.get("x-cml-admin-only") is not True:
                problems.append(f"{label}: x-cml-admin-only missing")
        else:
            expected_security, expected_codes = [{"APIKeyHeader": []}], common_errors | {"200"}
        if (method, path) in NOT_IMPLEMENTED_LOCALLY:
            expected_codes = expected_codes | {"501"}
        if op.get("security") != expected_security:
            problems.append(f"{label}: security {op.get('security')} != {expected_security}")
        if codes != expected_codes:
            problems.append(f"{label}: responses {sorted(codes)} != {sorted(expected_codes)}")
        params = Operation(ours, op, item).parameters()
        headers = {name for name, location in params if location == "header"}
        is_write = method in {"POST", "PUT", "PATCH", "DELETE"}
        if is_write and path.startswith("/api/v1/dashboard/") and "X-Requested-With" not in headers:
            problems.append(f"{label}: X-Requested-With header missing")
        for code, response in op.get("responses", {}).items():
            declared = set(resolve(ours, response).get("headers", {}))
            if not {"X-Request-ID", "X-Response-Time"} <= declared:
                problems.append(f"{label}: response {code} lacks X-Request-ID / X-Response-Time")
    assert not problems, "\n".join(problems)
