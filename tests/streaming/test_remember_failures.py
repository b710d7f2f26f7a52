"""Failure injection in the four modes: a source that breaks, storage that fails, a server that
goes away; and the strategies that answer them (store-partial, rollback, retry, best-effort),
resume tokens included."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import attrs
import pytest
from scenarios.conftest import ADMIN_KEY, USER_KEY, LocalServer

import cml
from cml.streaming import (
    InMemoryResumeTokenStore,
    ResumableStreamError,
    ResumeTokenExpiredError,
    ResumeTokenInvalidError,
    ResumeTokenNotFoundError,
    SQLiteResumeTokenStore,
    StreamErrorEvent,
    StreamTimeoutError,
    StreamTooLongError,
    areassemble,
    reassemble,
)

from ._remember_support import ANSWER, Boom, Env, env, make_client, source, wait_until, words

__all__ = ["env"]

FAIL_AT = 9


async def read_back(env: Env, target: Any) -> str:
    if env.is_async:
        return await areassemble(env.client, target)
    return reassemble(env.client, target)


# --- the source fails ---------------------------------------------------------------------------


async def test_store_partial_keeps_what_arrived_marked_incomplete(env: Env) -> None:
    chunks = words()
    errors: list[StreamErrorEvent] = []
    got, _error, stream = await env.run_failing(
        env.source(chunks, fail_at=FAIL_AT),
        Boom,
        hooks={"on_error": errors.append},
        options={"partial_failure_handling": "store-partial", "store_partial_response": True},
    )
    arrived = "".join(chunks[:FAIL_AT])

    assert got == chunks[:FAIL_AT]
    result = stream.result
    assert not result.completed
    assert result.resume_token is None
    assert result.full_response == arrived
    answer = await env.detail(result.answer_memory_id)
    assert answer["text"] == arrived
    assert answer["metadata"]["partial"] is True
    assert answer["metadata"]["incomplete"] is True
    assert answer["metadata"]["error"]["type"] == "Boom"
    assert [e.code for e in result.errors] == ["source_failed"]
    assert [e.code for e in errors] == ["source_failed"]
    assert errors[0].partial_data_saved
    assert errors[0].context.chunk_number == FAIL_AT


async def test_store_partial_without_progressive_storage_still_keeps_it(env: Env) -> None:
    chunks = words()
    _got, _error, stream = await env.run_failing(env.source(chunks, fail_at=FAIL_AT), Boom)
    answer = await env.detail(stream.result.answer_memory_id)
    assert answer["text"] == "".join(chunks[:FAIL_AT])
    assert answer["metadata"]["incomplete"] is True


async def test_rollback_deletes_everything_the_stream_stored(env: Env) -> None:
    chunks = words(ANSWER * 2)
    got, _error, stream = await env.run_failing(
        env.source(chunks, fail_at=30),
        Boom,
        options={
            "partial_failure_handling": "rollback",
            "store_partial_response": True,
            "partial_update_interval": 0.001,
            "progressive_fact_extraction": True,
            "fact_extraction_threshold": 20,
            "chunking_strategy": "sentence",
            "chunk_size": 1,
            "generate_resume_token": True,  # rollback leaves nothing to resume
        },
    )
    result = stream.result
    assert len(got) == 30
    assert result.rolled_back
    assert result.resume_token is None
    assert result.answer_memory_id is None
    assert result.chunk_memory_ids == ()
    assert await env.memories() == []


async def test_resume_completes_one_memory_of_the_whole_answer(env: Env) -> None:
    chunks = words()
    options = {"generate_resume_token": True, "store_partial_response": True}
    _got, error, stream = await env.run_failing(
        env.source(chunks, fail_at=FAIL_AT), ResumableStreamError, options=options
    )
    assert isinstance(error, ResumableStreamError)
    assert isinstance(error.original_error, Boom)
    assert error.__cause__ is error.original_error
    token = error.resume_token
    assert re.fullmatch(r"resume_\d+_[0-9a-f]{32}", token)
    first = stream.result
    assert first.resume_token == token
    assert first.errors[-1].resume_token == token
    assert first.errors[-1].recoverable

    rest, result = await env.run(chunks[FAIL_AT:], resume_from=token, options=options)
    assert rest == chunks[FAIL_AT:]
    assert result.completed
    assert result.recovered
    assert result.resumed_from == token
    assert result.stream_id == first.stream_id
    assert result.answer_memory_id == first.answer_memory_id
    assert result.user_memory_id == first.user_memory_id
    assert result.full_response == ANSWER
    answer = await env.detail(result.answer_memory_id)
    assert answer["text"] == ANSWER
    assert answer["metadata"]["partial"] is False
    assert answer["metadata"]["incomplete"] is False
    assert answer["metadata"]["error"] is None
    # One exchange: the user message and one complete answer, no fragments.
    stored = await env.stream_memories(result.stream_id)
    assert sorted(m["metadata"]["role"] for m in stored) == ["assistant", "user"]
    # The token was used up.
    with pytest.raises(ResumeTokenNotFoundError):
        await env.run(chunks[FAIL_AT:], resume_from=token)


async def test_resume_of_a_chunked_answer_reads_back_whole(env: Env) -> None:
    text = ANSWER * 3
    chunks = words(text)
    options = {
        "generate_resume_token": True,
        "chunking_strategy": "fixed",
        "chunk_size": 60,
        "chunk_overlap": 10,
        "progressive_fact_extraction": True,
    }
    _got, error, stream = await env.run_failing(
        env.source(chunks, fail_at=40), ResumableStreamError, options=options
    )
    first = stream.result
    assert first.chunk_memory_ids
    _rest, result = await env.run(chunks[40:], resume_from=error.resume_token, options=options)  # type: ignore[attr-defined]

    assert result.completed
    assert result.answer_memory_id == first.answer_memory_id
    assert result.chunk_memory_ids[: len(first.chunk_memory_ids)] == first.chunk_memory_ids
    assert await read_back(env, result) == text
    assert await read_back(env, result.answer_memory_id) == text
    keys = [f.fact.key for f in (*first.facts, *result.facts)]
    assert len(keys) == len(set(keys))  # no fact stored twice across the resume


async def test_expired_and_tampered_tokens_raise_clear_errors(env: Env, tmp_path: Path) -> None:
    chunks = words()
    store = SQLiteResumeTokenStore(tmp_path / "tokens.db")
    try:
        options = {
            "generate_resume_token": True,
            "resume_store": store,
            "resume_token_lifetime": 0.001,
        }
        _, error, _ = await env.run_failing(
            env.source(chunks, fail_at=5), ResumableStreamError, options=options
        )
        await asyncio.sleep(0.01)
        with pytest.raises(ResumeTokenExpiredError):
            await env.run(chunks[5:], resume_from=error.resume_token, options=options)  # type: ignore[attr-defined]
        assert store.count() == 0  # the expired token was deleted

        options["resume_token_lifetime"] = 3600
        _got, error, _stream = await env.run_failing(
            env.source(chunks, fail_at=5), ResumableStreamError, options=options
        )
        token = error.resume_token  # type: ignore[attr-defined]
        state = store.load(token)
        assert state is not None
        store.save(attrs.evolve(state, text=state.text + "tampered"))
        with pytest.raises(ResumeTokenInvalidError):
            await env.run(chunks[5:], resume_from=token, options=options)
        assert store.count() == 0
        with pytest.raises(ResumeTokenInvalidError):
            await env.run(chunks[5:], resume_from="not-a-token", options=options)
    finally:
        store.close()


def test_resume_in_another_process_with_a_file_store(tmp_path: Path) -> None:
    db, tokens = tmp_path / "memory.db", tmp_path / "tokens.db"
    chunks = words()
    options = {"generate_resume_token": True, "resume_store_path": str(tokens)}
    with cml.EmbeddedCognitiveMemoryLayer(db, embedder="none") as memory:
        stream = memory.remember_stream(
            source(chunks, fail_at=FAIL_AT), user_message="Tell me about Alice.", options=options
        )
        with pytest.raises(ResumableStreamError) as caught:
            stream.consume()
        answer_id = stream.result.answer_memory_id
    script = textwrap.dedent(
        f"""
        import json, sys
        import cml
        with cml.EmbeddedCognitiveMemoryLayer({str(db)!r}, embedder="none") as memory:
            rest = json.loads(sys.argv[1])
            result = memory.remember_stream(
                rest, user_message="Tell me about Alice.", resume_from=sys.argv[2],
                options={{"resume_store_path": {str(tokens)!r}}},
            ).consume()
            print(result.answer_memory_id)
        """
    )
    import json

    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(chunks[FAIL_AT:]), caught.value.resume_token],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(answer_id)
    with cml.EmbeddedCognitiveMemoryLayer(db, embedder="none") as memory:
        detail = memory.dashboard_memory_detail(answer_id)
    assert detail["text"] == ANSWER
    assert detail["metadata"]["partial"] is False
    store = SQLiteResumeTokenStore(tokens)
    assert store.count() == 0
    store.close()


async def test_tokens_do_not_pile_up_in_the_default_store(env: Env) -> None:
    store = InMemoryResumeTokenStore()
    options = {"generate_resume_token": True, "resume_store": store}
    tokens = []
    for _ in range(3):
        _got, error, _stream = await env.run_failing(
            env.source(words(), fail_at=3), ResumableStreamError, options=options
        )
        tokens.append(error.resume_token)  # type: ignore[attr-defined]
    assert len(store) == 3
    for token in tokens:
        await env.run(words()[3:], resume_from=token, options=options)
    assert len(store) == 0


# --- storage fails -----------------------------------------------------------------------------


async def test_retry_really_retries_the_failed_storage_step(env: Env) -> None:
    calls = env.flaky("update", failures=2)
    errors: list[StreamErrorEvent] = []
    got, result = await env.run(
        words(),
        hooks={"on_error": errors.append},
        options={
            "partial_failure_handling": "retry",
            "max_retries": 3,
            "storage_retry_delay": 0.001,
            "store_partial_response": True,
        },
    )
    assert got == words()
    assert result.completed
    assert result.metrics.retries == 2
    assert len(calls) >= 3  # two failures, then the retried update went through
    assert [e.code for e in result.errors] == ["storage_failed", "storage_failed"]
    assert [e.context.attempt for e in result.errors] == [0, 1]
    assert all(e.recoverable for e in errors)
    assert result.recovered
    assert result.ok
    answer = await env.detail(result.answer_memory_id)
    assert answer["text"] == ANSWER
    assert answer["metadata"]["partial"] is False


async def test_retry_gives_up_after_max_retries(env: Env) -> None:
    calls = env.flaky("update", failures=1000)
    _, result = await env.run(
        words(),
        options={
            "partial_failure_handling": "retry",
            "max_retries": 2,
            "storage_retry_delay": 0.001,
        },
    )
    # No progressive storage: the answer is written at the end (a write, then no update).
    assert result.completed
    assert calls == []
    assert (await env.detail(result.answer_memory_id))["text"] == ANSWER
    calls2 = env.flaky("write", failures=1000)
    _got, result = await env.run(
        words(),
        options={
            "partial_failure_handling": "retry",
            "max_retries": 2,
            "storage_retry_delay": 0.001,
        },
    )
    assert len(calls2) == 2 * 3  # the user message and the answer, three tries each
    assert result.metrics.retries == 4
    assert not result.recovered
    assert result.answer_memory_id is None


async def test_best_effort_records_errors_and_completes(env: Env) -> None:
    env.flaky("update", failures=2)
    stream = env.open(
        env.source(words(), delay=0.005),  # slow enough for several partial updates
        options={
            "partial_failure_handling": "best-effort",
            "store_partial_response": True,
            "partial_update_interval": 0.001,
        },
    )
    got = await env.drain(stream)
    result = stream.result
    assert got == words()
    assert result.completed
    assert [e.code for e in result.errors] == ["storage_failed", "storage_failed"]
    assert result.metrics.errors == 2
    assert result.metrics.retries == 0
    assert not result.recovered
    assert (await env.detail(result.answer_memory_id))["text"] == ANSWER


async def test_rollback_on_a_storage_failure_deletes_and_keeps_streaming(env: Env) -> None:
    env.flaky("update", failures=1000)
    got, result = await env.run(
        words(),
        options={
            "partial_failure_handling": "rollback",
            "store_partial_response": True,
            "partial_update_interval": 0.001,
        },
    )
    assert got == words()  # the caller still gets the whole answer
    assert result.rolled_back
    assert result.completed
    assert result.errors[0].code == "storage_failed"
    assert not result.errors[0].recoverable
    assert await env.memories() == []


async def test_storage_never_delays_chunk_delivery(env: Env) -> None:
    """Storage blocked outright: every chunk still reaches the caller."""
    gate = threading.Event()
    original = env.client.write
    if env.is_async:

        async def blocked(*args: Any, **kwargs: Any) -> Any:
            await asyncio.to_thread(gate.wait, 30)
            return await original(*args, **kwargs)

    else:

        def blocked(*args: Any, **kwargs: Any) -> Any:
            gate.wait(30)
            return original(*args, **kwargs)

    env.client.write = blocked
    chunks = words()
    stream = env.open(env.source(chunks), options={"store_partial_response": True})
    delivered: list[Any] = []
    if env.is_async:
        async for chunk in stream:  # type: ignore[union-attr]
            delivered.append(chunk)
            if len(delivered) == len(chunks):
                break
    else:
        for chunk in stream:  # type: ignore[union-attr]
            delivered.append(chunk)
            if len(delivered) == len(chunks):
                break
    assert delivered == chunks
    assert not gate.is_set()  # all of it while storage was still blocked
    gate.set()
    result = await stream.consume() if env.is_async else stream.consume()  # type: ignore[union-attr,misc]
    assert (await env.detail(result.answer_memory_id))["text"] == ANSWER


# --- limits ------------------------------------------------------------------------------------


async def test_a_stalled_source_times_out_within_the_limit(env: Env) -> None:
    chunks = words()
    release = threading.Event()

    def stall(index: int) -> None:
        if index == 4:
            release.wait(30)

    async def astall() -> Any:
        for chunk in chunks[:4]:
            yield chunk
        await asyncio.sleep(30)

    stalled = astall() if env.is_async else source(chunks, before=stall)
    started = time.monotonic()
    try:
        got, error, stream = await env.run_failing(
            stalled, StreamTimeoutError, options={"total_timeout": 0.3}
        )
    finally:
        release.set()
    assert time.monotonic() - started < 5.0  # a correctness bound: the source never returns
    assert got == chunks[:4]
    assert error.total  # type: ignore[attr-defined]
    assert stream.result.errors[-1].code == "stream_timeout"
    answer = await env.detail(stream.result.answer_memory_id)
    assert answer["text"] == "".join(chunks[:4])
    assert answer["metadata"]["incomplete"] is True


async def test_chunk_timeout_applies_between_chunks(env: Env) -> None:
    got, error, _stream = await env.run_failing(
        env.source(words(), delay=0.3), StreamTimeoutError, options={"chunk_timeout": 0.1}
    )
    assert got == []
    assert not error.total  # type: ignore[attr-defined]


async def test_max_response_length_stops_the_stream(env: Env) -> None:
    chunks = words()
    got, _error, stream = await env.run_failing(
        env.source(chunks), StreamTooLongError, options={"max_response_length": 50}
    )
    delivered = "".join(got)
    assert len(delivered) <= 50
    assert len(delivered + chunks[len(got)]) > 50
    assert (await env.detail(stream.result.answer_memory_id))["text"] == delivered
    assert stream.result.errors[-1].code == "response_too_long"


async def test_closing_early_keeps_what_arrived(env: Env) -> None:
    chunks = words()
    stream = env.open(env.source(chunks))
    got: list[Any] = []
    if env.is_async:
        async for chunk in stream:  # type: ignore[union-attr]
            got.append(chunk)
            if len(got) == 5:
                break
        await stream.aclose()  # type: ignore[union-attr]
    else:
        for chunk in stream:  # type: ignore[union-attr]
            got.append(chunk)
            if len(got) == 5:
                break
        stream.close()  # type: ignore[union-attr]
    result = stream.result
    assert not result.completed
    assert result.errors[-1].code == "cancelled"
    assert (await env.detail(result.answer_memory_id))["text"] == "".join(chunks[:5])


# --- the server goes away (HTTP) ---------------------------------------------------------------


@pytest.mark.parametrize("asynchronous", [False, True], ids=["http", "http-async"])
async def test_server_going_away_is_surfaced_and_the_stream_resumes(
    asynchronous: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cml.engine.engine import Engine

    for name in ("CML_API_KEY", "CML_ADMIN_API_KEY", "CML_BASE_URL", "CML_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    mode = "http-async" if asynchronous else "http"
    engine = Engine(tmp_path / "memory.db", embedder="none")
    server = LocalServer.for_engine(engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY).__enter__()
    env = Env(make_client(mode, engine, server), mode, engine, server, tmp_path)
    chunks = words()
    errors: list[StreamErrorEvent] = []
    stopped = threading.Event()
    opened: list[Any] = []

    def answer_stored() -> bool:
        return bool(opened) and opened[0].answer_memory_id is not None

    def stop_server_when_stored(index: int) -> None:
        if index == 8:
            deadline = time.monotonic() + 10
            while not answer_stored() and time.monotonic() < deadline:
                time.sleep(0.005)
            server.__exit__(None, None, None)  # the server goes away mid-stream
            stopped.set()

    async def async_source() -> Any:
        for index, chunk in enumerate(chunks):
            if index == 15:
                raise Boom("the model's connection dropped too")
            if index == 8:
                await wait_until(answer_stored, what="the answer memory")
                server.__exit__(None, None, None)
                stopped.set()
            yield chunk

    try:
        stream_source = (
            async_source()
            if asynchronous
            else source(chunks, fail_at=15, before=stop_server_when_stored)
        )
        stream = env.open(
            stream_source,
            hooks={"on_error": errors.append},
            options={
                "store_partial_response": True,
                "partial_update_interval": 0.001,
                "generate_resume_token": True,
            },
        )
        opened.append(stream)
        with pytest.raises(ResumableStreamError) as caught:
            await env.drain(stream)
        error = caught.value
        assert stopped.is_set()
        first = stream.result
        assert first.answer_memory_id is not None  # stored before the server went away
        storage_errors = [e for e in first.errors if e.code == "storage_failed"]
        assert storage_errors, first.errors
        assert isinstance(storage_errors[0].error, cml.CMLConnectionError)
        assert [e.code for e in errors] == [e.code for e in first.errors]
        assert first.errors[-1].code == "source_failed"
        assert first.resume_token == error.resume_token  # type: ignore[attr-defined]
        await env.close()

        # The server comes back (same database, a new port): the stream is finished there.
        with LocalServer.for_engine(engine, api_key=USER_KEY, admin_api_key=ADMIN_KEY) as again:
            env2 = Env(make_client(mode, engine, again), mode, engine, again, tmp_path)
            try:
                _rest, result = await env2.run(
                    chunks[15:],
                    resume_from=error.resume_token,  # type: ignore[attr-defined]
                    options={"store_partial_response": True},
                )
                assert result.completed
                assert result.answer_memory_id == first.answer_memory_id
                answer = await env2.detail(result.answer_memory_id)
                assert answer["text"] == ANSWER
                assert answer["metadata"]["partial"] is False
            finally:
                await env2.close()
    finally:
        engine.close()
