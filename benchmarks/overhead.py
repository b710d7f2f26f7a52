"""What the clients cost on top of the work they ask for.

HTTP: `cml.CognitiveMemoryLayer` against the local server (`cml serve`'s app, uvicorn on a loopback
socket in a thread) beside a bare `httpx.Client` sending the very same requests (the client's own
bytes and headers, captured once per call, with a fresh Idempotency-Key) and decoding the JSON
reply. Embedded: `EmbeddedCognitiveMemoryLayer` beside calling its `Engine` directly. Calls are
interleaved, alternating which goes first, so both sides share the machine's noise.

The store is lexical (embedder="none") by default, so the server's work is small and the client's
share shows; with an embedder both sides add the same embedding time.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

import cml
from cml.embedded.engine import Engine

from . import synthetic
from ._common import resolve, summary_ms

CALLS = 300
WARMUP = 20
PRELOAD = 1_000
API_KEY = "bench-user-key-0123456789"
TENANT = "default"  # what the server and the embedded client use for a non-admin key


@contextmanager
def local_server(engine: Engine) -> Iterator[str]:
    """The local server's ASGI app under uvicorn on 127.0.0.1 (a free port); yields its URL."""
    import uvicorn

    from cml.server.app import create_app

    app = create_app(engine=engine, api_key=API_KEY)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this. Without it a socket handed to uvicorn keeps Nagle's
    # algorithm on, and every small reply waits ~40 ms for the client's delayed ACK.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the local server did not start within 10 s")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


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


def compare(
    label: str,
    client_call: Callable[[int], Any],
    baseline_call: Callable[[int], Any],
    *,
    calls: int,
) -> dict[str, Any]:
    """Time `calls` interleaved pairs; mean and p50 of each side and their ratios."""
    for i in range(WARMUP):
        client_call(i - WARMUP)
        baseline_call(i - WARMUP)
    client, baseline = [], []
    for i in range(calls):
        pair = [(client, client_call), (baseline, baseline_call)]
        for times, call in pair if i % 2 == 0 else reversed(pair):
            started = time.perf_counter()
            call(i)
            times.append(time.perf_counter() - started)
    ours, theirs = summary_ms(client), summary_ms(baseline)
    return {
        "what": label,
        "client": ours,
        "baseline": theirs,
        "ratio_mean": round(ours["mean_ms"] / theirs["mean_ms"], 3),
        "ratio_p50": round(ours["p50_ms"] / theirs["p50_ms"], 3),
        "overhead_p50_ms": round(ours["p50_ms"] - theirs["p50_ms"], 3),
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
        with local_server(engine) as url:
            # The baseline's requests are the client's own, captured before any timing.
            request_of = capture(url)
            writes = {i: request_of(lambda c, t=t: c.write(t)) for i, t in new["raw"].items()}
            reads = {i: request_of(lambda c, q=q: c.read(q)) for i, q in queries.items()}
            with (
                cml.CognitiveMemoryLayer(api_key=API_KEY, base_url=url, max_retries=0) as ours,
                httpx.Client() as raw,
            ):
                report["http_write"] = compare(
                    "HTTP write: CognitiveMemoryLayer vs httpx",
                    lambda i: ours.write(new["http"][i]),
                    lambda i: send_raw(raw, writes[i]),
                    calls=calls,
                )
                report["http_read"] = compare(
                    "HTTP read: CognitiveMemoryLayer vs httpx",
                    lambda i: ours.read(queries[i]),
                    lambda i: send_raw(raw, reads[i]),
                    calls=calls,
                )
        with cml.EmbeddedCognitiveMemoryLayer(engine=engine) as embedded:
            report["embedded_write"] = compare(
                "embedded write: EmbeddedCognitiveMemoryLayer vs Engine",
                lambda i: embedded.write(new["embedded"][i]),
                lambda i: engine.write(TENANT, new["engine"][i]),
                calls=calls,
            )
            report["embedded_read"] = compare(
                "embedded read: EmbeddedCognitiveMemoryLayer vs Engine",
                lambda i: embedded.read(queries[i]),
                lambda i: engine.read(TENANT, queries[i]),
                calls=calls,
            )
    return report
