"""`cml export` and `cml import`: JSON Lines round trips between stores, per-line errors with
line numbers, and the progress bar."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import cml

from .conftest import Result, Run, free_port

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
START = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
LONG = " ".join(
    f"Sentence number {n} of the travel diary describes another day." for n in range(40)
)
SEEDS: list[dict[str, Any]] = [
    {
        "content": "User prefers vegetarian food and lives in Paris.",
        "memory_type": "preference",
        "context_tags": ["food", "home"],
        "metadata": {"source": "onboarding", "score": 0.5, "nested": {"ok": True}},
        "session_id": "s-1",
        "turn_id": "t-1",
        "agent_id": "planner",
    },
    {"content": "The user's dog is called Pixel.", "memory_type": "semantic_fact"},
    {
        "content": "Never book flights before 9 am.",
        "memory_type": "constraint",
        "namespace": "work",
    },
    {"content": "Met Alice at the Berlin conference.", "metadata": {"unicode": "café ☕"}},
    {"content": LONG, "memory_type": "episodic_event"},  # stored as several chunks
]
# What the write API restores; the rest of a record (id, confidence, ...) comes out new.
RESTORED = (
    "text",
    "type",
    "context_tags",
    "metadata",
    "namespace",
    "session_id",
    "agent_id",
    "turn_id",
    "timestamp",
)


def _client(target: list[str]) -> cml.CognitiveMemoryLayer:
    options = dict(zip(target[::2], target[1::2], strict=True))
    if "--url" in options:
        return cml.CognitiveMemoryLayer(base_url=options["--url"])
    return cml.EmbeddedCognitiveMemoryLayer(options["--db"], embedder="none")


def _seed(target: list[str]) -> None:
    """Memories written through the Python API, an hour apart, in the past."""
    with _client(target) as client:
        for n, seed in enumerate(SEEDS):
            written = client.write(**seed, timestamp=START + timedelta(hours=n))
            assert written.success


def _restorable(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(
        tuple(json.dumps(record[key], sort_keys=True) for key in RESTORED) for record in records
    )


def _embedded(tmp_path: Path, name: str) -> list[str]:
    return ["--db", str(tmp_path / name), "--embedder", "none"]


def _export(run: Run, target: list[str]) -> list[dict[str, Any]]:
    result = run("export", *target)
    assert result.code == 0, result.err
    return result.json_lines()


def test_export_writes_every_field_needed_to_restore(run: Run, target: list[str]) -> None:
    _seed(target)
    records = _export(run, target)
    chunks = [r for r in records if r["text"] in LONG]
    assert len(chunks) >= 2  # the long memory, one record per stored chunk
    assert len(records) == len(SEEDS) - 1 + len(chunks)
    # Oldest first, timestamps as written, ISO 8601 with a zone.
    stamps = [datetime.fromisoformat(r["timestamp"]) for r in records]
    assert stamps == sorted(stamps)
    assert stamps[0] == START
    first = records[0]
    assert {key: first[key] for key in RESTORED} == {
        "text": "User prefers vegetarian food and lives in Paris.",
        "type": "preference",
        "context_tags": ["food", "home"],
        "metadata": {"source": "onboarding", "score": 0.5, "nested": {"ok": True}},
        "namespace": None,
        "session_id": "s-1",
        "agent_id": "planner",
        "turn_id": "t-1",
        "timestamp": START.isoformat(),
    }
    assert first["status"] == "active"
    assert records[2]["namespace"] == "work"


def test_round_trip_with_bad_lines_in_the_middle(
    run: Run, target: list[str], tmp_path: Path
) -> None:
    _seed(target)
    original = _export(run, target)
    lines = [json.dumps(record, ensure_ascii=False) for record in original]
    bad = [
        "{this is not json",
        json.dumps({"type": "preference"}),  # no text
        json.dumps({"text": "Typed wrongly.", "type": "no-such-type"}),
        json.dumps({"text": "Dated wrongly.", "timestamp": "the day after"}),
        "[1, 2, 3]",
    ]
    file = tmp_path / "export.jsonl"
    file.write_text("\n".join([*lines[:2], *bad, "", *lines[2:]]) + "\n", encoding="utf-8")

    fresh = _embedded(tmp_path, "fresh.db")
    result = run("import", str(file), "--batch-size", "2", *fresh)
    assert result.code == 1  # some lines were rejected...
    assert (
        f"imported {len(original)} lines from {file}: {len(original)} stored as new memories, "
        "0 merged into equivalent ones, 5 failed"
    ) in result.out
    assert "cml import: line 3: InvalidRequestError: not valid JSON" in result.err
    assert "cml import: line 4: InvalidRequestError: the record has no text" in result.err
    assert "line 5: InvalidRequestError: unknown memory type" in result.err
    assert "line 6: InvalidRequestError: timestamp is not an ISO 8601 date" in result.err
    assert "line 7: InvalidRequestError: a JSON object was expected, not list" in result.err

    # ... and every other line was written, with what the write API can restore.
    restored = _export(run, fresh)
    assert _restorable(restored) == _restorable(original)


def test_import_into_a_server_and_as_json(
    run: Run, server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _embedded(tmp_path, "source.db")
    _seed(source)
    original = _export(run, source)
    stream = "\n".join(json.dumps(r) for r in original) + "\n{broken\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stream.encode())))

    result = run("import", "-", "--url", server.url, "--json")
    assert result.code == 1
    report = result.json()
    assert (report["stored"], report["merged"]) == (len(original), 0)
    assert report["lines"] == len(original) + 1
    assert report["stopped_at_line"] is None
    [error] = report["errors"]
    assert error["line"] == len(original) + 1
    assert error["type"] == "InvalidRequestError"
    assert _restorable(_export(run, ["--url", server.url])) == _restorable(original)


def test_export_to_a_file_and_inactive_memories(
    run: Run, target: list[str], tmp_path: Path
) -> None:
    _seed(target)
    dog = next(r for r in _export(run, target) if "Pixel" in r["text"])
    assert run("forget", dog["id"], "--action", "archive", "--yes", *target).code == 0

    out = tmp_path / "backup.jsonl"
    result = run("export", "-o", str(out), "--json", *target)
    assert result.code == 0, result.err
    active = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert result.json() == {"exported": len(active), "file": str(out)}
    assert all(r["status"] == "active" for r in active)
    assert "Pixel" not in " ".join(r["text"] for r in active)

    everything = run("export", "--include-inactive", *target).json_lines()
    assert len(everything) == len(active) + 1
    assert [r["status"] for r in everything if "Pixel" in r["text"]] == ["archived"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".backup")]  # no temp left


def test_import_stops_when_the_server_cannot_take_it(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "memories.jsonl"
    file.write_text("".join(json.dumps({"text": f"memory {n}"}) + "\n" for n in range(5)))
    url = f"http://127.0.0.1:{free_port()}"
    result = run("import", str(file), "--url", url, "--batch-size", "2")
    assert result.code == 1
    assert "imported 0 lines" in result.out
    assert "stopped at line 1" in result.out
    assert "cml: CMLConnectionError" in result.err
    assert result.err.count("CMLConnectionError") == 1  # once, not once per line


def _import_with_progress(run: Run, tmp_path: Path, *flags: str) -> Result:
    file = tmp_path / "progress.jsonl"
    file.write_text("".join(json.dumps({"text": f"memory number {n}"}) + "\n" for n in range(30)))
    return run("import", str(file), "--batch-size", "10", *_embedded(tmp_path, "p.db"), *flags)


def test_progress_bar_when_forced_on(run: Run, tmp_path: Path) -> None:
    result = _import_with_progress(run, tmp_path, "--progress")
    assert result.code == 0, result.err
    # Drawn by rich: a bar, the share done, the time left and the rate, with the counts.
    final = ANSI.sub("", result.err).rstrip().rsplit("\r", 1)[-1]
    assert final.startswith("import ━")
    assert re.search(r" 100% \d+:\d\d:\d\d [\d,]+ lines/s 30 stored, 0 merged, 0 failed$", final)
    assert "imported 30 lines" in result.out  # the summary stays on stdout


def test_export_progress_counts_with_a_rate(run: Run, tmp_path: Path) -> None:
    store = _embedded(tmp_path, "p.db")
    assert _import_with_progress(run, tmp_path).code == 0
    result = run("export", "-o", str(tmp_path / "out.jsonl"), "--progress", *store)
    assert result.code == 0, result.err
    final = ANSI.sub("", result.err).rstrip().rsplit("\r", 1)[-1]
    assert re.search(r"^export \d+:\d\d:\d\d [\d,]+ memories/s 30 memories$", final)


def test_import_counts_merged_lines_apart_from_stored(run: Run, tmp_path: Path) -> None:
    """A line the store folds into an equivalent memory is not a new memory, nor a failure."""
    file = tmp_path / "dupes.jsonl"
    texts = [
        "The user's bicycle is red.",
        "The user works in Lisbon.",
        "The user's bicycle is red.",
    ]
    file.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    store = _embedded(tmp_path, "d.db")
    first = run("import", str(file), "--json", *store)
    assert first.code == 0, first.err
    assert (first.json()["stored"], first.json()["merged"], first.json()["errors"]) == (2, 1, [])
    again = run("import", str(file), *store)
    assert "imported 3 lines from" in again.out
    assert "0 stored as new memories, 3 merged into equivalent ones, 0 failed" in again.out
    assert run("stats", "--json", *store).json()["total_memories"] == 2


@pytest.mark.parametrize("flags", [(), ("--no-progress",)])
def test_no_progress_bar_off_a_terminal_or_when_turned_off(
    run: Run, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    result = _import_with_progress(run, tmp_path, *flags)
    assert result.code == 0
    assert result.err == ""
