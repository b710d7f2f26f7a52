"""
The storage side's queue of work. Each piece of work is a generator that yields storage
operations (`_ops`) and receives their results; the queue runs one at a time, in order, and
hands out hook calls before anything else, whatever work is under way.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from ._ops import HookOp, Op, StorageRefused, Work

__all__ = ["WorkQueue"]


class WorkQueue:
    """
    Work waiting to run, the one running, and the operation it waits on. `operations` counts
    the storage operations handed out (hook calls are not storage).
    """

    def __init__(self, on_bug: Callable[[BaseException], None]) -> None:
        #: Called with an exception a piece of work raised by itself: a bug, reported like a
        #: failed step, never raised into the worker.
        self._on_bug = on_bug
        self._hooks: deque[HookOp] = deque()
        self._work: deque[Work] = deque()
        self._current: Work | None = None
        self._reply: Any = None
        self._throw: BaseException | None = None
        self.op: Op | None = None
        self.operations = 0

    def add(self, work: Work) -> None:
        self._work.append(work)

    def add_hook(self, op: HookOp) -> None:
        self._hooks.append(op)

    def drop_waiting(self) -> None:
        """Forget the work not yet started (the one under way finishes)."""
        self._work.clear()

    def next_op(self) -> Op | None:
        """The next operation to perform, or None when there is nothing to do."""
        while True:
            if self._hooks:
                return self._hooks.popleft()
            current = self._current
            if current is None:
                if not self._work:
                    return None
                current = self._current = self._work.popleft()
                self._reply = self._throw = None
            thrown = self._throw
            try:
                if thrown is not None:
                    self._throw = None
                    op = current.throw(thrown)
                else:
                    reply, self._reply = self._reply, None
                    op = current.send(reply)
            except StopIteration:
                self._current = None
                continue
            except Exception as exc:
                self._current = None
                if exc is not thrown and not isinstance(exc, StorageRefused):
                    self._on_bug(exc)
                continue
            self.op = op
            if not isinstance(op, HookOp):
                self.operations += 1
            return op

    def succeeded(self, result: Any) -> None:
        """The current operation returned `result`: the work receives it."""
        self._reply = result

    def retrying(self) -> None:
        """The current operation is tried again: one more storage operation."""
        self.operations += 1

    def gave_up(self, error: BaseException) -> None:
        """The current operation failed for good: the work receives `error`, raised."""
        self._throw = error
