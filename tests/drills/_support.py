"""Shared pieces of the fault drills: keys, memory texts, a local server and percentiles."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from local_server import LocalServer
from robustness._support import ADMIN_KEY, USER_KEY, filler_text, tiny_embed

from cml.engine.engine import Engine

__all__ = [
    "ADMIN_KEY",
    "TENANT",
    "USER_KEY",
    "filler_text",
    "percentile",
    "query_for",
    "start_server",
    "stored_texts",
]

TENANT = "default"


def query_for(text: str) -> str:
    """A query that finds the memory `text` first: its eight words.

    Without the prefix and number: a prefix shared by every memory of a run matches them all,
    and each read would then rank the whole store.
    """
    return text.split(" ", 2)[2]


def start_server(db: Path) -> LocalServer:
    """The real local server (`create_app` under uvicorn on a loopback port) over a new store.

    Its embedder is `tiny_embed`, not the ONNX model: the drills test the client, the wire and
    the server under faults and load, not retrieval quality, and the model would cost most of
    their time budget (it embeds a text in milliseconds where `tiny_embed` takes microseconds)
    while making nothing more deterministic. The vector index and its search stay in the path.
    """
    engine = Engine(db, embedder=tiny_embed)
    return LocalServer.for_engine(engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY)


def stored_texts(engine: Engine, prefix: str, tenant: str = TENANT) -> dict[str, list[str]]:
    """The active memories of `tenant` whose text starts with `prefix`: text -> their ids."""
    found: dict[str, list[str]] = {}
    rows = engine.store.execute(
        "SELECT id, text FROM memories WHERE tenant_id = ? AND status = 'active' AND text LIKE ?",
        (tenant, prefix + " %"),
    )
    for memory_id, text in rows:
        found.setdefault(text, []).append(str(memory_id))
    return found


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0-100) by the nearest-rank method; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]
