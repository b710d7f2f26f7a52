"""The embedded memory engine: the whole memory system in-process, on SQLite."""

from ._client import AsyncEmbeddedCognitiveMemoryLayer, EmbeddedCognitiveMemoryLayer
from .engine import Engine

__all__ = ["AsyncEmbeddedCognitiveMemoryLayer", "EmbeddedCognitiveMemoryLayer", "Engine"]
