"""The command line as a new user meets it (issue 15): a missing extra, a mistyped --db, a
health check with a bad key, the import's counts, an exact forget preview, exit codes, the
lexical-fallback note, and the ranked read/turn output."""

from __future__ import annotations

import json
import re
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_server import LocalServer

from cml.engine import embedders

from .conftest import Run

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
DOGS = [
    "The user's dog is called Pixel.",
    "Pixel the dog likes long walks in the park.",
    "The user walks the dog every morning.",
    "The cat sleeps on the sofa.",
    "The user likes dog shows on television.",
    "Lisbon is sunny in May.",
]


def _store(tmp_path: Path, name: str = "m.db") -> list[str]:
    return ["--db", str(tmp_path / name), "--embedder", "none"]


# -- 1. an optional package a command needs ----------------------------------------------------


@pytest.mark.parametrize(
    ("module", "argv", "extra"),
    [
        ("uvicorn", ["serve", "--port", "0"], "server"),
        ("mcp", ["mcp"], "mcp"),
        ("sentence_transformers", ["--embedder", "some/model", "stats"], "torch"),
    ],
)
def test_a_missing_extra_names_what_to_install(
    run: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    argv: list[str],
    *,
    extra: str,
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now fails as if absent
    result = run(*_store(tmp_path), *argv)
    assert result.code == 1
    assert f"needs the optional package '{module}', which is not installed" in result.err
    assert f"pip install 'py-cml[{extra}]'" in result.err
    assert "Traceback" not in result.err
    assert "ModuleNotFoundError" not in result.err


def test_progress_without_rich_says_how_to_get_it(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)
    file = tmp_path / "in.jsonl"
    file.write_text(json.dumps({"text": "The user's bicycle is red."}) + "\n")
    result = run("import", str(file), "--progress", *_store(tmp_path))
    assert result.code == 0
    assert result.err == "cml: progress bars need rich: pip install 'py-cml[cli]'\n"
    assert "1 stored as new memories" in result.out


# -- 2. --db and export -o name a file in a folder that exists ----------------------------------


def test_db_naming_a_directory_is_an_error(run: Run, tmp_path: Path) -> None:
    result = run("--db", str(tmp_path), "stats")
    assert result.code == 1
    assert result.err.startswith(f"cml: ConfigurationError: --db {tmp_path} is a directory")
    assert "Traceback" not in result.err


@pytest.mark.parametrize("command", [["stats"], ["write", "hello"], ["serve", "--port", "0"]])
def test_db_in_a_missing_folder_is_an_error_unless_create(
    run: Run, tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "missing" / "dir" / "x.db"
    result = run("--db", str(db), "--embedder", "none", *command)
    assert result.code == 1
    assert f"the folder {db.parent} does not exist" in result.err
    assert "--create" in result.err
    assert not (tmp_path / "missing").exists()  # nothing was made on the way


def test_create_makes_the_missing_folders(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "new" / "place" / "x.db"
    result = run("--db", str(db), "--embedder", "none", "--create", "write", "hello there")
    assert result.code == 0, result.err
    assert db.is_file()
    assert (
        run("--db", str(db), "--embedder", "none", "stats", "--json").json()["total_memories"] == 1
    )


def test_export_into_a_missing_folder(run: Run, tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert run("write", "The user's bicycle is red.", *store).code == 0
    target = tmp_path / "backups" / "today.jsonl"
    refused = run("export", "-o", str(target), *store)
    assert refused.code == 1
    assert f"export -o {target}: the folder {target.parent} does not exist" in refused.err
    assert not target.parent.exists()
    made = run("export", "-o", str(target), "--create", *store)
    assert made.code == 0, made.err
    assert json.loads(target.read_text())["text"] == "The user's bicycle is red."


# -- 3. health checks the key -------------------------------------------------------------------


def test_health_checks_the_key(
    run: Run, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = run("--url", server.url, "health")
    assert good.code == 0, good.err
    assert "key: accepted" in good.out

    wrong = "wrong-key-" + "z" * 24
    monkeypatch.setenv("CML_API_KEY", wrong)
    refused = run("--url", server.url, "health")
    assert refused.code == 1
    assert "healthy" in refused.out  # up, but the key is not good
    assert "key: rejected: Invalid API key" in refused.out
    assert wrong not in refused.out + refused.err

    monkeypatch.delenv("CML_API_KEY")
    monkeypatch.delenv("CML_ADMIN_API_KEY")
    missing = run("--url", server.url, "health", "--json")
    assert missing.code == 1
    key = missing.json()["key"]
    assert (key["sent"], key["accepted"]) == (False, False)
    assert key["message"].startswith("missing (set CML_API_KEY): ")


def test_health_on_an_embedded_store_has_no_key_to_check(run: Run, tmp_path: Path) -> None:
    result = run("health", "--json", *_store(tmp_path))
    assert result.code == 0
    assert "key" not in result.json()


# -- 5. forget --dry-run shows exactly what the real run does -----------------------------------


def test_forget_dry_run_lists_exactly_what_the_real_run_deletes(
    run: Run, target: list[str]
) -> None:
    ids = {text: run("write", text, "--json", *target).json()["memory_id"] for text in DOGS}
    # A read of the query finds more than forget would touch: relevance decides.
    read = run("read", "dog Pixel", "--json", *target).json()["memories"]
    preview = run("forget", "--query", "dog Pixel", "--dry-run", "--json", *target).json()
    chosen = {m["id"] for m in preview["matched"]}
    assert 0 < len(chosen) < len(read)
    assert preview["would_affect"] == len(chosen)
    assert all(m["relevance"] >= 0.5 for m in preview["matched"])

    text = run("forget", "--query", "dog Pixel", "--dry-run", *target)
    assert text.out.startswith(f"would delete {len(chosen)} memories (matching 'dog Pixel'):")
    assert text.out.count("\n  ") == len(chosen)

    done = run("forget", "--query", "dog Pixel", "--yes", "--json", *target).json()
    assert done["affected_count"] == len(chosen)
    left = {m["id"] for m in run("export", *target).json_lines()}
    assert left == set(ids.values()) - chosen  # exactly the previewed ones went


def test_forget_dry_run_with_ids_and_before(run: Run, tmp_path: Path) -> None:
    store = _store(tmp_path)
    first = run("write", "Old note about the garden.", "--json", *store).json()["memory_id"]
    same = first.upper()  # the same id, written otherwise
    preview = run(
        "forget", first, same, "--before", "2999-01-01", "--dry-run", "--json", *store
    ).json()
    assert preview["would_affect"] == 1  # the ids and the date select the same memory
    assert preview["matched"] == []  # listed once, as an id


# -- 6. exit codes as documented ----------------------------------------------------------------


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


@pytest.mark.parametrize("command", [["serve"], ["mcp", "--transport", "http"]])
def test_a_busy_port_exits_1_before_starting(
    run: Run, tmp_path: Path, busy_port: int, command: list[str]
) -> None:
    result = run(*_store(tmp_path), *command, "--port", str(busy_port))
    assert result.code == 1  # not 3, which means an incompatible server
    assert f"cannot listen on 127.0.0.1:{busy_port}: Address already in use" in result.err
    assert "startup complete" not in result.err


# -- 7. the lexical-fallback warning ------------------------------------------------------------


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(embedders, "_onnx_model_path", lambda: None)
    monkeypatch.setattr(embedders, "_bundled_model_path", lambda: None)
    embedders._warned.clear()
    yield
    embedders._warned.clear()


def test_fallback_warning_points_at_the_callers_line(no_model: None, tmp_path: Path) -> None:
    import cml

    with pytest.warns(RuntimeWarning, match="falls back to lexical") as caught:
        memory = cml.EmbeddedCognitiveMemoryLayer(tmp_path / "w.db")  # the line to point at
    memory.close()
    [warning] = caught.list
    assert warning.filename == __file__
    assert (
        "EmbeddedCognitiveMemoryLayer(tmp_path"
        in Path(__file__).read_text().splitlines()[warning.lineno - 1]
    )


def test_cli_notes_the_fallback_only_where_it_matters(
    no_model: None, run: Run, tmp_path: Path
) -> None:
    store = ["--db", str(tmp_path / "m.db")]  # the default embedder, which is missing here
    for command in (["write", "The user's bicycle is red."], ["stats"]):
        embedders._warned.clear()  # as in a new process
        result = run(*store, *command)
        assert result.code == 0
        assert result.err == ""
    embedders._warned.clear()
    searched = run(*store, "read", "bicycle")
    assert searched.code == 0
    [note] = searched.err.splitlines()
    assert note.startswith("cml: note: no embedding model is installed, so search is full-text")
    assert "embedders.py" not in searched.err
    assert "pip install 'py-cml[embeddings]'" in note


# -- 9. read and turn show ranked memories with relevance and age, then the context -------------


def test_read_shows_ranked_memories_then_the_context(run: Run, tmp_path: Path) -> None:
    store = _store(tmp_path)
    for text in DOGS[:2]:
        run("write", text, *store)
    result = run("read", "dog Pixel", *store)
    assert result.code == 0
    assert not ANSI.search(result.out)  # plain in a pipe
    as_json = run("read", "dog Pixel", "--json", *store).json()  # unchanged by the layout
    assert set(as_json) >= {"query", "memories", "total_count", "elapsed_ms"}
    ranked = [m["text"] for m in as_json["memories"]]
    assert sorted(ranked) == sorted(DOGS[:2])
    # The text lists the memories in the order the read ranked them.
    lines = result.out.splitlines()
    assert re.fullmatch(r"2 of 2 memories \(\d+ ms\)", lines[0])
    for rank, text in enumerate(ranked, start=1):
        line = rf" {rank}\. 0\.\d\d  \w+ +just now  {re.escape(text)}  \[{UUID}\]"
        assert re.fullmatch(line, lines[rank])
    assert lines[3] == ""
    assert lines[4] == "# Retrieved Memory Context"
    assert f"- {ranked[0]}" in result.out.split("# Retrieved Memory Context")[1]


def test_read_and_turn_in_colour_on_a_terminal(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path)
    run("write", DOGS[0], *store)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    for command in (["read", "dog Pixel"], ["turn", "What is my dog called Pixel?"]):
        result = run(*command, *store)
        assert result.code == 0
        assert ANSI.search(result.out)
        plain = ANSI.sub("", result.out)
        assert re.search(rf" 1\. 0\.\d\d  \w+ +just now  {re.escape(DOGS[0])}", plain)
        assert "# Retrieved Memory Context" in plain
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(run("read", "dog Pixel", *store).out)


def test_turn_shows_the_memories_behind_its_context(run: Run, tmp_path: Path) -> None:
    store = _store(tmp_path)
    run("write", DOGS[0], *store)
    result = run("turn", "What is my dog Pixel called?", *store)
    assert result.code == 0
    lines = result.out.splitlines()
    assert re.fullmatch(r"retrieved 1, stored \d+", lines[0])
    assert re.fullmatch(rf" 1\. 0\.\d\d  \w+ +just now  {re.escape(DOGS[0])}  \[{UUID}\]", lines[1])
    assert "# Retrieved Memory Context" in result.out
    as_json = run("turn", "What is my dog Pixel called?", "--json", *store).json()
    assert set(as_json) == {
        "memory_context",
        "memories_retrieved",
        "memories_stored",
        "reconsolidation_applied",
    }


def test_age_reads_as_a_person_would_say_it() -> None:
    from datetime import UTC, datetime, timedelta

    from cml._cli._commands import age

    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert age(now - timedelta(seconds=5), now) == "just now"
    assert age(now - timedelta(minutes=7), now) == "7 min ago"
    assert age(now - timedelta(hours=3, minutes=59), now) == "3 h ago"
    assert age(now - timedelta(days=2), now) == "2 d ago"
    assert age(now - timedelta(days=65), now) == "2 mo ago"
    assert age(now - timedelta(days=800), now) == "2 y ago"
