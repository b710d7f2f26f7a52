"""One chat exchange with memory: the pieces the sync and async `chat()` share."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

import attrs

from .llm import chunk_text

__all__ = [
    "ChatResponse",
    "areply_text",
    "build_messages",
    "check_llm_reply",
    "collect_text",
    "reply_text",
]

DEFAULT_SYSTEM_PROMPT = (
    "You are a helpful assistant with long-term memory. Use the remembered context below when "
    "it is relevant; do not mention it otherwise."
)


@attrs.frozen(slots=True)
class ChatResponse:
    """The LLM's answer, and the memory context it was given."""

    text: str
    memory_context: str

    def __str__(self) -> str:
        return self.text


def build_messages(
    user_message: str, memory_context: str, system_prompt: str | None
) -> list[dict[str, str]]:
    """OpenAI-style messages with the memory context in the system message."""
    system = system_prompt or DEFAULT_SYSTEM_PROMPT
    if memory_context:
        system = f"{system}\n\n{memory_context}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user_message}]


def check_llm_reply(reply: Any, *, sync: bool) -> Any:
    """Reject what the calling client cannot consume, with a message that says what to do."""
    if sync and (inspect.isawaitable(reply) or hasattr(reply, "__aiter__")):
        if inspect.iscoroutine(reply):
            reply.close()  # never awaited: close it so Python does not warn later
        raise TypeError(
            "the llm callable returned an awaitable or async stream; "
            "use AsyncCognitiveMemoryLayer.chat for async LLM clients"
        )
    if isinstance(reply, str) or hasattr(reply, "__aiter__") or inspect.isawaitable(reply):
        return reply
    if isinstance(reply, bytes | bytearray):
        return bytes(reply).decode("utf-8", errors="replace")
    if hasattr(reply, "choices"):
        # A whole OpenAI-style completion, returned as is. Some (pydantic models) are iterable
        # over their fields, which would otherwise be taken for chunks and yield no text.
        return chunk_text(reply)
    if isinstance(reply, Iterable):
        return reply
    raise TypeError(
        f"the llm callable must return text or an iterable of chunks, not {reply!r:.80}"
    )


def collect_text(chunks: Iterable[Any]) -> str:
    return "".join(chunk_text(chunk) for chunk in chunks)


async def collect_text_async(chunks: Any) -> str:
    parts = [chunk_text(chunk) async for chunk in chunks]
    return "".join(parts)


def reply_text(reply: Any) -> str:
    """The answer of an LLM callable for the sync `chat()`: text, or text chunks joined."""
    reply = check_llm_reply(reply, sync=True)
    return reply if isinstance(reply, str) else collect_text(reply)


async def areply_text(reply: Any) -> str:
    """`reply_text` for the async `chat()`, which also takes awaitables and async streams."""
    reply = check_llm_reply(reply, sync=False)
    if inspect.isawaitable(reply):
        reply = check_llm_reply(await reply, sync=False)
    if isinstance(reply, str):
        return reply
    if hasattr(reply, "__aiter__"):
        return await collect_text_async(reply)
    return collect_text(reply)
