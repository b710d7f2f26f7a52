"""`CMLOpenAIHelper`: chat with an OpenAI-compatible client, with memory; and `MemoryProvider`.

Kept for code written against the upstream SDK; new code can call `memory.chat(message, llm)`
with `cml.llm.openai_chat`, which this helper is built on. No `openai` import: the client is
used by duck typing.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .._exceptions import ConfigurationError
from ..llm import openai_chat

if TYPE_CHECKING:
    from .._client import CognitiveMemoryLayer

__all__ = ["CMLOpenAIHelper", "MemoryProvider"]

_MODEL_VARIABLES = ("OPENAI_MODEL", "LLM_INTERNAL__MODEL")


@runtime_checkable
class MemoryProvider(Protocol):
    """What an LLM integration needs from a memory: context in, exchanges out."""

    def get_context(self, query: str) -> str: ...

    def store_exchange(
        self, user_message: str, assistant_response: str, session_id: str
    ) -> None: ...

    def clear_session(self, session_id: str) -> None: ...


class CMLOpenAIHelper:
    """
    One chat completion with memory: the context for the message goes into the system prompt,
    the exchange is stored afterwards.

    ```python
    helper = CMLOpenAIHelper(memory, OpenAI(), model="gpt-4o-mini")
    print(helper.chat("What should I eat tonight?", session_id="s1"))
    ```

    `model` falls back to `$OPENAI_MODEL`, then `$LLM_INTERNAL__MODEL`.
    """

    def __init__(
        self, memory_client: CognitiveMemoryLayer, openai_client: Any, *, model: str | None = None
    ) -> None:
        self.memory = memory_client
        self.openai = openai_client
        self.model = model or next(
            (os.environ[v].strip() for v in _MODEL_VARIABLES if os.environ.get(v, "").strip()), ""
        )

    def chat(
        self,
        user_message: str,
        *,
        session_id: str | None = None,
        system_prompt: str = "You are a helpful assistant.",
        extra_messages: list[dict[str, str]] | None = None,
    ) -> str:
        """The assistant's reply to `user_message`, answered with memory and then remembered."""
        if not self.model:
            raise ConfigurationError(
                "CMLOpenAIHelper has no model: pass model=... or set OPENAI_MODEL"
            )
        complete = openai_chat(self.openai, model=self.model)

        def llm(messages: list[dict[str, str]]) -> Any:
            # The conversation so far goes between the system prompt and the new message.
            return complete([messages[0], *(extra_messages or ()), *messages[1:]])

        reply = self.memory.chat(
            user_message, llm, session_id=session_id, system_prompt=system_prompt
        )
        return reply.text
