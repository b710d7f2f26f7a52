"""The memory context string handed to an LLM, laid out as the CML server lays it out.

`build_context` is the one context builder: it serves the embedded engine's `llm_context` (so
`get_context` and `chat`), turn's `memory_context`, the local server, and `ReadResponse.context`
on the client side, so all of them put the same memories into a prompt. It keeps the memories at
or above a relevance cut-off, best first, within a character budget. An engine whose relevance is
calibrated (the embedded one) names its cut-off in `retrieval_meta["context_min_relevance"]`, so a
client building the context from a plain read applies the same one; a server that sends none gets
every memory it returned, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .models import MemoryItem, ReadResponse

__all__ = [
    "CONTEXT_CUTOFF_KEY",
    "DEFAULT_CONTEXT_TOKENS",
    "HEADER",
    "Group",
    "build_context",
    "format_memory_context",
    "format_sections",
    "group_of",
]

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
#: turn()'s default `max_context_tokens`, and the budget of every other context.
DEFAULT_CONTEXT_TOKENS = 1500
#: The `retrieval_meta` key under which an engine names the relevance cut-off of its contexts.
CONTEXT_CUTOFF_KEY = "context_min_relevance"
# A rough count of characters per token for English text (the budget is in tokens).
_CHARS_PER_TOKEN = 4
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


def build_context(
    memories: Iterable[MemoryItem],
    *,
    min_relevance: float | None = None,
    max_tokens: int = DEFAULT_CONTEXT_TOKENS,
) -> str:
    """The context for a prompt: the memories (ranked, best first) at or above `min_relevance`,
    within about `max_tokens`; an empty string when none qualifies."""
    kept = [m for m in memories if min_relevance is None or m.relevance >= min_relevance]
    return format_sections(kept, max_chars=max(200, max_tokens * _CHARS_PER_TOKEN))


def format_memory_context(response: ReadResponse) -> str:
    """The context string for a read response's memories (in their ranked order), with the
    cut-off the engine named in `retrieval_meta`, if any."""
    cutoff = (response.retrieval_meta or {}).get(CONTEXT_CUTOFF_KEY)
    return build_context(
        response.memories,
        min_relevance=float(cutoff) if isinstance(cutoff, (int, float)) else None,
    )
