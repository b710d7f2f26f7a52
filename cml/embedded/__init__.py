"""The embedded clients: the whole memory system in-process, on SQLite, behind the same API."""

from ..embedded_config import EmbeddedConfig
from ..engine import Engine
from ._client import AsyncEmbeddedCognitiveMemoryLayer, EmbeddedCognitiveMemoryLayer

__all__ = [
    "AsyncEmbeddedCognitiveMemoryLayer",
    "EmbeddedCognitiveMemoryLayer",
    "EmbeddedConfig",
    "Engine",
]
