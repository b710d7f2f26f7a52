"""Every text-analysis pattern, and every text-analysis entry point, runs in linear time.

A pattern that backtracks (or a search that rescans the rest of the text from every position)
turns a 100 KB write into minutes inside the engine's write lock. Each check times the same
adversarial input at 10 KB and at 100 KB: linear work grows ~10x; the bound allows 30x for a
noisy shared machine, while the quadratic cases this guards against grow ~100x.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest

from cml.text import chunking, classify, extract

SMALL = 10_000
LARGE = 100_000
MAX_GROWTH = 30.0
# A 100 KB run faster than this is linear whatever the ratio says (short runs are mostly noise
# on a shared machine); a quadratic pattern takes seconds there.
FLOOR_SECONDS = 0.05


def _patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern the text-analysis modules hold, however they hold it."""
    for module in (extract, classify, chunking):
        for name, value in vars(module).items():
            items = value if isinstance(value, tuple) else (value,)
            for index, item in enumerate(items):
                for candidate in (item, *(item if isinstance(item, tuple) else ())):
                    pattern = candidate
                    if not isinstance(pattern, re.Pattern):
                        pattern = getattr(candidate, "pattern", None)  # a classifier rule
                    if isinstance(pattern, re.Pattern):
                        yield f"{module.__name__}.{name}[{index}]", pattern


PATTERNS = sorted(dict(_patterns()).items())

# Runs that make a pattern try a long partial match from every position: each word the
# pattern spells out (both cases), and the characters it is built around.
_GENERIC = [" ", "a ", "A ", "a.", "A. ", "1. ", "... ", "x" * 40 + " ", "\n \n"]


def _units(pattern: re.Pattern[str]) -> list[str]:
    words = sorted(set(re.findall(r"[a-z']{2,}", pattern.pattern.lower())))
    units = list(_GENERIC)
    for word in words:
        units += [word + " ", word.capitalize() + " "]
    return units


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _timed(run: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        # CPU time of this thread: on a shared machine, wall time mostly measures the others.
        started = time.thread_time()
        run(text)
        best = min(best, time.thread_time() - started)
    return best


def _growth(run: Callable[[str], object], unit: str) -> tuple[float, float]:
    return _timed(run, _fill(unit, SMALL)), _timed(run, _fill(unit, LARGE))


def _assert_linear(label: str, run: Callable[[str], object], units: list[str]) -> None:
    slow = []
    for unit in units:
        small, large = _growth(run, unit)
        if large > FLOOR_SECONDS and large > MAX_GROWTH * small:
            # Retry once: a burst of load elsewhere on the machine can land on the large run.
            small, large = _growth(run, unit)
            if large > FLOOR_SECONDS and large > MAX_GROWTH * small:
                slow.append(f"{unit!r}: {small * 1000:.1f} ms -> {large * 1000:.1f} ms")
    assert not slow, f"{label} grows faster than linearly: " + "; ".join(slow)


def test_every_text_pattern_is_found() -> None:
    # The collection above must see the patterns the engine uses, or the test below is empty.
    names = {name for name, _ in PATTERNS}
    assert any(name.startswith("cml.text.extract._VERBS") for name in names)
    assert any(name.startswith("cml.text.classify._RULES") for name in names)
    assert len(PATTERNS) > 50


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_pattern_is_linear(name: str, pattern: re.Pattern[str]) -> None:
    _assert_linear(name, lambda text: sum(1 for _ in pattern.finditer(text)), _units(pattern))


_ENTRY_UNITS = [
    *_GENERIC,
    "really ",
    "really likes ",
    "I ",
    "my ",
    "likes ",
    "is a ",
    "Dr. ",
    "user's ",
    "born in ",
    "name is ",
    "don't ",
    "only ",
    "Aa of ",
    "Alice's ",
]


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(extract.extract, id="extract"),
        pytest.param(classify.classify, id="classify"),
        pytest.param(chunking.split_sentences, id="split_sentences"),
        pytest.param(chunking.split_paragraphs, id="split_paragraphs"),
        pytest.param(chunking.chunk_text, id="chunk_text"),
    ],
)
def test_text_analysis_is_linear(entry: Callable[[str], object]) -> None:
    _assert_linear(entry.__name__, entry, _ENTRY_UNITS)
