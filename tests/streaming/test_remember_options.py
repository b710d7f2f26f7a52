"""StreamingOptions, StreamHooks and the write options: names, defaults, dicts, camelCase."""

from __future__ import annotations

from typing import Any

import pytest

import cml
from cml.streaming import StreamHooks, StreamingOptions, WriteOptions
from cml.streaming._options import resolve_options, snake_case, split_options


def test_defaults_are_cortexs() -> None:
    options = StreamingOptions()
    assert options.sync_to_graph is True
    assert options.progressive_graph_sync is False
    assert options.graph_sync_interval == 5000
    assert options.store_partial_response is False
    assert options.partial_response_interval == 3000
    assert options.progressive_fact_extraction is False
    assert options.fact_extraction_threshold == 500
    assert options.chunk_size is None
    assert options.chunking_strategy is None
    assert options.max_single_memory_size is None
    assert options.hooks is None
    assert options.partial_failure_handling is None
    assert options.max_retries == 3
    assert options.retry_delay == 1000
    assert options.generate_resume_token is False
    assert options.stream_timeout is None
    assert options.max_buffer_size == 10_000
    assert options.incremental_embeddings is False
    assert options.enable_adaptive_processing is False
    assert options.max_response_length is None
    # Derived: what None means.
    assert options.failure_strategy == "store-partial"
    assert options.single_memory_limit == 100_000
    assert options.resume_token_ttl == 3_600_000


def test_a_camel_case_dict_is_accepted() -> None:
    def on_chunk(event: Any) -> None:
        pass

    options, write = split_options(
        {
            "storePartialResponse": True,
            "partialResponseInterval": 250,
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
    assert options.partial_response_interval == 250
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
        {"partialResponseIntervall": 5},
        {"partial_failure_handling": "retry-forever"},
        {"max_retries": -1},
        {"partial_response_interval": 0},
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
