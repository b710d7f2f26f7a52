"""What the commands print: JSON built from the public models, or short lines for a person.

Results go to stdout, one JSON document per command with `--json` (JSON Lines for `export`);
errors, per-line import problems and the progress bar go to stderr, so stdout stays parseable.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import IO, Any

from .._exceptions import CMLError
from .._json import jsonable

__all__ = ["Line", "Output", "color_wanted", "error_document"]


def error_document(exc: CMLError) -> dict[str, Any]:
    return {
        "error": {
            "type": type(exc).__name__,
            "message": exc.message,
            "status_code": exc.status_code,
            "request_id": exc.request_id,
            "hint": exc.hint,
        }
    }


def dumps(document: Any) -> str:
    return json.dumps(jsonable(document), ensure_ascii=False)


#: A line of text, or a line in styled parts: (text, rich style) pairs, plain in pipes.
Line = str | list[tuple[str, str]]


def color_wanted(stream: IO[str]) -> bool:
    """Colour on a terminal (rich installed, NO_COLOR unset); never in a pipe or a file."""
    if os.environ.get("NO_COLOR") or not stream.isatty():
        return False
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


class Output:
    """Prints a command's result as JSON (`--json`) or as text lines (coloured on a terminal)."""

    def __init__(self, *, as_json: bool, color: bool | None = None) -> None:
        self.as_json = as_json
        self._color = color

    def result(self, document: Any, lines: Iterable[Line]) -> None:
        """Print `document` as one JSON document, or `lines` as text."""
        if self.as_json:
            print(dumps(document), file=sys.stdout)
            return
        color = color_wanted(sys.stdout) if self._color is None else self._color
        if color:
            self._print_styled(lines)
            return
        for line in lines:
            print(line if isinstance(line, str) else "".join(t for t, _ in line), file=sys.stdout)

    @staticmethod
    def _print_styled(lines: Iterable[Line]) -> None:
        from rich.console import Console
        from rich.text import Text

        console = Console(file=sys.stdout, force_terminal=True, highlight=False, soft_wrap=True)
        for line in lines:
            text = Text(line) if isinstance(line, str) else Text.assemble(*line)
            console.print(text)

    @staticmethod
    def note(line: str) -> None:
        """A remark for the person at the terminal (stderr, so it never mixes with results)."""
        print(line, file=sys.stderr)

    def error(self, exc: CMLError) -> None:
        if self.as_json:
            print(dumps(error_document(exc)), file=sys.stderr)
        else:
            print(f"cml: {type(exc).__name__}: {exc}", file=sys.stderr)
