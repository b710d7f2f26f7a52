"""Every error py-cml raises (also importable from `cml` directly)."""

from ._exceptions import *  # noqa: F403
from ._exceptions import (
    CMLConnectionError,
    CMLTimeoutError,
    __all__,  # noqa: F401
)

# Upstream's names for the two. Not in `__all__`: a star import would shadow Python's builtins.
ConnectionError = CMLConnectionError
TimeoutError = CMLTimeoutError
