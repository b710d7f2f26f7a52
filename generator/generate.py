"""Turn openapi/ into generated/: regenerate, check for drift, refresh a release's document.

    python generator/generate.py regen                    # every release -> generated/cml_api,
                                                          # and cml/_client.py from the async one
    python generator/generate.py drift                    # fail if regen would change either
    python generator/generate.py spec --release 2.0.0 --from-url URL   # or --from-file PATH

openapi/ holds, for each supported server release, the server's own document as pulled
(`openapi/<release>/server.yaml`) and a release overlay (`openapi/<release>/overlay.yaml`, the
release number), plus one overlay shared by every release (`openapi/overlay.yaml`) with
everything py-cml adds. Regeneration applies the overlays (generator/overlay.py) and generates
each release into `generated/cml_api/v<release>/`, beside an index of the releases.

`nox -s regen`, `nox -s drift` and `nox -s spec` call these. The generator and ruff are pinned in
generator/requirements.txt; everything that shapes the output (config, templates, formatter flags)
lives in this folder, so two regenerations anywhere give byte-identical files.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import overlay
import sync_client

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "openapi"
SHARED_OVERLAY = "overlay.yaml"
SERVER_DOCUMENT = "server.yaml"
PACKAGE = "cml_api"
OUTPUT = ROOT / "generated" / PACKAGE
HERE = Path(__file__).resolve().parent
CONFIG = HERE / "config.yaml"
TEMPLATES = HERE / "templates"
# Each release's package carries the document it came from (the server's plus the overlays), so
# the local server can serve it and the client can compare a server with it, in a wheel as in a
# checkout.
BUNDLED_SPEC = "openapi.json"
# The effective document names the generator's class choices here; they are handed to the
# generator as its class overrides and are not part of the bundled document.
CLASS_NAMES = "x-cml-class-names"
RUFF_ARGS = ["--isolated", "--line-length", "120", "--target-version", "py311"]
_RELEASE = re.compile(r"^\d+\.\d+\.\d+$")

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


# --- releases and their effective documents ------------------------------------------------------


@dataclass(frozen=True)
class Release:
    version: str
    folder: Path

    @property
    def module(self) -> str:
        """The subpackage of cml_api generated for this release: 2.0.0 -> v2_0_0."""
        return "v" + self.version.replace(".", "_")

    @property
    def server_document(self) -> Path:
        return self.folder / SERVER_DOCUMENT


def release_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def releases(openapi: Path = OPENAPI) -> list[Release]:
    """Every release in `openapi/`, oldest first."""
    found = [
        Release(folder.name, folder)
        for folder in openapi.iterdir()
        if folder.is_dir() and _RELEASE.match(folder.name) and (folder / SERVER_DOCUMENT).exists()
    ]
    if not found:
        raise SystemExit(f"{_show(openapi)}: no release folders (<X.Y.Z>/{SERVER_DOCUMENT})")
    return sorted(found, key=lambda r: release_key(r.version))


def effective_document(
    release: Release, openapi: Path = OPENAPI
) -> tuple[dict[str, Any], list[overlay.Miss]]:
    """The release's server document with the shared overlay, then its own, applied."""
    layers = [overlay.load(openapi / SHARED_OVERLAY)]
    own = release.folder / SHARED_OVERLAY
    if own.exists():
        layers.append(overlay.load(own))
    return overlay.apply(load_spec(release.server_document), *layers)


def _module_name(class_name: str) -> str:
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", class_name)
    return re.sub(r"([a-z\d])([A-Z])", r"\1_\2", words).lower()


# --- generation ----------------------------------------------------------------------------------


def generate_release(release: Release, output: Path, openapi: Path = OPENAPI) -> list[overlay.Miss]:
    """Generate `release` into `output` (which must not exist yet); return the overlay's misses."""
    from openapi_python_client import Project
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData

    document, misses = effective_document(release, openapi)
    class_names = document.pop(CLASS_NAMES, {})
    bundled = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
    settings = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    settings["class_overrides"] = {
        name: {"class_name": chosen, "module_name": _module_name(chosen)}
        for name, chosen in sorted(class_names.items())
    }
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / BUNDLED_SPEC
        source.write_text(bundled, encoding="utf-8")
        config = Config.from_sources(
            ConfigFile(**settings),
            MetaType.NONE,
            source,
            "utf-8",
            overwrite=False,
            output_path=output,
        )
        data = GeneratorData.from_dict(document, config=config)
        if not isinstance(data, GeneratorData):
            raise SystemExit(f"cannot parse {release.version}: {data.header}: {data.detail}")
        project = Project(openapi=data, config=config, custom_template_path=TEMPLATES)
        # The SHA-256 of the effective document as bundled: what this package speaks, exactly.
        project.env.globals["spec_sha256"] = hashlib.sha256(bundled.encode()).hexdigest()
        project.env.globals["release"] = release.version
        problems = list(project.build())
    if problems:
        details = "\n".join(f"  {p.level.value}: {p.header}: {p.detail}" for p in problems)
        raise SystemExit(
            f"openapi-python-client reported problems for {release.version}:\n{details}"
        )
    # PEP 561: the generated client is typed; openapi-python-client only writes this with metadata.
    (output / "py.typed").write_text("", encoding="utf-8")
    (output / BUNDLED_SPEC).write_text(bundled, encoding="utf-8")
    return misses


def generate(output: Path, openapi: Path = OPENAPI) -> dict[str, list[overlay.Miss]]:
    """Generate every release into `output` (the cml_api package, which must not exist yet)."""
    found = releases(openapi)
    output.mkdir(parents=True)
    misses = {r.version: generate_release(r, output / r.module, openapi) for r in found}
    index = TEMPLATES / "releases_init.py.tmpl"
    table = "".join(f'    "{r.version}": "{PACKAGE}.{r.module}",\n' for r in found)
    (output / "__init__.py").write_text(
        index.read_text(encoding="utf-8").format(releases=table, latest=found[-1].version),
        encoding="utf-8",
    )
    (output / "py.typed").write_text("", encoding="utf-8")
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run(
        [*ruff, "check", "--fix", "--select", "F401,I", *RUFF_ARGS, "-q", str(output)], check=True
    )
    subprocess.run([*ruff, "format", *RUFF_ARGS, "-q", str(output)], check=True)
    return misses


def report_misses(misses: dict[str, list[overlay.Miss]]) -> None:
    for version, missed in misses.items():
        if missed:
            print(f"{version}: {len(missed)} overlay action(s) matched nothing:")
            for miss in missed:
                print(f"  - {miss}")


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def regen(openapi: Path = OPENAPI, output: Path = OUTPUT) -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / PACKAGE
        misses = generate(fresh, openapi)
        if output.exists():
            shutil.rmtree(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(fresh, output)
    report_misses(misses)
    count = len(_files(output))
    print(
        f"regenerated {_show(output)} ({count} files; releases {', '.join(misses)}) in "
        f"{time.perf_counter() - started:.1f}s from {_show(openapi)}"
    )


def drift(openapi: Path = OPENAPI, output: Path = OUTPUT) -> int:
    """Return 0 when `output` is exactly what `openapi` generates; print what differs otherwise."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / PACKAGE
        misses = generate(fresh, openapi)
        want, have = _files(fresh), _files(output) if output.exists() else {}
    report_misses(misses)
    changed = sorted(name for name in want.keys() & have.keys() if want[name] != have[name])
    missing = sorted(want.keys() - have.keys())
    extra = sorted(have.keys() - want.keys())
    if not (changed or missing or extra):
        print(f"no drift: {_show(output)} matches {_show(openapi)} (releases {', '.join(misses)})")
        return 0
    where = _show(output)
    print(f"DRIFT: {where} does not match {_show(openapi)}; run `nox -s regen` and commit.")
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


def refresh_spec(
    *, release: str, from_url: str | None, from_file: Path | None, openapi: Path = OPENAPI
) -> Path:
    """Write a server's OpenAPI document, normalized, as `openapi/<release>/server.yaml`."""
    if not _RELEASE.match(release):
        raise SystemExit(f"spec: --release takes a release number like 2.0.0, not {release!r}")
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
    if not isinstance(document, dict) or "openapi" not in document or "paths" not in document:
        raise SystemExit(f"{source}: not an OpenAPI document (no 'openapi' or 'paths' key)")
    folder = openapi / release
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / SERVER_DOCUMENT
    target.write_text(dump_spec(document), encoding="utf-8")
    own = folder / SHARED_OVERLAY
    if not own.exists():
        own.write_text(RELEASE_OVERLAY.format(release=release), encoding="utf-8")
    served = document.get("info", {}).get("version", "?")
    print(
        f"wrote {_show(target)} for release {release} (the server says info.version {served}) "
        f"from {source}; now run `nox -s regen` and review the diff"
    )
    return target


RELEASE_OVERLAY = """\
# The release overlay for CML server {release}, applied after openapi/overlay.yaml. Servers do not
# report their release (every live release says `info.version: 1.0.0`), so it is recorded here.
overlay: 1.0.0
info:
  title: CML server {release}
  version: 1.0.0
actions:
- target: $.info
  description: The server release this document describes
  update:
    version: {release}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="generator/generate.py", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("regen", "drift"):
        sub = commands.add_parser(name)
        sub.add_argument("--openapi", type=Path, default=OPENAPI)
        sub.add_argument("--output", type=Path, default=OUTPUT)
    sub = commands.add_parser("spec")
    sub.add_argument("--release", required=True, help="the server release, e.g. 2.0.0")
    source = sub.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-url")
    source.add_argument("--from-file", type=Path)
    sub.add_argument("--openapi", type=Path, default=OPENAPI)
    args = parser.parse_args(argv)
    try:
        if args.command == "regen":
            regen(args.openapi.resolve(), args.output.resolve())
            for pair, target in zip(sync_client.PAIRS, sync_client.write(ROOT), strict=True):
                print(f"regenerated {_show(target)} from {pair.source}")
        elif args.command == "drift":
            api = drift(args.openapi.resolve(), args.output.resolve())
            return max(api, sync_client.drift(ROOT))
        else:
            refresh_spec(
                release=args.release,
                from_url=args.from_url,
                from_file=args.from_file,
                openapi=args.openapi.resolve(),
            )
    except overlay.OverlayError as exc:
        raise SystemExit(f"overlay: {exc}") from None
    except sync_client.SyncClientError as exc:
        raise SystemExit(f"sync client: {exc}") from None
    return 0


if __name__ == "__main__":
    sys.exit(main())
