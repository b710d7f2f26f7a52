"""Helpers for the robustness suite, importable both by the tests and by `_worker.py`.

Nothing here imports the test package: the worker scripts run as plain `python <file>`
subprocesses and import this module by file location.
"""

from __future__ import annotations

import random
import re
import zlib
from typing import Any

USER_KEY = "user-key-0123456789"
ADMIN_KEY = "admin-key-9876543210"

DIM = 32
_WORD = re.compile(r"\w+")


def tiny_embed(texts: list[str]) -> Any:
    """A cheap deterministic embedder (signed feature hashing of words into 32 dimensions).

    Texts that share words are close, so a query for a memory's words finds it; the hash is
    crc32, the same in every process (Python's `hash` is salted per process).
    """
    import numpy as np

    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in _WORD.findall(text.lower()):
            h = zlib.crc32(word.encode())
            out[row, h % DIM] += 1.0 if (h >> 8) & 1 else -1.0
            out[row, (h >> 12) % DIM] += 1.0 if (h >> 20) & 1 else -1.0
        out[row, DIM - 1] += 0.01  # never the zero vector
    return out


_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "qu", "de", "fa", "gi"]
_SYLLABLES += ["ho", "ju"]
VOCABULARY = [
    _SYLLABLES[i % 16] + _SYLLABLES[(i // 16) % 16] + _SYLLABLES[(i // 256) % 16]
    for i in range(4096)
]


def filler_text(k: int, prefix: str = "entry") -> str:
    """A distinct, deterministic memory text: `prefix`, `k` and eight pseudo-words.

    The words are drawn by a generator seeded with the text's own name. (Picking each word by
    crc32 of "prefix:k:j" repeated whole word sets: 9,488 of 10,000 texts shared their eight
    words with another, and two such texts are near-duplicates the engine merges instead of
    storing twice, which a count of stored memories reads as a lost write.) Among 10,000 of them
    the highest cosine between two `tiny_embed` vectors is 0.85, below the 0.97 merge threshold.
    """
    words = random.Random(f"{prefix}:{k}").sample(VOCABULARY, 8)
    return f"{prefix} {k} " + " ".join(words)
