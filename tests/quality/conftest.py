from __future__ import annotations

import pytest

from cml.embedded.embedders import Embedder, default_embedder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default semantic embedder, loaded once for the whole run."""
    loaded = default_embedder()
    if loaded is None:
        pytest.fail("the default embedder could not be loaded: install py-cml[embeddings]")
    return loaded
