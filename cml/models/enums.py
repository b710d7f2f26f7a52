"""The API's enumerations, as the server spells them."""

from __future__ import annotations

import enum

from . import MemorySource, MemoryStatus, MemoryType

__all__ = ["MemorySource", "MemoryStatus", "MemoryType", "OperationType"]


class OperationType(enum.StrEnum):
    """What a write did to the store, as the server's event log names it."""

    ADD = "add"
    UPDATE = "update"
    DELETE = "delete"
    NOOP = "noop"
    REINFORCE = "reinforce"
    DECAY = "decay"
    SILENCE = "silence"
    COMPRESS = "compress"
