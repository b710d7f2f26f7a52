"""Every error py-cml raises (also importable from `cml` directly)."""

from ._exceptions import *  # noqa: F403
from ._exceptions import __all__  # noqa: F401
