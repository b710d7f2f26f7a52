"""PNG plots of the figures a table shows less well, drawn from the results JSON.

* latency.png: read latency (p50, p95; lexical-only p50; query embedding p50) and write
  latency p50 against store size;
* batch.png: write throughput against `batch_write` batch size, over loopback and embedded;
* concurrency.png: calls/s against calls in flight through the async clients;
* compare.png: read p50 against store size for py-cml (and its p95), mem0 and numpy brute
  force, with the issue's read targets, and scale.py's reads up to 1,000,000 when it ran;
* scale.png: scale.py's reads (p50, p95) and write_batch rate as the store grows to 1,000,000.

matplotlib (the `bench` extra) draws them with the Agg back end (files only, no display). Without
it the benchmarks still run and print the table; `write` says the plots were skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

Axes = Any


def _latency(results: Mapping[str, Any], axes: Axes) -> None:
    sizes = sorted(results["sizes"], key=int)
    x = [int(s) for s in sizes]
    entries = [results["sizes"][s] for s in sizes]
    series: list[tuple[str, list[float | None], str]] = [
        ("read p50", [e["read"]["p50_ms"] for e in entries], "o-"),
        ("read p95", [e["read"]["p95_ms"] for e in entries], "o--"),
        (
            "lexical-only read p50",
            [e.get("lexical_only", {}).get("read", {}).get("p50_ms") for e in entries],
            "s-",
        ),
        (
            "query embedding p50",
            [e.get("query_embedding", {}).get("p50_ms") for e in entries],
            "^:",
        ),
        ("write p50", [e.get("write", {}).get("p50_ms") for e in entries], "D-"),
    ]
    for label, values, style in series:
        points = [(size, v) for size, v in zip(x, values, strict=True) if v is not None]
        if points:
            axes.plot(*zip(*points, strict=True), style, label=label)
    if "aim_p50_ms" in results:
        axes.axhline(results["aim_p50_ms"], color="grey", linewidth=0.8, linestyle=":")
        axes.annotate(
            f"aim: read p50 < {results['aim_p50_ms']:g} ms",
            (x[0], results["aim_p50_ms"]),
            textcoords="offset points",
            xytext=(0, 4),
            fontsize=8,
            color="grey",
        )
    axes.set_xscale("log")
    _ticks(axes, x)
    # Log milliseconds too: a slow tail at one size would flatten every other line.
    axes.set_yscale("log")
    axes.yaxis.set_major_formatter(_plain())
    axes.set_xlabel("memories in the store")
    axes.set_ylabel("ms per call (log scale)")
    axes.set_title(f"Engine latency against store size [{results['embedder']}]")


def _plain() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: f"{value:g}")


def _ticks(axes: Axes, values: Iterable[int]) -> None:
    """Plain numbers on a log axis, at the measured points (not 10^n or 2^n)."""
    ticks = sorted(set(values))
    axes.set_xticks(ticks, [f"{t:,}" for t in ticks])
    axes.minorticks_off()


def _batch(results: Mapping[str, Any], axes: Axes) -> None:
    for mode, curve in results["by_batch_size"].items():
        sizes = sorted(curve, key=int)
        axes.plot([int(s) for s in sizes], [curve[s] for s in sizes], "o-", label=mode)
    axes.set_xscale("log")
    _ticks(axes, (int(s) for curve in results["by_batch_size"].values() for s in curve))
    axes.set_xlabel("items per batch_write call")
    axes.set_ylabel("memories written per second")
    axes.set_title(f"Write throughput against batch size [{results['embedder']}]")


def _concurrency(results: Mapping[str, Any], axes: Axes) -> None:
    for key, entry in results["by_mode"].items():
        levels = sorted(entry["ops_per_s"], key=int)
        rates = [entry["ops_per_s"][level] for level in levels]
        axes.plot([int(level) for level in levels], rates, "o-", label=key)
    axes.set_xscale("log", base=2)
    _ticks(axes, (int(level) for e in results["by_mode"].values() for level in e["ops_per_s"]))
    axes.set_xlabel("calls in flight (1 = awaited one by one)")
    axes.set_ylabel("calls per second")
    axes.set_title(f"Async clients: throughput against concurrency [{results['embedder']}]")


_STYLES = {"py-cml": "o-", "mem0": "s-", "numpy": "^:"}


def _compare(results: Mapping[str, Any], axes: Axes) -> None:
    every: set[int] = set()
    for system, entry in results["by_system"].items():
        sizes = sorted(entry["sizes"], key=int)
        x = [int(s) for s in sizes]
        every.update(x)
        style = _STYLES.get(system, "o-")
        axes.plot(x, [entry["sizes"][s]["read"]["p50_ms"] for s in sizes], style, label=system)
        if system == "py-cml":
            p95 = [entry["sizes"][s]["read"]["p95_ms"] for s in sizes]
            axes.plot(x, p95, "o--", color=axes.lines[-1].get_color(), label="py-cml p95")
    scale = results.get("scale", {}).get("bulk", {})
    if scale.get("sizes"):
        sizes = sorted(scale["sizes"], key=int)
        x = [int(s) for s in sizes]
        every.update(x)
        p50 = [scale["sizes"][s]["read"]["p50_ms"] for s in sizes]
        axes.plot(x, p50, "D-", label=f"py-cml, scale.py [{scale['embedder']}]")
    # The targets for read p50: at 100,000 (default embedder) and at 1,000,000.
    for size, bound in ((100_000, 15.0), (1_000_000, 30.0)):
        if max(every) >= size:
            axes.plot([size], [bound], "k_", markersize=18)
            axes.annotate(
                f"target {bound:g} ms",
                (size, bound),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=8,
            )
    axes.set_xscale("log")
    _ticks(axes, every)
    axes.set_yscale("log")
    axes.yaxis.set_major_formatter(_plain())
    axes.yaxis.set_minor_formatter(_plain())
    axes.set_xlabel("memories in the store")
    axes.set_ylabel("read p50 ms, query embedding included (log scale)")
    axes.set_title(f"Read latency against store size: py-cml, mem0, numpy [{results['embedder']}]")


def _scale(results: Mapping[str, Any], axes: Axes) -> None:
    found = results.get("bulk", {})
    sizes = sorted(found.get("sizes", {}), key=int)
    x = [int(s) for s in sizes]
    for key, style in (("p50_ms", "o-"), ("p95_ms", "o--")):
        values = [found["sizes"][s]["read"][key] for s in sizes]
        axes.plot(x, values, style, label=f"read {key[:3]}")
    for size, bound in ((100_000, 10.0), (1_000_000, 30.0)):
        if x and max(x) >= size:
            axes.plot([size], [bound], "k_", markersize=18)
            axes.annotate(
                f"target p50 {bound:g} ms",
                (size, bound),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=8,
            )
    stretches = sorted(found.get("stretches", {}), key=int)
    if stretches:
        rates = axes.twinx()
        rates.plot(
            [int(s) for s in stretches],
            [found["stretches"][s]["memories_per_s"] for s in stretches],
            "s:",
            color="grey",
            label="write_batch memories/s (right)",
        )
        rates.axhline(2_000, color="grey", linewidth=0.6, linestyle=":")
        rates.set_ylabel("write_batch memories/s (target >= 2,000)")
        rates.legend(fontsize=8, loc="lower right")
    axes.set_xscale("log")
    _ticks(axes, [*x, *(int(s) for s in stretches)])
    axes.set_xlabel("memories in the store")
    axes.set_ylabel("read ms, query embedding included")
    axes.set_title(f"The store grown to {max(x or [0]):,} memories [{found.get('embedder', '')}]")


PLOTS: dict[str, tuple[str, Callable[[Mapping[str, Any], Axes], None]]] = {
    "latency": ("latency.png", _latency),
    "batch": ("batch.png", _batch),
    "concurrency": ("concurrency.png", _concurrency),
    "compare": ("compare.png", _compare),
    "scale": ("scale.png", _scale),
}


def write(results: Mapping[str, Any], folder: Path) -> list[Path] | str:
    """The plots the results allow, as PNGs in `folder`; or why none were drawn."""
    try:
        import matplotlib
    except ImportError:
        return "plots skipped: matplotlib is not installed (pip install -e '.[bench]')"
    matplotlib.use("Agg")
    from matplotlib import pyplot

    written = []
    for name, (filename, draw) in PLOTS.items():
        if name not in results:
            continue
        figure, axes = pyplot.subplots(figsize=(8, 5), layout="constrained")
        section = results[name]
        if name == "compare" and "scale" in results:
            # The comparison's plot goes on to the sizes only scale.py reaches (1,000,000).
            section = {**section, "scale": results["scale"]}
        try:
            draw(section, axes)
            axes.grid(True, alpha=0.3)
            axes.legend(fontsize=8)
            path = folder / filename
            figure.savefig(path, dpi=110)
            written.append(path)
        finally:
            pyplot.close(figure)
    return written
