"""The `cml` argument parser: commands, options and the help texts."""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime
from typing import Any

from .._releases import DEFAULT_RELEASE, SUPPORTED_RELEASES
from .._version import __version__
from ..models import MemoryType, parse_datetime

__all__ = ["build_parser"]

_TYPES = [t.value for t in MemoryType]

_EPILOG = """\
where the memories are (every command but serve):
  --url URL    a CML server (`cml serve`, or the CML server). Keys come from CML_API_KEY and
               CML_ADMIN_API_KEY (export and consolidate need the admin key); the other
               settings from CML_TENANT_ID, CML_TIMEOUT, CML_MAX_RETRIES, ... or a .env file.
  --db PATH    an embedded store: a SQLite file, used in this process. Its folder must exist
               (--create makes missing folders); a new file starts an empty store.
  neither      the server at CML_BASE_URL when that is set (environment or .env), otherwise
               the embedded store at $CML_DB_PATH or ~/.local/share/py-cml/memory.db.
  These options go before or after the command: `cml --db m.db stats` = `cml stats --db m.db`.

output:
  Results go to stdout: short text, or with --json one JSON document (export: JSON Lines).
  Errors, import problems and progress go to stderr (as JSON objects with --json).

exit codes:
  0    success
  1    the command failed: a CML error (its message on stderr), a file or folder that cannot
       be read or written, lines that import rejected, health with a refused or missing key,
       an optional package the command needs (the message names the extra to install), or
       serve/mcp unable to listen (the port is taken)
  2    usage error: bad arguments, or forget without confirmation
  3    health: the server is up but speaks another major API version
  130  interrupted (Ctrl-C)
"""

_IMPORT_EPILOG = """\
Each line is one JSON object as `cml export` writes it; only "text" is required. Written with
it: type, context_tags, metadata, namespace, session_id, agent_id, turn_id and timestamp (the
other fields are for reference: ids, confidence and the like come out new). Blank lines are
skipped.

A bad line (not JSON, no text, a field of the wrong kind, or refused by the store) is reported
on stderr with its line number and skipped; every other line is still written, and the exit
code is then 1. An error that is not about a line (wrong key, server unreachable) stops the
import: the summary says where, and how many memories were written before it.
"""

_FORGET_EPILOG = """\
Selectors combine (a memory matching any of them is affected), as in the client's forget().
A query selects the memories a read of it ranks at relevance 0.5 or more (of the first 50).
Without --yes, forget asks on a terminal and refuses (exit code 2) elsewhere. --dry-run changes
nothing: it lists exactly the memories the real run would affect now (for --before on a server
it needs the admin key, to list them).
"""


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON: {exc.msg}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("a JSON object ({...}) is required")
    return value


def _datetime(text: str) -> datetime:
    try:
        return parse_datetime(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number >= 1 is required, not {text!r}")
    return value


def _max_results(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 50:
        raise argparse.ArgumentTypeError(f"a whole number from 1 to 50 is required, not {text!r}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port number (0 to 65535) is required, not {text!r}")
    return value


def _add_target_options(parser: argparse.ArgumentParser, *, nested: bool) -> None:
    """The options choosing the store. On a command (`nested`) they default to "not given",
    so a value given before the command is not overwritten."""
    unset = argparse.SUPPRESS if nested else None
    group = parser.add_argument_group("where the memories are (see `cml --help`)")
    where = group.add_mutually_exclusive_group()
    where.add_argument("--url", default=unset, help="a CML server's base URL")
    where.add_argument("--db", metavar="PATH", default=unset, help="an embedded SQLite store")
    group.add_argument(
        "--tenant", default=unset, help="tenant id (a server honours it only with the admin key)"
    )
    group.add_argument("--namespace", default=unset, help="namespace for writes and imports")
    group.add_argument(
        "--api-version",
        choices=SUPPORTED_RELEASES,
        default=unset,
        help=f"the CML server release to speak (default: CML_API_VERSION, else {DEFAULT_RELEASE})",
    )
    group.add_argument(
        "--create",
        action="store_true",
        default=argparse.SUPPRESS if nested else False,
        help="make missing folders of --db (and of export -o)",
    )
    group.add_argument(
        "--embedder",
        default=argparse.SUPPRESS if nested else "default",
        help="embedded store only: 'default' (the bundled model), 'none' (full-text search) "
        "or a sentence-transformers model",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if nested else False,
        help="print JSON for programs instead of text",
    )


def _serve_parser(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the local CML server (the embedded engine over HTTP)",
        description="Serve the CML HTTP API from an embedded SQLite store. Without keys it "
        "listens on loopback only; keys come from the flags or CML_API_KEY / CML_ADMIN_API_KEY.",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    # Not given here: `cml --db PATH serve` is honoured too (the top-level default is None).
    serve.add_argument(
        "--db", default=argparse.SUPPRESS, help="SQLite file (default: the per-user store)"
    )
    serve.add_argument(
        "--create",
        action="store_true",
        default=argparse.SUPPRESS,
        help="make missing folders of --db",
    )
    serve.add_argument("--api-key", default=os.environ.get("CML_API_KEY"))
    serve.add_argument("--admin-api-key", default=os.environ.get("CML_ADMIN_API_KEY"))
    serve.add_argument(
        "--embedder",
        default=argparse.SUPPRESS,
        help="'default', 'none', or a sentence-transformers model",
    )
    serve.add_argument(
        "--api-version",
        choices=SUPPORTED_RELEASES,
        default=argparse.SUPPRESS,
        help=f"the CML server release to serve: its routes, fields and document "
        f"(default {DEFAULT_RELEASE})",
    )
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name to accept besides loopback names and addresses (repeatable; '*': any)",
    )
    serve.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser origin (scheme://host:port) allowed to call the server (repeatable)",
    )
    serve.add_argument(
        "--rate-limit",
        type=int,
        default=60,
        metavar="N",
        help="requests a minute per key when keys are set (default 60; 0: no limit)",
    )


def _command(commands: Any, name: str, help: str, **options: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help,
        description=options.pop("description", help[:1].upper() + help[1:] + "."),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **options,
    )
    _add_target_options(parser, nested=True)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cml",
        description="py-cml: long-term memory for LLM applications.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"py-cml {__version__} (CML server releases {', '.join(SUPPORTED_RELEASES)})",
    )
    _add_target_options(parser, nested=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _serve_parser(commands)

    write = _command(commands, "write", "store a memory")
    write.add_argument("text", help="the memory's text; '-' reads it from stdin")
    write.add_argument("--type", choices=_TYPES, metavar="TYPE", help=", ".join(_TYPES))
    write.add_argument("--tag", action="append", help="a context tag (repeat for several)")
    write.add_argument("--metadata", type=_json_object, help="a JSON object kept with it")
    write.add_argument("--session", help="session id")

    read = _command(commands, "read", "retrieve the memories most relevant to a query")
    read.add_argument("query")
    read.add_argument("--max-results", type=_max_results, default=10, help="1 to 50 (default 10)")
    read.add_argument(
        "--type",
        action="append",
        choices=_TYPES,
        metavar="TYPE",
        help="only this memory type (repeat for several)",
    )
    read.add_argument(
        "--format",
        choices=["packet", "list", "llm_context"],
        default="packet",
        help="llm_context prints the context for a prompt (default packet)",
    )

    turn = _command(
        commands, "turn", "process a conversation turn: get the context, store the exchange"
    )
    turn.add_argument("message", help="the user's message")
    turn.add_argument("--assistant", help="the assistant's answer, stored beside it")
    turn.add_argument("--session", help="session id")

    forget = _command(
        commands, "forget", "delete, archive or silence memories", epilog=_FORGET_EPILOG
    )
    forget.add_argument("ids", nargs="*", metavar="ID", help="memory ids")
    forget.add_argument("--query", help="memories relevant to this query")
    forget.add_argument("--before", type=_datetime, help="memories older than this ISO 8601 date")
    forget.add_argument("--action", choices=["delete", "archive", "silence"], default="delete")
    forget.add_argument("--dry-run", action="store_true", help="show what would be affected")
    forget.add_argument("-y", "--yes", action="store_true", help="do it without asking")

    consolidate = _command(
        commands, "consolidate", "merge related episodes into semantic memories (admin key)"
    )
    consolidate.add_argument("--user", help="only this user's memories")

    _command(commands, "stats", "count and summarize the stored memories")
    _command(
        commands,
        "health",
        "check the server and which CML release it runs",
        description="Check that the server is up and runs the CML release the client speaks "
        f"(--api-version, default {DEFAULT_RELEASE}), told from its OpenAPI document; exit code "
        "3 when it runs another release.",
    )

    export = _command(
        commands,
        "export",
        "write every memory of the tenant as JSON Lines (admin key)",
        description="Write every active memory of the tenant as JSON Lines, oldest first, with "
        "what `cml import` needs to restore it.",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="the file (default stdout)")
    export.add_argument(
        "--include-inactive",
        action="store_true",
        help="also silenced, archived and consolidated memories (import writes them as active)",
    )
    export.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress on stderr (default: with -o FILE, when stderr is a terminal)",
    )

    import_ = _command(
        commands,
        "import",
        "write memories from JSON Lines (as export writes them)",
        epilog=_IMPORT_EPILOG,
    )
    import_.add_argument("file", help="the file; '-' reads stdin")
    import_.add_argument(
        "--batch-size", type=_positive, default=100, help="lines per batch_write (default 100)"
    )
    import_.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    _mcp_parser(commands)
    return parser


def _mcp_parser(commands: Any) -> None:
    mcp = _command(
        commands,
        "mcp",
        "serve the memory to AI agents over the Model Context Protocol (py-cml[mcp])",
        description=(
            "Serve the memory tools (remember, recall, context_for_message, forget,\n"
            "update_memory, memory_stats, session_context) to an MCP host: over stdin/stdout,\n"
            "as desktop hosts and IDE agents launch it, or over streamable HTTP on a loopback\n"
            "address. It works on the store every command uses (--db, --url, or the default);\n"
            "keys come from the environment. Needs py-cml[mcp]; see docs/mcp.md."
        ),
    )
    mcp.add_argument(
        "--transport",
        choices=["stdio", "http"],
        default="stdio",
        help="stdio (default), or streamable HTTP at http://HOST:PORT/mcp",
    )
    mcp.add_argument("--host", default="127.0.0.1", help="http: a loopback address")
    mcp.add_argument("--port", type=_port, default=8765, help="http: the port (default 8765)")
    mcp.add_argument(
        "--log-level",
        default="warning",
        choices=["debug", "info", "warning", "error", "critical"],
        help="what the server logs on stderr (default warning; info: every call)",
    )
