"""The one table `python -m benchmarks` prints, from the results it writes as JSON."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Row = tuple[str, str, str]


def _n(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _recalls(entry: Mapping[str, Any]) -> str:
    return " / ".join(f"{entry[k]:.3f}" for k in ("recall@5", "recall@10", "recall@20", "mrr"))


def _throughput(results: Mapping[str, Any]) -> Iterator[Row]:
    for entry in results["by_embedder"].values():
        name = entry["embedder"]
        yield "throughput", f"single write, memories/s [{name}]", _n(entry["single_writes_per_s"])
        yield (
            "throughput",
            f"write_batch of {entry['batch_size']}, memories/s [{name}]",
            f"{_n(entry['batch_memories_per_s'])} (x{entry['batch_vs_single']:.1f} single)",
        )
        if "embedding_only_per_s" in entry:
            yield (
                "throughput",
                f"embedding alone, texts/s [{name}]",
                f"{_n(entry['embedding_only_per_s'])} (embedding = "
                f"{entry['embedding_share_of_batch_write']:.0%} of batch write time)",
            )
        yield (
            "throughput",
            f"bytes/memory on disk, full write pipeline [{name}]",
            f"{_n(entry['bytes_per_memory'], 0)} ({_n(entry['memories_stored'])} memories, "
            f"{entry['merged_as_duplicates']} merged)",
        )


def _latency(results: Mapping[str, Any]) -> Iterator[Row]:
    name = results["embedder"]
    for size, entry in results["sizes"].items():
        at = f"@ {int(size):,}"
        read = entry["read"]
        yield (
            "latency",
            f"read p50 / p95 ms {at} [{name}]",
            f"{read['p50_ms']:.1f} / {read['p95_ms']:.1f} (aim p50 < {results['aim_p50_ms']:.0f})",
        )
        if "query_embedding" in entry:
            embed = entry["query_embedding"]
            yield "latency", f"  of which query embedding p50 ms {at}", f"{embed['p50_ms']:.1f}"
        if "lexical_only" in entry:
            lexical = entry["lexical_only"]["read"]
            yield (
                "latency",
                f"  lexical-only read p50 / p95 ms {at}",
                f"{lexical['p50_ms']:.1f} / {lexical['p95_ms']:.1f}",
            )
        needles = entry["needles"]
        yield (
            "latency",
            f"needles found top-1 / top-5 {at}",
            f"{needles['found@1']:.0%} / {needles['found@5']:.0%} of {needles['needles']}",
        )
        yield (
            "latency",
            f"first read (vector index load) s {at}",
            _n(entry["first_read_seconds"], 2),
        )
        yield "latency", f"bytes/memory on disk (bulk rows) {at}", _n(entry["bytes_per_memory"], 0)


def _locomo(results: Mapping[str, Any]) -> Iterator[Row]:
    counts = results["counts"]
    yield (
        "locomo",
        "questions / turns (README: 760 / 2,760)",
        f"{counts['questions']:,} / {counts['turns']:,}",
    )
    yield "locomo", "recall@5 / @10 / @20 / MRR:", ""
    for label, entry in results["baselines"].items():
        yield "locomo", f"  baseline: {label}", _recalls(entry)
    for key, label in (
        ("engine_lexical", "engine, lexical only"),
        ("engine_torch", "engine, PyTorch MiniLM"),
        ("engine_default", "engine, default embedder"),
    ):
        if key in results:
            entry = results[key]
            yield "locomo", f"  {label} [{entry['embedder']}]", _recalls(entry)
    default = results.get("engine_default", {})
    for label, entry in default.get("sensitivity", {}).items():
        yield "locomo", f"    weights: {label}", _recalls(entry)
    for key in ("engine_default", "engine_lexical"):
        if key in results:
            entry = results[key]
            yield (
                "locomo",
                f"turns merged as near-duplicates [{entry['embedder']}]",
                f"{entry['merged_turns']} (questions losing evidence: "
                f"{entry['questions_with_merged_evidence']})",
            )


def _overhead(results: Mapping[str, Any]) -> Iterator[Row]:
    for key in ("http_write", "http_read", "embedded_write", "embedded_read"):
        entry = results[key]
        client, baseline = entry["client"], entry["baseline"]
        yield (
            "overhead",
            f"{entry['what']}, p50 ms",
            f"{client['p50_ms']:.2f} vs {baseline['p50_ms']:.2f} (x{entry['ratio_p50']:.2f}; "
            f"mean x{entry['ratio_mean']:.2f})",
        )


SECTIONS = {
    "throughput": _throughput,
    "latency": _latency,
    "locomo": _locomo,
    "overhead": _overhead,
}


def rows(results: Mapping[str, Any]) -> list[Row]:
    out: list[Row] = []
    for name, section in SECTIONS.items():
        if name in results:
            out.extend(section(results[name]))
    return out


def table(results: Mapping[str, Any]) -> str:
    lines = rows(results)
    header = ("benchmark", "figure", "value")
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(3)]
    rule = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), rule]
    previous = None
    for row in lines:
        if previous is not None and row[0] != previous:
            out.append(rule)
        previous = row[0]
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(out)
