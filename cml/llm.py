"""Adapters between LLM clients and py-cml, with no LLM library imported.

`openai_chat` wraps any OpenAI-compatible client object (openai, or a compatible SDK) by duck
typing, so `import cml` never imports `openai`.

```python
from openai import OpenAI
from cml import CognitiveMemoryLayer
from cml.llm import openai_chat

llm = openai_chat(OpenAI(), model="gpt-4o-mini")
with CognitiveMemoryLayer() as memory:
    print(memory.chat("What should I cook tonight?", llm).text)
```
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

__all__ = ["chunk_text", "openai_chat", "openai_chat_async"]

Messages = list[dict[str, str]]


def chunk_text(chunk: Any) -> str:
    """The text of one streamed chunk: a string, or an OpenAI-style chunk (`choices[0].delta`)."""
    if isinstance(chunk, str):
        return chunk
    if isinstance(chunk, bytes):
        return chunk.decode("utf-8", errors="replace")
    choices = getattr(chunk, "choices", None)
    if choices is None and isinstance(chunk, dict):
        choices = chunk.get("choices")
    if not choices:
        return ""
    first = choices[0]
    delta = getattr(first, "delta", None)
    if delta is None and isinstance(first, dict):
        delta = first.get("delta") or first.get("message")
    if delta is None:
        delta = getattr(first, "message", None)
    content = getattr(delta, "content", None)
    if content is None and isinstance(delta, dict):
        content = delta.get("content")
    return content or ""


def openai_chat(
    client: Any, *, model: str, stream: bool = False, **params: Any
) -> Callable[[Messages], Any]:
    """An `llm` callable for `chat()` over `client.chat.completions.create`.

    With `stream=True` it returns an iterator of text chunks, otherwise the full text.
    """

    def call(messages: Messages) -> str | Iterator[str]:
        response = client.chat.completions.create(
            model=model, messages=messages, stream=stream, **params
        )
        if stream:
            return (chunk_text(chunk) for chunk in response)
        return chunk_text(response)

    return call


def openai_chat_async(
    client: Any, *, model: str, stream: bool = False, **params: Any
) -> Callable[[Messages], Any]:
    """The same for an async client (`AsyncOpenAI`): returns an awaitable."""

    async def call(messages: Messages) -> str | AsyncIterator[str]:
        response = await client.chat.completions.create(
            model=model, messages=messages, stream=stream, **params
        )
        if stream:
            return _texts(response)
        return chunk_text(response)

    return call


async def _texts(chunks: Any) -> AsyncIterator[str]:
    async for chunk in chunks:
        yield chunk_text(chunk)
