"""The `cml` command line (also `python -m cml`)."""

from __future__ import annotations

import argparse
import os
import sys

from cml_api import __api_version__

from ._exceptions import CMLError
from ._version import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cml", description="py-cml: long-term memory for LLM applications."
    )
    parser.add_argument(
        "--version", action="version", version=f"py-cml {__version__} (CML API {__api_version__})"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the local CML server (the embedded engine over HTTP)",
        description="Serve the CML HTTP API from an embedded SQLite store. Without keys it "
        "listens on loopback only; keys come from the flags or CML_API_KEY / CML_ADMIN_API_KEY.",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--db", default=None, help="SQLite file (default: the per-user store)")
    serve.add_argument("--api-key", default=os.environ.get("CML_API_KEY"))
    serve.add_argument("--admin-api-key", default=os.environ.get("CML_ADMIN_API_KEY"))
    serve.add_argument(
        "--embedder", default="default", help="'default', 'none', or a sentence-transformers model"
    )
    serve.add_argument("--log-level", default="info")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            from .server.app import serve

            serve(
                host=args.host,
                port=args.port,
                db_path=args.db,
                api_key=args.api_key,
                admin_api_key=args.admin_api_key,
                embedder=args.embedder,
                log_level=args.log_level,
            )
    except CMLError as exc:
        print(f"cml: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
