"""Upstream's helpers kept for its users: `CMLOpenAIHelper` and `configure_logging`."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import cml
from cml.integrations import CMLOpenAIHelper, MemoryProvider
from cml.utils.logging import configure_logging


class FakeOpenAI:
    """Duck-typed `OpenAI()`: records the messages, answers with a fixed reply."""

    def __init__(self, reply: str) -> None:
        self.calls: list[dict[str, Any]] = []
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))
        self._reply = reply

    def _create(self, **request: Any) -> Any:
        self.calls.append(request)
        message = SimpleNamespace(content=self._reply)
        return SimpleNamespace(choices=[SimpleNamespace(message=message)])


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[cml.EmbeddedCognitiveMemoryLayer]:
    with cml.EmbeddedCognitiveMemoryLayer(tmp_path / "m.db", embedder="none") as opened:
        yield opened


def test_openai_helper_answers_with_memory_and_remembers(
    memory: cml.EmbeddedCognitiveMemoryLayer,
) -> None:
    memory.write("User is allergic to peanuts.")
    openai = FakeOpenAI("Try a peanut-free curry.")
    helper = CMLOpenAIHelper(memory, openai, model="gpt-test")
    earlier = [{"role": "assistant", "content": "Hello!"}]
    reply = helper.chat("What should I cook? peanuts", extra_messages=earlier)
    assert reply == "Try a peanut-free curry."
    (request,) = openai.calls
    assert request["model"] == "gpt-test"
    roles = [m["role"] for m in request["messages"]]
    assert roles == ["system", "assistant", "user"]
    assert "allergic to peanuts" in request["messages"][0]["content"]
    stored = {m.text for m in memory.read("peanut-free curry", max_results=5).memories}
    assert "Try a peanut-free curry." in stored


def test_openai_helper_without_a_model_says_so(
    memory: cml.EmbeddedCognitiveMemoryLayer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_MODEL", "LLM_INTERNAL__MODEL"):
        monkeypatch.delenv(name, raising=False)
    helper = CMLOpenAIHelper(memory, FakeOpenAI("x"))
    with pytest.raises(cml.ConfigurationError, match="OPENAI_MODEL"):
        helper.chat("hi")
    monkeypatch.setenv("OPENAI_MODEL", "from-env")
    assert CMLOpenAIHelper(memory, FakeOpenAI("x")).model == "from-env"


def test_memory_provider_is_a_runtime_protocol() -> None:
    class Provider:
        def get_context(self, query: str) -> str:
            return query

        def store_exchange(
            self, user_message: str, assistant_response: str, session_id: str
        ) -> None:
            pass

        def clear_session(self, session_id: str) -> None:
            pass

    assert isinstance(Provider(), MemoryProvider)
    assert not isinstance(object(), MemoryProvider)


def test_configure_logging_sets_level_and_handler_and_masks_keys() -> None:
    logger = logging.getLogger("cml")
    saved = (logger.level, list(logger.handlers))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    try:
        configure_logging("DEBUG", handler)
        assert logger.level == logging.DEBUG
        cml._logging.register_secrets("sk-live-SECRET-abcdef123")
        logger.debug("sending with key sk-live-SECRET-abcdef123")
        assert "sending with key ***" in stream.getvalue()
        assert "SECRET" not in stream.getvalue()
        with pytest.raises(ValueError, match="unknown log level"):
            configure_logging("LOUD")
    finally:
        logger.setLevel(saved[0])
        logger.handlers[:] = saved[1]
