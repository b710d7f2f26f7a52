"""Integrations with LLM clients: `CMLOpenAIHelper` and the `MemoryProvider` protocol."""

from ._openai import CMLOpenAIHelper, MemoryProvider

__all__ = ["CMLOpenAIHelper", "MemoryProvider"]
