"""Planning `batch_write` and reporting batch failures: shared by the sync and async clients.

`write_batch` turns carry only some write fields, so a plan splits the items: those a batch can
carry go in requests of up to 500 turns, the rest are single writes. Every item gets exactly one
result, in input order. The live servers answer `write_batch` with counts only; py-cml's own
server adds, per turn, the memory id (null for a turn that stored nothing new) and the chunks
created, and then each result says exactly what happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import attrs

from . import _operations as ops
from ._exceptions import CMLError, InvalidRequestError
from ._operations import PreparedOperation
from .models import ReadResponse, ResponseFormat, WriteResponse

__all__ = [
    "BatchPlan",
    "arun_concurrently",
    "batch_read_error",
    "plan_batch",
    "plan_reads",
    "run_concurrently",
]


def run_concurrently(jobs: Sequence[Callable[[], None]], limit: int) -> None:
    """Run `jobs`, at most `limit` at a time, in worker threads; return when all are done."""
    if not jobs:
        return
    with ThreadPoolExecutor(max_workers=min(limit, len(jobs))) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()


async def arun_concurrently(jobs: Sequence[Callable[[], Awaitable[None]]], limit: int) -> None:
    """`run_concurrently` for coroutines: at most `limit` awaited at a time, on this loop."""
    slots = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[None]]) -> None:
        async with slots:
            await job()

    await asyncio.gather(*(run(job) for job in jobs))


def write_error(exc: CMLError) -> WriteResponse:
    return WriteResponse(success=False, message=str(exc), error=exc)


def batch_read_error(query: str, exc: CMLError) -> ReadResponse:
    """An empty read result that says why it is empty."""
    return ReadResponse(query=query, memories=(), total_count=0, elapsed_ms=0.0, error=exc)


@attrs.define
class BatchPlan:
    batches: list[tuple[list[int], PreparedOperation[Any]]]
    singles: list[tuple[int, PreparedOperation[WriteResponse]]]
    rejected: dict[int, CMLError]

    @staticmethod
    def single_error(index: int, exc: CMLError) -> WriteResponse:
        del index
        return write_error(exc)

    @staticmethod
    def fail(results: list[WriteResponse | None], indexes: Sequence[int], exc: CMLError) -> None:
        for index in indexes:
            results[index] = write_error(exc)

    @staticmethod
    def succeed(results: list[WriteResponse | None], indexes: Sequence[int], wire: Any) -> None:
        processed = wire.turns_processed if isinstance(wire.turns_processed, int) else None
        if not wire.success:
            exc = CMLError(f"write_batch failed: {wire.message or 'no reason given'}")
            BatchPlan.fail(results, indexes, exc)
            return
        per_turn = _per_turn(wire, len(indexes))
        if per_turn is None:
            # The live servers count turns only: which were stored, and as what, is unknown.
            message = (
                f"sent by write_batch ({processed} of {len(indexes)} memories processed); this "
                "server reports no ids and does not say which turns were stored (an equivalent "
                "memory is reinforced, not stored again)"
            )
            for index in indexes:
                results[index] = WriteResponse(success=True, message=message)
            return
        for index, (memory_id, chunks) in zip(indexes, per_turn, strict=True):
            results[index] = (
                WriteResponse(
                    success=True,
                    memory_id=memory_id,
                    chunks_created=chunks,
                    message="Stored." if chunks == 1 else f"Stored in {chunks} chunks.",
                    eval_outcome="stored",
                )
                if memory_id is not None
                else WriteResponse(
                    success=True,
                    message="Not stored: an equivalent memory exists; it was reinforced.",
                    eval_outcome="skipped",
                    eval_reason="duplicate",
                )
            )

    def finish(self, results: list[WriteResponse | None]) -> list[WriteResponse]:
        for index, exc in self.rejected.items():
            results[index] = write_error(exc)
        missing = [i for i, r in enumerate(results) if r is None]
        if missing:  # a bug, not a server failure: never hand back fewer results than items
            raise RuntimeError(f"batch_write lost track of items {missing}")
        return [r for r in results if r is not None]


def _extension(wire: Any, name: str) -> Any:
    # A field py-cml's server adds: an attribute once the spec documents it, else an unknown key.
    value = getattr(wire, name, None)
    if value is None or type(value).__name__ == "Unset":
        value = getattr(wire, "additional_properties", {}).get(name)
    return value


def _per_turn(wire: Any, count: int) -> list[tuple[UUID | None, int]] | None:
    """(memory id or None, chunks created) per turn, when the server says; else None."""
    ids, chunks = _extension(wire, "memory_ids"), _extension(wire, "chunks_per_turn")
    if not isinstance(ids, list) or not isinstance(chunks, list):
        return None
    if len(ids) != count or len(chunks) != count:
        return None
    try:
        return [
            (None if i is None else i if isinstance(i, UUID) else UUID(str(i)), int(c))
            for i, c in zip(ids, chunks, strict=True)
        ]
    except (TypeError, ValueError):
        return None  # not what py-cml's server sends: treat it as absent


def plan_batch(
    items: Sequence[Mapping[str, Any]], *, session_id: str | None, namespace: str | None
) -> BatchPlan:
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):  # type: ignore[unreachable]
        raise InvalidRequestError("batch_write takes a list of dicts, each with 'content'")
    batchable: list[int] = []
    singles: list[tuple[int, PreparedOperation[WriteResponse]]] = []
    rejected: dict[int, CMLError] = {}
    for index, item in enumerate(items):
        try:
            if not isinstance(item, Mapping) or "content" not in item:
                raise InvalidRequestError(f"item {index} is not a dict with 'content'")
            options = dict(item)
            options.setdefault("session_id", session_id)
            if namespace is not None:
                options.setdefault("namespace", namespace)
            single = ops.write(options.pop("content"), **options)  # validates every field
        except (InvalidRequestError, TypeError) as exc:
            error = (
                exc if isinstance(exc, CMLError) else InvalidRequestError(f"item {index}: {exc}")
            )
            rejected[index] = error
            continue
        fits = set(item) <= ops.BATCH_FIELDS and namespace is None and not item.get("eval_mode")
        if fits:
            batchable.append(index)
        else:
            singles.append((index, single))
    batches = [
        (chunk, ops.batch_turns([items[i] for i in chunk], session_id))
        for chunk in (
            batchable[start : start + ops.MAX_BATCH_TURNS]
            for start in range(0, len(batchable), ops.MAX_BATCH_TURNS)
        )
    ]
    return BatchPlan(batches=batches, singles=singles, rejected=rejected)


def plan_reads(
    queries: Sequence[str], *, max_results: int, response_format: ResponseFormat
) -> tuple[list[tuple[int, PreparedOperation[ReadResponse]]], dict[int, ReadResponse]]:
    """The reads to send, by index, and an error result for each query refused before sending.

    Arguments shared by every query are checked first and raise, as `read` does: they would
    fail every query alike. A bad query (empty, not a string) fails only its own result.
    """
    if isinstance(queries, (str, bytes)) or not isinstance(queries, Sequence):
        raise InvalidRequestError("batch_read takes a list of query strings")
    ops.read("-", max_results=max_results, response_format=response_format)
    calls: list[tuple[int, PreparedOperation[ReadResponse]]] = []
    rejected: dict[int, ReadResponse] = {}
    for index, query in enumerate(queries):
        try:
            calls.append(
                (index, ops.read(query, max_results=max_results, response_format=response_format))
            )
        except InvalidRequestError as exc:
            rejected[index] = batch_read_error(str(query), exc)
    return calls, rejected
