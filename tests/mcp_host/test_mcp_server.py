"""`cml mcp` driven by the official MCP SDK's own client: over stdio, with `cml mcp` as a child
process (as a desktop host launches it), and over streamable HTTP on 127.0.0.1. Every tool is
called; results, tool errors and resources are checked, on an embedded store and on a server."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from local_server import LocalServer
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, CallToolResult, TextContent

from cml import EmbeddedCognitiveMemoryLayer
from cml.engine.engine import Engine

pytestmark = pytest.mark.integration

USER_KEY = "mcp-user-key-0123456789abcdef"
ADMIN_KEY = "mcp-admin-key-fedcba9876543210"
TOOLS = {
    "remember",
    "recall",
    "context_for_message",
    "forget",
    "update_memory",
    "memory_stats",
    "session_context",
}
PARIS = "User prefers vegetarian food and lives in Paris."
PIXEL = "The user's dog is called Pixel."


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CML_")}
    env.update(extra)
    return env


def _stdio(*args: str, **env: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable, args=["-m", "cml", *args, "mcp"], env=_env(**env)
    )


def _text(result: CallToolResult) -> str:
    return "".join(block.text for block in result.content if isinstance(block, TextContent))


async def _call(client: Client, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert not result.is_error, _text(result)
    assert result.structured_content is not None
    # The text block mirrors the structured content, for hosts that read only text.
    assert json.loads(_text(result)) == result.structured_content
    return result.structured_content


async def _error(client: Client, name: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(name, arguments)
    assert result.is_error
    text = _text(result)
    assert "Traceback" not in text
    return text


@asynccontextmanager
async def stdio_client(db: Path) -> AsyncIterator[Client]:
    """`cml --db DB mcp` launched over stdio. (Not a fixture: the SDK's task group must be
    entered and left in the same task, which async fixtures do not guarantee.)"""
    async with Client(_stdio("--db", str(db), "--embedder", "none")) as client:
        yield client


async def test_tools_have_precise_schemas_and_descriptions(tmp_path: Path) -> None:
    db = tmp_path / "memory.db"
    async with stdio_client(db) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        for tool in tools.values():
            assert tool.description is not None
            assert len(tool.description) > 80
        recall = tools["recall"].input_schema
        assert recall["required"] == ["query"]
        assert recall["properties"]["max_results"]["minimum"] == 1
        assert recall["properties"]["max_results"]["maximum"] == 50
        types = json.dumps(recall["properties"]["memory_types"])
        assert '"preference"' in types
        assert '"semantic_fact"' in types
        forget = tools["forget"].input_schema["properties"]
        assert forget["action"]["enum"] == ["delete", "archive", "silence"]
        assert forget["dry_run"]["default"] is False
        update = tools["update_memory"].input_schema
        assert update["required"] == ["memory_id"]
        assert update["properties"]["memory_id"]["format"] == "uuid"
        assert tools["recall"].annotations is not None
        assert tools["recall"].annotations.read_only_hint is True
        assert tools["forget"].annotations is not None
        assert tools["forget"].annotations.destructive_hint is True


async def test_every_tool_over_stdio_on_an_embedded_store(tmp_path: Path) -> None:
    db = tmp_path / "memory.db"
    async with stdio_client(db) as client:
        paris = await _call(
            client,
            "remember",
            {"text": PARIS, "memory_type": "preference", "tags": ["food"], "session_id": "s-1"},
        )
        assert (paris["stored"], paris["merged_into_existing"]) == (True, False)
        pixel = await _call(client, "remember", {"text": PIXEL})
        again = await _call(client, "remember", {"text": PIXEL})
        assert (again["memory_id"], again["merged_into_existing"]) == (pixel["memory_id"], True)

        found = await _call(client, "recall", {"query": "vegetarian food Paris", "max_results": 5})
        assert found["memories"][0]["id"] == paris["memory_id"]
        assert found["memories"][0]["type"] == "preference"
        assert 0 < found["memories"][0]["relevance"] <= 1
        assert PARIS in found["context"]
        only_food = await _call(client, "recall", {"query": "user", "tags": ["food"]})
        assert [m["text"] for m in only_food["memories"]] == [PARIS]

        turn = await _call(
            client, "context_for_message", {"message": "What is my dog called Pixel?"}
        )
        assert PIXEL in turn["context"]
        assert turn["memories_stored"] >= 1

        updated = await _call(
            client, "update_memory", {"memory_id": pixel["memory_id"], "feedback": "correct"}
        )
        assert updated["success"] is True
        assert updated["memory_id"] == pixel["memory_id"]

        session = await _call(client, "session_context", {"session_id": "s-1"})
        assert session["session_id"] == "s-1"
        assert PARIS in [m["text"] for m in session["messages"]]

        before = await _call(client, "memory_stats", {})
        preview = await _call(client, "forget", {"query": "vegetarian food Paris", "dry_run": True})
        assert preview["dry_run"] is True
        assert paris["memory_id"] in [m["id"] for m in preview["matched_by_query"]]
        assert (await _call(client, "memory_stats", {})) == before  # a dry run changes nothing
        done = await _call(client, "forget", {"query": "vegetarian food Paris"})
        assert done["affected"] == preview["would_affect"]  # the dry run said what it would do
        after = await _call(client, "memory_stats", {})
        assert after["total_memories"] == before["total_memories"] - done["affected"]
        by_id = await _call(client, "forget", {"memory_ids": [pixel["memory_id"]]})
        assert by_id["affected"] == 1

        # The store is the file that was named: another client sees what the tools did.
        with EmbeddedCognitiveMemoryLayer(db, embedder="none") as memory:
            assert PIXEL not in [m.text for m in memory.read("dog Pixel").memories]


async def test_tool_errors_carry_the_typed_message(tmp_path: Path) -> None:
    db = tmp_path / "memory.db"
    async with stdio_client(db) as client:
        too_many = await _error(client, "recall", {"query": "x", "max_results": 100})
        assert "max_results" in too_many
        assert "50" in too_many
        missing = await _error(
            client,
            "update_memory",
            {"memory_id": "00000000-0000-4000-8000-000000000000", "feedback": "outdated"},
        )
        assert "NotFoundError: no memory 00000000-0000-4000-8000-000000000000" in missing
        nothing = await _error(client, "forget", {"dry_run": True})
        assert nothing.endswith("forget: InvalidRequestError: give memory_ids, a query, or both")
        empty = await _error(client, "remember", {"text": "   "})
        assert "InvalidRequestError: content must not be empty" in empty
        # The server still answers after errors.
        assert (await _call(client, "memory_stats", {}))["total_memories"] == 0


async def test_resources_for_stats_a_session_and_a_memory(tmp_path: Path) -> None:
    db = tmp_path / "memory.db"
    async with stdio_client(db) as client:
        stored = await _call(client, "remember", {"text": PARIS, "session_id": "trip"})
        listed = {str(r.uri) for r in (await client.list_resources()).resources}
        assert "cml://stats" in listed
        templates = (await client.list_resource_templates()).resource_templates
        assert sorted(t.uri_template for t in templates) == [
            "cml://memory/{memory_id}",
            "cml://session/{session_id}",
        ]
        stats = await client.read_resource("cml://stats")
        assert json.loads(stats.contents[0].text)["total_memories"] == 1  # type: ignore[union-attr]
        session = await client.read_resource("cml://session/trip")
        document = json.loads(session.contents[0].text)  # type: ignore[union-attr]
        assert [m["text"] for m in document["messages"]] == [PARIS]
        memory = await client.read_resource(f"cml://memory/{stored['memory_id']}")
        detail = json.loads(memory.contents[0].text)  # type: ignore[union-attr]
        assert (detail["id"], detail["text"], detail["status"]) == (
            stored["memory_id"],
            PARIS,
            "active",
        )
        unknown = "00000000-0000-4000-8000-000000000000"
        with pytest.raises(MCPError, match=f"NotFoundError: no memory {unknown}") as raised:
            await client.read_resource(f"cml://memory/{unknown}")
        assert raised.value.error.code == INVALID_PARAMS  # "not found", per the protocol


@pytest.fixture
def keyed_server(tmp_path: Path) -> Iterator[LocalServer]:
    engine = Engine(tmp_path / "server.db", embedder="none")
    with LocalServer.for_engine(engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY) as running:
        yield running
    engine.close()


async def test_against_a_server_with_the_key_from_the_environment(
    keyed_server: LocalServer,
) -> None:
    params = _stdio("--url", keyed_server.url, CML_API_KEY=USER_KEY, CML_MAX_RETRIES="0")
    async with Client(params) as client:
        stored = await _call(client, "remember", {"text": PIXEL})
        found = await _call(client, "recall", {"query": "dog Pixel"})
        assert [m["id"] for m in found["memories"]] == [stored["memory_id"]]


async def test_a_wrong_key_is_a_tool_error_that_shows_no_key(keyed_server: LocalServer) -> None:
    wrong = "wrong-key-" + "y" * 24
    params = _stdio("--url", keyed_server.url, CML_API_KEY=wrong, CML_MAX_RETRIES="0")
    async with Client(params) as client:
        for name, arguments in [("recall", {"query": "dog"}), ("remember", {"text": PIXEL})]:
            message = await _error(client, name, arguments)
            assert f"{name}: AuthenticationError: Invalid API key" in message
            for key in (wrong, USER_KEY, ADMIN_KEY):
                assert key not in message


# -- streamable HTTP ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def http_mcp(tmp_path: Path) -> Iterator[str]:
    """`cml mcp --transport http` as a child process on 127.0.0.1; its endpoint URL."""
    port = _free_port()
    log = (tmp_path / "mcp.log").open("wb")
    command = [sys.executable, "-m", "cml", "--db", str(tmp_path / "http.db")]
    command += ["--embedder", "none", "mcp", "--transport", "http", "--port", str(port)]
    process = subprocess.Popen(command, env=_env(), stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "mcp.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "cml mcp did not listen within 60 s"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        log.close()


async def test_streamable_http_on_loopback(http_mcp: str) -> None:
    async with Client(http_mcp) as client:
        assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS
        stored = await _call(client, "remember", {"text": PARIS, "session_id": "web"})
        found = await _call(client, "recall", {"query": "vegetarian Paris"})
        assert found["memories"][0]["id"] == stored["memory_id"]
        context = await _call(client, "context_for_message", {"message": "Where do I live?"})
        assert PARIS in context["context"]
        session = await _call(client, "session_context", {"session_id": "web"})
        assert [m["id"] for m in session["messages"]] == [stored["memory_id"]]
        fixed = await _call(
            client, "update_memory", {"memory_id": stored["memory_id"], "text": PARIS + " Still."}
        )
        assert fixed["version"] == 2
        message = await _error(client, "update_memory", {"memory_id": "not-a-uuid"})
        assert "memory_id" in message
        assert (await _call(client, "memory_stats", {}))["total_memories"] >= 1
    # A second client (a new MCP session) sees the same store.
    async with Client(http_mcp) as again:
        found = await _call(again, "recall", {"query": "vegetarian Paris"})
        assert found["memories"][0]["text"] == PARIS + " Still."
        preview = await _call(
            again, "forget", {"memory_ids": [stored["memory_id"]], "dry_run": True}
        )
        assert preview["would_affect"] == 1
        done = await _call(again, "forget", {"memory_ids": [stored["memory_id"]]})
        assert done == {"dry_run": False, "action": "delete", "affected": 1}


def test_http_refuses_an_address_beyond_loopback(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cml",
            "--db",
            str(tmp_path / "m.db"),
            "--embedder",
            "none",
            "mcp",
            "--transport",
            "http",
            "--host",
            "0.0.0.0",
        ],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "refusing to serve MCP on 0.0.0.0" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_memory_type_choices_are_the_models() -> None:
    """The tools' enum of memory types is written out for the schema; it must not drift."""
    from typing import get_args

    from cml import MemoryType
    from cml._mcp._tools import MemoryTypeName

    assert set(get_args(MemoryTypeName)) == {t.value for t in MemoryType}


@pytest.fixture
def documented() -> list[Any]:
    """The JSON configuration snippets of docs/mcp.md, in order."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "mcp.md"
    markdown = docs.read_text(encoding="utf-8")
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", markdown, re.S)]


async def test_the_documented_desktop_configuration_works(
    tmp_path: Path, documented: list[Any]
) -> None:
    """docs/mcp.md's desktop snippet, as a host would run it (only the paths are local)."""
    entry = documented[0]["mcpServers"]["memory"]
    assert entry["command"] == "cml"
    script = str(Path(sys.executable).with_name("cml"))  # the installed console script
    db = str(tmp_path / "memory.db")
    args = [db if a.endswith("memory.db") else a for a in entry["args"]]
    async with Client(StdioServerParameters(command=script, args=args, env=_env())) as client:
        assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS
        stored = await _call(client, "remember", {"text": PARIS})
    assert stored["stored"] is True
    with EmbeddedCognitiveMemoryLayer(db, embedder="none") as memory:
        assert memory.stats().total_memories == 1
    # The other snippets are valid JSON with the fields their hosts need.
    ide, http = documented[1:3]
    assert ide["servers"]["memory"]["args"][-1] == "mcp"
    assert http["servers"]["memory"]["url"].endswith(":8765/mcp")
