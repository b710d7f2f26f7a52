"""The synchronous HTTP client, at the path upstream code imports it from."""

from ._client import CognitiveMemoryLayer, NamespacedClient, SessionScope

__all__ = ["CognitiveMemoryLayer", "NamespacedClient", "SessionScope"]
