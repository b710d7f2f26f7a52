"""StreamingOptions, StreamHooks and the write options: names, defaults, dicts, camelCase,
durations in seconds, and the deprecated millisecond names."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import cml
from cml.streaming import StreamHooks, StreamingOptions
from cml.streaming._hooks import WriteOptions, snake_case
from cml.streaming._options import resolve_options, split_options


def test_defaults_are_cortexs_in_seconds() -> None:
    options = StreamingOptions()
    assert options.sync_to_graph is True
    assert options.progressive_graph_sync is False
    assert options.graph_update_interval == 5.0
    assert options.store_partial_response is False
    assert options.partial_update_interval == 3.0
    assert options.progressive_fact_extraction is False
    assert options.fact_extraction_threshold == 500
    assert options.chunk_size is None
    assert options.chunking_strategy is None
    assert options.max_single_memory_size is None
    assert options.hooks is None
    assert options.partial_failure_handling is None
    assert options.max_retries == 3
    assert options.storage_retry_delay == 1.0
    assert options.generate_resume_token is False
    assert options.total_timeout is None
    assert options.chunk_timeout is None
    assert options.max_buffer_size == 10_000
    assert options.enable_adaptive_processing is False
    assert options.max_response_length is None
    # Derived: what None means.
    assert options.failure_strategy == "store-partial"
    assert options.single_memory_limit == 100_000
    assert options.resume_token_lifetime == 3600.0


@pytest.mark.parametrize(
    "name",
    [
        "partial_update_interval",
        "storage_retry_delay",
        "resume_token_lifetime",
        "total_timeout",
        "chunk_timeout",
        "graph_update_interval",
    ],
)
def test_durations_are_seconds_or_a_timedelta(name: str) -> None:
    assert getattr(StreamingOptions(**{name: 2.5}), name) == 2.5
    assert getattr(StreamingOptions(**{name: timedelta(milliseconds=250)}), name) == 0.25
    options, _write = split_options({snake_to_camel(name): timedelta(minutes=1)})
    assert getattr(options, name) == 60.0


def snake_to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("partial_response_interval", "partial_update_interval"),
        ("retry_delay", "storage_retry_delay"),
        ("resume_token_ttl", "resume_token_lifetime"),
        ("stream_timeout", "total_timeout"),
        ("idle_timeout", "chunk_timeout"),
        ("graph_sync_interval", "graph_update_interval"),
    ],
)
def test_millisecond_names_still_work_converted_with_a_warning(old: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=f"{old} .*deprecated; use {new}") as caught:
        options = StreamingOptions(**{old: 1500})
    assert getattr(options, new) == 1.5
    assert caught[0].filename == __file__  # points at the caller's line, not at py-cml
    with pytest.warns(DeprecationWarning, match=f"use {new}"):
        from_dict, _write = split_options({snake_to_camel(old): 250})  # Cortex's camelCase
    assert getattr(from_dict, new) == 0.25
    with pytest.warns(DeprecationWarning, match=f"use {new}"):
        assert getattr(StreamingOptions(**{old: timedelta(seconds=2)}), new) == 2.0
    with (
        pytest.warns(DeprecationWarning, match=f"use {new}"),
        pytest.raises(cml.InvalidRequestError),
    ):
        StreamingOptions(**{old: 1500, new: 7.0})  # both, disagreeing


def test_a_deprecated_name_does_not_come_back_through_evolve() -> None:
    import warnings

    import attrs

    with pytest.warns(DeprecationWarning, match="use total_timeout"):
        options = StreamingOptions(stream_timeout=300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evolved = attrs.evolve(options, max_retries=1)
    assert evolved.total_timeout == 0.3
    assert evolved == StreamingOptions(total_timeout=0.3, max_retries=1)


@pytest.mark.parametrize("value", [True, False])
def test_incremental_embeddings_is_deprecated_as_having_no_effect(value: bool) -> None:
    with pytest.warns(DeprecationWarning, match="incremental_embeddings .*no effect"):
        options = StreamingOptions(incremental_embeddings=value)
    assert options == StreamingOptions()
    with pytest.warns(DeprecationWarning, match="no effect"):
        split_options({"incrementalEmbeddings": value})


def test_a_camel_case_dict_is_accepted() -> None:
    def on_chunk(event: Any) -> None:
        pass

    options, write = split_options(
        {
            "storePartialResponse": True,
            "partialUpdateInterval": 0.25,
            "partialFailureHandling": "retry",
            "maxRetries": 5,
            "generateResumeToken": True,
            "chunkingStrategy": "paragraph",
            "chunkSize": 3,
            "maxSingleMemorySize": 50_000,
            "enableAdaptiveProcessing": True,
            "hooks": {"onChunk": on_chunk},
            "contextTags": ["a"],
        }
    )
    assert options.store_partial_response is True
    assert options.partial_update_interval == 0.25
    assert options.partial_failure_handling == "retry"
    assert options.max_retries == 5
    assert options.generate_resume_token is True
    assert options.chunking_config().strategy == "paragraph"
    assert options.chunking_config().max_chunk_size == 3
    assert options.single_memory_limit == 50_000
    assert options.enable_adaptive_processing is True
    assert options.hooks == StreamHooks(on_chunk=on_chunk)
    assert write == {"context_tags": ["a"]}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("partialResponseInterval", "partial_response_interval"),
        ("syncToGraph", "sync_to_graph"),
        ("max_retries", "max_retries"),
        ("streamTimeout", "stream_timeout"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


@pytest.mark.parametrize(
    "options",
    [
        {"partialUpdateIntervall": 5},
        {"partial_failure_handling": "retry-forever"},
        {"max_retries": -1},
        {"partial_update_interval": 0},
        {"total_timeout": timedelta(seconds=-1)},
        {"chunk_timeout": "soon"},
        {"max_single_memory_size": 100_001},
        {"chunking_strategy": "words"},
        {"chunking_strategy": "fixed", "chunk_size": 10, "chunk_overlap": 10},
        {"hooks": {"onChunck": print}},
        {"hooks": {"on_chunk": "not callable"}},
        {"max_retries": 2, "maxRetries": 3},
    ],
)
def test_bad_options_raise_a_clear_error_not_a_type_error(options: dict[str, Any]) -> None:
    with pytest.raises(cml.InvalidRequestError):
        split_options(options)


def test_failure_strategies_accept_underscores() -> None:
    assert StreamingOptions(partial_failure_handling="best_effort").failure_strategy == (  # type: ignore[arg-type]
        "best-effort"
    )


def test_chunk_size_alone_means_fixed_characters() -> None:
    assert StreamingOptions(chunk_size=800).chunking_config().strategy == "fixed"
    assert StreamingOptions(chunking_strategy="token").chunking_config().max_chunk_size == 1000
    # A long answer without any chunking option is cut by tokens once it outgrows one memory.
    assert StreamingOptions().chunking_config().strategy == "token"
    assert not StreamingOptions().chunked_from_start


def test_resolve_merges_keywords_hooks_and_graph() -> None:
    hooks = {"on_complete": print}
    options, resolved_hooks, write = resolve_options(
        {"store_partial_response": True, "namespace": "n1"},
        hooks=hooks,
        graph=None,
        write={"context_tags": ["t"], "eval_mode": False, "agent_id": None},
    )
    assert options.store_partial_response
    assert resolved_hooks.on_complete is print
    assert write == WriteOptions(context_tags=["t"], namespace="n1")  # type: ignore[arg-type]
    with pytest.raises(cml.InvalidRequestError):
        resolve_options({"namespace": "a"}, hooks=None, graph=None, write={"namespace": "b"})
    with pytest.raises(cml.InvalidRequestError):
        resolve_options({"hooks": hooks}, hooks=hooks, graph=None, write={})
    with pytest.raises(cml.InvalidRequestError):
        StreamingOptions.coerce({"namespace": "a"})  # a write option, not a streaming one


def test_write_options_round_trip_through_json() -> None:
    from datetime import UTC, datetime

    write = WriteOptions(
        context_tags=["a", "b"],  # type: ignore[arg-type]
        memory_type="preference",
        namespace="ns",
        metadata={"k": [1, 2]},
        turn_id="t",
        agent_id="ag",
        timestamp=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        eval_mode=True,
        session_id="s",
    )
    assert WriteOptions.from_json(write.to_json()) == write
    with pytest.raises(cml.InvalidRequestError):
        WriteOptions(memory_type="not-a-type")
    with pytest.raises(cml.InvalidRequestError):
        WriteOptions(context_tags="one-string")  # type: ignore[arg-type]


def test_remember_stream_checks_its_arguments_at_once() -> None:
    memory = cml.EmbeddedCognitiveMemoryLayer(":memory:", embedder="none")
    try:
        with pytest.raises(cml.InvalidRequestError):
            memory.remember_stream("a whole string", user_message="q")
        with pytest.raises(cml.InvalidRequestError):
            memory.remember_stream(["a"], user_message=None)  # type: ignore[arg-type]
        with pytest.raises(cml.InvalidRequestError):
            memory.remember_stream(["a"], user_message="q", options={"bogus": 1})
        with pytest.raises(cml.InvalidRequestError):
            memory.remember_stream(["a"], user_message="q", memory_type="nope")  # type: ignore[arg-type]
    finally:
        memory.close()


# --- durations take effect in seconds ---------------------------------------------------------


def test_update_intervals_are_seconds_on_the_streams_clock() -> None:
    from cml.streaming._intake import Intake
    from cml.streaming._ops import Tick

    from ._remember_support import FakeClock

    clock = FakeClock()
    options = StreamingOptions(
        store_partial_response=True,
        partial_update_interval=0.5,
        progressive_graph_sync=True,
        graph_update_interval=timedelta(seconds=2),
        clock=clock,
    )
    intake = Intake(options, StreamHooks(), prefix=None, prefix_chars=0, chunk_base=0)
    intake.metrics.start(clock())
    partial: list[float] = []
    graph: list[float] = []
    for _ in range(40):  # 4 s of chunks, one every 0.1 s
        clock.advance(0.1)
        message = intake.accept("word ", clock())
        if isinstance(message, Tick):
            if message.partial:
                partial.append(round(message.now - 1000.0, 1))
            if message.graph:
                graph.append(round(message.now - 1000.0, 1))
    assert partial == [0.1, 0.6, 1.1, 1.6, 2.1, 2.6, 3.1, 3.6]
    assert graph == [0.1, 2.1]


def test_retry_delays_are_seconds_doubling() -> None:
    from cml.streaming._options import resolve_options as resolve
    from cml.streaming._resume import InMemoryResumeTokenStore
    from cml.streaming._setup import Setup, begin

    from ._remember_support import FakeStore

    options, hooks, write = resolve(
        {
            "partial_failure_handling": "retry",
            "max_retries": 2,
            "storage_retry_delay": timedelta(milliseconds=250),
        },
        hooks=None,
        graph=None,
        write={},
    )
    setup = Setup(options, hooks, write, "q", None)
    _intake, processor, _graph, _owned = begin(FakeStore(), setup, InMemoryResumeTokenStore(), None)
    assert processor.next_op() is not None  # writing the user message
    error = RuntimeError("the store is down")
    assert processor.failed(error, 0) == 0.25
    assert processor.failed(error, 1) == 0.5
    assert processor.failed(error, 2) is None  # max_retries reached: given up
