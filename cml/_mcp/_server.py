"""The MCP server over one client: its tools and resources, and the two transports."""

from __future__ import annotations

import json
from typing import Any, Literal
from uuid import UUID

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from .. import CMLError, CognitiveMemoryLayer, NotFoundError, __version__
from ._tools import add_tools, memory_json

__all__ = ["Transport", "build_server", "is_loopback", "run"]

Transport = Literal["stdio", "http"]
_LEVELS: dict[str, Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]] = {
    "debug": "DEBUG",
    "info": "INFO",
    "warning": "WARNING",
    "error": "ERROR",
    "critical": "CRITICAL",
}

INSTRUCTIONS = """\
Long-term memory for this user, kept across conversations (py-cml, the Cognitive Memory Layer).
Before answering, call `recall` (or `context_for_message` once per user message) and use what
it returns. Store new durable facts, preferences and decisions with `remember`, one per call.
Correct memories with `update_memory`; remove them with `forget` (dry_run first)."""


def _resource_errors(exc: CMLError) -> ResourceError:
    hint = f" ({exc.hint})" if exc.hint else ""
    kind = ResourceNotFoundError if isinstance(exc, NotFoundError) else ResourceError
    return kind(f"{type(exc).__name__}: {exc.message}{hint}")


def build_server(client: CognitiveMemoryLayer, *, log_level: str = "warning") -> MCPServer[Any]:
    """An MCP server whose tools and resources work on `client` (embedded or a server).

    `log_level` is the SDK's (it logs to stderr, which a host keeps as the server's log): at
    "info" it notes every call and every request the client makes.
    """
    server: MCPServer[Any] = MCPServer(
        "cml",
        title="Cognitive Memory Layer",
        version=__version__,
        instructions=INSTRUCTIONS,
        log_level=_LEVELS.get(log_level.lower(), "WARNING"),
    )
    add_tools(server, client)

    @server.resource(
        "cml://stats",
        name="stats",
        title="Memory statistics",
        description="Counts of the stored memories, by type and status.",
        mime_type="application/json",
    )
    def stats() -> str:
        try:
            result = client.stats()
        except CMLError as exc:
            raise _resource_errors(exc) from None
        return json.dumps(
            {
                "total_memories": result.total_memories,
                "active_memories": result.active_memories,
                "by_type": dict(result.by_type),
            }
        )

    @server.resource(
        "cml://session/{session_id}",
        name="session",
        title="A conversation session",
        description="A session's messages, tool results, scratch pad and context block.",
        mime_type="application/json",
    )
    def session(session_id: str) -> str:
        try:
            result = client.get_session_context(session_id)
        except CMLError as exc:
            raise _resource_errors(exc) from None
        return json.dumps(
            {
                "session_id": result.session_id,
                "messages": [memory_json(item) for item in result.messages],
                "context": result.context_string,
            }
        )

    @server.resource(
        "cml://memory/{memory_id}",
        name="memory",
        title="One memory",
        description="Everything stored about one memory (by the id recall returns): its text, "
        "type, status, confidence, importance, tags, metadata and provenance. On a server this "
        "needs the admin key.",
        mime_type="application/json",
    )
    def memory(memory_id: str) -> str:
        try:
            detail = client.dashboard_memory_detail(UUID(memory_id))
        except ValueError:
            raise ResourceNotFoundError(f"not a memory id: {memory_id!r}") from None
        except CMLError as exc:
            raise _resource_errors(exc) from None
        # A typed answer; its dict view is the JSON the server sent.
        return json.dumps(detail.to_dict(), default=str)

    return server


# The addresses for which the SDK turns on its DNS-rebinding check of the Host header.
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK


def run(
    client: CognitiveMemoryLayer,
    *,
    transport: Transport = "stdio",
    host: str = "127.0.0.1",
    port: int = 8765,
    log_level: str = "warning",
) -> None:
    """Serve the memory tools until stopped: over stdin/stdout, or streamable HTTP on `host`.

    The HTTP endpoint has no authentication of its own, so only loopback addresses are allowed.
    """
    server = build_server(client, log_level=log_level)
    if transport == "stdio":
        server.run("stdio")
        return
    if not is_loopback(host):
        raise ValueError(
            f"refusing to serve MCP on {host}: the endpoint has no authentication, so it "
            "listens on loopback addresses only (127.0.0.1, ::1, localhost)"
        )
    server.run("streamable-http", host=host, port=port)
