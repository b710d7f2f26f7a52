"""Write the sync client from the async one: `cml/_client.py` from `cml/_async_client.py`, and
the twin of each module the async client inherits from (`PAIRS`).

The two clients have the same methods with the same parameters; only waiting differs. So the
async client is the one written by hand and the sync one is generated, as httpcore does:

1. `unasync` (pinned in generator/requirements.txt) rewrites the tokens: `async`/`await` go,
   and the names in `NAMES` become their sync twins (`aclose` -> `close`, `arun_concurrently` ->
   `run_concurrently`, ...). Where the two clients really differ, the async client calls a helper
   that has a sync twin (`_batch.run_concurrently`, `_chat.reply_text`), so no code needs a rule.
2. `PROSE` renames the classes in docstrings and messages, and `RULES` rewrites the few
   passages whose sync wording differs. Each rule must match exactly once: a rule the async
   client no longer matches fails the generation instead of going stale.
3. The pinned ruff sorts the imports, drops the ones only the async client needs, and formats
   the file with the project's own settings, so lint and mypy hold for it as for any module.

`python generator/generate.py regen` writes the files; `... drift` fails when one differs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import unasync

#: Async name -> sync name, for code (unasync's own table adds `__aenter__`, `AsyncIterator`...).
NAMES = {
    "AsyncCognitiveMemoryLayer": "CognitiveMemoryLayer",
    "AsyncSessionScope": "SessionScope",
    "AsyncNamespacedClient": "NamespacedClient",
    "AsyncRememberStream": "RememberStream",
    "AsyncClient": "Client",
    "AsyncDashboardMethods": "DashboardMethods",
    "AsyncBatchMethods": "BatchMethods",
    "_async_dashboard": "_dashboard",
    "_async_batches": "_batches",
    "aclose": "close",
    "aread": "read",
    "aiter_text": "iter_text",
    "aiter_sse": "iter_sse",
    "aiter_sse_lines": "iter_sse_lines",
    "arun_concurrently": "run_concurrently",
    "areply_text": "reply_text",
    # The async client waits with `asyncio.sleep` and uses asyncio for nothing else.
    "asyncio": "time",
}

#: Class names inside docstrings, comments and messages, which unasync leaves alone.
PROSE = re.compile(
    r"\bAsync(CognitiveMemoryLayer|SessionScope|NamespacedClient|DashboardMethods|BatchMethods)\b"
)


def _header(summary: str, source: str) -> str:
    return (
        f'"""{summary}\n\n'
        f"GENERATED from `{source}` by `python generator/generate.py regen` (see\n"
        "generator/sync_client.py): edit the async file and regenerate; never edit this file.\n"
        "`python generator/generate.py drift` fails when it differs from what the async file "
        'gives.\n"""\n'
    )


#: (async text, sync text) after the token rewrite; each must occur exactly once.
CLIENT_RULES: list[tuple[str, str]] = [
    (
        "    Asyncio client for a CML server",
        "    Client for a CML server",
    ),
    (
        '    async with CognitiveMemoryLayer(api_key="...") as memory:\n'
        '        await memory.write("User prefers vegetarian food and lives in Paris.")\n'
        '        print((await memory.read("What does the user eat?")).context)',
        '    with CognitiveMemoryLayer(api_key="...") as memory:\n'
        '        memory.write("User prefers vegetarian food and lives in Paris.")\n'
        '        print(memory.read("What does the user eat?").context)',
    ),
    ("an `httpx.AsyncClient` to send with", "an `httpx.Client` to send with"),
    (
        "returns the answer as text, an iterable or async iterable of text chunks, or an "
        "awaitable\n        of any of these (see `cml.llm`).",
        "returns the answer as text or as an iterable of text chunks (see `cml.llm`).",
    ),
    # The sync client takes sync sources (an async one still gets an AsyncRememberStream at run
    # time, which the async client types properly).
    ("stream: Iterable[T] | Iterable[T],", "stream: Iterable[T],"),
    ("asynchronous=True,", "asynchronous=False,"),
    (
        "Returns an async iterator of the chunks `stream` (async or sync) yields (strings, or\n"
        "        OpenAI-style chunk objects: the caller gets the objects themselves), each the "
        "moment it\n"
        "        arrives; storage runs in a background task and never delays them. After the last "
        "chunk\n"
        "        `.result` holds the `RememberStreamResult`; `await` the stream to drain it and "
        "get it.",
        "Returns an iterator of the chunks `stream` yields (strings, or OpenAI-style chunk\n"
        "        objects: the caller gets the objects themselves), each the moment it arrives; "
        "storage\n"
        "        runs in a background thread and never delays them. An async `stream` gives an\n"
        "        `AsyncRememberStream` instead. After the last chunk `.result` holds the\n"
        "        `RememberStreamResult`; `.consume()` drains the stream and returns it.",
    ),
]


class Pair(NamedTuple):
    """A hand-written async module and the sync twin generated from it."""

    source: Path
    target: Path
    header: str
    rules: list[tuple[str, str]]


CLIENT = Pair(
    Path("cml") / "_async_client.py",
    Path("cml") / "_client.py",
    _header("`CognitiveMemoryLayer`: the synchronous HTTP client.", "_async_client.py"),
    CLIENT_RULES,
)
#: Every pair regen writes and drift checks; the client inherits the methods of the others.
PAIRS = (
    CLIENT,
    Pair(
        Path("cml") / "_async_dashboard.py",
        Path("cml") / "_dashboard.py",
        _header(
            "`DashboardMethods`: the maintenance and dashboard methods of `CognitiveMemoryLayer`.",
            "_async_dashboard.py",
        ),
        [],
    ),
    Pair(
        Path("cml") / "_async_batches.py",
        Path("cml") / "_batches.py",
        _header(
            "`BatchMethods`: the batch methods of `CognitiveMemoryLayer`.", "_async_batches.py"
        ),
        [],
    ),
)


class SyncClientError(Exception):
    """The async client no longer matches what the generation expects."""


def _module_body(source: str, pair: Pair) -> str:
    """`source` without its module docstring (the generated file has its own)."""
    match = re.match(r'\s*"""(?:.|\n)*?"""\n', source)
    if match is None:
        raise SyncClientError(f"{pair.source} must start with a module docstring")
    return source[match.end() :]


def _unasync(source: str, pair: Pair) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cml"
        folder.mkdir()
        (folder / pair.source.name).write_text(source, encoding="utf-8")
        rule = unasync.Rule(
            f"/{pair.source.name}", f"/{pair.target.name}", additional_replacements=NAMES
        )
        unasync.unasync_files([str(folder / pair.source.name)], [rule])
        return (folder / pair.target.name).read_text(encoding="utf-8")


def _apply_rules(text: str, pair: Pair) -> str:
    text = PROSE.sub(r"\1", text)
    for old, new in pair.rules:
        found = text.count(old)
        if found != 1:
            raise SyncClientError(
                f"a rule of generator/sync_client.py matches {found} times instead of once in "
                f"the unasynced {pair.source}: {old[:70]!r}; update the rule with the async file"
            )
        text = text.replace(old, new)
    return text


def _ruff(root: Path, text: str, pair: Pair, *args: str) -> str:
    # The project's own settings, so the file passes `ruff check` and `ruff format --check`.
    config = root / "pyproject.toml"
    if not config.is_file():
        raise SyncClientError(f"{config} is missing: ruff takes the project's settings from it")
    done = subprocess.run(
        [
            sys.executable,
            *("-m", "ruff", *args),
            *("--config", str(config), "--stdin-filename", str(pair.target), "-"),
        ],
        input=text,
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )
    if done.returncode != 0:
        raise SyncClientError(
            f"ruff {' '.join(args)} failed on the generated {pair.target}:\n{done.stderr}"
        )
    return done.stdout


def sync_client(root: Path, pair: Pair = CLIENT) -> str:
    """The text of `pair.target` that `pair.source` under `root` generates."""
    source = (root / pair.source).read_text(encoding="utf-8")
    text = pair.header + _apply_rules(_unasync(_module_body(source, pair), pair), pair)
    # UP028 (`yield from`) counts as unsafe in general; here it replaces a plain re-yield.
    text = _ruff(root, text, pair, "check", "--fix-only", "--unsafe-fixes", "--select", "I,F401,UP")
    return _ruff(root, text, pair, "format")


def write(root: Path) -> list[Path]:
    """Write the sync twin of every pair; the paths written."""
    written = []
    for pair in PAIRS:
        target = root / pair.target
        target.write_text(sync_client(root, pair), encoding="utf-8")
        written.append(target)
    return written


def drift(root: Path) -> int:
    """0 when every sync twin is what its async file generates; print each difference else."""
    import difflib

    found = 0
    for pair in PAIRS:
        want = sync_client(root, pair)
        target = root / pair.target
        have = target.read_text(encoding="utf-8") if target.exists() else ""
        if want == have:
            print(f"no drift: {pair.target} matches what {pair.source} generates")
            continue
        found = 1
        print(
            f"DRIFT: {pair.target} differs from what {pair.source} generates; "
            "run `nox -s regen` and commit."
        )
        diff = difflib.unified_diff(
            have.splitlines(),
            want.splitlines(),
            f"{pair.target} (committed)",
            f"{pair.target} (generated)",
            n=1,
        )
        for line in list(diff)[:40]:
            print(f"      {line}")
    return found
