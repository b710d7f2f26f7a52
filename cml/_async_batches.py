"""`AsyncBatchMethods`: the batch methods of `AsyncCognitiveMemoryLayer`.

`batch_write` and `batch_read` send many calls at once, a few at a time, and report each
failure in its place. The sync twin, `_batches.py`, is generated from this file like
`_client.py` from `_async_client.py` (`python generator/generate.py regen`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from ._base_client import BaseClient
from ._batch import arun_concurrently, batch_read_error, plan_batch, plan_reads
from ._constants import DEFAULT_CONCURRENCY
from ._exceptions import CMLError
from .models import ReadResponse, ResponseFormat, WriteResponse

if TYPE_CHECKING:
    from ._operations import PreparedOperation

__all__ = ["AsyncBatchMethods"]

T = TypeVar("T")


class AsyncBatchMethods(BaseClient):
    """Batch writes and reads, mixed into `AsyncCognitiveMemoryLayer`."""

    if TYPE_CHECKING:
        # The client sends (see `AsyncCognitiveMemoryLayer`).
        async def _send(self, call: PreparedOperation[T]) -> T: ...

    async def batch_write(
        self,
        items: list[dict[str, Any]],
        *,
        session_id: str | None = None,
        namespace: str | None = None,
    ) -> list[WriteResponse]:
        """Write many memories; one result per item, in input order, failures included.

        Items that `write_batch` can carry go in requests of up to 500; the others are written
        one by one, a few at a time.
        """
        plan = plan_batch(items, session_id=session_id, namespace=namespace or self._namespace)
        results: list[WriteResponse | None] = [None] * len(items)
        for indexes, call in plan.batches:
            try:
                wire = await self._send(call)
            except CMLError as exc:
                plan.fail(results, indexes, exc)
            else:
                plan.succeed(results, indexes, wire)
        await self._run_all(plan.singles, results, plan.single_error)
        return plan.finish(results)

    async def batch_read(
        self,
        queries: list[str],
        *,
        max_results: int = 10,
        response_format: ResponseFormat = "packet",
    ) -> list[ReadResponse]:
        """Run several reads concurrently; one result per query, in order, failures included."""
        calls, rejected = plan_reads(
            queries, max_results=max_results, response_format=response_format
        )
        results: list[ReadResponse | None] = [rejected.get(i) for i in range(len(queries))]
        await self._run_all(calls, results, lambda i, exc: batch_read_error(queries[i], exc))
        return [r for r in results if r is not None]

    async def _run_all(
        self,
        calls: Sequence[tuple[int, PreparedOperation[T]]],
        results: list[T | None],
        on_error: Callable[[int, CMLError], T],
    ) -> None:
        async def run(index: int, call: PreparedOperation[Any]) -> None:
            try:
                results[index] = await self._send(call)
            except CMLError as exc:
                results[index] = on_error(index, exc)

        await arun_concurrently(
            [partial(run, index, call) for index, call in calls], DEFAULT_CONCURRENCY
        )
