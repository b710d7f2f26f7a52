"""What the commands print: JSON built from the public models, or short lines for a person.

Results go to stdout, one JSON document per command with `--json` (JSON Lines for `export`);
errors, per-line import problems and the progress bar go to stderr, so stdout stays parseable.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from .._exceptions import CMLError
from .._json import jsonable

__all__ = ["Output", "error_document"]


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


class Output:
    """Prints a command's result as JSON (`--json`) or as text lines."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json

    def result(self, document: Any, lines: Iterable[str]) -> None:
        """Print `document` as one JSON document, or `lines` as text."""
        if self.as_json:
            print(dumps(document), file=sys.stdout)
        else:
            for line in lines:
                print(line, file=sys.stdout)

    @staticmethod
    def note(line: str) -> None:
        """A remark for the person at the terminal (stderr, so it never mixes with results)."""
        print(line, file=sys.stderr)

    def error(self, exc: CMLError) -> None:
        if self.as_json:
            print(dumps(error_document(exc)), file=sys.stderr)
        else:
            print(f"cml: {type(exc).__name__}: {exc}", file=sys.stderr)
