"""
What the two sides of `remember_stream` say to each other: the storage operations the
processor asks the worker to perform (`WriteOp`, `UpdateOp`, ...), the messages the delivery
side sends the worker (`TextBatch`, `Tick`, `End`), and the layout constants both follow.
"""

from __future__ import annotations

import re
from collections.abc import (
    Callable,
    Generator,
    Mapping,
)
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from ..exceptions import CMLError
from ._events import (
    ChunkEvent,
    GraphPhase,
    StreamCancelledError,
)
from ._length import StreamTooLongError
from ._resume import (
    ResumeState,
    ResumeTokenStore,
)
from ._timeout import StreamTimeoutError

if TYPE_CHECKING:
    from ..graph import GraphEdge, GraphNode, GraphSync


# The embedded engine stores a longer write as several internal records, which read back
# separately; a stream memory longer than this is created short and then set by `update`, so
# it stays one record that reads back whole.
DIRECT_WRITE_CHARS = 2000
CREATE_HEAD_CHARS = 1000
# A write answered with `chunks_created == 0` reinforced an existing, equal memory instead of
# storing a new one: the stream tries again with a distinguishing suffix, this many times.
CREATE_ATTEMPTS = 3
HISTORY = 1000  # entries kept of each history in the result
PREVIEW_CHARS = 200
PROGRESS_EVERY_S = 0.1
_GAP_LITERAL_CHARS = 1000

USER_TAGS = ("conversation", "user_input")
ANSWER_TAGS = ("conversation", "assistant_response")
CHUNK_TAGS = ("conversation", "assistant_response", "response_chunk")
FACT_TAGS = ("fact",)

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """`text` with the characters a memory cannot hold (NUL, lone surrogates) replaced by
    U+FFFD: one for one, so offsets are unchanged."""
    if text.isascii() and "\x00" not in text:
        return text
    return _UNSTORABLE.sub("\ufffd", text)


# A chunk memory records the whitespace between it and the previous chunk: literally when short,
# run-length encoded when long (a stream of blank lines must not make a huge metadata).
def gap_metadata(gap: str) -> dict[str, Any]:
    if len(gap) <= _GAP_LITERAL_CHARS:
        return {"gap": gap}
    runs: list[list[Any]] = []
    for char in gap:
        if runs and runs[-1][0] == char:
            runs[-1][1] += 1
        else:
            runs.append([char, 1])
    return {"gap_rle": runs}


def gap_text(info: Mapping[str, Any]) -> str:
    if "gap_rle" in info:
        return "".join(str(char) * int(count) for char, count in info["gap_rle"])
    return str(info.get("gap", ""))


# --- operations: what the worker performs -----------------------------------------------------


@attrs.frozen
class WriteOp:
    content: str
    options: Mapping[str, Any]
    label: str


@attrs.frozen
class UpdateOp:
    memory_id: UUID
    text: str | None
    metadata: Mapping[str, Any] | None
    label: str


@attrs.frozen
class ForgetOp:
    memory_ids: tuple[UUID, ...]
    label: str


@attrs.frozen
class GraphOp:
    graph: GraphSync = attrs.field(eq=False)
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    phase: GraphPhase
    label: str


@attrs.frozen
class SaveTokenOp:
    store: ResumeTokenStore = attrs.field(eq=False)
    state: ResumeState
    label: str = "save resume token"


@attrs.frozen
class HookOp:
    name: str
    hook: Callable[[Any], Any] = attrs.field(eq=False)
    event: Any
    label: str = "hook"


Op = WriteOp | UpdateOp | ForgetOp | GraphOp | SaveTokenOp | HookOp
Work = Generator[Op, Any, None]


class StorageRefused(CMLError):
    """The store answered, but not as the stream needs (no id, or only merges)."""


# --- messages from the delivery side to the worker ---------------------------------------------


#: A piece of text, the number of the chunk it came in, and the fact-extraction threshold then:
#: the worker acts on the stream as it was when each piece arrived, however far behind it runs.
Arrival = tuple[str, int, int]


@attrs.define
class TextBatch:
    """The outbox's content, taken by the worker."""

    pieces: list[Arrival]
    events: list[ChunkEvent]
    chars: int
    now: float
    chunks: int


@attrs.frozen
class Tick:
    partial: bool
    graph: bool
    now: float


@attrs.frozen
class Wake:
    """Text waits in the outbox."""


WAKE = Wake()
WAKE_EVERY_S = 0.1


@attrs.frozen
class End:
    now: float
    error: BaseException | None = None
    token: str | None = None
    full_response: str | None = None


Message = TextBatch | Tick | Wake | End


def error_code(error: BaseException) -> str:
    if isinstance(error, StreamTimeoutError):
        return "stream_timeout"
    if isinstance(error, StreamTooLongError):
        return "response_too_long"
    if isinstance(error, StreamCancelledError):
        return "cancelled"
    return "source_failed"
