"""Turn openapi/ into generated/: regenerate, check for drift, refresh the spec from a server.

    python generator/generate.py regen                 # openapi/cml-api.yaml -> generated/cml_api
    python generator/generate.py drift                 # fail if regen would change generated/
    python generator/generate.py spec --from-url URL   # or --from-file PATH: refresh openapi/

`nox -s regen`, `nox -s drift` and `nox -s spec` call these. The generator and ruff are pinned in
generator/requirements.txt; everything that shapes the output (config, templates, formatter flags)
lives in this folder, so two regenerations anywhere give byte-identical files.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "cml-api.yaml"
PACKAGE = "cml_api"
OUTPUT = ROOT / "generated" / PACKAGE
HERE = Path(__file__).resolve().parent
CONFIG = HERE / "config.yaml"
TEMPLATES = HERE / "templates"
# The generated package carries the document it came from, so the local server can serve it and
# the client can report it, in a wheel as in a checkout.
BUNDLED_SPEC = "openapi.json"
RUFF_ARGS = ["--isolated", "--line-length", "120", "--target-version", "py311"]

# --- normalized form of the spec -----------------------------------------------------------------

# Structural keys come in this order; names chosen by the API author (paths, schemas, properties,
# status codes, media types) are sorted, so a server that reorders its document makes no diff.
_KEY_ORDER = [
    "openapi",
    "info",
    "jsonSchemaDialect",
    "servers",
    "security",
    "tags",
    "paths",
    "webhooks",
    "components",
    "name",
    "in",
    "title",
    "summary",
    "version",
    "description",
    "termsOfService",
    "contact",
    "license",
    "url",
    "email",
    "identifier",
    "operationId",
    "deprecated",
    "required",
    "allowEmptyValue",
    "style",
    "explode",
    "$ref",
    "type",
    "const",
    "format",
    "enum",
    "default",
    "nullable",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "schema",
    "parameters",
    "requestBody",
    "content",
    "items",
    "properties",
    "additionalProperties",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "discriminator",
    "responses",
    "headers",
    "examples",
    "example",
]
_RANK = {key: i for i, key in enumerate(_KEY_ORDER)}
_NAME_MAPS = {
    "paths",
    "properties",
    "patternProperties",
    "responses",
    "headers",
    "content",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "examples",
    "links",
    "callbacks",
    "variables",
    "mapping",
    "x-sse-events",
    "$defs",
    "definitions",
    "webhooks",
}
_METHOD_ORDER = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
_OPERATION_ORDER = [
    "tags",
    "summary",
    "description",
    "operationId",
    "deprecated",
    "security",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "servers",
]


def normalize(node: Any, *, names: bool = False, parent: str = "") -> Any:
    """Return `node` with mapping keys in the canonical order (see _KEY_ORDER)."""
    if isinstance(node, list):
        return [normalize(item, parent=parent) for item in node]
    if not isinstance(node, dict):
        return node
    if names:
        keys = sorted(node, key=str)
    elif parent == "path-item":
        keys = sorted(node, key=lambda k: (_METHOD_ORDER.index(k) if k in _METHOD_ORDER else 99, k))
    elif parent == "operation":
        keys = sorted(
            node, key=lambda k: (_OPERATION_ORDER.index(k) if k in _OPERATION_ORDER else 50, k)
        )
    else:
        keys = sorted(node, key=lambda k: (_RANK.get(k, len(_RANK)), k))
    out: dict[str, Any] = {}
    for key in keys:
        value = node[key]
        # `parameters` is a name map under components but a list under an operation.
        is_map = key in _NAME_MAPS and isinstance(value, dict) and not names
        if parent == "paths":
            out[key] = normalize(value, parent="path-item")
        elif parent == "path-item" and key in _METHOD_ORDER:
            out[key] = normalize(value, parent="operation")
        elif is_map:
            out[key] = normalize(value, names=True, parent=key)
        else:
            out[key] = normalize(value, parent=key if names else "")
    return out


class _SpecDumper(yaml.SafeDumper):
    """Block style, with multi-line prose as literal blocks so descriptions stay readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_SpecDumper.add_representer(str, _represent_str)


def dump_spec(document: dict[str, Any]) -> str:
    return yaml.dump(
        normalize(document),
        Dumper=_SpecDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def load_spec(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(document, dict) or "openapi" not in document or "paths" not in document:
        raise SystemExit(f"{path}: not an OpenAPI document (no 'openapi' or 'paths' key)")
    return document


# --- generation ----------------------------------------------------------------------------------


def generate(spec: Path, output: Path) -> None:
    """Generate the package for `spec` into `output` (which must not exist yet)."""
    from openapi_python_client import Project
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData

    raw = spec.read_bytes()
    document = load_spec(spec)
    config = Config.from_sources(
        ConfigFile.load_from_path(CONFIG),
        MetaType.NONE,
        spec,
        "utf-8",
        overwrite=False,
        output_path=output,
    )
    data = GeneratorData.from_dict(document, config=config)
    if not isinstance(data, GeneratorData):
        raise SystemExit(f"cannot parse {spec}: {data.header}: {data.detail}")
    project = Project(openapi=data, config=config, custom_template_path=TEMPLATES)
    project.env.globals["spec_sha256"] = hashlib.sha256(raw).hexdigest()
    problems = list(project.build())
    if problems:
        details = "\n".join(f"  {p.level.value}: {p.header}: {p.detail}" for p in problems)
        raise SystemExit(f"openapi-python-client reported problems for {spec}:\n{details}")
    # PEP 561: the generated client is typed; openapi-python-client only writes this with metadata.
    (output / "py.typed").write_text("", encoding="utf-8")
    (output / BUNDLED_SPEC).write_text(
        json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run(
        [*ruff, "check", "--fix", "--select", "F401,I", *RUFF_ARGS, "-q", str(output)], check=True
    )
    subprocess.run([*ruff, "format", *RUFF_ARGS, "-q", str(output)], check=True)


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def regen(spec: Path = SPEC, output: Path = OUTPUT) -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / PACKAGE
        generate(spec, fresh)
        if output.exists():
            shutil.rmtree(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(fresh, output)
    count = len(_files(output))
    print(
        f"regenerated {_show(output)} ({count} files) in "
        f"{time.perf_counter() - started:.1f}s from {_show(spec)}"
    )


def drift(spec: Path = SPEC, output: Path = OUTPUT) -> int:
    """Return 0 when `output` is exactly what `spec` generates; print what differs otherwise."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / PACKAGE
        generate(spec, fresh)
        want, have = _files(fresh), _files(output) if output.exists() else {}
    changed = sorted(name for name in want.keys() & have.keys() if want[name] != have[name])
    missing = sorted(want.keys() - have.keys())
    extra = sorted(have.keys() - want.keys())
    if not (changed or missing or extra):
        print(f"no drift: {_show(output)} matches {_show(spec)}")
        return 0
    where = _show(output)
    print(f"DRIFT: {where} does not match {_show(spec)}; run `nox -s regen` and commit.")
    for name in changed:
        print(f"  changed: {where}/{name}")
        diff = difflib.unified_diff(
            have[name].decode(errors="replace").splitlines(),
            want[name].decode(errors="replace").splitlines(),
            f"{where}/{name} (committed)",
            f"{where}/{name} (regenerated)",
            lineterm="",
            n=1,
        )
        for line in list(diff)[:12]:
            print(f"      {line}")
    for name in missing:
        print(f"  missing (would be created): {where}/{name}")
    for name in extra:
        print(f"  extra (would be removed): {where}/{name}")
    return 1


def refresh_spec(*, from_url: str | None, from_file: Path | None, spec: Path = SPEC) -> None:
    """Write a server's OpenAPI document into openapi/ in the normalized form."""
    if from_url:
        import httpx

        response = httpx.get(from_url, timeout=30.0, follow_redirects=True)
        response.raise_for_status()
        text = response.text
        document = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
        source = from_url
    elif from_file:
        document = load_spec(from_file)
        source = str(from_file)
    else:
        raise SystemExit("spec: give --from-url URL or --from-file PATH")
    if not isinstance(document, dict) or "paths" not in document:
        raise SystemExit(f"{source}: not an OpenAPI document")
    spec.write_text(dump_spec(document), encoding="utf-8")
    version = document.get("info", {}).get("version", "?")
    print(
        f"wrote {_show(spec)} (API version {version}) from {source}; "
        "now run `nox -s regen` and review the diff"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="generator/generate.py", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("regen", "drift"):
        sub = commands.add_parser(name)
        sub.add_argument("--spec", type=Path, default=SPEC)
        sub.add_argument("--output", type=Path, default=OUTPUT)
    sub = commands.add_parser("spec")
    source = sub.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-url")
    source.add_argument("--from-file", type=Path)
    sub.add_argument("--output", type=Path, default=SPEC)
    args = parser.parse_args(argv)
    if args.command == "regen":
        regen(args.spec.resolve(), args.output.resolve())
    elif args.command == "drift":
        return drift(args.spec.resolve(), args.output.resolve())
    else:
        refresh_spec(from_url=args.from_url, from_file=args.from_file, spec=args.output.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
