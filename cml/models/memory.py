"""A stored memory, and a read's categorized result, under the names the project's design uses.

`MemoryRecord` is one stored memory with all its fields (what `dashboard_memory_detail`
returns, without the event log); `MemoryPacket` is what a read returns: the ranked memories and
the same memories sorted into facts, preferences, episodes and constraints (`ReadResponse`).
"""

from __future__ import annotations

from . import ReadResponse
from ._derive import WireModel

__all__ = ["MemoryPacket", "MemoryRecord"]


class MemoryRecord(WireModel, wire="DashboardMemoryDetail", exclude=("related_events",)):
    """One stored memory: text, type, status, scores, provenance and timestamps."""


MemoryPacket = ReadResponse
