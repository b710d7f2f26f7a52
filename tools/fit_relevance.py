"""Fit the logistic map of `cml.engine.relevance` on the calibration set.

    PYTHONPATH=.:generated python tools/fit_relevance.py

Builds the calibration store (tools/relevance_calibration.py) in an in-memory engine, once with
the default embedder and once lexical-only, reads every question (small talk aside: its
relevance is 0 by rule) and fits P(memory answers the question) =
sigmoid(intercept + slope * score + top * [best of the query]) by Newton's method on the
log-loss (the default embedder only: the lexical-only map is set by hand). Prints the fitted
values, a reliability table (predicted vs observed in bins of the fitted relevance) and, for
each cut-off, how many facts pass and how many memories the unanswerable questions get.
"""

from __future__ import annotations

import sys
import unittest.mock
from pathlib import Path
from typing import Any

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from relevance_calibration import CHATTER, PAIRS, STATEMENTS, STRAY_QUESTIONS

from cml.engine import relevance
from cml.engine.engine import Engine

TENANT = "calibration"
CUTOFFS = (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1, 0.2, 0.3, 0.4, 0.5)
# The map's parameters, in the order of `Scored.features` after the intercept.
FITTED = ("intercept", "slope", "top")


def observations(embedder: str) -> list[tuple[str, tuple[float, ...], int]]:
    """(question, features, label) for every memory each question retrieves."""
    rows: list[tuple[str, tuple[float, ...], int]] = []
    seen: list[list[relevance.Scored]] = []
    original = relevance.rank

    def spy(*args: Any, **kwargs: Any) -> list[relevance.Scored]:
        scored = original(*args, **kwargs)
        seen.append(scored)
        return scored

    with (
        unittest.mock.patch.object(relevance, "rank", spy),
        Engine(":memory:", embedder=embedder) as engine,
    ):
        for fact in dict.fromkeys(fact for fact, _ in PAIRS):
            engine.write(TENANT, fact)
        for statement in STATEMENTS:
            engine.write(TENANT, statement)
        for message in CHATTER:
            engine.write(TENANT, message, context_tags=["conversation", "user_input"])
        for fact, question in [*PAIRS, *(("", q) for q in STRAY_QUESTIONS)]:
            if relevance.is_filler(relevance.stems(question)):
                continue  # small talk: every relevance is 0 (see relevance.rank)
            seen.clear()
            engine.read(TENANT, question, max_results=50)
            by_rowid = {
                int(r["rowid"]): r["text"] for r in engine.iter_rows(TENANT, status="active")
            }
            for entry in seen[-1] if seen else []:
                rows.append((question, entry.features, int(by_rowid[entry.rowid] == fact)))
    return rows


def fit(points: list[tuple[tuple[float, ...], int]], *, steps: int = 100) -> list[float]:
    """Logistic regression (intercept first) by Newton's method, with a little L2 so a feature
    that separates the data perfectly cannot run off to infinity."""
    import numpy as np

    x = np.array([[1.0, *features] for features, _ in points])
    y = np.array([label for _, label in points], dtype=float)
    w = np.zeros(x.shape[1])
    ridge = 1e-2 * np.eye(x.shape[1])
    ridge[0, 0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + ridge @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + ridge
        step = np.linalg.solve(hessian, gradient)
        w = w - step
        if float(np.abs(step).sum()) < 1e-10:
            break
    return [float(v) for v in w]


def report(embedder: str, name: str) -> None:
    rows = observations(embedder)
    # Lexical-only scores cannot be fitted here (the questions share no word with their facts):
    # only print how the hand-set map does.
    fitted = getattr(relevance, name)
    if name == "WITH_VECTORS":
        weights = fit([(features, label) for _, features, label in rows])
        fitted = attrs.evolve(
            fitted,
            **dict(zip(FITTED, (round(w, 3) for w in weights), strict=True)),
        )
    print(f"{name} ({embedder}) over {len(rows)} pairs: {fitted}")
    bins: dict[int, list[int]] = {}
    for _, features, label in rows:
        p = fitted.probability(features)
        bins.setdefault(min(int(p * 10), 9), []).append(label)
    for index in sorted(bins):
        labels = bins[index]
        print(
            f"  relevance {index / 10:.1f}-{(index + 1) / 10:.1f}: {len(labels):4d} memories, "
            f"{sum(labels) / len(labels):.2f} answer"
        )
    facts = {q for q, _, label in rows if label}
    chosen = None
    for cut in CUTOFFS:
        passing: dict[str, int] = {}
        found = set()
        for question, features, label in rows:
            p = fitted.probability(features)
            if p >= cut:
                passing[question] = passing.get(question, 0) + 1
                if label:
                    found.add(question)
        stray = [passing.get(q, 0) for q in STRAY_QUESTIONS]
        if chosen is None and sum(n <= 1 for n in stray) >= 0.9 * len(stray):
            chosen = cut
        print(
            f"  cut-off {cut:.2f}: facts passing {len(found)}/{len(facts)}, "
            f"unanswerable with <= 1 memory {sum(n <= 1 for n in stray)}/{len(stray)}, "
            f"with none {sum(n == 0 for n in stray)}/{len(stray)}"
        )
    print(f"  lowest cut-off leaving >= 90 % of unanswerable with <= 1 memory: {chosen}")


def main() -> None:
    report("default", "WITH_VECTORS")
    report("none", "LEXICAL_ONLY")


if __name__ == "__main__":
    main()
