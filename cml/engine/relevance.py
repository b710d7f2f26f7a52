"""Relevance on one documented scale: the estimated probability that a memory helps answer a query.

A memory's *score* adds up signals that are absolute, none scaled to the best candidate of the
query, so a weak match stays weak even when it is the best of a bad lot:

- `cosine`: the similarity of the query's and the memory's embeddings;
- `lexical`: the share of the query's term weight that the memory contains, each term weighted by
  its rarity in the tenant (inverse document frequency, see `rarity`): a word found in every
  memory ("user") weighs nothing; a query whose words weigh little in all counts less;
- `question`: minus the share of the memory's sentences that are questions, much more for a
  message `turn()` stored (a question the user asked tells nothing about the user);
- `filler`: minus a constant for small talk ("ok thanks", "lol", "Got it");
- `recency`: a little for new memories, halving every `RECENCY_HALF_LIFE_DAYS`;
- `neighbour`: a share of how much better the messages just before or after it (and, less,
  two before or after) in the same conversation score (a reply answers the question before it).

*Relevance* maps the score through a logistic function, together with whether the memory is the
best of its query: `1 / (1 + exp(-(intercept + slope * score + top * best)))`. The map was fitted
by logistic regression (`tools/fit_relevance.py`) on a calibration set written for this project
(`tools/relevance_calibration.py`): each question against a store of facts, statements, stored
questions and small talk, labelled 1 for the fact that answers it. A relevance of 0.4 means "in
the calibration conversations, about 40 % of memories scored like this answered the question"; the
score's weights were chosen on the LoCoMo development split. docs/embedded.md documents the scale.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from .retrieval import STOP_WORDS

__all__ = [
    "CONTEXT_MIN_RELEVANCE",
    "LEXICAL_ONLY",
    "WITH_VECTORS",
    "Calibration",
    "Memory",
    "Scored",
    "idf",
    "is_filler",
    "lexical_coverage",
    "question_share",
    "rank",
    "stem",
    "stems",
]

#: A memory reaches a prompt (turn's `memory_context`, `get_context`, `read().context`) only
#: from this relevance up. Low on purpose: a missing fact costs more than an extra line. It is
#: the highest cut-off at which issue 10's own example still reaches the prompt (a vegetarian
#: fact among ten others, asked "What should I eat tonight?": relevance 0.046 with the default
#: embedder). On the calibration set (tools/fit_relevance.py prints the trade-off) it lets 44 of
#: 57 facts through and gives 25 of 30 questions no memory answers at most one memory.
CONTEXT_MIN_RELEVANCE = 0.04
RECENCY_HALF_LIFE_DAYS = 30.0
# Neighbours in a conversation further apart in time than this do not lift each other.
_NEIGHBOUR_SECONDS = 6 * 3600.0

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
# Suffixes stripped (longest first) so "eats"/"eating" and "eat" meet; the same rule on both
# sides, so it only has to be consistent, not linguistically right.
_SUFFIXES = ("ings", "ing", "ies", "ied", "ed", "es", "s", "ly")


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A crude, consistent stem: lower case, possessive, a common suffix and a final "e" removed
    ("prescribed" and "prescribe" both give "prescrib")."""
    word = word.lower()
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix in ("ies", "ied"):
                return word[: -len(suffix)] + "y"
            if suffix == "s" and word.endswith("ss"):
                break
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


# Words of acknowledgement and small talk (stemmed as `stem` does): a message made only of these
# tells nothing.
_FILLER = frozenset(
    stem(word)
    for word in [
        "ok",
        "okay",
        "okey",
        "k",
        "kk",
        "yes",
        "yeah",
        "yep",
        "yup",
        "no",
        "nope",
        "nah",
        "sure",
        "fine",
        "cool",
        "nice",
        "great",
        "good",
        "awesome",
        "thanks",
        "thank",
        "thx",
        "ty",
        "please",
        "hi",
        "hello",
        "hey",
        "hiya",
        "bye",
        "goodbye",
        "cheers",
        "lol",
        "haha",
        "hahaha",
        "hehe",
        "hmm",
        "hm",
        "um",
        "uh",
        "oh",
        "ah",
        "wow",
        "wonderful",
        "perfect",
        "right",
        "alright",
        "indeed",
        "really",
        "true",
        "sounds",
        "morning",
        "evening",
        "afternoon",
        "night",
        "today",
        "going",
        "doing",
        "well",
        "helpful",
        "let's",
        "think",
        "move",
        "anyway",
        "still",
        "there",
        "help",
        "something",
        "lot",
        "much",
        "got",
        "remember",
        "noted",
        "understood",
        "sorry",
    ]
)


def stems(text: str) -> dict[str, str]:
    """The content words of `text`: stem -> first surface form (without a possessive "'s", as
    the full-text index splits it off), in order of appearance."""
    found: dict[str, str] = {}
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if word in STOP_WORDS:
            continue
        found.setdefault(stem(word), word[:-2] if word.endswith("'s") else word)
    return found


# Texts recur from read to read (the same memories are candidates again): analyse each once.
@functools.lru_cache(maxsize=20_000)
def _analysis(text: str) -> tuple[frozenset[str], float, bool]:
    """A memory text's content stems, share of questions and whether it is small talk."""
    words = frozenset(stems(text))
    return words, question_share(text), is_filler(words)


def idf(document_frequency: int, documents: int) -> float:
    """Rarity of a term found in `document_frequency` of `documents` (0 for a term in all)."""
    documents = max(documents, document_frequency, 1)
    return math.log1p((documents - document_frequency + 0.5) / (document_frequency + 0.5))


def lexical_coverage(query: Mapping[str, float], memory: Iterable[str]) -> float:
    """The share of the query's rarity weight (stem -> idf) found among the memory's stems."""
    total = sum(query.values())
    if total <= 0.0:
        return 0.0
    present = memory if isinstance(memory, (set, frozenset)) else set(memory)
    return sum(weight for term, weight in query.items() if term in present) / total


def is_filler(words: Iterable[str]) -> bool:
    """Whether a text's content stems (see `stems`) are all small talk ("ok thanks", "lol")."""
    return all(word in _FILLER for word in words)


def question_share(text: str) -> float:
    """The share of the text's sentences that are questions (0 for a text with none)."""
    sentences = [str(s).strip() for s in _SENTENCE.findall(text) if str(s).strip()]
    if not sentences:
        return 0.0
    return sum(s.endswith("?") for s in sentences) / len(sentences)


@attrs.frozen(slots=True)
class Memory:
    """One candidate memory with what its relevance is computed from."""

    rowid: int
    text: str
    cosine: float | None
    timestamp: datetime | None
    #: (namespace, session, whether `turn()` stored it): messages of one conversation lift
    #: their neighbours (see `_same_thread`).
    thread: tuple[str, str | None, bool]
    #: Who said it, for a message `turn()` stored: "user" or "assistant" (None: told as a memory).
    speaker: str | None = None


@attrs.frozen(slots=True)
class Calibration:
    """The ranking score's weights and the logistic map from score to relevance.

    The score is `cosine + lexical·w - question·w - filler·w + recency·w`, plus a share
    (`neighbour`) of how much better the memory's neighbour in the conversation (the message just
    before or after it) scores. Relevance is the logistic function of
    `intercept + slope·score + top·[best of the query]` (fitted by tools/fit_relevance.py).
    """

    lexical: float
    #: Below this cosine a word match counts in proportion: a shared word in a text about
    #: something else ("buy a house" for "where do I buy food?") is weak evidence.
    lexical_gate: float
    question: float
    #: The share of its evidence a question `turn()` stored loses.
    conversational_question: float
    #: The share of its evidence a message of the assistant loses.
    assistant: float
    recency: float
    neighbour: float
    #: The same for the messages two before or after it.
    second_neighbour: float
    intercept: float
    slope: float
    top: float

    def probability(self, features: Sequence[float]) -> float:
        score, top = features
        z = self.intercept + self.slope * score + self.top * top
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


# The score's weights were chosen on the LoCoMo development split (benchmarks/locomo.py): its
# recall@10 is the same for a lexical weight from 0.75 to 1.5 (0.737 vs 0.738), and the smaller
# one keeps a single shared everyday word from outweighing the vectors. The logistic map was then
# fitted by tools/fit_relevance.py on tools/relevance_calibration.py.
WITH_VECTORS = Calibration(
    lexical=0.75,
    lexical_gate=0.4,
    question=0.2,
    conversational_question=1.0,
    assistant=0.5,
    recency=0.03,
    neighbour=0.5,
    second_neighbour=0.3,
    intercept=-7.221,
    slope=9.665,
    top=1.957,
)
# Without vectors the score is lexical only. The calibration questions share no word with their
# facts, so they cannot fit this map; it is set so that a query's whole weight matched reads
# about 0.9, half of it about 0.3, and words found everywhere ("user") near 0.02.
LEXICAL_ONLY = attrs.evolve(WITH_VECTORS, lexical=1.0, intercept=-4.0, slope=6.0, top=0.0)


@attrs.frozen(slots=True)
class Scored:
    """A memory's relevance, the parts of its score (what the dashboard shows) and the features
    the logistic map reads (score, whether it is the best of the query)."""

    rowid: int
    relevance: float
    score: float
    parts: Mapping[str, float]
    features: tuple[float, float]


def _corroboration(cosine: float | None, gate: float) -> float:
    """How much a word match counts given the vectors' agreement (1 without vectors)."""
    if cosine is None or gate <= 0.0:
        return 1.0
    return min(1.0, max(0.0, cosine / gate))


def _same_thread(first: Memory, second: Memory) -> bool:
    """Whether two memories are messages of one conversation: of one session, or both stored by
    `turn()`, and close in time. Facts written one after the other are not."""
    _, session, turn = first.thread
    if first.thread != second.thread or (session is None and not turn):
        return False
    if first.timestamp is None or second.timestamp is None:
        return True
    return abs((first.timestamp - second.timestamp).total_seconds()) <= _NEIGHBOUR_SECONDS


def rank(
    memories: Sequence[Memory],
    *,
    query: Mapping[str, float],
    now: datetime,
    calibration: Calibration,
    small_talk: bool = False,
) -> list[Scored]:
    """Score every memory for one query (stem -> idf weights) and return them best first.

    For `small_talk` (a query of greetings and thanks: see `is_filler`) a shared word ("hello")
    is no evidence, and every relevance is 0: the memories are still ranked, but none answers.
    """
    if small_talk:
        query = {}
    parts: dict[int, dict[str, float]] = {}
    base: dict[int, float] = {}
    for memory in memories:
        words, asked, filler = _analysis(memory.text)
        age = (
            0.0
            if memory.timestamp is None
            else max(0.0, (now - memory.timestamp).total_seconds() / 86400.0)
        )
        cosine = memory.cosine or 0.0
        lexical = (
            calibration.lexical
            * lexical_coverage(query, words)
            * _corroboration(memory.cosine, calibration.lexical_gate)
        )
        evidence = cosine + lexical
        # A question asked in a turn tells nothing about the user: it loses that share of its
        # evidence (all of it for a message that is only questions). What the assistant said
        # is not what the user told: it keeps part of it. Small talk keeps none.
        if memory.speaker is not None:
            question = -evidence * asked * calibration.conversational_question
        else:
            question = -asked * calibration.question
        assistant = -evidence * calibration.assistant if memory.speaker == "assistant" else 0.0
        part = {
            "cosine": cosine,
            "lexical": lexical,
            "question": question,
            "assistant": assistant,
            "filler": -(evidence + question + assistant) if filler else 0.0,
            "recency": calibration.recency * 0.5 ** (age / RECENCY_HALF_LIFE_DAYS),
        }
        parts[memory.rowid] = part
        base[memory.rowid] = sum(part.values())
    # Messages next to each other in one conversation answer each other: a reply scores part
    # of what the question before it scores, and the other way round.
    # The message itself, said before, is no answer to it: it lifts no neighbour, and the best
    # *other* memory is the one whose lead counts.
    echoes = {
        m.rowid for m in memories if m.speaker is not None and _analysis(m.text)[0] == set(query)
    }
    by_rowid = {m.rowid: m for m in memories}
    totals: dict[int, float] = {}
    for memory in memories:
        own = base[memory.rowid]
        _, session, turn = memory.thread
        if session is None and not turn:  # not a message of a conversation: no neighbours
            parts[memory.rowid]["neighbour"] = 0.0
            totals[memory.rowid] = own
            continue
        lifts = [
            max(
                0.0,
                max(
                    (
                        base[n]
                        for n in (memory.rowid - distance, memory.rowid + distance)
                        if n in by_rowid and n not in echoes and _same_thread(memory, by_rowid[n])
                    ),
                    default=own,
                )
                - own,
            )
            for distance in (1, 2)
        ]
        parts[memory.rowid]["neighbour"] = (
            calibration.neighbour * lifts[0] + calibration.second_neighbour * lifts[1]
        )
        totals[memory.rowid] = own + parts[memory.rowid]["neighbour"]
    order = sorted(totals, key=lambda rowid: (-totals[rowid], -rowid))
    # The message itself, said before, is no answer to it: the best *other* memory is the best.
    leader = next((rowid for rowid in order if rowid not in echoes), None)
    scored = []
    for rowid in order:
        best = rowid == leader and not small_talk
        features = (totals[rowid], 1.0 if best else 0.0)
        scored.append(
            Scored(
                rowid=rowid,
                # Small talk asks nothing, so nothing answers it.
                relevance=0.0 if small_talk else calibration.probability(features),
                score=totals[rowid],
                parts=parts[rowid],
                features=features,
            )
        )
    return scored
