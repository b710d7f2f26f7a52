"""When is a new text the same statement as a stored memory, said again?

Embeddings place "Nadia's appointment is on 16 July" and "... on 18 July" almost on top of each
other (cosine above 0.97), yet they are different facts: merging them loses one. So a close vector
is necessary but not enough: the two texts must also agree on every token that can change a fact
while barely moving the vector: numbers (digits or words), months and weekdays, names
(capitalised words inside a sentence) and negations. Linear in the text.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

__all__ = ["NEAR_DUPLICATE_COSINE", "fact_tokens", "same_statement"]

#: Two texts closer than this (cosine) may be the same memory said again (if `same_statement`).
NEAR_DUPLICATE_COSINE = 0.97

_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_SENTENCE_END = frozenset(".!?")
_NUMBER_WORDS = frozenset(
    [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "thousand",
        "million",
        "billion",
        "half",
        "dozen",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "once",
        "twice",
    ]
)
_CALENDAR = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "tomorrow",
        "yesterday",
        "tonight",
        "morning",
        "afternoon",
        "evening",
        "night",
        "noon",
        "midnight",
        "am",
        "pm",
        "weekend",
    ]
)
_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "nothing",
        "nobody",
        "none",
        "neither",
        "nor",
        "without",
        "cannot",
        "can't",
        "won't",
    ]
)


def fact_tokens(text: str) -> Counter[str]:
    """The tokens of `text` that a fact turns on: numbers, calendar words, names, negations."""
    found: Counter[str] = Counter()
    sentence_start = True
    previous_end = 0
    for match in _TOKEN.finditer(text):
        gap = text[previous_end : match.start()]
        if any(c in _SENTENCE_END for c in gap):
            sentence_start = True
        previous_end = match.end()
        token = match.group()
        lower = token.lower()
        if token[0].isdigit():
            found[token.replace(",", "")] += 1
        elif lower in _NEGATIONS or lower.endswith("n't"):
            found["not"] += 1  # "can't", "cannot" and "not" negate alike
        elif (
            lower in _NUMBER_WORDS
            or lower in _CALENDAR
            or (token[0].isupper() and not sentence_start and lower != "i")
        ):
            found[lower] += 1
        sentence_start = False
    return found


def same_statement(first: str, second: str) -> bool:
    """Whether two texts (already close in meaning) state the same fact: the same numbers,
    dates, names and negations."""
    return _signature(first) == _signature(second)


# A write compares itself with every close memory, and the same memories are close again on the
# next write: each text is analysed once (bounded: short texts only reach here, <= 2,000 chars).
@functools.lru_cache(maxsize=4096)
def _signature(text: str) -> frozenset[tuple[str, int]]:
    return frozenset(fact_tokens(text).items())
