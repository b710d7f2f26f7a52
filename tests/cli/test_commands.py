"""Every command against both stores (an embedded SQLite file, the local server over loopback):
the same arguments give the same results, as text and as JSON built from the public models."""

from __future__ import annotations

import io
from datetime import datetime
from uuid import UUID

import pytest

import cml

from .conftest import ADMIN_KEY, Run

PARIS = "User prefers vegetarian food and lives in Paris."
PIXEL = "The user's dog is called Pixel."


def test_write_then_read_as_json(run: Run, target: list[str]) -> None:
    written = run(
        "write",
        PARIS,
        "--type",
        "preference",
        "--tag",
        "food",
        "--tag",
        "home",
        "--metadata",
        '{"source": "cli", "n": 1}',
        "--session",
        "s-1",
        "--json",
        *target,
    )
    assert written.code == 0, written.err
    stored = written.json()
    assert stored["success"] is True
    memory_id = UUID(stored["memory_id"])

    found = run("read", "vegetarian food", "--json", *target)
    assert found.code == 0, found.err
    document = found.json()
    assert document["query"] == "vegetarian food"
    assert {"memories", "total_count", "elapsed_ms", "llm_context"} <= set(document)
    [memory] = document["memories"]
    assert memory["id"] == str(memory_id)
    assert memory["text"] == PARIS
    assert memory["type"] == "preference"
    # Datetimes are ISO 8601 with a zone.
    assert datetime.fromisoformat(memory["timestamp"]).tzinfo is not None


def test_read_text_formats_and_type_filter(run: Run, target: list[str]) -> None:
    assert run("write", PARIS, "--type", "preference", *target).code == 0
    assert run("write", PIXEL, "--type", "semantic_fact", *target).code == 0

    listed = run("read", "user", "--format", "list", *target)
    assert listed.code == 0, listed.err
    assert PARIS in listed.out
    assert PIXEL in listed.out

    only_facts = run("read", "user", "--type", "semantic_fact", "--json", *target).json()
    assert [m["text"] for m in only_facts["memories"]] == [PIXEL]

    context = run("read", "dog", "--format", "llm_context", *target)
    assert context.code == 0
    assert context.out.startswith("# Retrieved Memory Context")
    assert PIXEL in context.out

    limited = run("read", "user", "--max-results", "1", "--json", *target).json()
    assert len(limited["memories"]) == 1


def test_write_reads_stdin(run: Run, target: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(f"{PIXEL}\n".encode())))
    written = run("write", "-", *target)
    assert written.code == 0, written.err
    assert written.out.startswith("stored ")
    memories = run("read", "Pixel", "--json", *target).json()["memories"]
    assert [m["text"] for m in memories] == [PIXEL]  # without the trailing newline


def test_turn(run: Run, target: list[str]) -> None:
    assert run("write", PIXEL, *target).code == 0
    result = run(
        "turn",
        "What is my dog called?",
        "--assistant",
        "Pixel.",
        "--session",
        "t",
        "--json",
        *target,
    )
    assert result.code == 0, result.err
    document = result.json()
    assert document["memories_stored"] == 2
    assert document["memories_retrieved"] >= 1
    assert PIXEL in document["memory_context"]
    text = run("turn", "Anything else about Pixel?", *target)
    assert text.out.startswith("retrieved ")


def test_stats(run: Run, target: list[str]) -> None:
    run("write", PARIS, "--type", "preference", *target)
    run("write", PIXEL, "--type", "semantic_fact", *target)
    document = run("stats", "--json", *target).json()
    assert document["total_memories"] == 2
    assert document["by_type"] == {"preference": 1, "semantic_fact": 1}
    datetime.fromisoformat(document["newest_memory"])
    text = run("stats", *target)
    assert "total_memories: 2" in text.out
    assert "by_type.preference: 1" in text.out


def test_health_matches(run: Run, target: list[str]) -> None:
    result = run("health", "--json", *target)
    assert result.code == 0, result.err
    document = result.json()
    assert document["health"]["status"] == "healthy"
    assert document["check"]["status"] == "match"
    assert document["check"]["client_api_version"] == cml.__api_version__
    text = run("health", *target)
    assert text.code == 0
    assert "healthy" in text.out
    assert f"match: the server runs CML {cml.__api_version__}, which matches" in text.out


def test_consolidate(run: Run, target: list[str]) -> None:
    for n in range(3):
        run("turn", f"I visited Rome on day {n} of the trip", "--session", "rome", *target)
    result = run("consolidate", "--json", *target)
    assert result.code == 0, result.err
    report = result.json()
    assert report["status"] == "completed"
    assert report["episodes_sampled"] >= 3


def test_forget_by_id_and_query(run: Run, target: list[str]) -> None:
    paris = run("write", PARIS, "--json", *target).json()["memory_id"]
    run("write", PIXEL, *target)

    deleted = run("forget", paris, "--yes", "--json", *target)
    assert deleted.code == 0, deleted.err
    assert deleted.json()["affected_count"] == 1

    preview = run("forget", "--query", "dog Pixel", "--dry-run", "--json", *target)
    assert preview.code == 0
    plan = preview.json()
    assert plan["dry_run"] is True
    assert plan["action"] == "delete"
    assert [m["text"] for m in plan["matched"]] == [PIXEL]
    assert plan["would_affect"] == 1
    assert run("stats", "--json", *target).json()["total_memories"] == 1  # nothing changed

    archived = run("forget", "--query", "dog Pixel", "--action", "archive", "-y", *target)
    assert archived.code == 0
    assert archived.out.strip() == "archive: 1 memories"
    counts = run("stats", "--json", *target).json()
    assert (counts["active_memories"], counts["archived_memories"]) == (0, 1)


@pytest.mark.parametrize("flags", [["--yes"], ["--dry-run"]])
def test_forget_needs_a_selection(run: Run, target: list[str], flags: list[str]) -> None:
    run("write", PARIS, *target)
    result = run("forget", *flags, *target)
    assert result.code == 1
    assert result.err.startswith("cml: InvalidRequestError: forget needs memory ids")
    assert run("stats", "--json", *target).json()["total_memories"] == 1


def test_forget_refuses_without_confirmation(run: Run, target: list[str]) -> None:
    memory_id = run("write", PARIS, "--json", *target).json()["memory_id"]
    refused = run("forget", memory_id, *target)
    assert refused.code == 2
    assert "--yes" in refused.err
    assert run("stats", "--json", *target).json()["total_memories"] == 1


def test_namespace_and_tenant(run: Run, target: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # Options before the command work as well as after it.
    written = run(*target, "--namespace", "work", "write", PARIS, "--json")
    assert written.code == 0, written.err
    exported = run(*target, "export").json_lines()
    assert [(r["text"], r["namespace"]) for r in exported] == [(PARIS, "work")]

    # A server honours the tenant only for the admin key (embedded mode ignores CML_* keys).
    monkeypatch.setenv("CML_API_KEY", ADMIN_KEY)
    run("write", PIXEL, "--tenant", "other", *target)
    assert run("stats", "--tenant", "other", "--json", *target).json()["total_memories"] == 1
    assert run("stats", "--json", *target).json()["total_memories"] == 1


def test_default_target_follows_the_environment(
    run: Run, server: object, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    # No --url/--db: the embedded store at CML_DB_PATH ...
    assert run("write", PARIS, "--embedder", "none").code == 0
    assert "embedded store" in run("health", "--embedder", "none").out
    # ... until CML_BASE_URL names a server.
    monkeypatch.setenv("CML_BASE_URL", server.url)  # type: ignore[attr-defined]
    health = run("health", "--json").json()
    assert health["target"] == f"server {server.url}"  # type: ignore[attr-defined]
    assert run("stats", "--json").json()["total_memories"] == 0


def test_serve_keeps_its_flags(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    monkeypatch.setattr("cml.server.app.serve", lambda **options: calls.append(options))
    monkeypatch.setenv("CML_API_KEY", "env-user-key-123")
    monkeypatch.setenv("CML_ADMIN_API_KEY", "env-admin-key-123")

    assert run("serve").code == 0
    assert run("serve", "--host", "::1", "--port", "9000", "--db", "s.db").code == 0
    assert run("--db", "top.db", "--embedder", "none", "serve", "--log-level", "debug").code == 0
    flags = ["--allowed-host", "a.lan", "--allowed-host", "b.lan", "--rate-limit", "0"]
    assert run("serve", *flags, "--allowed-origin", "http://localhost:3000").code == 0
    assert run("serve", "--api-version", "1.5.1").code == 0
    assert run("serve", "--api-version", "9.9.9").code == 2  # not a supported release
    assert calls == [
        {
            "host": "127.0.0.1",
            "port": 8000,
            "db_path": None,
            "api_key": "env-user-key-123",
            "admin_api_key": "env-admin-key-123",
            "embedder": "default",
            "log_level": "info",
            "api_version": None,  # the newest supported release
            "allowed_hosts": [],
            "allowed_origins": [],
            "rate_limit": 60,
        },
        {**calls[0], "host": "::1", "port": 9000, "db_path": "s.db"},
        {**calls[0], "db_path": "top.db", "embedder": "none", "log_level": "debug"},
        {
            **calls[0],
            "allowed_hosts": ["a.lan", "b.lan"],
            "allowed_origins": ["http://localhost:3000"],
            "rate_limit": 0,
        },
        {**calls[0], "api_version": "1.5.1"},
    ]


def test_serve_refuses_a_public_address_without_keys(run: Run) -> None:
    result = run("serve", "--host", "0.0.0.0", "--port", "1")
    assert result.code == 1
    assert result.err.startswith("cml: ConfigurationError: refusing to listen on 0.0.0.0")
