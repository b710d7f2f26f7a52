"""What the clients cost on top of the work they ask for: wall time and the caller's CPU.

HTTP: `cml.CognitiveMemoryLayer` against the local server (`cml serve`'s app, uvicorn on a loopback
socket in a thread) beside a bare `httpx.Client` sending the very same requests (the client's own
bytes and headers, captured once per call, with a fresh Idempotency-Key) and decoding the JSON
reply. Embedded: `EmbeddedCognitiveMemoryLayer` beside calling its `Engine` directly. Calls are
interleaved, alternating which goes first, so both sides share the machine's noise.

CPU is the calling thread's (`time.thread_time`): a sync client does all its work on the thread
that calls it, while the server runs on threads of its own, so the process's CPU time would count
the server's work too.

The store is lexical (embedder="none") by default, so the server's work is small and the client's
share shows; with an embedder both sides add the same embedding time.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

import cml
from cml.engine.engine import Engine

from . import synthetic
from ._common import resolve, summary_ms
from ._servers import local_server

CALLS = 300
WARMUP = 20
PRELOAD = 1_000
API_KEY = "bench-user-key-0123456789"
TENANT = "default"  # what the server and the embedded client use for a non-admin key


class _Captured(Exception):
    def __init__(self, request: httpx.Request) -> None:
        super().__init__("captured")
        self.request = request


def capture(url: str) -> Callable[[Callable[[cml.CognitiveMemoryLayer], Any]], httpx.Request]:
    """A function giving the exact request the client sends for a call (nothing is sent)."""

    def refuse(request: httpx.Request) -> httpx.Response:
        request.read()
        raise _Captured(request)

    recorder = cml.CognitiveMemoryLayer(
        api_key=API_KEY,
        base_url=url,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(refuse)),
    )

    def request_of(call: Callable[[cml.CognitiveMemoryLayer], Any]) -> httpx.Request:
        try:
            call(recorder)
        except _Captured as captured:
            return captured.request
        raise RuntimeError("the client sent nothing")

    return request_of


def send_raw(http: httpx.Client, request: httpx.Request) -> Any:
    """The captured request again, as a plain httpx caller would send it; the JSON reply."""
    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
    if "idempotency-key" in {k.lower() for k in headers}:
        headers = {k: v for k, v in headers.items() if k.lower() != "idempotency-key"}
        headers["Idempotency-Key"] = str(uuid.uuid4())  # a new call, as the client's is
    response = http.request(request.method, request.url, content=request.content, headers=headers)
    response.raise_for_status()
    return response.json()


def _cpu_us(seconds: list[float]) -> dict[str, float]:
    return {
        "mean_us": round(statistics.fmean(seconds) * 1e6, 1),
        "p50_us": round(statistics.median(seconds) * 1e6, 1),
    }


def compare(
    label: str,
    client_call: Callable[[int], Any],
    baseline_call: Callable[[int], Any],
    *,
    calls: int,
    baseline_is: str,
    warmup: int = WARMUP,
) -> dict[str, Any]:
    """Time `calls` interleaved pairs, after `warmup` untimed ones (negative indices): wall time
    (mean, p50) and the calling thread's CPU time of each side, and their ratios."""
    for i in range(warmup):
        client_call(i - warmup)
        baseline_call(i - warmup)
    wall: dict[str, list[float]] = {"client": [], "baseline": []}
    cpu: dict[str, list[float]] = {"client": [], "baseline": []}
    for i in range(calls):
        pair = [("client", client_call), ("baseline", baseline_call)]
        for side, call in pair if i % 2 == 0 else reversed(pair):
            started, started_cpu = time.perf_counter(), time.thread_time()
            call(i)
            cpu[side].append(time.thread_time() - started_cpu)
            wall[side].append(time.perf_counter() - started)
    ours, theirs = summary_ms(wall["client"]), summary_ms(wall["baseline"])
    our_cpu, their_cpu = _cpu_us(cpu["client"]), _cpu_us(cpu["baseline"])
    return {
        "what": label,
        "baseline_is": baseline_is,
        "client": ours,
        "baseline": theirs,
        "ratio_mean": round(ours["mean_ms"] / theirs["mean_ms"], 3),
        "ratio_p50": round(ours["p50_ms"] / theirs["p50_ms"], 3),
        "overhead_p50_ms": round(ours["p50_ms"] - theirs["p50_ms"], 3),
        "client_cpu": our_cpu,
        "baseline_cpu": their_cpu,
        "cpu_ratio_mean": round(our_cpu["mean_us"] / max(their_cpu["mean_us"], 0.1), 3),
    }


def run(*, calls: int = CALLS, embedder: Any = "none", preload: int = PRELOAD) -> dict[str, Any]:
    indices = range(-WARMUP, calls)  # negative: warm-up calls
    texts = synthetic.sentences(preload + 4 * len(indices), seed=11)
    stock = texts[:preload]
    # Every write is of a new text (a repeated one would only be reinforced); four sets of them.
    new = {
        side: dict(zip(indices, texts[preload + n * len(indices) :], strict=False))
        for n, side in enumerate(("http", "raw", "embedded", "engine"))
    }
    queries = dict(zip(indices, synthetic.questions(len(indices), seed=12), strict=True))

    report: dict[str, Any] = {"calls": calls, "warmup": WARMUP, "store_memories": preload}
    with (
        tempfile.TemporaryDirectory(prefix="cml-bench-") as folder,
        Engine(Path(folder) / "overhead.db", embedder=resolve(embedder)) as engine,
    ):
        report["embedder"] = engine.embedder.name if engine.embedder else "none"
        for start in range(0, len(stock), 500):
            engine.write_batch(TENANT, [{"content": t} for t in stock[start : start + 500]])
        with local_server(engine, api_key=API_KEY) as url:
            # The baseline's requests are the client's own, captured before any timing.
            request_of = capture(url)
            writes = {i: request_of(lambda c, t=t: c.write(t)) for i, t in new["raw"].items()}
            reads = {i: request_of(lambda c, q=q: c.read(q)) for i, q in queries.items()}
            with (
                cml.CognitiveMemoryLayer(api_key=API_KEY, base_url=url, max_retries=0) as ours,
                httpx.Client() as raw,
            ):
                report["http_write"] = compare(
                    "HTTP write, CognitiveMemoryLayer",
                    lambda i: ours.write(new["http"][i]),
                    lambda i: send_raw(raw, writes[i]),
                    calls=calls,
                    baseline_is="raw httpx",
                )
                report["http_read"] = compare(
                    "HTTP read, CognitiveMemoryLayer",
                    lambda i: ours.read(queries[i]),
                    lambda i: send_raw(raw, reads[i]),
                    calls=calls,
                    baseline_is="raw httpx",
                )
        with cml.EmbeddedCognitiveMemoryLayer(engine=engine) as embedded:
            report["embedded_write"] = compare(
                "embedded write, EmbeddedCognitiveMemoryLayer",
                lambda i: embedded.write(new["embedded"][i]),
                lambda i: engine.write(TENANT, new["engine"][i]),
                calls=calls,
                baseline_is="Engine.write",
            )
            report["embedded_read"] = compare(
                "embedded read, EmbeddedCognitiveMemoryLayer",
                lambda i: embedded.read(queries[i]),
                lambda i: engine.read(TENANT, queries[i]),
                calls=calls,
                baseline_is="Engine.read",
            )
    return report
