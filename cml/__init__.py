"""py-cml: long-term memory for LLM applications, the Python SDK for the Cognitive Memory Layer.

```python
import cml

with cml.EmbeddedCognitiveMemoryLayer() as memory:  # in-process, on SQLite; or
# with cml.CognitiveMemoryLayer() as memory:        # a CML server (CML_BASE_URL, CML_API_KEY)
    memory.write("User prefers vegetarian food and lives in Paris.")
    print(memory.read("What does the user eat?").context)
```
"""

from typing import TYPE_CHECKING

from . import _lazy, _releases
from ._async_client import AsyncCognitiveMemoryLayer, AsyncNamespacedClient, AsyncSessionScope
from ._chat import ChatResponse
from ._client import CognitiveMemoryLayer, NamespacedClient, SessionScope
from ._config import CMLConfig
from ._exceptions import (
    APIStatusError,
    AuthenticationError,
    AuthorizationError,
    CMLConnectionError,
    CMLError,
    CMLTimeoutError,
    ConfigurationError,
    ConflictError,
    FieldError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
    StorageError,
    StreamError,
    UnsupportedOperationError,
    ValidationError,
    VersionMismatchError,
)
from ._logging import configure_logging
from ._releases import DEFAULT_RELEASE as __api_version__
from ._releases import SUPPORTED_RELEASES as __api_versions__
from ._version import __version__
from .models import (
    ForgetResponse,
    HealthResponse,
    MemoryItem,
    MemorySource,
    MemoryStatus,
    MemoryType,
    ReadResponse,
    ServerCheck,
    SessionContextResponse,
    SessionResponse,
    StatsResponse,
    TurnResponse,
    UpdateResponse,
    WriteResponse,
)

if TYPE_CHECKING:
    from .embedded import AsyncEmbeddedCognitiveMemoryLayer, EmbeddedCognitiveMemoryLayer
    from .embedded_config import EmbeddedConfig
    from .integrations import CMLOpenAIHelper, MemoryProvider

# Loaded on first use: a client-mode program never touches the embedded engine (numpy, the model
# runtime, SQLite search) or the integrations.
__getattr__ = _lazy.lazy_exports(
    globals(),
    {
        "AsyncEmbeddedCognitiveMemoryLayer": ".embedded",
        "EmbeddedCognitiveMemoryLayer": ".embedded",
        "EmbeddedConfig": ".embedded_config",
        "CMLOpenAIHelper": ".integrations",
        "MemoryProvider": ".integrations",
    },
    public_module="cml",
)

__all__ = [
    "APIStatusError",
    "AsyncCognitiveMemoryLayer",
    "AsyncEmbeddedCognitiveMemoryLayer",
    "AsyncNamespacedClient",
    "AsyncSessionScope",
    "AuthenticationError",
    "AuthorizationError",
    "CMLConfig",
    "CMLConnectionError",
    "CMLError",
    "CMLOpenAIHelper",
    "CMLTimeoutError",
    "ChatResponse",
    "CognitiveMemoryLayer",
    "ConfigurationError",
    "ConflictError",
    "EmbeddedCognitiveMemoryLayer",
    "EmbeddedConfig",
    "FieldError",
    "ForgetResponse",
    "HealthResponse",
    "InvalidRequestError",
    "MemoryItem",
    "MemoryProvider",
    "MemorySource",
    "MemoryStatus",
    "MemoryType",
    "NamespacedClient",
    "NotFoundError",
    "RateLimitError",
    "ReadResponse",
    "ServerCheck",
    "ServerError",
    "SessionContextResponse",
    "SessionResponse",
    "SessionScope",
    "StatsResponse",
    "StorageError",
    "StreamError",
    "TurnResponse",
    "UnsupportedOperationError",
    "UpdateResponse",
    "ValidationError",
    "VersionMismatchError",
    "WriteResponse",
    "__api_version__",
    "__api_versions__",
    "__spec_sha256__",
    "__version__",
    "configure_logging",
]

#: SHA-256 of the document the default release's client was generated from.
__spec_sha256__: str = _releases.get_release(__api_version__).spec_sha256

# Upstream's names for two errors, importable as `cml.ConnectionError` / `cml.TimeoutError` but
# kept out of `__all__`: `from cml import *` must not shadow Python's builtins.
ConnectionError = CMLConnectionError
TimeoutError = CMLTimeoutError

# Tracebacks and reprs say `cml.NotFoundError`, not `cml._exceptions.NotFoundError`.
# (The lazy names get the same when they load.)
for _name in __all__:
    _obj = globals().get(_name)
    if isinstance(_obj, type) and _obj.__module__.startswith("cml."):
        _obj.__module__ = "cml"
del _name, _obj
