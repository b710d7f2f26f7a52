"""What `import cml` costs a program that starts: time and memory, beside `import httpx`.

httpx is the baseline because cml is built on it: the ratio is what the SDK adds to the HTTP
library it needs anyway. Each figure comes from a fresh interpreter (a module imports once per
process), several of them, alternating the two modules; the median is reported. The interpreters
start from the repository root with the same Python as the benchmarks. One discarded run of each
first, so bytecode caches are written before anything is timed.

* time: `time.perf_counter()` around the import statement alone (not interpreter start-up);
* memory: the process's peak resident set after the import minus before it. On Linux that is
  VmHWM from /proc/self/status: `ru_maxrss` would not do, as a child started from this (larger)
  process begins with the parent's high-water mark.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from typing import Any

from ._common import ROOT

MODULES = ("cml", "httpx")
# The same import, then what a client-mode program does next: build a client (nothing is sent).
# Building an httpx.Client has a cost of its own (its TLS context, the HTTP/1.1 and HTTP/2
# machinery), so each side builds its own client and the two are compared.
BUILDS = {
    "cml": "cml.CognitiveMemoryLayer(base_url='http://127.0.0.1:9', api_key='k').close()",
    "httpx": "httpx.Client().close()",
}
RUNS = 7
SLOWEST = 8

# Runs in the child. Peaks in KiB: VmHWM where /proc has it, else ru_maxrss (KiB on Linux).
_PROBE = """
import json, resource, sys, time

def peak_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

before = peak_kb()
modules = len(sys.modules)
started = time.perf_counter()
globals()[sys.argv[1]] = __import__(sys.argv[1])
exec(sys.argv[2])
seconds = time.perf_counter() - started
after = peak_kb()
print(json.dumps({"seconds": seconds, "rss_before_kb": before, "rss_after_kb": after,
                  "modules": len(sys.modules) - modules}))
"""


def probe(module: str, then: str = "pass") -> dict[str, Any]:
    """One fresh interpreter importing `module` and running `then`: seconds, peak RSS
    before/after, modules loaded."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, module, then],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def slowest_imports(module: str, count: int = SLOWEST) -> list[dict[str, Any]]:
    """The modules with the largest cumulative import time under `-X importtime` (one run)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:  # the header line has words where the numbers go, and does not match
            rows.append({"module": match.group(4), "cumulative_ms": int(match.group(2)) / 1000})
    rows.sort(key=lambda r: r["cumulative_ms"], reverse=True)
    return [r for r in rows if r["module"] != module][:count]


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [r["seconds"] for r in runs]
    added = [(r["rss_after_kb"] - r["rss_before_kb"]) / 1024 for r in runs]
    return {
        "runs": len(runs),
        "seconds_median": round(statistics.median(seconds), 4),
        "seconds_min": round(min(seconds), 4),
        "rss_added_mb_median": round(statistics.median(added), 2),
        "rss_after_mb_median": round(statistics.median(r["rss_after_kb"] for r in runs) / 1024, 2),
        "modules": runs[-1]["modules"],
    }


def run(
    *, runs: int = RUNS, modules: tuple[str, ...] = MODULES, warm_up: bool = True
) -> dict[str, Any]:
    if warm_up:
        for module in modules:
            probe(module)  # writes bytecode caches where missing; not counted
    measured: dict[str, list[dict[str, Any]]] = {m: [] for m in modules}
    built: dict[str, list[dict[str, Any]]] = {m: [] for m in modules if m in BUILDS}
    for index in range(runs):
        order = modules if index % 2 == 0 else tuple(reversed(modules))
        for module in order:
            measured[module].append(probe(module))
        for module in order:
            if module in built:
                built[module].append(probe(module, BUILDS[module]))
    report: dict[str, Any] = {
        "runs": runs,
        "modules": {m: _summary(r) for m, r in measured.items()},
        "with_client": {m: _summary(r) for m, r in built.items()},
    }
    report["slowest_in_import_cml"] = slowest_imports("cml") if "cml" in modules else []
    return report
