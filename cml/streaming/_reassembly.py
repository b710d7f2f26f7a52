"""Reading a stored answer back: joining the chunk memories of a long streamed answer in order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol
from uuid import UUID

from ..exceptions import CMLError
from ._events import RememberStreamResult
from ._ops import gap_text

__all__ = [
    "AsyncDetailReader",
    "DetailReader",
    "ReassemblyError",
    "areassemble",
    "iter_reassembled",
    "reassemble",
]


class MemoryDetail(Protocol):
    """One memory's stored fields, as `dashboard_memory_detail` answers them."""

    def __getitem__(self, key: str) -> Any: ...

    def get(self, key: str, default: Any = None) -> Any: ...


class DetailReader(Protocol):
    """A client that reads one memory whole (every client does; the admin key over HTTP)."""

    def dashboard_memory_detail(self, memory_id: UUID) -> MemoryDetail: ...


class AsyncDetailReader(Protocol):
    """`DetailReader` for an async client."""

    async def dashboard_memory_detail(self, memory_id: UUID) -> MemoryDetail: ...


class ReassemblyError(CMLError):
    """A stored answer cannot be read back whole: a chunk is missing or damaged."""


class _Assembler:
    """Joins chunk memories into the answer, checking that nothing is missing."""

    def __init__(self) -> None:
        self.last_end = 0

    def add(self, memory_id: Any, text: str, info: Mapping[str, Any]) -> str:
        start, end = int(info["start"]), int(info["end"])
        if len(text) != end - start:
            raise ReassemblyError(
                f"chunk memory {memory_id} holds {len(text)} characters where {end - start} "
                "were stored: it was changed or is incomplete"
            )
        if start > self.last_end:
            gap = gap_text(info)
            if len(gap) != start - self.last_end:
                raise ReassemblyError(
                    f"the answer's characters {self.last_end}-{start} are missing before chunk "
                    f"memory {memory_id} (a chunk write failed?)"
                )
            piece = gap + text
        else:
            piece = text[self.last_end - start :]
        self.last_end = max(self.last_end, end)
        return piece


def _target(target: RememberStreamResult | UUID | str) -> tuple[str, list[str] | None]:
    if isinstance(target, RememberStreamResult):
        if target.answer_memory_id is None:
            raise ReassemblyError("the stream stored no answer memory")
        return str(target.answer_memory_id), [str(i) for i in target.chunk_memory_ids]
    return str(UUID(str(target))), None


def _chunk_info(detail: MemoryDetail) -> Mapping[str, Any]:
    info = (detail.get("metadata") or {}).get("stream_chunk")
    if not isinstance(info, Mapping):
        raise ReassemblyError(f"memory {detail.get('id')} is not a chunk of a stored answer")
    return info


def iter_reassembled(
    client: DetailReader, target: RememberStreamResult | UUID | str
) -> Iterator[str]:
    """The stored answer's text, piece by piece, in order (see `reassemble`)."""
    answer_id, chunk_ids = _target(target)
    head = client.dashboard_memory_detail(UUID(answer_id))
    chunked = (head.get("metadata") or {}).get("chunked")
    if not isinstance(chunked, Mapping):
        yield str(head["text"])
        return
    if chunk_ids is None:
        chunk_ids = []
        current = chunked.get("last_chunk_id")
        while current:
            chunk_ids.append(str(current))
            current = _chunk_info(client.dashboard_memory_detail(UUID(str(current)))).get(
                "previous_chunk_id"
            )
        chunk_ids.reverse()
    assembler = _Assembler()
    for chunk_id in chunk_ids:
        detail = client.dashboard_memory_detail(UUID(chunk_id))
        yield assembler.add(chunk_id, str(detail["text"]), _chunk_info(detail))
    yield str(chunked.get("trailing") or "")


def reassemble(client: DetailReader, target: RememberStreamResult | UUID | str) -> str:
    """
    Read a stored answer back whole: `target` is a stream's result or its answer memory id.

    An unchunked answer is its memory's text. A chunked one is rebuilt from its chunk memories
    in order, overlaps removed and the whitespace between them restored, so it equals the
    answer the stream received (with NUL and lone surrogates, which no memory can hold, as
    U+FFFD). From an id alone the chunks are found by walking their `previous_chunk_id` links
    back from the head. Reads each memory with `dashboard_memory_detail` (the admin key over
    HTTP). Raises `ReassemblyError` when a chunk is missing or altered.
    """
    return "".join(iter_reassembled(client, target))


async def areassemble(client: AsyncDetailReader, target: RememberStreamResult | UUID | str) -> str:
    """`reassemble` for an async client."""
    answer_id, chunk_ids = _target(target)
    head = await client.dashboard_memory_detail(UUID(answer_id))
    chunked = (head.get("metadata") or {}).get("chunked")
    if not isinstance(chunked, Mapping):
        return str(head["text"])
    if chunk_ids is None:
        chunk_ids = []
        current = chunked.get("last_chunk_id")
        while current:
            chunk_ids.append(str(current))
            detail = await client.dashboard_memory_detail(UUID(str(current)))
            current = _chunk_info(detail).get("previous_chunk_id")
        chunk_ids.reverse()
    assembler = _Assembler()
    pieces = []
    for chunk_id in chunk_ids:
        detail = await client.dashboard_memory_detail(UUID(chunk_id))
        pieces.append(assembler.add(chunk_id, str(detail["text"]), _chunk_info(detail)))
    pieces.append(str(chunked.get("trailing") or ""))
    return "".join(pieces)
