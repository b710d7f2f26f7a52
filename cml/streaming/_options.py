"""
How `remember_stream` remembers: `StreamingOptions`, and how one call's arguments resolve into
it, its hooks and its write options (`resolve_options`).

The option names and defaults are Cortex's (`cortex-memory` v0.11+), so code written for it
ports over: a plain dict works as well as the class, in snake_case or in the camelCase the
TypeScript SDK uses (Cortex's Python SDK raised `TypeError` on those). Durations are in
seconds, as everywhere else in py-cml (a `datetime.timedelta` works too). Cortex's millisecond
options are still accepted under their old names, converted, with a `DeprecationWarning` that
names the replacement.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import attrs

from ..exceptions import InvalidRequestError
from ..text.chunking import ChunkingConfig, ChunkingConfigError, ChunkingStrategy
from ._hooks import WRITE_FIELDS, StreamHooks, WriteOptions, snake_case

if TYPE_CHECKING:
    from ..graph import GraphSync
    from ._resume import ResumeTokenStore

__all__ = [
    "DEFAULT_CHUNK_SIZES",
    "MAX_SINGLE_MEMORY_SIZE",
    "MILLISECOND_OPTIONS",
    "FailureStrategy",
    "StreamHooks",  # also here: the clients import it from this module
    "StreamingOptions",
    "resolve_options",
    "split_options",
]

FailureStrategy = Literal["store-partial", "rollback", "retry", "best-effort"]
_STRATEGIES: frozenset[str] = frozenset(get_args(FailureStrategy))

#: The largest text one memory may hold: the wire contract's (and the engine's) limit.
MAX_SINGLE_MEMORY_SIZE = 100_000

#: `chunk_size` when only `chunking_strategy` is given, in the strategy's unit.
DEFAULT_CHUNK_SIZES: Mapping[str, int] = {
    "token": 1000,  # tokens of 4 characters
    "fixed": 4000,  # characters
    "sentence": 20,
    "paragraph": 4,
}


# --- validation -----------------------------------------------------------------------------


def _positive(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidRequestError(f"{attribute.name} must be a positive number, not {value!r}")
    if isinstance(value, float) and math.isinf(value):
        raise InvalidRequestError(f"{attribute.name} must be finite")


def _non_negative_int(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRequestError(f"{attribute.name} must be an integer >= 0, not {value!r}")


def _non_negative_number(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise InvalidRequestError(f"{attribute.name} must be a number >= 0, not {value!r}")


def _strategy(value: Any) -> FailureStrategy | None:
    if value is None:
        return None
    name = str(value).replace("_", "-").lower()
    if name not in _STRATEGIES:
        raise InvalidRequestError(
            f"unknown partial_failure_handling {value!r}",
            hint=f"Use one of {', '.join(sorted(_STRATEGIES))}.",
        )
    return name  # type: ignore[return-value]


def _hooks(value: Any) -> StreamHooks | None:
    return None if value is None else StreamHooks.coerce(value)


def _seconds(value: float | timedelta) -> float:
    """A duration in seconds from a number of seconds or a `timedelta` (anything else is left
    for the validator to refuse)."""
    return value.total_seconds() if isinstance(value, timedelta) else value


def _optional_seconds(value: float | timedelta | None) -> float | None:
    return None if value is None else _seconds(value)


#: Cortex's millisecond options, each with the option (in seconds) that replaces it.
MILLISECOND_OPTIONS: Mapping[str, str] = {
    "partial_response_interval": "partial_update_interval",
    "retry_delay": "storage_retry_delay",
    "resume_token_ttl": "resume_token_lifetime",
    "stream_timeout": "total_timeout",
    "idle_timeout": "chunk_timeout",
    "graph_sync_interval": "graph_update_interval",
}

_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent)


def _warn_deprecated(message: str) -> None:
    """A `DeprecationWarning` pointing at the caller's line, however deep in py-cml (a dict
    of options, `remember_stream`, attrs' generated `__init__`) the option was read."""
    level = 2  # the caller of this function
    frame = sys._getframe(1)
    while frame is not None and (
        frame.f_code.co_filename.startswith(_PACKAGE_DIR)
        or frame.f_code.co_filename.startswith("<attrs generated")
    ):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, DeprecationWarning, stacklevel=level)


def _milliseconds(name: str, value: Any) -> float:
    """A deprecated millisecond option's value, in seconds (a `timedelta` is taken as is)."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InvalidRequestError(f"{name} must be a number of milliseconds, not {value!r}")
    return value / 1000.0


@attrs.frozen
class StreamingOptions:
    """
    How `remember_stream` remembers. Every field has Cortex's name and default unless noted
    "(py-cml)", except the durations: they are seconds (a number, or a `datetime.timedelta`),
    as everywhere in py-cml, under names of their own. Cortex's millisecond names
    (`partial_response_interval`, `retry_delay`, `graph_sync_interval`, `stream_timeout`, and
    py-cml's earlier `resume_token_ttl` and `idle_timeout`) are still accepted: they are
    converted, with a `DeprecationWarning` naming the replacement.

    **Progressive storage.** `store_partial_response`: create the answer memory at the first
    chunk (metadata `partial: true`) and update it every `partial_update_interval` seconds
    while the stream flows; it is finalized (`partial: false`) at the end. Off, the answer is
    written once at the end (or when the stream fails, per `partial_failure_handling`). Every
    stored version is embedded as it is stored, so the answer is found by meaning from its
    first partial update on.

    **Facts.** `progressive_fact_extraction`: extract facts every `fact_extraction_threshold`
    characters, each fact once, and store each as a `semantic_fact` memory linked to the answer
    (metadata `answer_memory_id`). Off, the stream extracts none itself (the memory layer still
    indexes the stored answer as it indexes any write).

    **Chunked storage.** `chunking_strategy` (token, sentence, paragraph, fixed), `chunk_size`
    (in the strategy's unit; defaults in `DEFAULT_CHUNK_SIZES`), `chunk_overlap` (py-cml),
    `preserve_boundaries` (py-cml): store the answer as linked chunk memories as it arrives,
    in memory that does not grow with its length. Without a strategy this still happens, with
    the `token` strategy, once the answer passes `max_single_memory_size` characters (default
    and maximum 100,000: one memory's limit), so long answers are never refused.

    **Failures.** `partial_failure_handling` (default `store-partial`): `store-partial` keeps
    what arrived, marked `partial`/`incomplete`; `best-effort` records errors and goes on;
    `retry` retries a failed storage step `max_retries` times, `storage_retry_delay` seconds
    apart, doubling; `rollback` deletes everything the stream stored. `generate_resume_token`:
    a failed source raises `ResumableStreamError` with a token for
    `remember_stream(..., resume_from=token)`, valid `resume_token_lifetime` seconds (1 h),
    kept in `resume_store` (default: in memory, this process) or in the SQLite file
    `resume_store_path` (across processes).

    **Limits.** `total_timeout`: the whole stream's time limit; `chunk_timeout` (py-cml): the
    longest wait for one chunk; both in seconds, both raise `StreamTimeoutError` even when the
    source blocks. `max_response_length`: characters; past it `StreamTooLongError` (the chunk
    that would pass it is neither delivered nor stored). `max_pending_chars` (py-cml): how far
    storage may lag behind the stream before the stream waits for it (bounded memory).

    **Graph.** `graph`: a `cml.graph.GraphSync` (embedded mode defaults to the SQLite graph in
    the store's file; HTTP mode has none unless given). `sync_to_graph`: sync the answer and its
    facts at the end; `progressive_graph_sync`: also at the start and every
    `graph_update_interval` seconds.

    **Adaptive processing.** `enable_adaptive_processing`: classify the stream's rhythm (fast,
    slow, bursty, steady) from its inter-chunk delays as it flows, and set `buffer_size`,
    `fact_extraction_threshold` and `partial_update_interval` from Cortex's table.

    **Memory.** `max_buffer_size`: characters in the rolling window of recent text
    (`RememberStream.recent_text`). `include_accumulated_text` (py-cml): give `ChunkEvent` the
    whole text so far (O(n) per chunk; off by default). `keep_full_response` (py-cml): keep the
    full answer for `result.full_response` even when it is stored in chunks (memory then grows
    with the answer). `buffer_size` (py-cml): how many chunks may wait for the background
    worker before it is woken (it is also woken every 100 ms while text arrives, whenever
    storage falls due, and for every chunk when an `on_chunk` hook is set).

    Cortex's `incremental_embeddings` is accepted and deprecated: it has no effect, since the
    memory layer embeds every text it stores, partial updates included (what the option asked
    for is always on).

    `cost_per_1k_tokens` (py-cml): a price, for `metrics.estimated_cost`. `clock` (py-cml): a
    monotonic clock in seconds, for tests.
    """

    # progressive storage
    store_partial_response: bool = False
    partial_update_interval: float = attrs.field(
        default=3.0, converter=_seconds, validator=_positive
    )
    # facts
    progressive_fact_extraction: bool = False
    fact_extraction_threshold: int = attrs.field(default=500, validator=_positive)
    # chunked storage
    chunk_size: int | None = attrs.field(default=None, validator=_positive)
    chunking_strategy: ChunkingStrategy | None = None
    chunk_overlap: int = attrs.field(default=0, validator=_non_negative_int)
    preserve_boundaries: bool = True
    max_single_memory_size: int | None = attrs.field(default=None, validator=_positive)
    # hooks
    hooks: StreamHooks | None = attrs.field(default=None, converter=_hooks)
    # failures and resume
    partial_failure_handling: FailureStrategy | None = attrs.field(
        default=None, converter=_strategy
    )
    max_retries: int = attrs.field(default=3, validator=_non_negative_int)
    storage_retry_delay: float = attrs.field(
        default=1.0, converter=_seconds, validator=_non_negative_number
    )
    generate_resume_token: bool = False
    resume_token_lifetime: float = attrs.field(
        default=3600.0, converter=_seconds, validator=_positive
    )
    resume_store: ResumeTokenStore | None = attrs.field(default=None, eq=False)
    resume_store_path: str | Path | None = None
    # limits
    total_timeout: float | None = attrs.field(
        default=None, converter=_optional_seconds, validator=_positive
    )
    chunk_timeout: float | None = attrs.field(
        default=None, converter=_optional_seconds, validator=_positive
    )
    max_response_length: int | None = attrs.field(default=None, validator=_positive)
    max_pending_chars: int = attrs.field(default=1_000_000, validator=_positive)
    # graph
    graph: GraphSync | None = attrs.field(default=None, eq=False)
    sync_to_graph: bool = True
    progressive_graph_sync: bool = False
    graph_update_interval: float = attrs.field(default=5.0, converter=_seconds, validator=_positive)
    # adaptive processing and memory
    enable_adaptive_processing: bool = False
    max_buffer_size: int = attrs.field(default=10_000, validator=_positive)
    include_accumulated_text: bool = False
    keep_full_response: bool = False
    buffer_size: int = attrs.field(default=16, validator=_positive)
    # metrics and tests
    cost_per_1k_tokens: float | None = attrs.field(default=None, validator=_positive)
    clock: Callable[[], float] = attrs.field(default=time.monotonic, eq=False)
    # Deprecated names, accepted as keyword arguments only (attrs drops the underscore): read
    # once, moved to their replacements by __attrs_post_init__, and left None.
    _partial_response_interval: float | timedelta | None = attrs.field(
        default=None, kw_only=True, repr=False, eq=False
    )
    _retry_delay: float | timedelta | None = attrs.field(
        default=None, kw_only=True, repr=False, eq=False
    )
    _resume_token_ttl: float | timedelta | None = attrs.field(
        default=None, kw_only=True, repr=False, eq=False
    )
    _stream_timeout: float | timedelta | None = attrs.field(
        default=None, kw_only=True, repr=False, eq=False
    )
    _idle_timeout: float | timedelta | None = attrs.field(
        default=None, kw_only=True, repr=False, eq=False
    )
    _graph_sync_interval: float | timedelta | None = attrs.field(
        default=None, kw_only=True, repr=False, eq=False
    )
    _incremental_embeddings: bool | None = attrs.field(
        default=None, kw_only=True, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        self._take_deprecated()
        limit = self.max_single_memory_size
        if limit is not None and limit > MAX_SINGLE_MEMORY_SIZE:
            raise InvalidRequestError(
                f"max_single_memory_size is at most {MAX_SINGLE_MEMORY_SIZE:,} (one memory's "
                f"limit), not {limit}"
            )
        if self.chunking_strategy is not None or self.chunk_size is not None:
            self.chunking_config()  # fail now, not when the stream is already flowing

    def _take_deprecated(self) -> None:
        fields = attrs.fields_dict(StreamingOptions)
        for old, new in MILLISECOND_OPTIONS.items():
            value = getattr(self, f"_{old}")
            if value is None:
                continue
            seconds = _milliseconds(old, value)
            _warn_deprecated(
                f"the streaming option {old} (milliseconds) is deprecated; use {new} "
                f"(seconds, or a timedelta): {old}={value!r} is {new}={seconds:g}"
            )
            field = fields[new]
            current = getattr(self, new)
            if current not in (field.default, seconds):
                raise InvalidRequestError(
                    f"{old} and {new} are both given",
                    hint=f"Give only {new}, in seconds.",
                )
            if field.validator is not None:
                field.validator(self, field, seconds)
            object.__setattr__(self, new, seconds)
            object.__setattr__(self, f"_{old}", None)
        if self._incremental_embeddings is not None:
            _warn_deprecated(
                "the streaming option incremental_embeddings is deprecated and has no effect: "
                "the memory layer embeds every text it stores, partial updates included"
            )
            object.__setattr__(self, "_incremental_embeddings", None)

    # -- derived settings --------------------------------------------------------------------

    @property
    def failure_strategy(self) -> FailureStrategy:
        return self.partial_failure_handling or "store-partial"

    @property
    def single_memory_limit(self) -> int:
        return self.max_single_memory_size or MAX_SINGLE_MEMORY_SIZE

    @property
    def chunked_from_start(self) -> bool:
        """Whether the answer is stored in chunks from the first character."""
        return self.chunking_strategy is not None or self.chunk_size is not None

    def chunking_config(self) -> ChunkingConfig:
        """The chunking of long answers (the `token` strategy when none is chosen)."""
        strategy: ChunkingStrategy = self.chunking_strategy or (
            "fixed" if self.chunk_size is not None else "token"
        )
        if strategy not in DEFAULT_CHUNK_SIZES:
            raise InvalidRequestError(
                f"unknown chunking_strategy {strategy!r}",
                hint=f"Use one of {', '.join(DEFAULT_CHUNK_SIZES)}.",
            )
        size = self.chunk_size or DEFAULT_CHUNK_SIZES[strategy]
        try:
            return ChunkingConfig(
                strategy=strategy,
                max_chunk_size=int(size),
                overlap_size=self.chunk_overlap,
                preserve_boundaries=self.preserve_boundaries,
            )
        except ChunkingConfigError as exc:
            raise InvalidRequestError(f"invalid chunking options: {exc}") from exc

    @classmethod
    def coerce(cls, value: StreamingOptions | Mapping[str, Any] | None) -> StreamingOptions:
        """Options from themselves, `None`, or a dict of snake_case or camelCase names."""
        options, write = split_options(value)
        if write:
            raise InvalidRequestError(
                f"{', '.join(sorted(write))} are write options, not streaming options",
                hint="Pass them to remember_stream() as keyword arguments.",
            )
        return options


# The names StreamingOptions takes: its fields, and the deprecated ones (attrs' init aliases).
_OPTION_FIELDS = frozenset(f.alias for f in attrs.fields(StreamingOptions))


def split_options(
    value: StreamingOptions | Mapping[str, Any] | None,
) -> tuple[StreamingOptions, dict[str, Any]]:
    """Streaming options, and the write options found among a dict's keys."""
    if value is None:
        return StreamingOptions(), {}
    if isinstance(value, StreamingOptions):
        return value, {}
    if not isinstance(value, Mapping):
        raise InvalidRequestError(
            f"options must be StreamingOptions or a dict, not {type(value).__name__}"
        )
    fields: dict[str, Any] = {}
    write: dict[str, Any] = {}
    for key, item in value.items():
        name = snake_case(str(key))
        target = fields if name in _OPTION_FIELDS else write if name in WRITE_FIELDS else None
        if target is None:
            raise InvalidRequestError(
                f"unknown streaming option {key!r}",
                hint="See StreamingOptions for the names (snake_case or camelCase).",
            )
        if name in target:
            raise InvalidRequestError(f"streaming option {name!r} is given twice")
        target[name] = item
    try:
        return StreamingOptions(**fields), write
    except TypeError as exc:  # a wrong type attrs could not convert
        raise InvalidRequestError(f"invalid streaming options: {exc}") from exc


def resolve_options(
    options: StreamingOptions | Mapping[str, Any] | None,
    *,
    hooks: StreamHooks | Mapping[str, Any] | None,
    graph: GraphSync | None,
    write: Mapping[str, Any],
) -> tuple[StreamingOptions, StreamHooks, WriteOptions]:
    """The options of one `remember_stream` call, from its arguments."""
    resolved, write_in_options = split_options(options)
    if hooks is not None and resolved.hooks is not None:
        raise InvalidRequestError("hooks are given both as hooks= and in options")
    if graph is not None:
        if resolved.graph is not None:
            raise InvalidRequestError("a graph is given both as graph= and in options")
        resolved = attrs.evolve(resolved, graph=graph)
    final_hooks = StreamHooks.coerce(hooks) if hooks is not None else resolved.hooks
    given = {
        k: v for k, v in write.items() if v is not None and not (k == "eval_mode" and v is False)
    }
    clash = set(given) & set(write_in_options)
    if clash:
        raise InvalidRequestError(
            f"{', '.join(sorted(clash))} given both as keyword and in options"
        )
    return resolved, final_hooks or StreamHooks(), WriteOptions(**write_in_options, **given)
