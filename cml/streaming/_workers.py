"""
The background workers of `remember_stream`: a thread for `RememberStream`, a task for
`AsyncRememberStream`. Each empties the intake's outbox into the processor, performs the
processor's operations on the client (retrying as it says), and calls the hooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._events import StreamCancelledError
from ._intake import Intake
from ._ops import End, HookOp, Message, Wake
from ._processor import Processor
from ._setup import close_graph
from ._storage import AsyncStreamClient, StreamClient, perform, perform_async

if TYPE_CHECKING:
    from ..graph import GraphSync

__all__ = ["AsyncWorker", "SyncWorker", "abandon", "abandon_async"]

logger = logging.getLogger("cml")  # the SDK's one logger (see cml.configure_logging)


class SyncWorker:
    """The worker thread: empties the outbox, performs the processor's operations, retries."""

    def __init__(
        self,
        client: StreamClient,
        processor: Processor,
        intake: Intake,
        graph: GraphSync | None,
        owns_graph: bool,
    ) -> None:
        self.client = client
        self.processor = processor
        self.intake = intake
        self.graph = graph
        self.owns_graph = owns_graph
        self.inbox: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self.run, name="cml-remember-stream", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None

    def run(self) -> None:
        processor = self.processor
        try:
            self._drain()
            while True:
                due = processor.due_at()
                message: Message | None
                try:
                    message = self.inbox.get(
                        timeout=None if due is None else max(0.0, due - processor.clock())
                    )
                except queue.Empty:
                    message = None
                text = self.intake.take(processor.clock())
                if text.pieces or text.events:
                    processor.handle(text)
                if message is None:
                    processor.timer()
                elif not isinstance(message, Wake):
                    processor.handle(message)
                self._drain()
                if isinstance(message, End):
                    return
        except BaseException:  # a bug: never leave the caller waiting on a dead worker
            logger.exception("the remember_stream worker failed")
        finally:
            self.intake.close()
            close_graph(self.graph, self.owns_graph)
            if self._loop is not None:
                self._loop.close()

    def _drain(self) -> None:
        processor = self.processor
        while (op := processor.next_op()) is not None:
            if isinstance(op, HookOp):
                self._call_hook(op)
                continue
            attempt = 0
            while True:
                try:
                    result = perform(self.client, op)
                except Exception as exc:
                    delay = processor.failed(exc, attempt)
                    if delay is None:
                        break
                    time.sleep(delay)
                    attempt += 1
                else:
                    processor.succeeded(result)
                    break

    def _call_hook(self, op: HookOp) -> None:
        try:
            outcome = op.hook(op.event)
            if inspect.isawaitable(outcome):
                if self._loop is None:
                    self._loop = asyncio.new_event_loop()
                self._loop.run_until_complete(_awaited(outcome))
        except Exception as exc:
            self.processor.hook_failed(op, exc)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def abandon(worker: SyncWorker, clock: Callable[[], float]) -> None:
    # The caller dropped an unfinished stream: let the worker store what arrived and stop.
    if not worker.thread.is_alive() and worker.thread.ident is None:
        worker.thread.start()
    worker.inbox.put(End(clock(), StreamCancelledError("the stream was abandoned before its end")))


class AsyncWorker:
    """The worker task; storage calls are awaited (async client) or run in threads (sync)."""

    def __init__(
        self,
        client: StreamClient | AsyncStreamClient,
        processor: Processor,
        intake: Intake,
        graph: GraphSync | None,
        owns_graph: bool,
    ) -> None:
        self.client = client
        self.native = inspect.iscoroutinefunction(getattr(client, "write", None))
        self.processor = processor
        self.intake = intake
        self.graph = graph
        self.owns_graph = owns_graph
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.room = asyncio.Event()  # set whenever the outbox was emptied

    async def run(self) -> None:
        processor = self.processor
        getter: asyncio.Future[Message] | None = None
        try:
            await self._drain()
            while True:
                if getter is None:
                    getter = asyncio.ensure_future(self.inbox.get())
                due = processor.due_at()
                timeout = None if due is None else max(0.0, due - processor.clock())
                # The pending get is kept across timeouts, so no message is ever lost.
                done, _ = await asyncio.wait({getter}, timeout=timeout)
                message: Message | None = None
                if done:
                    message = getter.result()
                    getter = None
                text = self.intake.take(processor.clock())
                self.room.set()
                if text.pieces or text.events:
                    processor.handle(text)
                if message is None:
                    processor.timer()
                elif not isinstance(message, Wake):
                    processor.handle(message)
                await self._drain()
                if isinstance(message, End):
                    return
        except Exception:
            logger.exception("the remember_stream worker failed")
        finally:
            if getter is not None:
                getter.cancel()
            self.intake.close()
            self.room.set()
            if self.owns_graph and self.graph is not None:
                await asyncio.to_thread(close_graph, self.graph, True)

    async def _drain(self) -> None:
        processor = self.processor
        while (op := processor.next_op()) is not None:
            if isinstance(op, HookOp):
                await self._call_hook(op)
                continue
            attempt = 0
            while True:
                try:
                    result = await perform_async(self.client, op, native=self.native)
                except Exception as exc:
                    delay = processor.failed(exc, attempt)
                    if delay is None:
                        break
                    await asyncio.sleep(delay)
                    attempt += 1
                else:
                    processor.succeeded(result)
                    break

    async def _call_hook(self, op: HookOp) -> None:
        try:
            outcome = op.hook(op.event)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception as exc:
            self.processor.hook_failed(op, exc)


def abandon_async(
    loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue[Message], clock: Callable[[], float]
) -> None:
    end = End(clock(), StreamCancelledError("the stream was abandoned before its end"))
    with contextlib.suppress(RuntimeError):  # the loop is closed: nothing is left to store
        loop.call_soon_threadsafe(inbox.put_nowait, end)
