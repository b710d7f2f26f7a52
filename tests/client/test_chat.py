"""chat(): recall, ask the LLM, remember the exchange; and the `cml.llm` adapters."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import respx

import cml
from cml.llm import openai_chat, openai_chat_async

from ._support import API_KEY, BASE_URL, read_json, run

CONTEXT = "# Retrieved Memory Context\n\n## Known Facts\n- User is vegetarian (confidence: 0.90)\n"
TURN = {"memory_context": CONTEXT, "memories_retrieved": 1, "memories_stored": 2}


@pytest.fixture
def routes(api: respx.MockRouter) -> SimpleNamespace:
    return SimpleNamespace(
        read=api.post("/api/v1/memory/read").mock(
            return_value=httpx.Response(200, json=read_json("q", llm_context=CONTEXT))
        ),
        turn=api.post("/api/v1/memory/turn").mock(return_value=httpx.Response(200, json=TURN)),
    )


class Recorder:
    """An llm callable that records the messages it got and answers with `reply(messages)`."""

    def __init__(self, reply: Any) -> None:
        self.reply = reply
        self.calls: list[list[dict[str, str]]] = []

    def __call__(self, messages: list[dict[str, str]]) -> Any:
        self.calls.append(messages)
        return self.reply()


def _turn_body(routes: SimpleNamespace) -> Any:
    assert routes.turn.call_count == 1
    return json.loads(routes.turn.calls[0].request.content)


def _check_messages(
    messages: list[dict[str, str]], user: str, system_prompt: str | None = None
) -> None:
    assert [m["role"] for m in messages] == ["system", "user"]
    assert CONTEXT.strip() in messages[0]["content"]
    if system_prompt is not None:
        assert messages[0]["content"].startswith(system_prompt)
    assert messages[1]["content"] == user


class TestChatBothClients:
    async def test_callable_returning_text(self, client: Any, routes: SimpleNamespace) -> None:
        llm = Recorder(lambda: "Try the lentil soup.")
        result = await run(client.chat("What should I cook?", llm, session_id="s-1"))
        assert isinstance(result, cml.ChatResponse)
        assert result.text == "Try the lentil soup."
        assert str(result) == "Try the lentil soup."
        assert result.memory_context == CONTEXT
        assert len(llm.calls) == 1
        _check_messages(llm.calls[0], "What should I cook?")
        read_body = json.loads(routes.read.calls[0].request.content)
        assert read_body["format"] == "llm_context"
        assert read_body["query"] == "What should I cook?"
        assert _turn_body(routes) == {
            "user_message": "What should I cook?",
            "assistant_response": "Try the lentil soup.",
            "session_id": "s-1",
            "max_context_tokens": 1500,
        }

    async def test_callable_returning_a_generator_of_chunks(
        self, client: Any, routes: SimpleNamespace
    ) -> None:
        def chunks() -> Iterator[str]:
            yield "Try "
            yield "the "
            yield "soup."

        llm = Recorder(chunks)
        result = await run(
            client.chat("Dinner?", llm, system_prompt="You are terse.", max_results=3)
        )
        assert result.text == "Try the soup."
        _check_messages(llm.calls[0], "Dinner?", system_prompt="You are terse.")
        assert json.loads(routes.read.calls[0].request.content)["max_results"] == 3
        assert _turn_body(routes)["assistant_response"] == "Try the soup."

    async def test_callable_returning_bytes(self, client: Any, routes: SimpleNamespace) -> None:
        result = await run(client.chat("hi", lambda messages: "Grüß dich".encode()))
        assert result.text == "Grüß dich"
        assert _turn_body(routes)["assistant_response"] == "Grüß dich"

    async def test_callable_returning_a_whole_completion_object(
        self, client: Any, routes: SimpleNamespace
    ) -> None:
        # Like an openai ChatCompletion (a pydantic model): it iterates over its fields.
        class IterableCompletion(_Completion):
            def __iter__(self) -> Iterator[tuple[str, Any]]:
                return iter(vars(self).items())

        result = await run(client.chat("hi", lambda messages: IterableCompletion("Whole answer")))
        assert result.text == "Whole answer"
        assert _turn_body(routes)["assistant_response"] == "Whole answer"

    async def test_llm_failure_stores_nothing(self, client: Any, routes: SimpleNamespace) -> None:
        def broken(messages: list[dict[str, str]]) -> str:
            raise RuntimeError("llm down")

        with pytest.raises(RuntimeError, match="llm down"):
            await run(client.chat("hi", broken))
        assert routes.turn.call_count == 0

    async def test_non_text_reply_is_a_type_error(
        self, client: Any, routes: SimpleNamespace
    ) -> None:
        with pytest.raises(TypeError, match="text or an iterable"):
            await run(client.chat("hi", lambda messages: 42))
        assert routes.turn.call_count == 0

    async def test_openai_chat_non_stream(self, client: Any, routes: SimpleNamespace) -> None:
        fake = FakeOpenAI(answer="Lentil soup.")
        result = await run(
            client.chat("Dinner?", openai_chat(fake, model="gpt-test", temperature=0.1))
        )
        assert result.text == "Lentil soup."
        (call,) = fake.chat.completions.calls
        assert call["model"] == "gpt-test"
        assert call["stream"] is False
        assert call["temperature"] == 0.1
        _check_messages(call["messages"], "Dinner?")
        assert _turn_body(routes)["assistant_response"] == "Lentil soup."

    async def test_openai_chat_stream(self, client: Any, routes: SimpleNamespace) -> None:
        fake = FakeOpenAI(answer="Lentil soup, again.")
        result = await run(client.chat("Dinner?", openai_chat(fake, model="gpt-test", stream=True)))
        assert result.text == "Lentil soup, again."
        assert fake.chat.completions.calls[0]["stream"] is True
        assert _turn_body(routes)["assistant_response"] == "Lentil soup, again."


class TestSyncChat:
    @pytest.mark.parametrize("which", ["coroutine", "async generator"])
    def test_async_llm_is_a_type_error_and_nothing_is_stored(
        self, api: respx.MockRouter, which: str
    ) -> None:
        api.post("/api/v1/memory/read").mock(
            return_value=httpx.Response(200, json=read_json("q", llm_context=CONTEXT))
        )
        turn = api.post("/api/v1/memory/turn").mock(return_value=httpx.Response(200, json=TURN))

        async def coroutine(messages: list[dict[str, str]]) -> str:
            return "never"

        async def agen(messages: list[dict[str, str]]) -> AsyncIterator[str]:
            yield "never"

        llm = coroutine if which == "coroutine" else agen
        with (
            cml.CognitiveMemoryLayer(api_key=API_KEY, base_url=BASE_URL) as client,
            pytest.raises(TypeError, match="AsyncCognitiveMemoryLayer"),
        ):
            client.chat("hi", llm)
        assert turn.call_count == 0


class TestAsyncChat:
    @pytest.fixture
    async def aclient(self, api: respx.MockRouter) -> AsyncIterator[cml.AsyncCognitiveMemoryLayer]:
        async with cml.AsyncCognitiveMemoryLayer(api_key=API_KEY, base_url=BASE_URL) as client:
            yield client

    async def test_async_callable(self, aclient: Any, routes: SimpleNamespace) -> None:
        seen: list[Any] = []

        async def llm(messages: list[dict[str, str]]) -> str:
            seen.append(messages)
            await asyncio.sleep(0)
            return "async answer"

        result = await aclient.chat("q?", llm)
        assert result.text == "async answer"
        _check_messages(seen[0], "q?")
        assert _turn_body(routes)["assistant_response"] == "async answer"

    async def test_async_generator(self, aclient: Any, routes: SimpleNamespace) -> None:
        async def llm(messages: list[dict[str, str]]) -> AsyncIterator[str]:
            for part in ("a", "b", "c"):
                await asyncio.sleep(0)
                yield part

        result = await aclient.chat("q?", llm)
        assert result.text == "abc"
        assert _turn_body(routes)["assistant_response"] == "abc"

    async def test_awaitable_returning_text(self, aclient: Any, routes: SimpleNamespace) -> None:
        def llm(messages: list[dict[str, str]]) -> asyncio.Future[str]:
            future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            future.set_result("from a future")
            return future

        result = await aclient.chat("q?", llm)
        assert result.text == "from a future"
        assert _turn_body(routes)["assistant_response"] == "from a future"

    async def test_awaitable_returning_an_async_stream(
        self, aclient: Any, routes: SimpleNamespace
    ) -> None:
        async def parts() -> AsyncIterator[str]:
            yield "x"
            yield "y"

        async def llm(messages: list[dict[str, str]]) -> AsyncIterator[str]:
            return parts()

        result = await aclient.chat("q?", llm)
        assert result.text == "xy"

    async def test_sync_callable_works_too(self, aclient: Any, routes: SimpleNamespace) -> None:
        result = await aclient.chat("q?", lambda messages: iter(["p", "q"]))
        assert result.text == "pq"

    @pytest.mark.parametrize("stream", [False, True])
    async def test_openai_chat_async(
        self, aclient: Any, routes: SimpleNamespace, stream: bool
    ) -> None:
        fake = FakeAsyncOpenAI(answer="Async soup.")
        result = await aclient.chat("Dinner?", openai_chat_async(fake, model="m", stream=stream))
        assert result.text == "Async soup."
        (call,) = fake.chat.completions.calls
        assert call["stream"] is stream
        _check_messages(call["messages"], "Dinner?")
        assert _turn_body(routes)["assistant_response"] == "Async soup."


# -- fake OpenAI-like clients: plain classes with .chat.completions.create -------------------


class _Message:
    def __init__(self, content: str) -> None:
        self.content = content


class _Choice:
    def __init__(self, content: str, *, delta: bool) -> None:
        if delta:
            self.delta = _Message(content)
        else:
            self.message = _Message(content)


class _Completion:
    def __init__(self, content: str, *, delta: bool = False) -> None:
        self.choices = [_Choice(content, delta=delta)]


def _split(answer: str) -> list[str]:
    words = answer.split(" ")
    return [w + " " for w in words[:-1]] + [words[-1]]


class _Completions:
    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.calls: list[dict[str, Any]] = []

    def create(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        if kwargs.get("stream"):
            # The last chunk of an OpenAI stream has an empty delta.
            return iter(
                [
                    *(_Completion(p, delta=True) for p in _split(self.answer)),
                    _Completion("", delta=True),
                ]
            )
        return _Completion(self.answer)


class FakeOpenAI:
    def __init__(self, answer: str) -> None:
        self.chat = SimpleNamespace(completions=_Completions(answer))


class _AsyncCompletions(_Completions):
    async def create(self, **kwargs: Any) -> Any:  # type: ignore[override]
        self.calls.append(kwargs)
        if kwargs.get("stream"):
            return self._stream()
        return _Completion(self.answer)

    async def _stream(self) -> AsyncIterator[_Completion]:
        for part in _split(self.answer):
            yield _Completion(part, delta=True)


class FakeAsyncOpenAI:
    def __init__(self, answer: str) -> None:
        self.chat = SimpleNamespace(completions=_AsyncCompletions(answer))


def test_importing_cml_does_not_import_openai(tmp_path: Path) -> None:
    # A stand-in `openai` that would be found if anything imported it.
    package = tmp_path / "openai"
    package.mkdir()
    (package / "__init__.py").write_text("IMPORTED = True\n", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
    }
    probe = (
        "import importlib.util, sys\n"
        "assert importlib.util.find_spec('openai') is not None, 'stand-in not importable'\n"
        "import cml, cml.llm\n"
        "print('openai' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
