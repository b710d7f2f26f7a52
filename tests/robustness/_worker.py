"""Subprocess side of the robustness tests: `python _worker.py <command> <args...>`.

Commands (each opens its own `Engine` on the database file given):

* `write DB PREFIX COUNT EMBED`: COUNT single writes; prints `done` at the end.
* `read DB STOP_FILE`: reads and stats in a loop until STOP_FILE exists; prints `reads N`.
* `crash DB ROUND`: single writes with a 50-turn `write_batch` every tenth step, forever;
  prints `ack single <id>`, `begin batch <name>` and `ack batch <name>` (flushed at once,
  and an ack only after the call returned).
* `probe DB`: warms the vector index, prints `ready`, then answers each query line read from
  stdin with one JSON line: the ids of the top-5 read and of the top-5 vector-index search.

EMBED is `tiny` (the 32-dimension test embedder) or `none`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import filler_text, tiny_embed

from cml.engine.engine import Engine

TENANT = "default"


def _engine(db: str, embed: str = "tiny") -> Engine:
    return Engine(db, embedder=tiny_embed if embed == "tiny" else "none")


def write(db: str, prefix: str, count: str, embed: str) -> None:
    with _engine(db, embed) as engine:
        for k in range(int(count)):
            engine.write(TENANT, filler_text(k, prefix))
    print("done", flush=True)


def read(db: str, stop_file: str) -> None:
    reads = 0
    with _engine(db) as engine:
        stop = Path(stop_file)
        deadline = time.monotonic() + 120  # bounded even if the parent never says stop
        while not stop.exists() and time.monotonic() < deadline:
            engine.read(TENANT, filler_text(reads % 200, "p0"), max_results=5)
            engine.stats(TENANT)
            reads += 1
    print("reads", reads, flush=True)


def crash(db: str, round_: str) -> None:
    with _engine(db) as engine:
        step = 0
        while step < 100_000:
            if step % 10 == 9:
                name = f"r{round_}b{step}"
                print("begin batch", name, flush=True)
                turns = [{"content": filler_text(j, f"batch {name} row")} for j in range(50)]
                engine.write_batch(TENANT, turns)
                print("ack batch", name, flush=True)
            else:
                response = engine.write(TENANT, filler_text(step, f"single r{round_} step"))
                print("ack single", response.memory_id, flush=True)
            step += 1


def probe(db: str) -> None:
    with _engine(db) as engine:
        engine.read(TENANT, "warm up the vector index", max_results=5)
        print("ready", flush=True)
        for line in sys.stdin:
            query = line.strip()
            if not query:
                break
            found = engine.read(TENANT, query, max_results=5)
            vectors = engine.backend.vectors
            vectors.sync()
            hits = vectors.search(engine.backend.embed([query])[0], TENANT, 5)
            ids = [
                engine.store.execute(
                    "SELECT id FROM memories WHERE rowid = ?", (rowid,)
                ).fetchone()[0]
                for rowid, _ in hits
            ]
            answer = {"read": [str(m.id) for m in found.memories], "vector": ids}
            print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    commands = {"write": write, "read": read, "crash": crash, "probe": probe}
    commands[sys.argv[1]](*sys.argv[2:])
