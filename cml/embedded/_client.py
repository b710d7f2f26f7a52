"""`EmbeddedCognitiveMemoryLayer` and its async twin: the memory system in this process.

They are the HTTP clients with an in-process transport in place of the network (see
`cml.server._transport`), so every method, parameter, model and error is the same in both modes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from .._async_client import AsyncCognitiveMemoryLayer
from .._client import CognitiveMemoryLayer
from .._config import CMLConfig
from .._constants import DEFAULT_TENANT_ID
from .._releases import DEFAULT_RELEASE
from ..server._api import Api
from ..server._routes import handlers
from ..server._transport import AsyncInProcessTransport, InProcessTransport
from .engine import Engine

__all__ = ["AsyncEmbeddedCognitiveMemoryLayer", "EmbeddedCognitiveMemoryLayer"]

_HOST = "embedded.cml.local"
_LOCAL = f"http://{_HOST}"


def _config(tenant_id: str | None, api_version: str | None) -> CMLConfig:
    # Nothing here comes from CML_* variables: those describe a remote server, not this one.
    return CMLConfig(
        base_url=_LOCAL,
        tenant_id=tenant_id or DEFAULT_TENANT_ID,
        max_retries=0,
        retry_delay=0.0,
        api_version=api_version or DEFAULT_RELEASE,
    )


def _api(engine: Engine, config: CMLConfig) -> Api:
    # The client's base URL names no machine; it is the only `Host` its requests carry.
    return Api(
        handlers(engine, config.api_version),
        idempotency=engine.replies,
        allowed_hosts=[_HOST],
        api_version=config.api_version,
    )


def _engine(
    db_path: str | Path | None, embedder: Any, classifier: Any, engine: Engine | None
) -> tuple[Engine, bool]:
    if engine is not None:
        return engine, False
    return Engine(db_path, embedder=embedder, classifier=classifier), True


class EmbeddedCognitiveMemoryLayer(CognitiveMemoryLayer):
    """
    The whole memory system in-process, on SQLite: no server, nothing to set up.

    ```python
    from cml import EmbeddedCognitiveMemoryLayer

    with EmbeddedCognitiveMemoryLayer("memory.db") as memory:
        memory.write("User prefers vegetarian food and lives in Paris.")
        print(memory.read("What does the user eat?").context)
    ```

    **Parameters:**

    * **db_path** - *(optional)* the SQLite file; `":memory:"` for a throwaway store; by default
      `$CML_DB_PATH` or `~/.local/share/py-cml/memory.db`.
    * **embedder** - *(optional)* "default" (the bundled MiniLM model), a sentence-transformers
      model name or path, any callable from texts to vectors, or "none" for lexical search.
    * **classifier** - *(optional)* a callable text -> memory type (an LLM, say) tried before the
      built-in rules when a write names no type.
    * **engine** - *(optional)* an `Engine` to share between clients (not closed by `close()`).
    * **api_version** - *(optional)* the CML server release to behave as (its operations and
      fields); the newest supported one by default.
    """

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        tenant_id: str | None = None,
        embedder: Any = "default",
        classifier: Any = None,
        engine: Engine | None = None,
        api_version: str | None = None,
    ) -> None:
        config = _config(tenant_id, api_version)
        self.engine, self._owns_engine = _engine(db_path, embedder, classifier, engine)
        transport = InProcessTransport(_api(self.engine, config))
        super().__init__(config=config, http_client=httpx.Client(transport=transport))
        self._owns_http = True

    def close(self) -> None:
        """Close the client, and its engine unless the engine was passed in as `engine`."""
        owner = self._owns_http
        super().close()
        if owner and self._owns_engine:
            self.engine.close()


class AsyncEmbeddedCognitiveMemoryLayer(AsyncCognitiveMemoryLayer):
    """The asyncio twin of `EmbeddedCognitiveMemoryLayer` (engine calls run in worker threads)."""

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        tenant_id: str | None = None,
        embedder: Any = "default",
        classifier: Any = None,
        engine: Engine | None = None,
        api_version: str | None = None,
    ) -> None:
        config = _config(tenant_id, api_version)
        self.engine, self._owns_engine = _engine(db_path, embedder, classifier, engine)
        transport = AsyncInProcessTransport(_api(self.engine, config))
        super().__init__(config=config, http_client=httpx.AsyncClient(transport=transport))
        self._owns_http = True

    async def close(self) -> None:
        """Close the client, and its engine unless the engine was passed in as `engine`."""
        owner = self._owns_http
        await super().close()
        if owner and self._owns_engine:
            self.engine.close()
