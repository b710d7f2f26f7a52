"""
What `remember_stream` needs from a client, as protocols, and how its worker performs one
storage operation on it.

Any client that writes, updates and forgets memories will do: the HTTP clients, the embedded
ones, or a test's fake. The stream never reaches past these methods (in particular never into an
engine or a server), so it works the same in every mode.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, cast
from uuid import UUID

from ._ops import ForgetOp, GraphOp, Op, SaveTokenOp, UpdateOp, WriteOp

if TYPE_CHECKING:
    from ..models import MemoryType

__all__ = ["AsyncStreamClient", "StreamClient", "WriteOutcome", "perform", "perform_async"]


class WriteOutcome(Protocol):
    """What the stream reads of a write's answer."""

    @property
    def memory_id(self) -> UUID | None:
        """The stored (or reinforced) memory; None when nothing was kept."""

    @property
    def chunks_created(self) -> int:
        """0 when the write reinforced an existing, equal memory instead of storing a new one."""

    @property
    def message(self) -> str: ...


class StreamClient(Protocol):
    """A client the sync stream stores through (its calls run in the worker thread)."""

    @property
    def tenant_id(self) -> str: ...

    def write(
        self,
        content: str,
        *,
        context_tags: list[str] | None = None,
        session_id: str | None = None,
        memory_type: MemoryType | None = None,
        namespace: str | None = None,
        metadata: dict[str, Any] | None = None,
        turn_id: str | None = None,
        agent_id: str | None = None,
        timestamp: datetime | None = None,
        eval_mode: bool = False,
    ) -> WriteOutcome: ...

    def update(
        self, memory_id: UUID, *, text: str | None = None, metadata: dict[str, Any] | None = None
    ) -> object: ...

    def forget(self, *, memory_ids: list[UUID] | None = None) -> object: ...


class AsyncStreamClient(Protocol):
    """An async client: the async stream awaits its calls in the worker task."""

    @property
    def tenant_id(self) -> str: ...

    async def write(
        self,
        content: str,
        *,
        context_tags: list[str] | None = None,
        session_id: str | None = None,
        memory_type: MemoryType | None = None,
        namespace: str | None = None,
        metadata: dict[str, Any] | None = None,
        turn_id: str | None = None,
        agent_id: str | None = None,
        timestamp: datetime | None = None,
        eval_mode: bool = False,
    ) -> WriteOutcome: ...

    async def update(
        self, memory_id: UUID, *, text: str | None = None, metadata: dict[str, Any] | None = None
    ) -> object: ...

    async def forget(self, *, memory_ids: list[UUID] | None = None) -> object: ...


def perform(client: StreamClient, op: Op) -> Any:
    """Perform `op` (not a hook call) and return what the processor is to receive."""
    if isinstance(op, WriteOp):
        return client.write(op.content, **op.options)
    if isinstance(op, UpdateOp):
        return client.update(
            op.memory_id,
            text=op.text,
            metadata=dict(op.metadata) if op.metadata is not None else None,
        )
    if isinstance(op, ForgetOp):
        return client.forget(memory_ids=list(op.memory_ids))
    if isinstance(op, GraphOp):
        return op.graph.merge(op.nodes, op.edges)
    if isinstance(op, SaveTokenOp):
        return op.store.save(op.state)
    raise TypeError(f"not a storage operation: {op!r}")


async def perform_async(client: StreamClient | AsyncStreamClient, op: Op, *, native: bool) -> Any:
    """`perform` for the async stream. `native`: the client's methods are coroutines; otherwise
    (a sync client given an async source) they run in a thread, as graph and token-store calls
    always do."""
    if isinstance(op, GraphOp | SaveTokenOp) or not native:
        return await asyncio.to_thread(perform, cast(StreamClient, client), op)
    native_client = cast(AsyncStreamClient, client)
    if isinstance(op, WriteOp):
        return await native_client.write(op.content, **op.options)
    if isinstance(op, UpdateOp):
        return await native_client.update(
            op.memory_id,
            text=op.text,
            metadata=dict(op.metadata) if op.metadata is not None else None,
        )
    if isinstance(op, ForgetOp):
        return await native_client.forget(memory_ids=list(op.memory_ids))
    raise TypeError(f"not a storage operation: {op!r}")
