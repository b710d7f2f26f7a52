"""The embedded memory engine: the whole memory system in-process, on SQLite."""

from ..embedded_config import EmbeddedConfig
from ._client import AsyncEmbeddedCognitiveMemoryLayer, EmbeddedCognitiveMemoryLayer
from .engine import Engine

__all__ = [
    "AsyncEmbeddedCognitiveMemoryLayer",
    "EmbeddedCognitiveMemoryLayer",
    "EmbeddedConfig",
    "Engine",
]
