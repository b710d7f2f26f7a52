"""`python -m benchmarks [NAME ...]`: run benchmarks, print one table, write results JSON, plot.

Without names every benchmark runs. Results of earlier runs of the other benchmarks are kept in
the JSON file, so running one alone updates its part only. Every section of the JSON carries its
table rows ("rows"); the plots (PNG, with matplotlib) go beside the JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import (
    batch,
    compare,
    concurrency,
    imports,
    isolation,
    latency,
    locomo,
    overhead,
    plots,
    quality,
    report,
    scale,
    streaming,
    throughput,
)
from ._common import machine, results_dir

# In the order of the table.
BENCHMARKS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "imports": lambda args: imports.run(),
    "overhead": lambda args: overhead.run(calls=args.calls),
    "batch": lambda args: batch.run(),
    "concurrency": lambda args: concurrency.run(),
    "throughput": lambda args: throughput.run(),
    "latency": lambda args: latency.run(sizes=args.sizes),
    "compare": lambda args: compare.run(sizes=args.compare_sizes),
    "locomo": lambda args: locomo.run(sensitivity=not args.no_sensitivity),
    "streaming": lambda args: streaming.run(),
    "isolation": lambda args: isolation.run(),
    "quality": lambda args: quality.run(),
    "scale": lambda args: scale.run(sizes=args.scale_sizes),
}


def _plots(results: dict[str, Any], folder: Path) -> None:
    drawn = plots.write(results, folder)
    if isinstance(drawn, str):
        print(drawn)
    elif drawn:
        print("plots: " + ", ".join(str(path) for path in drawn))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        choices=[*BENCHMARKS, []],
        metavar="NAME",
        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--out", type=Path, help="results JSON (default: bench-results/results.json)"
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(latency.SIZES),
        help="store sizes for the latency benchmark",
    )
    parser.add_argument(
        "--compare-sizes",
        type=int,
        nargs="+",
        default=list(compare.SIZES),
        help="store sizes for the comparison with mem0 and numpy",
    )
    parser.add_argument(
        "--scale-sizes",
        type=int,
        nargs="+",
        default=list(scale.SIZES),
        help="store sizes at which the scale benchmark measures reads",
    )
    parser.add_argument(
        "--calls", type=int, default=overhead.CALLS, help="calls per side in the overhead benchmark"
    )
    parser.add_argument(
        "--no-sensitivity", action="store_true", help="LoCoMo: skip the neighbouring-weights runs"
    )
    parser.add_argument(
        "--table-only",
        action="store_true",
        help="print the table of the results file (of the named benchmarks) without running",
    )
    args = parser.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    out = args.out or results_dir() / "results.json"

    results: dict[str, Any] = {}
    if out.exists():
        try:
            results = json.loads(out.read_text(encoding="utf-8"))
        except ValueError:
            results = {}
    if args.table_only:
        print(report.table({n: results[n] for n in names if n in results}))
        _plots(results, out.parent)
        return 0
    ran: dict[str, Any] = {}
    run_started = time.perf_counter()
    for name in names:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        section = BENCHMARKS[name](args)
        section["seconds"] = round(time.perf_counter() - started, 1)
        section["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        section["machine"] = machine()
        section["rows"] = [row.as_dict() for row in report.section_rows(name, section)]
        print(f"[bench] {name}: {section['seconds']:.0f} s", file=sys.stderr, flush=True)
        ran[name] = results[name] = section
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    print(report.table(ran))
    print(f"\nresults: {out}")
    _plots(results, out.parent)
    print(f"total: {time.perf_counter() - run_started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
