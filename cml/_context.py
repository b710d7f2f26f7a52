"""The memory context string handed to an LLM, laid out as the CML server lays it out.

One implementation serves `ReadResponse.context` (client side), the embedded engine's
`llm_context` and turn `memory_context`, and the local server.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .models import MemoryItem, ReadResponse

__all__ = ["HEADER", "Group", "format_memory_context", "format_sections", "group_of"]

HEADER = "# Retrieved Memory Context"
Group = Literal["constraints", "facts", "preferences", "episodes"]

_GROUPS: dict[str, Group] = {
    "constraint": "constraints",
    "semantic_fact": "facts",
    "knowledge": "facts",
    "procedure": "facts",
    "observation": "facts",
    "hypothesis": "facts",
    "preference": "preferences",
}
# A constraint retrieved with less relevance than this is offered, not imposed.
_MUST_FOLLOW_RELEVANCE = 0.5
# Below this confidence a fact is shown under Warnings rather than stated as known.
_WARN_CONFIDENCE = 0.3


def group_of(memory_type: str) -> Group:
    """The read-response group a memory type belongs to (everything else is an episode)."""
    return _GROUPS.get(str(memory_type), "episodes")


def _line(item: MemoryItem, *, dated: bool) -> str:
    date = f" [{item.timestamp:%Y-%m-%d}]" if dated else ""
    return f"- {item.text}{date} (confidence: {item.confidence:.2f})"


def format_sections(items: Iterable[MemoryItem], *, max_chars: int | None = None) -> str:
    """Format memories (already ranked) into the context layout; empty string when none."""
    must: list[str] = []
    other: list[str] = []
    facts: list[str] = []
    preferences: list[str] = []
    events: list[str] = []
    warnings: list[str] = []
    for item in items:
        group = group_of(str(item.type))
        if group == "constraints":
            target = must if item.relevance >= _MUST_FOLLOW_RELEVANCE else other
            target.append(_line(item, dated=False))
        elif str(item.type) == "hypothesis" or item.confidence < _WARN_CONFIDENCE:
            warnings.append(f"- Unverified: {item.text} (confidence: {item.confidence:.2f})")
        elif group == "facts":
            facts.append(_line(item, dated=False))
        elif group == "preferences":
            preferences.append(_line(item, dated=False))
        else:
            events.append(_line(item, dated=True))
    sections: Sequence[tuple[str, list[str]]] = (
        ("## Constraints (Must Follow)", must),
        ("## Other Constraints to Consider", other),
        ("## Known Facts", facts),
        ("## User Preferences", preferences),
        ("## Recent Events", events),
        ("## Warnings", warnings),
    )
    parts = [HEADER]
    budget = max_chars
    for title, lines in sections:
        if not lines:
            continue
        block = [title, *lines]
        if budget is not None:
            # Keep whole lines only: a cut-off memory can mislead more than a missing one.
            kept: list[str] = []
            cost = len(title) + 2
            for line in lines:
                if cost + len(line) + 1 > budget:
                    break
                kept.append(line)
                cost += len(line) + 1
            if not kept:
                break
            block = [title, *kept]
            budget -= cost
        parts.append("\n".join(block))
    return "" if len(parts) == 1 else "\n\n".join(parts) + "\n"


def format_memory_context(response: ReadResponse) -> str:
    """The context string for a read response's memories (in their ranked order)."""
    return format_sections(response.memories)
