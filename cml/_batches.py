"""`BatchMethods`: the batch methods of `CognitiveMemoryLayer`.

GENERATED from `_async_batches.py` by `python generator/generate.py regen` (see
generator/sync_client.py): edit the async file and regenerate; never edit this file.
`python generator/generate.py drift` fails when it differs from what the async file gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from ._base_client import BaseClient
from ._batch import batch_read_error, plan_batch, plan_reads, run_concurrently
from ._constants import DEFAULT_CONCURRENCY
from ._exceptions import CMLError
from .models import ReadResponse, ResponseFormat, WriteResponse

if TYPE_CHECKING:
    from ._operations import PreparedOperation

__all__ = ["BatchMethods"]

T = TypeVar("T")


class BatchMethods(BaseClient):
    """Batch writes and reads, mixed into `CognitiveMemoryLayer`."""

    if TYPE_CHECKING:
        # The client sends (see `CognitiveMemoryLayer`).
        def _send(self, call: PreparedOperation[T]) -> T: ...

    def batch_write(
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
                wire = self._send(call)
            except CMLError as exc:
                plan.fail(results, indexes, exc)
            else:
                plan.succeed(results, indexes, wire)
        self._run_all(plan.singles, results, plan.single_error)
        return plan.finish(results)

    def batch_read(
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
        self._run_all(calls, results, lambda i, exc: batch_read_error(queries[i], exc))
        return [r for r in results if r is not None]

    def _run_all(
        self,
        calls: Sequence[tuple[int, PreparedOperation[T]]],
        results: list[T | None],
        on_error: Callable[[int, CMLError], T],
    ) -> None:
        def run(index: int, call: PreparedOperation[Any]) -> None:
            try:
                results[index] = self._send(call)
            except CMLError as exc:
                results[index] = on_error(index, exc)

        run_concurrently([partial(run, index, call) for index, call in calls], DEFAULT_CONCURRENCY)
