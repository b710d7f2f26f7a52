from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cml.engine.embedders import Embedder, default_embedder

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # benchmarks/ (the suite's harness and data) lives beside tests/


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default semantic embedder, loaded once for the whole run."""
    loaded = default_embedder()
    if loaded is None:
        pytest.fail("the default embedder could not be loaded: install py-cml[embeddings]")
    return loaded
