"""API parity: with the upstream SDK 1.5.1, between the sync and async clients, and between the
spec's operations and the generated modules."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import cml

from ._support import API_KEY, BASE_URL

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SIGNATURES = PROJECT_ROOT.parent / "shared" / "reference" / "upstream-sdk-1.5.1-signatures.txt"

NO_DEFAULT = object()
KINDS = {
    "posonlyargs": inspect.Parameter.POSITIONAL_ONLY,
    "args": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "kwonlyargs": inspect.Parameter.KEYWORD_ONLY,
}


class Param:
    def __init__(self, name: str, kind: inspect._ParameterKind, default: Any) -> None:
        self.name, self.kind, self.default = name, kind, default

    def __repr__(self) -> str:
        default = "" if self.default is NO_DEFAULT else f"={self.default!r}"
        return f"{self.name}:{self.kind.name}{default}"


class UpstreamMethod:
    def __init__(self, name: str, is_async: bool, params: list[Param] | None) -> None:
        self.name, self.is_async, self.params = name, is_async, params  # params None: property


def _parse_params(text: str) -> list[Param]:
    """Parameters of a signature text like `(self, query: 'str', *, n: 'int' = 10)`."""
    tree = ast.parse(f"def f{text}: pass")
    args = tree.body[0].args  # type: ignore[attr-defined]
    params: list[Param] = []
    positional = [*args.posonlyargs, *args.args]
    defaults = [NO_DEFAULT] * (len(positional) - len(args.defaults)) + [
        ast.literal_eval(d) for d in args.defaults
    ]
    for arg, default in zip(positional, defaults, strict=True):
        kind = KINDS["posonlyargs"] if arg in args.posonlyargs else KINDS["args"]
        params.append(Param(arg.arg, kind, default))
    if args.vararg:
        params.append(Param(args.vararg.arg, inspect.Parameter.VAR_POSITIONAL, NO_DEFAULT))
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        default = NO_DEFAULT if kw_default is None else ast.literal_eval(kw_default)
        params.append(Param(arg.arg, KINDS["kwonlyargs"], default))
    if args.kwarg:
        params.append(Param(args.kwarg.arg, inspect.Parameter.VAR_KEYWORD, NO_DEFAULT))
    return params


_CLASS_LINE = re.compile(r"^=== class (\w+) (\(.*\)) -> .*$")
_METHOD_LINE = re.compile(r"^  (async )?(\w+)(\(.*\)) -> .*$")
_PROPERTY_LINE = re.compile(r"^  property (\w+)$")


def load_upstream() -> dict[str, dict[str, UpstreamMethod]]:
    if not SIGNATURES.is_file():
        pytest.fail(f"The upstream SDK signature list is missing; expected it at {SIGNATURES}")
    classes: dict[str, dict[str, UpstreamMethod]] = {}
    current: dict[str, UpstreamMethod] | None = None
    for line in SIGNATURES.read_text(encoding="utf-8").splitlines():
        if match := _CLASS_LINE.match(line):
            current = classes.setdefault(match[1], {})
            current["__init__"] = UpstreamMethod("__init__", False, _parse_params(match[2]))
        elif current is not None and (match := _METHOD_LINE.match(line)):
            current[match[2]] = UpstreamMethod(match[2], bool(match[1]), _parse_params(match[3]))
        elif current is not None and (match := _PROPERTY_LINE.match(line)):
            current[match[1]] = UpstreamMethod(match[1], False, None)
    return classes


def _our_params(func: Any) -> list[Param]:
    return [
        Param(p.name, p.kind, NO_DEFAULT if p.default is inspect.Parameter.empty else p.default)
        for p in inspect.signature(func).parameters.values()
    ]


def _compare(where: str, theirs: list[Param], ours: list[Param], *, defaults: bool) -> list[str]:
    """Differences between an upstream and our parameter list.

    Our list may add keyword-only parameters that have defaults (callers of the upstream
    signature are not affected); everything upstream must be there, in order, same kind.
    """
    problems: list[str] = []
    our_by_name = {p.name: p for p in ours}
    positional_theirs = [p.name for p in theirs if p.kind <= inspect.Parameter.VAR_POSITIONAL]
    positional_ours = [p.name for p in ours if p.kind <= inspect.Parameter.VAR_POSITIONAL]
    if positional_theirs != positional_ours:
        problems.append(
            f"{where}: positional parameters {positional_theirs} != ours {positional_ours}"
        )
    for param in theirs:
        mine = our_by_name.get(param.name)
        if mine is None:
            problems.append(f"{where}: missing parameter {param!r}")
            continue
        if mine.kind != param.kind:
            problems.append(
                f"{where}: {param.name} is {mine.kind.name}, upstream {param.kind.name}"
            )
        if defaults and mine.default != param.default:
            problems.append(
                f"{where}: {param.name} defaults to {_show(mine.default)}, "
                f"upstream {_show(param.default)}"
            )
    upstream_names = {p.name for p in theirs}
    for mine in ours:
        if mine.name in upstream_names:
            continue
        if mine.kind != inspect.Parameter.KEYWORD_ONLY or mine.default is NO_DEFAULT:
            problems.append(f"{where}: extra parameter {mine!r} would break upstream callers")
    return problems


def _show(default: Any) -> str:
    return "<required>" if default is NO_DEFAULT else repr(default)


def _check_class(upstream: dict[str, UpstreamMethod], ours: type, label: str) -> list[str]:
    problems: list[str] = []
    for name, method in sorted(upstream.items()):
        where = f"{label}.{name}"
        attr = inspect.getattr_static(ours, name, None)
        if attr is None:
            problems.append(f"{where}: missing")
            continue
        if method.params is None:
            if not isinstance(attr, property):
                problems.append(f"{where}: upstream has a property, ours is {type(attr).__name__}")
            continue
        func = getattr(ours, name)
        problems += _compare(where, method.params, _our_params(func), defaults=name != "__init__")
        if method.is_async and not (
            inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func)
        ):
            problems.append(f"{where}: upstream is a coroutine function, ours is not")
    return problems


def test_upstream_signature_list_was_read() -> None:
    upstream = load_upstream()
    assert {"CognitiveMemoryLayer", "AsyncCognitiveMemoryLayer", "NamespacedClient"} <= set(
        upstream
    )
    assert len(upstream["CognitiveMemoryLayer"]) > 50
    read = upstream["CognitiveMemoryLayer"]["read"].params
    assert read is not None
    assert [p.name for p in read][:2] == ["self", "query"]
    max_results = next(p for p in read if p.name == "max_results")
    assert (max_results.kind, max_results.default) == (inspect.Parameter.KEYWORD_ONLY, 10)


def test_clients_match_the_upstream_sdk() -> None:
    upstream = load_upstream()
    problems = _check_class(
        upstream["CognitiveMemoryLayer"], cml.CognitiveMemoryLayer, "CognitiveMemoryLayer"
    ) + _check_class(
        upstream["AsyncCognitiveMemoryLayer"],
        cml.AsyncCognitiveMemoryLayer,
        "AsyncCognitiveMemoryLayer",
    )
    assert not problems, "differences from the upstream SDK 1.5.1:\n" + "\n".join(problems)


def test_constructor_defaults_fall_back_to_the_environment() -> None:
    for cls in (cml.CognitiveMemoryLayer, cml.AsyncCognitiveMemoryLayer):
        params = inspect.signature(cls.__init__).parameters
        for name in ("api_key", "base_url", "tenant_id", "timeout", "max_retries", "retry_delay"):
            assert params[name].default is None, f"{cls.__name__}({name}=...)"


@pytest.mark.parametrize(
    ("upstream_class", "client_class"),
    [
        ("NamespacedClient", cml.CognitiveMemoryLayer),
        ("AsyncNamespacedClient", cml.AsyncCognitiveMemoryLayer),
    ],
)
async def test_with_namespace_has_every_namespaced_client_method(
    upstream_class: str, client_class: type
) -> None:
    upstream = load_upstream()[upstream_class]
    client = client_class(api_key=API_KEY, base_url=BASE_URL)
    try:
        scoped = client.with_namespace("ns")
        missing = [
            name for name in sorted(upstream) if name != "__init__" and not hasattr(scoped, name)
        ]
        assert not missing, f"with_namespace() result lacks: {missing}"
        assert scoped.namespace == "ns"
    finally:
        result = client.close()
        if inspect.isawaitable(result):
            await result


def _public_methods(cls: type) -> dict[str, Any]:
    return {
        name: getattr(cls, name)
        for name in dir(cls)
        if not name.startswith("_") and callable(getattr(cls, name))
    }


def test_sync_and_async_clients_mirror_each_other() -> None:
    sync = _public_methods(cml.CognitiveMemoryLayer)
    asyn = _public_methods(cml.AsyncCognitiveMemoryLayer)
    problems = [f"only sync: {n}" for n in sorted(set(sync) - set(asyn))]
    problems += [f"only async: {n}" for n in sorted(set(asyn) - set(sync))]
    for name in sorted(set(sync) & set(asyn)):
        a, b = inspect.signature(sync[name]), inspect.signature(asyn[name])
        left = [(p.name, p.kind, p.default) for p in a.parameters.values()]
        right = [(p.name, p.kind, p.default) for p in b.parameters.values()]
        if left != right:
            problems.append(f"{name}: sync {a} != async {b}")
    for name in ("__init__",):
        left = list(inspect.signature(getattr(cml.CognitiveMemoryLayer, name)).parameters)
        right = list(inspect.signature(getattr(cml.AsyncCognitiveMemoryLayer, name)).parameters)
        if left != right:
            problems.append(f"{name}: sync {left} != async {right}")
    assert not problems, "\n".join(problems)


def test_session_scopes_mirror_each_other() -> None:
    sync = _public_methods(cml.SessionScope)
    asyn = _public_methods(cml.AsyncSessionScope)
    assert set(sync) == set(asyn)


@pytest.mark.parametrize("release", cml.__api_versions__)
def test_every_operation_of_a_release_has_a_generated_module(release: str) -> None:
    """Each release's document (server's plus overlay) has a module per operation, at the same
    module path in every release, so the ergonomic layer addresses an operation once."""
    from cml._releases import get_release

    info = get_release(release)
    document = info.document()
    operations = [
        (operation["tags"][0], operation["operationId"])
        for path_item in document["paths"].values()
        for method, operation in path_item.items()
        if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace")
    ]
    assert len(operations) == {"1.5.1": 62, "2.0.0": 58}[release]
    assert {op: tag for tag, op in operations} == dict(info.operations)
    problems = []
    for tag, operation_id in operations:
        name = f"{info.package}.api.{tag}.{operation_id}"
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            problems.append(f"{name}: {exc}")
            continue
        for function in ("sync_detailed", "asyncio_detailed"):
            if not callable(getattr(module, function, None)):
                problems.append(f"{name}: no {function}")
        if not inspect.iscoroutinefunction(getattr(module, "asyncio_detailed", None)):
            problems.append(f"{name}.asyncio_detailed is not a coroutine function")
    assert not problems, "missing generated operations:\n" + "\n".join(problems)
