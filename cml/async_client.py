"""The asyncio HTTP client, at the path upstream code imports it from."""

from ._async_client import AsyncCognitiveMemoryLayer, AsyncNamespacedClient, AsyncSessionScope

__all__ = ["AsyncCognitiveMemoryLayer", "AsyncNamespacedClient", "AsyncSessionScope"]
