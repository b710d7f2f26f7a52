"""
Rule-based memory-type classification: which `MemoryType` a sentence is, without an LLM.

The embedded engine has to type every write that arrives without a `memory_type`, offline and
in microseconds, so this is a small table of English cue patterns with weights: every rule that
matches adds its weight to its type and the best total wins. It is a heuristic and reads like
one: the table below is the whole of it. An optional hook (say an LLM call) is asked first;
whatever it cannot answer falls back to the rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

from .._logging import logger
from ..models import MemoryType

__all__ = [
    "CONTEXT_TAGS",
    "MEMORY_TYPES",
    "Classification",
    "ClassifierHook",
    "classify",
]

#: Asked before the rules: returns a memory type (e.g. from an LLM), or `None` to defer.
ClassifierHook = Callable[[str], str | None]

MEMORY_TYPES: frozenset[str] = frozenset(t.value for t in MemoryType)
CONTEXT_TAGS: tuple[str, ...] = ("personal", "world", "conversation", "task", "procedural")

_HOOK_CONFIDENCE = 0.9
_DEFAULT_CONFIDENCE = 0.3
_MAX_RULE_CONFIDENCE = 0.85
# Long content is typed by its opening: reading a whole document costs time at every write and
# lets incidental cues deep inside outvote what it is mostly about.
_MAX_CHARS = 4000


@attrs.frozen
class Classification:
    """
    What `classify` decided, and why.

    `confidence` is how sure the rules (or the hook) are; `importance` in [0, 1] is how much
    the memory should weigh in retrieval and survive forgetting; `reason` names the cues that
    decided ("hook", "default", or the matched rule labels).
    """

    memory_type: str
    confidence: float
    context_tags: tuple[str, ...]
    importance: float
    reason: str


@attrs.frozen
class _Rule:
    memory_type: str
    label: str
    weight: float
    pattern: re.Pattern[str]


_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
)
_PERIOD = rf"(?:week|month|year|weekend|night|summer|winter|spring|autumn|fall|{_DAY})"
_NOT_A_RULE = r"(?!\s+(?:really\s+)?(?:like|love|enjoy|care|mind|know|think|remember|have)\b)"


def _rule(memory_type: MemoryType, label: str, weight: float, pattern: str) -> _Rule:
    return _Rule(memory_type.value, label, weight, re.compile(pattern, re.IGNORECASE))


# The whole classifier. Weights rank the cue families: a rule outweighs a taste, a taste or a
# method outweighs a bare fact, and a copula ("is") barely counts. Ties go to the earlier type.
_RULES: tuple[_Rule, ...] = (
    # constraints: rules, prohibitions, allergies, deadlines
    _rule(MemoryType.CONSTRAINT, "obligation", 3.0, r"\b(?:must|mustn't|never|always|shall)\b"),
    _rule(
        MemoryType.CONSTRAINT,
        "prohibition",
        2.5,
        rf"\b(?:don't|do not|doesn't|does not|cannot|can't|should not|shouldn't)\b{_NOT_A_RULE}",
    ),
    _rule(MemoryType.CONSTRAINT, "not allowed", 2.5, r"\b(?:not allowed|forbidden|prohibited)\b"),
    _rule(MemoryType.CONSTRAINT, "allergy", 3.0, r"\ballerg(?:ic|y|ies)\b|\bintoleran(?:t|ce)\b"),
    _rule(MemoryType.CONSTRAINT, "avoid", 2.5, r"\bavoid(?:s|ed|ing)?\b"),
    _rule(MemoryType.CONSTRAINT, "condition", 2.0, r"\bonly\b[^.!?]{0,60}\bif\b|\bunless\b"),
    _rule(
        MemoryType.CONSTRAINT,
        "deadline",
        2.5,
        rf"\b(?:by|before|until|no later than)\s+(?:(?:next|this)\s+)?"
        rf"(?:{_DAY}|{_MONTH}|tomorrow|tonight|noon|midnight|eod|the end of|end of|"
        r"\d{1,2}(?::\d\d)?\s*(?:am|pm)\b)",
    ),
    _rule(
        MemoryType.CONSTRAINT,
        "rule",
        2.0,
        r"\b(?:rules?|polic(?:y|ies)|require[ds]?|requirement|mandatory|compulsory|strictly|"
        r"insists?|nobody may|no one may)\b",
    ),
    _rule(MemoryType.CONSTRAINT, "please", 2.0, r"^\s*please\b"),
    # preferences: tastes and diets
    _rule(MemoryType.PREFERENCE, "prefers", 3.0, r"\bprefer(?:s|red|ence|ences)?\b"),
    _rule(
        MemoryType.PREFERENCE,
        "likes",
        2.5,
        r"\b(?:likes|loves|hates|dislikes|enjoys|adores|detests|can't stand|fond of)\b",
    ),
    _rule(
        MemoryType.PREFERENCE,
        "i like",
        2.5,
        r"\b(?:i|we|you|they|really|also|don't|doesn't|not)\s+(?:like|love|hate|dislike|enjoy)\b",
    ),
    _rule(MemoryType.PREFERENCE, "favorite", 2.5, r"\bfavou?rites?\b"),
    _rule(MemoryType.PREFERENCE, "would rather", 2.5, r"\b(?:would|'d)\s+rather\b"),
    _rule(
        MemoryType.PREFERENCE,
        "diet",
        2.0,
        r"\b(?:vegetarian|vegan|pescatarian|teetotal(?:er)?|gluten-free|halal|kosher)\b",
    ),
    _rule(
        MemoryType.PREFERENCE,
        "fan of",
        2.0,
        r"\b(?:fan of|passionate about|keen on|crazy about|obsessed with)\b",
    ),
    _rule(MemoryType.PREFERENCE, "habit", 1.5, r"\b(?:usually|tends? to|as a rule)\b"),
    # procedures: how-tos, ordered steps, "to do X, run Y"
    _rule(MemoryType.PROCEDURE, "how to", 2.5, r"\bhow to\b"),
    _rule(MemoryType.PROCEDURE, "steps", 2.0, r"\b(?:steps?|instructions?|procedure|recipe)\b"),
    _rule(
        MemoryType.PROCEDURE,
        "first then",
        2.5,
        r"\bfirst\b[^.!?]{0,80}\b(?:then|next|after that|finally)\b",
    ),
    _rule(MemoryType.PROCEDURE, "numbered steps", 2.5, r"(?:^|\n)[^\S\n]*\d{1,2}[.)]\s+\S"),
    _rule(
        MemoryType.PROCEDURE,
        "to do x, run y",
        3.0,
        r"\bto\s+\w+(?:\s+\w+){0,4},\s*(?:run|use|click|open|type|call|execute|press|install|"
        r"set|go to|select|enter)\b",
    ),
    _rule(
        MemoryType.PROCEDURE,
        "command",
        2.0,
        r"^\s*(?:run|click|open|type|press|install|execute|select|navigate|enter|restart|"
        r"use|clone|add|create|copy|download|configure|set|go)\s",
    ),
    # hypotheses: hedged statements
    _rule(
        MemoryType.HYPOTHESIS,
        "maybe",
        2.5,
        r"\b(?:maybe|perhaps|possibly|probably|presumably|apparently|supposedly)\b",
    ),
    _rule(
        MemoryType.HYPOTHESIS,
        "might",
        2.0,
        r"\b(?:might|may|could)\s+(?:be|have|not|like|want|prefer|need|live|work|become)\b",
    ),
    _rule(
        MemoryType.HYPOTHESIS,
        "i think",
        2.0,
        r"\bi\s+(?:think|guess|suspect|believe|assume|suppose)\b|"
        r"\b(?:not sure|unsure|uncertain|likely|unlikely|seems?|appears? to)\b",
    ),
    # plans: intentions and future time
    _rule(
        MemoryType.PLAN,
        "plan to",
        2.5,
        r"\b(?:plan(?:s|ning|ned)?\s+(?:to|on)|intend(?:s|ing)?\s+to|going to|gonna|"
        r"aim(?:s|ing)?\s+to|hop(?:e|es|ing)\s+to|would like to)\b",
    ),
    _rule(MemoryType.PLAN, "will", 1.5, r"\b(?:will|shall)\b|\w'll\b"),
    _rule(
        MemoryType.PLAN,
        "future time",
        1.5,
        rf"\b(?:next|this coming)\s+{_PERIOD}\b|\btomorrow\b|\bupcoming\b|\bsoon\b|"
        r"\bin\s+(?:a|an|two|three|a few|\d+)\s+(?:days?|weeks?|months?|years?)\b",
    ),
    _rule(MemoryType.PLAN, "schedule", 1.0, r"\b(?:scheduled?|appointment|itinerary|agenda)\b"),
    # task state: to-dos and progress
    _rule(MemoryType.TASK_STATE, "todo", 2.5, r"\b(?:todo|to-do|backlog|ticket|task)s?\b"),
    _rule(MemoryType.TASK_STATE, "need to", 1.5, r"\b(?:needs? to|ha(?:s|ve) to|got to)\b"),
    _rule(
        MemoryType.TASK_STATE,
        "progress",
        2.0,
        r"\b(?:in progress|blocked|pending|working on|status|remaining|half[- ]done|"
        r"waiting (?:for|on)|"
        r"(?:is|are) (?:done|finished|complete))\b",
    ),
    # stable facts about people and the world
    _rule(
        MemoryType.SEMANTIC_FACT,
        "is a",
        1.5,
        r"\b(?:is|are|am|was)\s+(?:a|an|the|my|his|her|their|our)\b",
    ),
    _rule(MemoryType.SEMANTIC_FACT, "copula", 0.8, r"\b(?:is|are|am)\b|\w'(?:s|re|m)\b"),
    _rule(
        MemoryType.SEMANTIC_FACT,
        "lives in",
        1.5,
        r"\b(?:lives?|living|resides?|based|located)\s+in\b|\b(?:is|am|are|comes?)\s+from\b",
    ),
    _rule(
        MemoryType.SEMANTIC_FACT,
        "works at",
        1.5,
        r"\bworks?\s+(?:at|for|as|in)\b|\b(?:employed|job|profession|occupation)\b",
    ),
    _rule(
        MemoryType.SEMANTIC_FACT,
        "born",
        2.5,
        r"\bborn\b|\bbirthday\b|\b\d+\s+years?\s+old\b",
    ),
    _rule(
        MemoryType.SEMANTIC_FACT,
        "name is",
        2.0,
        r"\bname\s+is\b|\b(?:is|am|are)\s+(?:called|named)\b",
    ),
    _rule(MemoryType.SEMANTIC_FACT, "has a", 1.2, r"\bha(?:s|ve)\s+(?:a|an|two|three|\d+)\b"),
    _rule(MemoryType.SEMANTIC_FACT, "has", 0.8, r"\bhas\b"),
    _rule(
        MemoryType.SEMANTIC_FACT,
        "attribute",
        1.2,
        r"\b(?:speaks|owns|uses|contains|includes|capital of|consists of|married to|"
        r"(?:is|are)\s+\d)\b",
    ),
    _rule(
        MemoryType.SEMANTIC_FACT,
        "measure",
        1.0,
        r"\b\d+(?:[.,]\d+)?\s*(?:%|percent|million|billion|thousand|degrees|km|kg|"
        r"meters|miles|inhabitants|people)\b",
    ),
    _rule(
        MemoryType.SEMANTIC_FACT,
        "relative",
        0.8,
        r"\b(?:sister|brother|mother|father|mom|dad|wife|husband|partner|son|daughter|"
        r"children|kids|boss|colleague)\b",
    ),
    # events: dated or in the past
    _rule(
        MemoryType.EPISODIC_EVENT,
        "when",
        2.0,
        rf"\b(?:yesterday|last\s+{_PERIOD}|ago|earlier today|this morning|the other day)\b",
    ),
    _rule(MemoryType.EPISODIC_EVENT, "on day", 1.5, rf"\bon\s+{_DAY}\b"),
    _rule(
        MemoryType.EPISODIC_EVENT,
        "past tense",
        1.2,
        r"\b(?:went|met|visited|saw|had|did|was|were|came|arrived|left|told|said|bought|"
        r"called|moved|started|got|took|made|gave|ate|drank|watched|wrote|spoke|talked|"
        r"happened|attended|celebrated|forgot|lost|won|broke)\b",
    ),
    _rule(MemoryType.EPISODIC_EVENT, "-ed", 0.6, r"\b[a-z]{3,}ed\b"),
    _rule(
        MemoryType.EPISODIC_EVENT,
        "date",
        1.0,
        rf"\bin\s+(?:19|20)\d\d\b|\bon\s+(?:{_MONTH}\s+)?\d{{1,2}}(?:st|nd|rd|th)?\b",
    ),
    # conversation: chit-chat, and questions when nothing else says more
    _rule(
        MemoryType.CONVERSATION,
        "chit-chat",
        1.5,
        r"^\s*(?:hi|hello|hey|thanks|thank you|good (?:morning|evening|night)|bye|goodbye|"
        r"ok(?:ay)?|cool|great|lol|how are you)\b",
    ),
    _rule(MemoryType.CONVERSATION, "question", 1.0, r"\?\s*$"),
)

# The order of precedence when two types score the same.
_PRECEDENCE = {t: i for i, t in enumerate(dict.fromkeys(r.memory_type for r in _RULES))}

_IMPORTANCE = {
    "constraint": 0.9,
    "preference": 0.75,
    "procedure": 0.7,
    "semantic_fact": 0.65,
    "knowledge": 0.6,
    "plan": 0.6,
    "task_state": 0.55,
    "episodic_event": 0.5,
    "observation": 0.45,
    "hypothesis": 0.4,
    "tool_result": 0.4,
    "message": 0.3,
    "reasoning_step": 0.3,
    "conversation": 0.2,
    "scratch": 0.1,
}

_PERSONAL = re.compile(
    r"\b(?:i|i'm|i've|i'd|me|my|mine|myself|we|our|us|user|user's|he|she|him|her|his|hers|"
    r"they|them|their|sister|brother|mother|father|mom|dad|wife|husband|partner|son|daughter|"
    r"friend)\b",
    re.IGNORECASE,
)

# Types whose context does not depend on who the text is about.
_FIXED_TAGS = {
    "procedure": ("procedural",),
    "plan": ("task",),
    "task_state": ("task",),
    "tool_result": ("task",),
    "reasoning_step": ("task",),
    "scratch": ("task",),
    "conversation": ("conversation",),
    "message": ("conversation",),
    "preference": ("personal",),
    "knowledge": ("world",),
}


def _context_tags(memory_type: str, text: str) -> tuple[str, ...]:
    fixed = _FIXED_TAGS.get(memory_type)
    if fixed is not None:
        return fixed
    personal = _PERSONAL.search(text) is not None
    if memory_type == "constraint":
        return ("personal",) if personal else ("task",)
    return ("personal",) if personal else ("world",)


def _from_hook(text: str, hook: ClassifierHook) -> str | None:
    try:
        answer = hook(text)
    except Exception as exc:  # a failing hook must never block a write
        logger.debug("classifier hook raised %s; using the rules", type(exc).__name__)
        return None
    if not isinstance(answer, str):
        return None
    answer = answer.strip().lower()
    if answer not in MEMORY_TYPES:
        logger.debug("classifier hook returned an unknown memory type; using the rules")
        return None
    return answer


def classify(text: str, hook: ClassifierHook | None = None) -> Classification:
    """
    The memory type of `text`, with confidence, context tags, importance and the reason.

    `hook`, when given, is asked first: a valid memory type from it wins (confidence 0.9);
    `None`, an unknown type or an exception falls back to the rules, which read at most the
    first 4,000 characters. With no cue at all the answer is the server's default,
    `episodic_event`, at low confidence.
    """
    if hook is not None:
        answer = _from_hook(text, hook)
        if answer is not None:
            return Classification(
                answer, _HOOK_CONFIDENCE, _context_tags(answer, text), _IMPORTANCE[answer], "hook"
            )
    scores: dict[str, float] = {}
    labels: dict[str, list[str]] = {}
    opening = text[:_MAX_CHARS]
    for rule in _RULES:
        if rule.pattern.search(opening):
            scores[rule.memory_type] = scores.get(rule.memory_type, 0.0) + rule.weight
            labels.setdefault(rule.memory_type, []).append(rule.label)
    if not scores:
        default = MemoryType.EPISODIC_EVENT.value
        return Classification(
            default,
            _DEFAULT_CONFIDENCE,
            _context_tags(default, text),
            _IMPORTANCE[default],
            "default",
        )
    ranked = sorted(scores, key=lambda t: (-scores[t], _PRECEDENCE[t]))
    best = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    margin = scores[best] - runner_up
    confidence = min(_MAX_RULE_CONFIDENCE, 0.35 + 0.1 * scores[best] + 0.1 * margin)
    return Classification(
        best,
        round(confidence, 3),
        _context_tags(best, text),
        _IMPORTANCE[best],
        f"rules: {', '.join(labels[best])}",
    )
