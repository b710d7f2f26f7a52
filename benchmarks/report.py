"""The one table `python -m benchmarks` prints, built from the results it writes as JSON.

Every benchmark contributes rows of the same shape: what was measured, the figure and its unit,
the baseline it is compared with (measured in the same run, or a published figure) and the
ratio figure / baseline. The rows also go into the results JSON, under each section's "rows".
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Value = float | int | str | None

#: The default embedder's name in results (latency, compare): its targets differ from a cheap one's.
DEFAULT_EMBEDDER = "all-MiniLM-L6-v2-int8"


@dataclass(frozen=True)
class Target:
    """A figure's target from the performance issue: the value (or the ratio) at most, or at
    least, `bound`."""

    bound: float
    at_most: bool = True
    of_ratio: bool = False

    def met(self, row: Row) -> bool | None:
        figure = row.ratio if self.of_ratio else row.value
        if not _number(figure):
            return None
        return float(figure) <= self.bound if self.at_most else float(figure) >= self.bound  # type: ignore[arg-type]

    def __str__(self) -> str:
        sign = "<=" if self.at_most else ">="
        return f"{sign} x{self.bound:g}" if self.of_ratio else f"{sign} {fmt(self.bound)}"


def at_most(bound: float, *, ratio: bool = False) -> Target:
    return Target(bound, at_most=True, of_ratio=ratio)


def at_least(bound: float) -> Target:
    return Target(bound, at_most=False)


@dataclass(frozen=True)
class Row:
    benchmark: str
    name: str
    value: Value
    unit: str = ""
    baseline: Value = None
    #: What the baseline is ("raw httpx", "loop of write", "@ 1,000"...).
    baseline_is: str = ""
    #: Set when the ratio is not value / baseline (a composite figure compares one of its parts).
    ratio_of: float | None = None
    #: The performance issue's target for this figure, when it sets one.
    target: Target | None = None

    @property
    def ratio(self) -> float | None:
        if self.ratio_of is not None:
            return self.ratio_of
        if _number(self.value) and _number(self.baseline) and self.baseline:
            return float(self.value) / float(self.baseline)  # type: ignore[arg-type]
        return None

    def as_dict(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "baseline": self.baseline,
            "baseline_is": self.baseline_is,
            "ratio": None if ratio is None else round(ratio, 4),
            "target": None if self.target is None else str(self.target),
            "met": None if self.target is None else self.target.met(self),
        }


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def fmt(value: Value) -> str:
    """A figure with as many digits as its size deserves."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _ratio(ratio: float | None) -> str:
    if ratio is None:
        return ""
    return f"x{ratio:,.0f}" if ratio >= 100 else f"x{ratio:.2f}"


def _at(size: Any) -> str:
    return f"@ {int(size):,}"


# -- the targets -----------------------------------------------------------------------


def read_p50_target(size: int, embedder: str) -> Target | None:
    """Reads at 100,000 memories: p50 <= 15 ms with the default embedder, <= 10 ms with a cheap
    one; at 1,000,000: p50 <= 30 ms."""
    if size >= 1_000_000:
        return at_most(30)
    if size >= 100_000:
        return at_most(15 if embedder == DEFAULT_EMBEDDER else 10)
    return None


def read_p95_target(size: int, embedder: str) -> Target | None:
    """Reads at 100,000 memories with a cheap embedder: p95 <= 25 ms."""
    if 100_000 <= size < 1_000_000 and embedder != DEFAULT_EMBEDDER:
        return at_most(25)
    return None


# -- sections ------------------------------------------------------------------------------------


def _imports(results: Mapping[str, Any]) -> Iterator[Row]:
    cml, httpx = results["modules"]["cml"], results["modules"]["httpx"]
    runs = results["runs"]
    yield Row(
        "imports",
        f"import cml, median of {runs} fresh interpreters",
        cml["seconds_median"] * 1000,
        "ms",
        httpx["seconds_median"] * 1000,
        "import httpx",
        target=at_most(2, ratio=True),
    )
    built = results.get("with_client", {})
    if "cml" in built and "httpx" in built:
        yield Row(
            "imports",
            f"import cml and build a client, median of {runs} fresh interpreters",
            built["cml"]["seconds_median"] * 1000,
            "ms",
            built["httpx"]["seconds_median"] * 1000,
            "import httpx and build an httpx.Client",
        )
    yield Row(
        "imports",
        "memory import cml adds (peak RSS after - before)",
        cml["rss_added_mb_median"],
        "MB",
        httpx["rss_added_mb_median"],
        "import httpx",
    )
    yield Row(
        "imports",
        "modules loaded by import cml",
        cml["modules"],
        "modules",
        httpx["modules"],
        "import httpx",
    )


def _overhead(results: Mapping[str, Any]) -> Iterator[Row]:
    for key in ("http_write", "http_read", "embedded_write", "embedded_read"):
        entry = results[key]
        client, baseline = entry["client"], entry["baseline"]
        yield Row(
            "overhead",
            f"{entry['what']}: wall p50",
            client["p50_ms"],
            "ms/call",
            baseline["p50_ms"],
            entry.get("baseline_is", "baseline"),
            target=at_most(1.3, ratio=True) if key.startswith("embedded") else None,
        )
        if "client_cpu" in entry:  # results written before CPU was measured have none
            yield Row(
                "overhead",
                f"{entry['what']}: caller CPU, mean",
                entry["client_cpu"]["mean_us"],
                "us/call",
                entry["baseline_cpu"]["mean_us"],
                entry.get("baseline_is", "baseline"),
            )


def _batch(results: Mapping[str, Any]) -> Iterator[Row]:
    for mode in ("loopback", "embedded"):
        entry = results[mode]
        yield Row(
            "batch",
            f"{entry['what']}: batch_write of {entry['items']:,}",
            entry["batch_per_s"],
            "memories/s",
            entry["loop_per_s"],
            f"loop of {entry['items']:,} write",
        )
    for mode, curve in results["by_batch_size"].items():
        sizes = sorted(curve, key=int)
        single = curve[sizes[0]]
        for size in sizes[1:]:
            yield Row(
                "batch",
                f"{mode}: batch_write in calls of {int(size):,}",
                curve[size],
                "memories/s",
                single,
                f"calls of {int(sizes[0]):,}",
            )


def _concurrency(results: Mapping[str, Any]) -> Iterator[Row]:
    for key, entry in results["by_mode"].items():
        levels = entry["ops_per_s"]
        sequential = levels["1"]
        for level in results["table_levels"]:
            if str(level) in levels:
                yield Row(
                    "concurrency",
                    f"{entry['what']}, {level} in flight",
                    levels[str(level)],
                    "ops/s",
                    sequential,
                    f"sequential ({key})",
                )


def _throughput(results: Mapping[str, Any]) -> Iterator[Row]:
    for entry in results["by_embedder"].values():
        name = entry["embedder"]
        yield Row(
            "throughput",
            f"Engine.write, one by one [{name}]",
            entry["single_writes_per_s"],
            "memories/s",
        )
        yield Row(
            "throughput",
            f"Engine.write_batch of {entry['batch_size']} [{name}]",
            entry["batch_memories_per_s"],
            "memories/s",
            entry["single_writes_per_s"],
            "one by one",
        )
        if "embedding_only_per_s" in entry:
            yield Row(
                "throughput",
                f"embedding alone, same texts [{name}]",
                entry["embedding_only_per_s"],
                "texts/s",
                entry["batch_memories_per_s"],
                "write_batch",
            )
        yield Row(
            "throughput",
            f"on disk, full write pipeline [{name}]",
            entry["bytes_per_memory"],
            "bytes/memory",
        )


def _latency(results: Mapping[str, Any]) -> Iterator[Row]:
    name = results["embedder"]
    sizes = sorted(results["sizes"], key=int)
    first = results["sizes"][sizes[0]]
    for size in sizes:
        entry = results["sizes"][size]
        at = _at(size)
        later = size != sizes[0]
        read = entry["read"]
        yield Row(
            "latency",
            f"Engine.read p50 {at} [{name}]",
            read["p50_ms"],
            "ms",
            first["read"]["p50_ms"] if later else None,
            _at(sizes[0]) if later else "",
            target=read_p50_target(int(size), name),
        )
        yield Row(
            "latency",
            f"Engine.read p95 {at}",
            read["p95_ms"],
            "ms",
            target=read_p95_target(int(size), name),
        )
        if "query_embedding" in entry:
            yield Row(
                "latency",
                f"  of which query embedding p50 {at}",
                entry["query_embedding"]["p50_ms"],
                "ms",
                read["p50_ms"],
                "read p50",
            )
        if "lexical_only" in entry:
            yield Row(
                "latency",
                f"  lexical-only read p50 {at}",
                entry["lexical_only"]["read"]["p50_ms"],
                "ms",
                read["p50_ms"],
                "read p50",
            )
        if "write" in entry:
            yield Row(
                "latency",
                f"Engine.write p50 {at}",
                entry["write"]["p50_ms"],
                "ms",
                first["write"]["p50_ms"] if later and "write" in first else None,
                _at(sizes[0]) if later else "",
            )
        needles = entry["needles"]
        yield Row(
            "latency",
            f"needles found top-1 / top-5 {at}",
            f"{needles['found@1']:.0%} / {needles['found@5']:.0%}",
            f"of {needles['needles']}",
        )
        if "dense_found@5" in needles:
            yield Row(
                "latency",
                f"needles in the top 5 of exact dense search {at}",
                f"{needles['dense_found@5']:.0%}",
                f"of {needles['needles']}",
            )
        yield Row(
            "latency", f"first read (vector index load) {at}", entry["first_read_seconds"], "s"
        )
        yield Row("latency", f"on disk (bulk rows) {at}", entry["bytes_per_memory"], "bytes/memory")
    if "aim_p50_ms" in results:
        largest = results["sizes"][sizes[-1]]["read"]["p50_ms"]
        yield Row(
            "latency",
            f"read p50 {_at(sizes[-1])} against the aim",
            largest,
            "ms",
            results["aim_p50_ms"],
            "aim",
        )


_RECALLS = ("recall@5", "recall@10", "recall@20", "mrr")


def _recalls(entry: Mapping[str, Any]) -> str:
    return " / ".join(f"{entry[k]:.3f}" for k in _RECALLS)


def _locomo(results: Mapping[str, Any]) -> Iterator[Row]:
    counts = results["counts"]
    yield Row(
        "locomo",
        "questions / turns (README: 760 / 2,760)",
        f"{counts['questions']:,} / {counts['turns']:,}",
    )
    unit = "R@5/R@10/R@20/MRR"
    baselines = results["baselines"]
    best = max(baselines.items(), key=lambda kv: kv[1]["recall@10"], default=None)
    for label, entry in baselines.items():
        yield Row("locomo", f"published baseline: {label}", _recalls(entry), unit)

    def against(
        entry: Mapping[str, Any], label: str, reference: Mapping[str, Any] | None, what: str
    ) -> Row:
        # The ratio compares recall@10, the figure the README's baselines are usually read by.
        if reference is None:
            return Row("locomo", label, _recalls(entry), unit)
        return Row(
            "locomo",
            label,
            _recalls(entry),
            unit,
            reference["recall@10"],
            f"R@10, {what}",
            ratio_of=entry["recall@10"] / reference["recall@10"],
        )

    default: Mapping[str, Any] = results.get("engine_default", {})
    for key, label in (
        ("engine_lexical", "engine, lexical only"),
        ("engine_torch", "engine, PyTorch MiniLM"),
        ("engine_default", "engine, default embedder"),
    ):
        if key in results:
            entry = results[key]
            reference, what = (best[1], best[0]) if best is not None else (None, "")
            yield against(entry, f"{label} [{entry['embedder']}]", reference, what)
    for label, entry in default.get("sensitivity", {}).items():
        yield against(entry, f"  weights: {label}", default, "default weights")
    for key in ("engine_default", "engine_lexical"):
        if key in results:
            entry = results[key]
            lost = entry["questions_with_merged_evidence"]
            yield Row(
                "locomo",
                f"turns merged as near-duplicates [{entry['embedder']}] ({lost} questions lose "
                "evidence)",
                entry["merged_turns"],
                "turns",
            )


def _streaming(results: Mapping[str, Any]) -> Iterator[Row]:
    chunk, first, memory = results["per_chunk"], results["first_chunk"], results["memory"]
    paced = f"{chunk['chunks']:,} chunks paced {chunk['pace_ms']:g} ms"
    for key, label in (
        ("default_interval", f"{paced}, to the last chunk (aim <= x{chunk['aim_ratio']})"),
        ("interval_500ms", f"{paced}, partial update every 500 ms"),
    ):
        entry = chunk[key]
        yield Row(
            "streaming",
            label,
            statistics.median(entry["remembered_s"]),
            "s",
            statistics.median(entry["bare_s"]),
            "bare stream",
        )
    yield Row(
        "streaming",
        "  then finalizing the memory",
        chunk["default_interval"]["end_of_stream_wait_ms"],
        "ms",
    )
    yield Row(
        "streaming",
        "unpaced delivery cost",
        chunk["unpaced_us_per_chunk"],
        "us/chunk",
        chunk["unpaced_bare_us_per_chunk"],
        "bare iteration",
    )
    yield Row(
        "streaming",
        f"first chunk p50 of {first['runs']} runs",
        first["remembered_p50_ms"],
        "ms",
        first["bare_p50_ms"],
        "bare stream",
    )
    yield Row(
        "streaming",
        f"peak traced memory storing a {memory['stream_mb']:g} MB answer",
        memory["peak_mb"],
        "MB",
        memory["stream_mb"],
        "answer size",
    )
    yield Row(
        "streaming",
        f"  time to store it ({memory['chunk_memories']} chunk memories)",
        memory["seconds"],
        "s",
    )


def _isolation(results: Mapping[str, Any]) -> Iterator[Row]:
    reads = results["neighbour_read_ms"]
    smallest = min(reads, key=int)
    alone = reads[smallest]
    for size, value in reads.items():
        if size != smallest:
            yield Row(
                "isolation",
                f"read 'tea' beside a tenant with {int(size):,} matches",
                value,
                "ms",
                alone,
                "alone",
            )
    for name, by_size in results["adversarial_cpu_s"].items():
        small, large = min(by_size, key=int), max(by_size, key=int)
        yield Row(
            "isolation",
            f"{name} of {int(large):,} chars of 'really' (linear: x{int(large) // int(small)})",
            by_size[large],
            "s CPU",
            by_size[small],
            f"{int(small):,} chars",
        )


def _quality(results: Mapping[str, Any]) -> Iterator[Row]:
    suite = results["suite"]
    yield Row(
        "quality",
        "facts reaching turn()'s memory_context",
        suite["facts_reaching_context"],
        "share",
        0.95,
        "target",
    )
    yield Row(
        "quality",
        "unanswerable with <= 1 memory",
        suite["unanswerable_at_most_one"],
        "share",
        0.90,
        "target",
    )
    yield Row(
        "quality",
        "fact first, before / after the questions were stored",
        f"{suite['fact_first_before_questions']:.2f} / {suite['fact_first_after_questions']:.2f}",
    )
    yield Row(
        "quality",
        "memories added by asking every question again",
        suite["memories_added_by_repeated_questions"],
    )
    merges = results["merges"]
    yield Row(
        "quality",
        "distinct near-identical facts merged",
        f"{merges['distinct_merged']} of {merges['distinct_pairs']}",
    )
    yield Row(
        "quality", "true repeats merged", f"{merges['repeats_merged']} of {merges['repeat_pairs']}"
    )
    if "locomo" in results:
        entry = results["locomo"]
        yield Row("quality", "LoCoMo dev read", _recalls(entry["read"]), "R@5/R@10/R@20/MRR")
        yield Row(
            "quality",
            "LoCoMo dev evidence reaching turn()'s context",
            entry["turn_recall"],
            "share",
            0.75,
            "target",
        )


@dataclass(frozen=True)
class _AtSize:
    """One store size of the comparison: each system's figures there (None when not run)."""

    size: int
    embedder: str
    ours: Mapping[str, Any]
    mem0: Mapping[str, Any] | None
    numpy: Mapping[str, Any] | None

    def rows(
        self,
        label: str,
        key: str,
        unit: str,
        target: Target | None = None,
        *,
        beside_mem0: bool = True,
    ) -> Iterator[Row]:
        """py-cml's figure beside mem0's, with its target; then numpy's beside py-cml's."""
        at = _at(self.size)
        mem0 = self.mem0 if beside_mem0 else None
        yield Row(
            "compare",
            f"{label} {at} [py-cml, {self.embedder}]",
            _figure(self.ours, key),
            unit,
            _figure(mem0, key),
            "mem0" if mem0 is not None else "",
            target=target,
        )
        if self.numpy is not None:
            yield Row(
                "compare",
                f"  numpy brute force, {label} {at}",
                _figure(self.numpy, key),
                unit,
                _figure(self.ours, key),
                "py-cml",
            )


def _figure(entry: Mapping[str, Any] | None, key: str) -> Any:
    """`entry[key]`, where "read.p50_ms" reaches into `entry["read"]`."""
    if entry is None:
        return None
    found: Any = entry
    for part in key.split("."):
        found = found[part]
    return found


def _compare(results: Mapping[str, Any]) -> Iterator[Row]:
    """py-cml beside mem0 (the baseline) and the issue's targets, numpy beside py-cml."""
    systems = results["by_system"]
    if "py-cml" not in systems:
        return
    name = results["embedder"]
    for size in sorted(systems["py-cml"]["sizes"], key=int):
        n = int(size)
        point = _AtSize(
            n,
            name,
            systems["py-cml"]["sizes"][size],
            systems.get("mem0", {}).get("sizes", {}).get(size),
            systems.get("numpy", {}).get("sizes", {}).get(size),
        )
        yield from point.rows("read p50", "read.p50_ms", "ms", read_p50_target(n, name))
        yield from point.rows("read p95", "read.p95_ms", "ms", read_p95_target(n, name))
        batch_target = at_least(500) if n >= 100_000 and name == DEFAULT_EMBEDDER else None
        yield from point.rows("batch_write", "batch_write_per_s", "memories/s", batch_target)
        yield from point.rows(
            "bulk load, no embedding", "bulk_load_per_s", "memories/s", at_least(2_000)
        )
        yield from point.rows("memory the store adds (RSS)", "rss_added_mb", "MB")
        # Beside mem0 only when its vectors are on disk too (in memory, its disk is its history).
        persisted = systems.get("mem0", {}).get("persists_vectors", True)
        yield from point.rows("on disk", "disk_bytes", "bytes", beside_mem0=persisted)


def _scale(results: Mapping[str, Any]) -> Iterator[Row]:
    """scale.py: the store grown to 1,000,000 memories with a cheap embedder, then the default
    embedder's reads and batch writes at 100,000."""
    found = results.get("bulk", {})
    name = found.get("embedder", "")
    for goal, stretch in sorted(found.get("stretches", {}).items(), key=lambda kv: int(kv[0])):
        yield Row(
            "scale",
            f"write_batch, no model [{name}] {_at(goal)}",
            stretch["memories_per_s"],
            "memories/s",
            target=at_least(2_000),
        )
    for size, entry in sorted(found.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        at, n = _at(size), int(size)
        read = entry["read"]
        yield Row(
            "scale",
            f"read p50 {at} [{name}]",
            read["p50_ms"],
            "ms",
            target=read_p50_target(n, name),
        )
        yield Row("scale", f"read p95 {at}", read["p95_ms"], "ms", target=read_p95_target(n, name))
        yield Row(
            "scale",
            f"recall@10 of the vector index vs exact {at}",
            entry["recall_at_10"],
            "share",
            target=at_least(0.98),
        )
        yield Row(
            "scale",
            f"needles in the top 5, approximate dense {at}",
            entry["approximate_dense_found@5"],
            "share",
            entry["exact_dense_found@5"],
            "exact dense",
        )
        yield Row("scale", f"on disk {at}", round(entry["file_bytes"] / 1_048_576, 1), "MB")
        yield Row("scale", f"peak RSS {at}", entry.get("peak_rss_mb"), "MB")
    if "reopen_first_read_seconds" in found:
        yield Row("scale", "reopen + first read", found["reopen_first_read_seconds"], "s")
    default = results.get("default_embedder")
    if default:
        at, n = _at(default["memories"]), int(default["memories"])
        yield Row(
            "scale",
            f"read p50 {at} [{default['embedder']}]",
            default["read"]["p50_ms"],
            "ms",
            target=read_p50_target(n, default["embedder"]),
        )
        if "approximate_dense_found@5" in default:
            yield Row(
                "scale",
                f"needles in the top 5, approximate dense {at} [{default['embedder']}]",
                default["approximate_dense_found@5"],
                "share",
                default["exact_dense_found@5"],
                "exact dense",
            )
        yield Row(
            "scale",
            f"write_batch {at} [{default['embedder']}]",
            default["batch_write_per_s"],
            "memories/s",
            default.get("model_alone_per_s"),
            "the model alone (ceiling)" if "model_alone_per_s" in default else "",
            target=at_least(500) if n >= 100_000 else None,
        )


#: Section builders, in the order of the table.
SECTIONS: dict[str, Callable[[Mapping[str, Any]], Iterator[Row]]] = {
    "imports": _imports,
    "overhead": _overhead,
    "batch": _batch,
    "concurrency": _concurrency,
    "throughput": _throughput,
    "latency": _latency,
    "compare": _compare,
    "scale": _scale,
    "locomo": _locomo,
    "streaming": _streaming,
    "isolation": _isolation,
    "quality": _quality,
}


def section_rows(name: str, section: Mapping[str, Any]) -> list[Row]:
    return list(SECTIONS[name](section))


def rows(results: Mapping[str, Any]) -> list[Row]:
    out: list[Row] = []
    for name in SECTIONS:
        if name in results:
            out.extend(section_rows(name, results[name]))
    return out


def _verdict(row: Row) -> str:
    if row.target is None:
        return ""
    met = row.target.met(row)
    return f"{row.target} {'-' if met is None else 'met' if met else 'MISSED'}"


def table(results: Mapping[str, Any]) -> str:
    header = ("benchmark", "figure", "value", "unit", "baseline", "ratio", "target")
    cells = [
        (
            r.benchmark,
            r.name,
            fmt(r.value),
            r.unit,
            f"{fmt(r.baseline)} {r.baseline_is}" if r.baseline is not None else "",
            _ratio(r.ratio),
            _verdict(r),
        )
        for r in rows(results)
    ]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(len(header))]
    right = {2, 5}  # numbers line up on the right

    def line(cell: tuple[str, ...]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cell, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(header), rule]
    previous = None
    for cell in cells:
        if previous is not None and cell[0] != previous:
            out.append(rule)
        previous = cell[0]
        out.append(line(cell))
    return "\n".join(out)
