"""remember_stream end to end in the four modes: embedded sync/async, and the HTTP clients against
the real local server. Progressive storage, hooks, facts, chunks, write options and graph."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from cml.graph import GraphSyncError, SQLiteGraphSync
from cml.streaming import (
    AsyncRememberStream,
    ChunkEvent,
    ProgressEvent,
    StreamCompleteEvent,
    StreamErrorEvent,
    StreamHooks,
    StreamingOptions,
    areassemble,
    reassemble,
)

from ._remember_support import ANSWER, Env, env, wait_until, words

__all__ = ["env"]  # the fixture, imported for pytest


async def read_back(env: Env, target: Any) -> str:
    if env.is_async:
        return await areassemble(env.client, target)
    return reassemble(env.client, target)


async def test_chunks_reach_the_caller_unchanged_and_the_exchange_is_stored(env: Env) -> None:
    chunks = words()
    got, result = await env.run(chunks)

    assert got == chunks
    assert result.completed
    assert result.full_response == ANSWER
    assert result.errors == ()
    assert result.answer_memory_id is not None
    assert result.user_memory_id is not None
    answer = await env.detail(result.answer_memory_id)
    user = await env.detail(result.user_memory_id)
    assert answer["text"] == ANSWER
    assert answer["metadata"]["partial"] is False
    assert answer["metadata"]["stream_id"] == result.stream_id
    assert answer["metadata"]["user_memory_id"] == str(result.user_memory_id)
    assert answer["context_tags"] == ["conversation", "assistant_response"]
    assert user["text"] == "Tell me about Alice."
    assert user["context_tags"] == ["conversation", "user_input"]
    assert user["metadata"]["role"] == "user"
    assert result.metrics.total_chunks == len(chunks)
    assert result.metrics.total_chars == len(ANSWER)
    assert result.metrics.estimated_tokens == len(ANSWER) // 4


async def test_progressive_storage_is_visible_while_the_stream_flows(env: Env) -> None:
    chunks = words()
    stream = env.open(
        env.source(chunks),
        options=StreamingOptions(store_partial_response=True, partial_update_interval=0.001),
    )
    seen: dict[str, Any] = {}

    async def after(index: int, _chunk: Any) -> None:
        if index == 4:
            answer_id = await wait_until(lambda: stream.answer_memory_id, what="partial memory")

            async def partial_in_read() -> Any:
                found = await env.call("read", "capital", max_results=10)
                return [m for m in found.memories if m.id == answer_id]

            item = (await wait_until(partial_in_read, what="read() to find it"))[0]
            seen["read"] = item
        if index == 10:
            so_far = "".join(chunks[:11])

            async def grown() -> Any:
                detail = await env.detail(stream.answer_memory_id)
                return detail if detail["text"] == so_far else None

            seen["grown"] = await wait_until(grown, what="a partial update with 11 chunks")

    await env.drain(stream, after)
    result = stream.result

    assert seen["read"].metadata["partial"] is True
    assert seen["read"].metadata["stream_id"] == result.stream_id
    assert ANSWER.startswith(seen["read"].text)
    assert seen["grown"]["metadata"]["partial"] is True
    final = await env.detail(result.answer_memory_id)
    assert final["text"] == ANSWER
    assert final["metadata"]["partial"] is False
    assert final["metadata"]["incomplete"] is False
    assert result.metrics.partial_updates >= 2
    assert len(result.partial_updates) == result.metrics.partial_updates
    assert all(ANSWER.startswith(ANSWER[: u.length]) for u in result.partial_updates)
    lengths = [u.length for u in result.partial_updates]
    assert lengths == sorted(lengths)


async def test_hooks_get_every_event_and_a_failing_hook_breaks_nothing(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    chunk_events: list[ChunkEvent] = []
    phases: list[str] = []
    completed: list[StreamCompleteEvent] = []

    def on_chunk(event: ChunkEvent) -> None:
        chunk_events.append(event)
        if event.chunk_number == 3:
            raise RuntimeError("a hook bug")

    async def on_progress(event: ProgressEvent) -> None:  # async hooks work in every mode
        phases.append(event.current_phase)

    hooks = {"onChunk": on_chunk, "on_progress": on_progress, "onComplete": completed.append}
    chunks = words()
    with caplog.at_level(logging.WARNING, logger="cml"):
        got, result = await env.run(
            chunks, hooks=hooks, options={"progressive_fact_extraction": True}
        )

    assert got == chunks
    assert result.completed
    assert [e.chunk_number for e in chunk_events] == list(range(1, len(chunks) + 1))
    assert [e.chunk for e in chunk_events] == chunks
    assert all(e.accumulated is None for e in chunk_events)  # bounded: no O(n) copies
    assert chunk_events[-1].total_chars == len(ANSWER)
    assert "streaming" in phases
    assert "fact-extraction" in phases
    assert phases[-1] == "finalization"
    assert len(completed) == 1
    assert completed[0].full_response == ANSWER
    assert completed[0].answer_memory_id == result.answer_memory_id
    assert completed[0].total_chunks == len(chunks)
    assert any("a hook bug" in record.getMessage() for record in caplog.records)


async def test_facts_are_extracted_progressively_and_stored_once(env: Env) -> None:
    progress: list[ProgressEvent] = []
    got, result = await env.run(
        words(),
        options=StreamingOptions(
            progressive_fact_extraction=True,
            fact_extraction_threshold=20,
            store_partial_response=True,
            partial_update_interval=0.001,
            hooks=StreamHooks(on_progress=progress.append),
        ),
    )

    keys = [stored.fact.key for stored in result.facts]
    assert len(keys) == len(set(keys))
    assert "alice|lives_in|paris" in keys
    assert "bob|likes|sushi" in keys
    # Progressive: several extraction passes ran before the end of the stream.
    extraction_chunks = [e.chunks for e in progress if e.current_phase == "fact-extraction"]
    assert len(extraction_chunks) >= 3
    assert extraction_chunks[0] < len(got)
    stored = await env.stream_memories(result.stream_id)
    fact_memories = [m for m in stored if m["metadata"]["role"] == "fact"]
    # "Alice lives in Paris." is said twice and stored once; finalizing added no copies.
    assert sorted(m["text"] for m in fact_memories) == sorted(s.fact.text for s in result.facts)
    assert [m["text"] for m in fact_memories].count("Alice lives in Paris.") == 1
    assert {m["type"] for m in fact_memories} == {"semantic_fact"}
    assert {m["metadata"]["answer_memory_id"] for m in fact_memories} == {
        str(result.answer_memory_id)
    }
    assert set(result.fact_memory_ids) == {s.memory_id for s in result.facts}
    assert result.metrics.facts_extracted == len(result.facts)


async def test_every_write_option_applies_to_every_stored_memory(env: Env) -> None:
    when = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
    _got, result = await env.run(
        words(),
        session_id="session-7",
        context_tags=["project-x"],
        memory_type="conversation",
        namespace="team-a",
        metadata={"source": "unit-test"},
        agent_id="agent-42",
        turn_id="turn-3",
        timestamp=when,
        options={
            "chunking_strategy": "sentence",
            "chunk_size": 2,
            "progressive_fact_extraction": True,
        },
    )
    stored = await env.stream_memories(result.stream_id)
    roles = sorted(m["metadata"]["role"] for m in stored)
    assert roles.count("user") == 1
    assert roles.count("fact") == len(result.facts) >= 2
    assert len(result.chunk_memory_ids) >= 2
    assert len(stored) == 2 + len(result.chunk_memory_ids) + len(result.facts)
    for memory in stored:
        assert "project-x" in memory["context_tags"], memory
        assert memory["namespace"] == "team-a"
        assert memory["metadata"]["source"] == "unit-test"
        assert memory["provenance"]["agent_id"] == "agent-42"
        assert memory["provenance"]["turn_id"] == "turn-3"
        assert memory["source_session_id"] == "session-7"
        assert datetime.fromisoformat(memory["timestamp"]) == when
        expected_type = "semantic_fact" if memory["metadata"]["role"] == "fact" else "conversation"
        assert memory["type"] == expected_type


async def test_openai_style_chunks_are_passed_on_as_objects(env: Env) -> None:
    def delta(content: str | None) -> SimpleNamespace:
        return SimpleNamespace(choices=[SimpleNamespace(delta=SimpleNamespace(content=content))])

    chunks: list[Any] = [
        delta(None),
        delta("Alice lives "),
        {"choices": [{"delta": {"content": "in Paris."}}]},
    ]
    got, result = await env.run(chunks)

    assert [id(c) for c in got] == [id(c) for c in chunks]
    assert result.full_response == "Alice lives in Paris."
    assert (await env.detail(result.answer_memory_id))["text"] == "Alice lives in Paris."


async def test_chunked_answers_read_back_in_order(env: Env) -> None:
    text = ANSWER * 3
    _got, result = await env.run(
        words(text),
        options={"chunking_strategy": "sentence", "chunk_size": 2, "chunk_overlap": 1},
    )
    assert result.chunked
    assert result.full_response is None  # chunked storage keeps memory bounded
    assert len(result.chunk_memory_ids) >= 5

    details = [await env.detail(i) for i in result.chunk_memory_ids]
    infos = [d["metadata"]["stream_chunk"] for d in details]
    assert [i["index"] for i in infos] == list(range(len(infos)))
    assert all(d["metadata"]["stream_id"] == result.stream_id for d in details)
    assert all(d["metadata"]["answer_memory_id"] == str(result.answer_memory_id) for d in details)
    assert infos[0]["previous_chunk_id"] is None
    assert [i["previous_chunk_id"] for i in infos[1:]] == [
        str(i) for i in result.chunk_memory_ids[:-1]
    ]
    # Concatenated in index order, overlaps removed, whitespace restored: the whole answer.
    rebuilt, end = "", 0
    for detail, info in zip(details, infos, strict=True):
        assert detail["text"] == text[info["start"] : info["end"]]
        rebuilt += (
            info["gap"] + detail["text"]
            if info["start"] >= end
            else detail["text"][end - info["start"] :]
        )
        end = max(end, info["end"])
    head = await env.detail(result.answer_memory_id)
    assert rebuilt + head["metadata"]["chunked"]["trailing"] == text
    assert head["metadata"]["chunked"]["count"] == len(details)
    assert head["metadata"]["partial"] is False
    assert await read_back(env, result) == text
    assert await read_back(env, result.answer_memory_id) == text  # walking the links from the head


async def test_answers_longer_than_one_memory_switch_to_chunks_by_themselves(env: Env) -> None:
    text = ANSWER * 4
    _got, result = await env.run(
        words(text), options={"max_single_memory_size": 300, "store_partial_response": True}
    )
    assert result.completed
    assert result.chunked
    assert result.errors == ()
    assert len(result.chunk_memory_ids) >= 1
    for memory_id in result.chunk_memory_ids:
        assert len((await env.detail(memory_id))["text"]) <= 300
    assert await read_back(env, result) == text


async def test_graph_sync_defaults_to_the_embedded_store_and_is_off_over_http(env: Env) -> None:
    _got, result = await env.run(words(), options={"progressive_fact_extraction": True})
    graph = SQLiteGraphSync(env.engine.store.path)
    try:
        node = graph.node("Memory", str(result.answer_memory_id))
        facts = graph.nodes("Fact")
    finally:
        graph.close()
    # Embedded mode syncs to the SQLite graph in the store's own file; HTTP mode has no default.
    assert [e.phase for e in result.graph_syncs] == ([] if env.http else ["finalize"])
    assert all(e.ok for e in result.graph_syncs)
    assert (node is None) is env.http
    assert len(facts) == (0 if env.http else len(result.facts))
    assert len(result.facts) >= 2
    if node is not None:
        assert node["properties"]["partial"] is False
        assert node["properties"]["stream_id"] == result.stream_id


async def test_progressive_graph_sync_to_a_given_graph(env: Env) -> None:
    graph = SQLiteGraphSync(env.tmp / "graph.db")
    try:
        _got, result = await env.run(
            words(),
            graph=graph,
            options={
                "progressive_graph_sync": True,
                "graph_update_interval": 0.001,
                "store_partial_response": True,
                "partial_update_interval": 0.001,
                "progressive_fact_extraction": True,
                "fact_extraction_threshold": 20,
            },
        )
        phases = [e.phase for e in result.graph_syncs]
        assert phases[0] == "create"
        assert phases[-1] == "finalize"
        assert "facts" in phases
        assert all(e.ok for e in result.graph_syncs)
        assert result.metrics.graph_syncs == len(result.graph_syncs)
        node = graph.node("Memory", str(result.answer_memory_id))
        assert node is not None
        assert node["properties"]["partial"] is False
        assert len(graph.nodes("Fact")) == len(result.facts)
    finally:
        graph.close()


class BrokenGraph:
    name = "broken"

    def __init__(self) -> None:
        self.calls = 0

    def merge(self, nodes: Any, edges: Any) -> Any:
        self.calls += 1
        raise GraphSyncError(self.name, "the graph database is down")

    def close(self) -> None:
        pass


async def test_graph_failures_are_reported_not_just_logged(env: Env) -> None:
    errors: list[StreamErrorEvent] = []
    graph = BrokenGraph()
    got, result = await env.run(
        words(),
        graph=graph,
        hooks={"on_error": errors.append},
        options={"progressive_graph_sync": True, "store_partial_response": True},
    )
    assert got == words()
    assert result.completed  # the stream and the memories are fine
    assert (await env.detail(result.answer_memory_id))["text"] == ANSWER
    assert graph.calls >= 2
    failed = [e for e in result.graph_syncs if not e.ok]
    assert len(failed) == graph.calls
    assert all("the graph database is down" in (e.error or "") for e in failed)
    assert [e.code for e in errors] == ["graph_sync_failed"] * graph.calls
    assert errors[0].context.phase == "graph-sync"
    assert [e.code for e in result.errors] == ["graph_sync_failed"] * graph.calls
    assert not result.ok


async def test_either_kind_of_source_works_with_either_client(env: Env) -> None:
    """A sync client given an async source, an async client given a sync one: both await."""
    from ._remember_support import asource, source

    other = source(words()) if env.is_async else asource(words())
    stream = env.open(other)
    assert isinstance(stream, AsyncRememberStream)
    result = await stream  # awaiting drains the stream and returns the result
    assert result.completed
    assert result.full_response == ANSWER
    assert (await env.detail(result.answer_memory_id))["text"] == ANSWER
    with pytest.raises(RuntimeError):
        _ = env.open(env.source(words())).result  # no result before the end


async def test_a_with_block_ends_the_stream(env: Env) -> None:
    chunks = words()
    got: list[Any] = []
    if env.is_async:
        async with env.open(env.source(chunks)) as stream:  # type: ignore[union-attr]
            async for chunk in stream:
                got.append(chunk)
                if len(got) == 3:
                    break
    else:
        with env.open(env.source(chunks)) as stream:  # type: ignore[union-attr]
            for chunk in stream:
                got.append(chunk)
                if len(got) == 3:
                    break
    assert stream.done
    assert stream.result.errors[-1].code == "cancelled"
    answer = await env.detail(stream.result.answer_memory_id)
    assert answer["text"] == "".join(chunks[:3])
    assert answer["metadata"]["incomplete"] is True
