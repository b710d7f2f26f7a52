"""`main`: parse, open the store, run the command, turn failures into exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .._exceptions import CMLError
from ._commands import COMMANDS, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from ._output import Output
from ._parser import build_parser
from ._target import open_target

__all__ = ["main"]


def _serve(args: argparse.Namespace) -> int:
    from ..server.app import serve

    serve(
        host=args.host,
        port=args.port,
        db_path=args.db,
        api_key=args.api_key,
        admin_api_key=args.admin_api_key,
        embedder=args.embedder,
        log_level=args.log_level,
        allowed_hosts=args.allowed_host,
        allowed_origins=args.allowed_origin,
        rate_limit=args.rate_limit,
    )
    return EXIT_OK


def _run(args: argparse.Namespace, out: Output) -> int:
    if args.command == "serve":
        return _serve(args)
    with open_target(
        url=args.url,
        db=args.db,
        tenant=args.tenant,
        namespace=args.namespace,
        embedder=args.embedder,
    ) as client:
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
    except BrokenPipeError:  # the reader went away (`cml export | head`): stop quietly
        _silence_stdout()
        return EXIT_FAILED
    except OSError as exc:  # a file given on the command line
        where = f": {exc.filename}" if exc.filename else ""
        print(f"cml: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_FAILED
