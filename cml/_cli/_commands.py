"""The commands that work on memories: one function each, over the public client API.

Each takes the parsed arguments, an open client (server or embedded: the same class, the same
calls) and the output, and returns the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO
from uuid import UUID

from .._client import CognitiveMemoryLayer
from .._exceptions import (
    AuthenticationError,
    AuthorizationError,
    CMLError,
    InvalidRequestError,
)
from .._json import jsonable
from ..models import MemoryItem, ReadResponse
from ._output import Line, Output, dumps
from ._progress import open_progress
from ._target import check_parent, describe, is_embedded
from ._transfer import ImportReport, export_records, import_lines

__all__ = ["COMMANDS", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE"]

# The exit codes `cml --help` documents.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_MISMATCH = 3
EXIT_INTERRUPTED = 130


def _memory_line(item: MemoryItem) -> str:
    text = " ".join(item.text.split())  # one memory, one line
    return f"{item.relevance:.2f}  {item.type!s:<15} {text}  [{item.id}]"


def age(timestamp: datetime, now: datetime) -> str:
    """How long ago, in the largest whole unit: "just now", "5 min", "3 h", "2 d", "4 mo", "1 y"."""
    seconds = (now - timestamp).total_seconds()
    if seconds < 60:
        return "just now" if seconds > -60 else "future"
    for unit, size in (("y", 365 * 86400), ("mo", 30 * 86400), ("d", 86400), ("h", 3600)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return f"{int(seconds // 60)} min ago"


def _relevance_style(relevance: float) -> str:
    return "bold green" if relevance >= 0.75 else "yellow" if relevance >= 0.5 else "dim"


def _ranked_lines(memories: Sequence[MemoryItem], context: str) -> list[Line]:
    """The memories best first, with relevance and age, then the context built from them."""
    now = datetime.now(UTC)
    lines: list[Line] = []
    for rank, item in enumerate(memories, start=1):
        text = " ".join(item.text.split())  # one memory, one line
        lines.append(
            [
                (f"{rank:>2}. ", "dim"),
                (f"{item.relevance:.2f}", _relevance_style(item.relevance)),
                ("  ", ""),
                (f"{item.type!s:<15}", "cyan"),
                (f" {age(item.timestamp, now):>11}  ", "dim"),
                (text, ""),
                (f"  [{item.id}]", "dim"),
            ]
        )
    if context.strip():
        lines.append("")
        lines.extend(
            [(line, "bold" if line.startswith("#") else "")] for line in context.splitlines()
        )
    return lines


def write(args: argparse.Namespace, client: CognitiveMemoryLayer, out: Output) -> int:
    # The newline `echo` or an editor leaves at the end is not part of the memory.
    text = sys.stdin.read().rstrip("\r\n") if args.text == "-" else args.text
    result = client.write(
        text,
        memory_type=args.type,
        context_tags=args.tag,
        metadata=args.metadata,
        session_id=args.session,
    )
    if result.memory_id is not None:
        chunks = f" in {result.chunks_created} chunks" if result.chunks_created > 1 else ""
        summary = f"stored {result.memory_id}{chunks}"
    else:
        summary = result.message or "nothing stored"
    out.result(result, [summary])
    if not result.success:
        out.note(f"cml write: not stored: {result.message or 'no reason given'}")
        return EXIT_FAILED
    return EXIT_OK


def _read_lines(result: ReadResponse, response_format: str) -> list[Line]:
    if response_format == "llm_context":
        return [result.context]
    count = f"{len(result.memories)} of {result.total_count} memories"
    header: Line = [(f"{count} ({result.elapsed_ms:.0f} ms)", "bold")]
    return [header, *_ranked_lines(result.memories, result.context)]


def read(args: argparse.Namespace, client: CognitiveMemoryLayer, out: Output) -> int:
    result = client.read(
        args.query,
        max_results=args.max_results,
        memory_types=args.type,
        response_format=args.format,
    )
    out.result(result, _read_lines(result, args.format))
    return EXIT_OK


def turn(args: argparse.Namespace, client: CognitiveMemoryLayer, out: Output) -> int:
    # The turn answers with its context only; for people, the ranked memories behind it come
    # from a read of the message first (before the turn stores it). --json stays the turn's.
    ranked = () if out.as_json else client.read(args.message).memories
    result = client.turn(args.message, assistant_response=args.assistant, session_id=args.session)
    header: Line = [
        (f"retrieved {result.memories_retrieved}, stored {result.memories_stored}", "bold")
    ]
    shown = ranked[: result.memories_retrieved]
    out.result(result, [header, *_ranked_lines(shown, result.memory_context)])
    return EXIT_OK


def _confirmed(question: str) -> bool:
    """Ask on the terminal; False without one (scripts must say --yes)."""
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _canonical_id(text: str) -> str:
    """An id as the models print it (lower case, hyphenated), so the same memory counts once."""
    try:
        return str(UUID(text))
    except ValueError:
        return text  # forget itself reports the bad id


def forget(args: argparse.Namespace, client: CognitiveMemoryLayer, out: Output) -> int:
    selection = {
        "memory_ids": args.ids or None,
        "query": args.query,
        "before": args.before,
        "action": args.action,
    }
    described = ", ".join(
        part
        for part in (
            f"ids {' '.join(args.ids)}" if args.ids else "",
            f"matching {args.query!r}" if args.query is not None else "",
            f"older than {args.before.isoformat()}" if args.before is not None else "",
        )
        if part
    )
    if not described:  # checked here too, so that a dry run or a question never selects nothing
        raise InvalidRequestError("forget needs memory ids, --query or --before")
    if args.dry_run:
        # What the real run selects, by the rule it applies (see `preview_forget`); ids given
        # by hand are selected as they are.
        chosen = list(dict.fromkeys(_canonical_id(memory_id) for memory_id in args.ids))
        matched = [
            item
            for item in client.preview_forget(query=args.query, before=args.before)
            if str(item.id) not in chosen
        ]
        count = len(chosen) + len(matched)
        document = {"dry_run": True, **selection, "would_affect": count, "matched": matched}
        lines = [f"would {args.action} {count} memories ({described}):"]
        lines.extend(f"  id {memory_id}" for memory_id in chosen)
        lines.extend(f"  {_memory_line(item)}" for item in matched)
        lines.append("nothing was changed (dry run)")
        out.result(document, lines)
        return EXIT_OK
    if not args.yes and not _confirmed(f"{args.action} memories {described}?"):
        out.note("cml forget: not confirmed; pass --yes to proceed, or --dry-run to preview")
        return EXIT_USAGE
    result = client.forget(**selection)
    out.result(result, [f"{args.action}: {result.affected_count} memories"])
    return EXIT_OK


def consolidate(args: argparse.Namespace, client: CognitiveMemoryLayer, out: Output) -> int:
    report = client.consolidate(user_id=args.user)
    out.result(report, [f"{key}: {value}" for key, value in report.items()])
    return EXIT_OK


def stats(args: argparse.Namespace, client: CognitiveMemoryLayer, out: Output) -> int:
    del args
    result = client.stats()
    lines = [f"{key}: {value}" for key, value in jsonable(result).items() if key != "by_type"]
    lines += [f"by_type.{kind}: {count}" for kind, count in sorted(result.by_type.items())]
    out.result(result, lines)
    return EXIT_OK


def health(args: argparse.Namespace, client: CognitiveMemoryLayer, out: Output) -> int:
    del args
    status = client.health()
    # Servers do not report their release: the client tells it from the server's document.
    check = client.check_server()
    document = {
        "target": describe(client),
        "health": status,
        "check": {**jsonable(check), "status": check.status},
    }
    server = ", ".join(
        f"{name} {value}"
        for name, value in (("version", status.version), ("API", status.api_version))
        if value
    )
    lines = [
        f"{describe(client)}: {status.status}" + (f" ({server})" if server else ""),
        f"{check.status}: {check.message}",
        *(f"  {difference}" for difference in check.differences[:20]),
    ]
    key = _key_check(client)
    if key is not None:
        document["key"] = key
        lines.append(f"key: {key['message']}")
    out.result(document, lines)
    if check.compatible is False:
        return EXIT_MISMATCH
    return EXIT_FAILED if key is not None and not key["accepted"] else EXIT_OK


def _key_check(client: CognitiveMemoryLayer) -> dict[str, Any] | None:
    """Whether the server takes the API key (None for an embedded store, which has none).

    /health answers without a key, so it proves nothing about one; `stats` is the cheapest
    call that needs it.
    """
    if is_embedded(client):
        return None
    sent = client.config.api_key is not None
    try:
        client.stats()
    except (AuthenticationError, AuthorizationError) as exc:
        what = "rejected" if sent else "missing (set CML_API_KEY)"
        return {"sent": sent, "accepted": False, "message": f"{what}: {exc.message}"}
    message = "accepted" if sent else "none set, and the server does not ask for one"
    return {"sent": sent, "accepted": True, "message": message}


@contextmanager
def _output_file(path: str | None) -> Iterator[IO[str]]:
    """stdout, or a file that appears complete or not at all (written aside, then renamed)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    target = Path(path)
    # Created private (0600), which suits a dump of someone's memories.
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", delete=False
    ) as handle:
        try:
            yield handle
        except BaseException:
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
            raise
    os.replace(handle.name, target)


def export(args: argparse.Namespace, client: CognitiveMemoryLayer, out: Output) -> int:
    count = 0
    if args.output not in (None, "-"):
        check_parent(args.output, create=args.create, what="export -o")
    # The bar only when the memories go to a file: on stdout they share the terminal with it.
    wanted = args.progress if args.output not in (None, "-") or args.progress else False
    progress = open_progress(sys.stderr, wanted=wanted, label="export", total=None, unit="memories")
    with _output_file(args.output) as stream, progress or nullcontext():
        for record in export_records(client, include_inactive=args.include_inactive):
            stream.write(dumps(record) + "\n")
            count += 1
            if progress is not None:
                progress.update(count, f"{count:,} memories", count=count)
        if progress is not None:
            progress.finish(count, f"{count:,} memories", count=count)
    if args.output not in (None, "-"):
        out.result(
            {"exported": count, "file": args.output},
            [f"exported {count} memories to {args.output}"],
        )
    return EXIT_OK


@contextmanager
def _input_file(path: str) -> Iterator[tuple[BinaryIO, int | None]]:
    """The file (or stdin) as bytes, and its size when known (for the progress bar)."""
    if path == "-":
        yield sys.stdin.buffer, None
        return
    with open(path, "rb") as handle:
        yield handle, os.fstat(handle.fileno()).st_size


def _report_lines(report: ImportReport, source: str) -> list[str]:
    lines = [
        f"imported {report.stored + report.merged} lines from {source}: {report.stored} stored "
        f"as new memories, {report.merged} merged into equivalent ones, "
        f"{len(report.errors)} failed"
    ]
    if report.stopped_at_line is not None:
        lines.append(
            f"stopped at line {report.stopped_at_line} (see the error): lines after it were "
            "not read, and lines of its batch may be partly written"
        )
    return lines


def import_(args: argparse.Namespace, client: CognitiveMemoryLayer, out: Output) -> int:
    report = ImportReport()

    def summarize() -> None:
        if not out.as_json:
            for error in report.errors:
                out.note(f"cml import: line {error.line}: {error.type}: {error.message}")
        out.result(report, _report_lines(report, args.file))

    with _input_file(args.file) as (source, size):
        progress = open_progress(
            sys.stderr, wanted=args.progress, label="import", total=size, unit="lines"
        )
        try:
            with progress or nullcontext():
                import_lines(client, source, report, batch_size=args.batch_size, progress=progress)
        except (CMLError, KeyboardInterrupt):
            summarize()  # what was written before the stop
            raise
    summarize()
    return EXIT_FAILED if report.errors else EXIT_OK


COMMANDS: dict[str, Any] = {
    "write": write,
    "read": read,
    "turn": turn,
    "forget": forget,
    "consolidate": consolidate,
    "stats": stats,
    "health": health,
    "export": export,
    "import": import_,
}
