"""
One stream's set-up and tear-down, shared by the sync and async streams: its checked arguments
(`Setup`), its resume token store, its graph, its intake and processor (`begin`), and the
message that ends its worker (`closing`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from ._hooks import StreamHooks, WriteOptions
from ._intake import Intake
from ._ops import End
from ._options import StreamingOptions
from ._processor import Processor
from ._resume import (
    ResumeState,
    ResumeTokenStore,
    SQLiteResumeTokenStore,
    default_resume_store,
    new_resume_token,
)
from ._storage import AsyncStreamClient, StreamClient

if TYPE_CHECKING:
    from ..graph import GraphSync

__all__ = ["Setup", "begin", "close_graph", "closing", "nothing", "store_of"]

logger = logging.getLogger("cml")  # the SDK's one logger (see cml.configure_logging)


@attrs.frozen
class Setup:
    """One call's arguments, checked; nothing is done until the stream is iterated."""

    options: StreamingOptions
    hooks: StreamHooks
    write: WriteOptions
    user_message: str
    resume_from: str | None


def store_of(options: StreamingOptions) -> tuple[ResumeTokenStore, Callable[[], None]]:
    """The resume token store, and how to release it when the stream is done (a file store
    opened for this stream is closed; a given or shared one is left open)."""
    if options.resume_store is not None:
        return options.resume_store, nothing
    if options.resume_store_path is not None:
        store = SQLiteResumeTokenStore(options.resume_store_path)
        return store, store.close
    return default_resume_store(), nothing


def nothing() -> None:
    pass


def graph_of(
    client: object, options: StreamingOptions
) -> tuple[GraphSync | None, bool, BaseException | None]:
    """The graph to sync (given, else the embedded store's own file), whether the stream owns
    it (and closes it), and the error that kept the default one from opening."""
    if options.graph is not None:
        return options.graph, False, None
    if not (options.sync_to_graph or options.progressive_graph_sync):
        return None, False, None
    # Embedded clients only: the store's file, read duck-typed (no protocol asks for an engine,
    # and streaming never imports one).
    engine = getattr(client, "engine", None)
    path = getattr(getattr(engine, "store", None), "path", None)
    if not isinstance(path, str) or path == ":memory:":
        return None, False, None  # HTTP mode, or a throwaway store no other connection sees
    try:
        from ..graph.sqlite import SQLiteGraphSync

        return SQLiteGraphSync(path), True, None
    except Exception as exc:
        return None, False, exc


def begin(
    client: StreamClient | AsyncStreamClient,
    setup: Setup,
    store: ResumeTokenStore,
    resume: ResumeState | None,
) -> tuple[Intake, Processor, GraphSync | None, bool]:
    options = setup.options
    write = setup.write
    if resume is not None:
        write = WriteOptions.from_json(resume.write_options).merged(attrs.asdict(setup.write))
    intake = Intake(
        options,
        setup.hooks,
        prefix=None if resume is None or resume.chunked else resume.text,
        prefix_chars=0 if resume is None else resume.total_length,
        chunk_base=0 if resume is None else resume.chunks_delivered,
    )
    graph, owns_graph, graph_error = graph_of(client, options)
    processor = Processor(
        options=options,
        hooks=setup.hooks,
        write=write,
        user_message=setup.user_message,
        tenant=client.tenant_id,
        graph=graph,
        graph_error=graph_error,
        store=store,
        intake=intake,
        resume=resume,
        resumed_from=setup.resume_from,
    )
    return intake, processor, graph, owns_graph


def close_graph(graph: GraphSync | None, owned: bool) -> None:
    if owned and graph is not None:
        try:
            graph.close()
        except Exception:
            logger.warning("closing the stream's graph failed", exc_info=True)


def closing(
    setup: Setup, processor: Processor, intake: Intake, error: BaseException | None, now: float
) -> End:
    """The worker's last message: a resume token only for a failed stream that can resume."""
    resumable = (
        error is not None
        and setup.options.generate_resume_token
        and processor.strategy != "rollback"
    )
    token = new_resume_token() if resumable else None
    return End(now, error, token, intake.full_response())
