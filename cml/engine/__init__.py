"""The memory engine: storage, search, writes, sessions and maintenance on SQLite, in-process.

No HTTP here: `cml.server` puts the engine behind the wire handler, and the embedded clients
reach it through that handler in-process.
"""

from .engine import Engine

__all__ = ["Engine"]
