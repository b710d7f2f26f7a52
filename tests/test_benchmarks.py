"""The benchmark harness (benchmarks/) produces sane output on tiny inputs. No timing is checked."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import cml
from cml.engine.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # benchmarks/ is not installed: it lives beside tests/

import numpy as np  # noqa: E402  (the tests session installs the embeddings extra)

from benchmarks import (  # noqa: E402
    __main__ as bench_main,
)
from benchmarks import (  # noqa: E402
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
from benchmarks._servers import local_server  # noqa: E402


class HashingEmbedder:
    """Bag of words hashed into 64 dimensions: cheap, deterministic, close for shared words."""

    name = "hashing-test"
    dim = 64

    def embed(self, texts: Sequence[str]) -> Any:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, hashlib.md5(word.encode()).digest()[0] % self.dim] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)


# -- LoCoMo --------------------------------------------------------------------------------------


def test_normalise_evidence_repairs_the_malformed_ids() -> None:
    valid = {"D1:1", "D8:6", "D9:17", "D11:26", "D30:5"}
    raw = ["D8:6; D9:17", "D:11:26", "D30:05", "D99:1", "D", "", "D1:1", "D1:1", "D1:01"]
    assert locomo.normalise_evidence(raw, valid) == ["D8:6", "D9:17", "D11:26", "D30:5", "D1:1"]
    assert locomo.normalise_evidence(["D2:3  D2:4"], {"D2:3", "D2:4"}) == ["D2:3", "D2:4"]
    assert locomo.normalise_evidence([], valid) == []


def test_session_dates_parse_as_utc() -> None:
    assert locomo.parse_session_date("1:56 pm on 8 May, 2023") == datetime(
        2023, 5, 8, 13, 56, tzinfo=UTC
    )
    assert locomo.parse_session_date("12:06 am on 11 November, 2022") == datetime(
        2022, 11, 11, 0, 6, tzinfo=UTC
    )


def test_metrics() -> None:
    ranked = ["D1:1", "D1:2", "D1:3"]
    assert locomo.recall_at(ranked, ["D1:2", "D9:9"], 2) == 0.5
    assert locomo.recall_at(ranked, ["D1:3"], 2) == 0.0
    assert locomo.reciprocal_rank(ranked, ["D1:3", "D1:2"]) == 0.5
    assert locomo.reciprocal_rank(ranked, ["D7:7"]) == 0.0


def _sample() -> dict[str, Any]:
    turns = [
        {"speaker": "Ana", "dia_id": "D1:1", "text": "I adopted a grey cat called Pixel."},
        {"speaker": "Ben", "dia_id": "D1:2", "text": "Lovely! I started learning the cello."},
        {"speaker": "Ana", "dia_id": "D1:3", "text": "My sister moved to Lisbon last spring."},
    ]
    later = [{"speaker": "Ben", "dia_id": "D2:1", "text": "My cello teacher is called Marta."}]
    return {
        "sample_id": "tiny",
        "conversation": {
            "speaker_a": "Ana",
            "speaker_b": "Ben",
            "session_1": turns,
            "session_1_date_time": "1:56 pm on 8 May, 2023",
            "session_2": later,
            "session_2_date_time": "10:04 am on 19 June, 2023",
        },
        "qa": [
            {"question": "What is the name of Ana's cat?", "evidence": ["D1:1"], "category": 4},
            {"question": "Who teaches Ben?", "evidence": ["D1:2; D2:01"], "category": 1},
            {"question": "Where does Ana's sister live?", "evidence": ["D:1:3"], "category": 4},
            {"question": "What is Ben's cat called?", "evidence": ["D1:1"], "category": 5},
            {"question": "Is Ana happy?", "evidence": [], "category": 3},
            {"question": "What is in D9?", "evidence": ["D9:9"], "category": 2},
        ],
    }


def test_parse_keeps_answerable_questions_and_dates_turns() -> None:
    (conversation,) = locomo.parse([_sample()])
    assert [t.dia_id for t in conversation.turns] == ["D1:1", "D1:2", "D1:3", "D2:1"]
    assert conversation.turns[0].memory == "Ana: I adopted a grey cat called Pixel."
    assert conversation.turns[-1].timestamp == datetime(2023, 6, 19, 10, 4, tzinfo=UTC)
    # Category 5, empty evidence and evidence naming no existing turn are left out.
    assert [q.evidence for q in conversation.questions] == [
        ("D1:1",),
        ("D1:2", "D2:1"),
        ("D1:3",),
    ]


def test_evaluate_through_the_engine_on_a_tiny_sample() -> None:
    conversations = locomo.parse([_sample()])
    result = locomo.evaluate(conversations, embedder="none")
    assert result["turns"] == 4
    assert result["memories"] + result["merged_turns"] == 4
    assert result["questions"] == 3
    assert result["recall@20"] == 1.0  # four memories: every one is in the top 20
    assert 0.0 < result["mrr"] <= 1.0


@pytest.fixture
def locomo_data() -> None:
    """The LoCoMo benchmark's data (../shared/data/locomo): fails, never skips, when absent."""
    if not locomo.DATA.exists():
        pytest.fail(f"the LoCoMo data is missing: expected it at {locomo.DATA}", pytrace=False)


@pytest.mark.usefixtures("locomo_data")
def test_locomo_counts_match_the_readme() -> None:
    conversations = locomo.load()
    assert sum(len(c.questions) for c in conversations) == 760
    assert sum(len(c.turns) for c in conversations) == 2760


@pytest.mark.usefixtures("locomo_data")
def test_locomo_slice_lexical() -> None:
    first = locomo.load()[0]
    sliced = dataclasses.replace(first, questions=first.questions[:8])
    result = locomo.evaluate([sliced], embedder="none")
    assert result["embedder"] == "none"
    assert result["turns"] == len(first.turns)
    assert result["memories"] + result["merged_turns"] == len(first.turns)
    assert result["questions"] == 8
    recalls = [result[f"recall@{k}"] for k in locomo.KS]
    assert all(0.0 <= r <= 1.0 for r in recalls)
    assert recalls == sorted(recalls)
    assert 0.0 <= result["mrr"] <= 1.0
    assert sum(c["questions"] for c in result["by_category"].values()) == 8
    rows = report.rows(
        {
            "locomo": {
                "counts": {"questions": 8, "turns": 1},
                "baselines": {},
                "engine_lexical": result,
            }
        }
    )
    assert any("lexical only" in row.name for row in rows)


# -- latency -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def latency_result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cache = tmp_path_factory.mktemp("vectors")
    result = latency.run(
        sizes=(100, 200), reads=12, writes=5, embedder=HashingEmbedder(), cache=cache
    )
    result["cache"] = cache
    return result


def test_latency_harness_on_200_memories(latency_result: dict[str, Any]) -> None:
    result = latency_result
    tmp_path = result["cache"]
    assert result["embedder"] == "hashing-test"
    assert set(result["sizes"]) == {"100", "200"}
    for size, entry in result["sizes"].items():
        assert entry["memories"] == int(size)
        assert entry["read"]["n"] == 12
        assert entry["write"]["n"] == 5
        assert 0.0 < entry["write"]["p50_ms"] <= entry["write"]["p95_ms"]
        assert 0.0 < entry["read"]["p50_ms"] <= entry["read"]["p95_ms"]
        assert entry["lexical_only"]["read"]["n"] == 12
        assert entry["bytes_per_memory"] > 0
        needles = entry["needles"]
        assert needles["needles"] == len(latency.synthetic.NEEDLES)
        assert 0.0 <= needles["found@1"] <= needles["found@5"] <= needles["found@10"] <= 1.0
        # the needles told in the question's words are found among the first ten (the hashing
        # embedder cannot know the paraphrased ones, and its cosines are too weak to back a
        # single shared word such as "prescribe" fully: relevance counts a word match in
        # proportion to the vectors' agreement)
        worded = [q for _, q in latency.synthetic.NEEDLES[: latency.synthetic.PARAPHRASED_FROM]]
        found = [q for q in worded if needles["ranks"][q] is not None]
        assert len(found) >= len(worded) - 1, needles["ranks"]
        assert 0.0 <= needles["dense_found@5"] <= 1.0
    assert len(list(tmp_path.glob("vectors-hashing-test-*.npy"))) == 1
    assert "needles found" in report.table({"latency": result})


def test_synthetic_sentences_are_distinct_and_reproducible() -> None:
    first = latency.synthetic.sentences(500, seed=3)
    assert len(set(first)) == 500
    assert first == latency.synthetic.sentences(500, seed=3)
    needle_words = {"boathouse", "amoxicillin", "epipen", "ottoline", "lindqvist"}
    assert not any(w in s.lower() for s in first for w in needle_words)


# -- throughput and overhead ---------------------------------------------------------------------


def test_throughput_harness_counts_what_it_wrote() -> None:
    result = throughput.measure("none", singles=30, batches=1, seconds=30.0)
    assert result["embedder"] == "none"
    assert result["single_writes"] == 30
    assert result["batch_memories"] == throughput.BATCH
    assert result["memories_stored"] + result["merged_as_duplicates"] == 30 + throughput.BATCH + 1
    assert result["single_writes_per_s"] > 0
    assert result["bytes_per_memory"] > 0
    assert "embedding_only_per_s" not in result


@pytest.fixture(scope="module")
def overhead_result() -> dict[str, Any]:
    return overhead.run(calls=6, preload=20)


def test_overhead_harness_sends_the_clients_own_requests(overhead_result: dict[str, Any]) -> None:
    for key in ("http_write", "http_read", "embedded_write", "embedded_read"):
        entry = overhead_result[key]
        assert entry["client"]["n"] == entry["baseline"]["n"] == 6
        assert entry["ratio_p50"] > 0
        for side, cpu in (("client", "client_cpu"), ("baseline", "baseline_cpu")):
            # The calling thread's CPU: positive, and (one thread) never more than its wall time.
            assert 0.0 < entry[cpu]["mean_us"] <= entry[side]["mean_ms"] * 1000.0 + 1.0
    names = [row.name for row in report.rows({"overhead": overhead_result})]
    assert "HTTP read, CognitiveMemoryLayer: caller CPU, mean" in names


def test_overhead_http_cpu_leaves_out_the_server() -> None:
    """The server of the HTTP comparison runs on other threads: a call whose server work is
    slow costs the caller wall time, not CPU."""
    with (
        tempfile.TemporaryDirectory() as folder,
        Engine(Path(folder) / "s.db", embedder="none") as engine,
    ):
        original = engine.read

        def slow_read(*args: Any, **kwargs: Any) -> Any:
            deadline = time.thread_time() + 0.2
            while time.thread_time() < deadline:  # bounded: 0.2 s of this thread's CPU
                pass
            return original(*args, **kwargs)

        engine.read = slow_read  # type: ignore[method-assign]
        with (
            local_server(engine, api_key=overhead.API_KEY) as url,
            cml.CognitiveMemoryLayer(api_key=overhead.API_KEY, base_url=url) as client,
        ):
            result = overhead.compare(
                "slow server",
                lambda i: client.read("anything"),
                lambda i: client.health(),
                calls=1,
                baseline_is="health",
                warmup=0,
            )
            cpu_seconds = result["client_cpu"]["mean_us"] / 1e6
            wall_seconds = result["client"]["mean_ms"] / 1000
    assert wall_seconds >= 0.2
    assert cpu_seconds < 0.1


# -- import cost, batch_write, async concurrency, remember_stream ----------------------------


@pytest.fixture(scope="module")
def imports_result() -> dict[str, Any]:
    return imports.run(runs=1, warm_up=False)


def test_import_cost_is_measured_in_fresh_interpreters(imports_result: dict[str, Any]) -> None:
    cml_import, httpx_import = imports_result["modules"]["cml"], imports_result["modules"]["httpx"]
    # This process imported both long ago: counting modules loaded proves a fresh interpreter,
    # and cml (built on httpx) loads more of them than httpx alone.
    assert cml_import["modules"] > httpx_import["modules"] > 0
    for measured in (cml_import, httpx_import):
        assert measured["runs"] == 1
        assert measured["seconds_median"] > 0
        # Peaks of the child, not inherited from this (larger) process: they grow on import.
        assert 0 < measured["rss_added_mb_median"] < measured["rss_after_mb_median"]
    slowest = imports_result["slowest_in_import_cml"]
    times = [entry["cumulative_ms"] for entry in slowest]
    assert len(slowest) == imports.SLOWEST
    assert times == sorted(times, reverse=True)
    assert all(t > 0 for t in times)
    assert "cml" not in [entry["module"] for entry in slowest]  # the whole import is not listed
    assert any(entry["module"].startswith("cml.") for entry in slowest)
    rows = {row.name: row for row in report.rows({"imports": imports_result})}
    timing = rows["import cml, median of 1 fresh interpreters"]
    assert timing.baseline_is == "import httpx"
    assert timing.ratio == pytest.approx(
        cml_import["seconds_median"] / httpx_import["seconds_median"]
    )
    # Building a client is timed beside building an httpx.Client, each after its own import.
    built = imports_result["with_client"]
    assert built["cml"]["seconds_median"] > 0
    assert built["httpx"]["seconds_median"] > 0
    assert built["cml"]["modules"] > cml_import["modules"]  # the client loads its transport
    with_client = rows["import cml and build a client, median of 1 fresh interpreters"]
    assert with_client.baseline_is == "import httpx and build an httpx.Client"


@pytest.fixture(scope="module")
def batch_result() -> dict[str, Any]:
    return batch.run(items=60, curve_items=20, batch_sizes=(1, 10), curve_rounds=1)


def test_batch_write_and_the_loop_store_every_item(batch_result: dict[str, Any]) -> None:
    for mode in ("loopback", "embedded"):
        entry = batch_result[mode]
        assert entry["items"] == 60
        assert entry["loop_stored"] == entry["batch_stored"] == 60
        assert entry["ratio"] == pytest.approx(entry["batch_per_s"] / entry["loop_per_s"], rel=0.01)
        curve = batch_result["by_batch_size"][mode]
        assert set(curve) == {"1", "10"}
        assert all(rate > 0 for rate in curve.values())
    names = [row.name for row in report.rows({"batch": batch_result})]
    assert "over loopback: batch_write of 60" in names
    assert "embedded: batch_write in calls of 10" in names


@pytest.fixture(scope="module")
def concurrency_result() -> dict[str, Any]:
    return concurrency.run(levels=(1, 4), calls=8, rounds=1, store=20)


def test_async_concurrency_against_cml_serve_and_embedded(
    concurrency_result: dict[str, Any],
) -> None:
    result = concurrency_result
    assert set(result["by_mode"]) == {
        "http reads",
        "http writes",
        "embedded reads",
        "embedded writes",
    }
    for entry in result["by_mode"].values():
        assert set(entry["ops_per_s"]) == {"1", "4"}
        assert all(rate > 0 for rate in entry["ops_per_s"].values())
    # Every write landed once: the preloaded store plus one memory per write call.
    assert result["memories_after"] == {"http": 20 + 2 * 8, "embedded": 20 + 2 * 8}
    rows = report.rows({"concurrency": result})
    assert [row.name for row in rows][:1] == [
        "AsyncCognitiveMemoryLayer to cml serve: reads, 4 in flight"
    ]
    assert all(row.baseline_is.startswith("sequential") for row in rows)


def test_concurrency_needs_the_sequential_baseline() -> None:
    with pytest.raises(ValueError, match="first level is 1"):
        concurrency.run(levels=(2, 4))


@pytest.fixture(scope="module")
def streaming_result() -> dict[str, Any]:
    return streaming.run(chunks=200, pace=0.0, megabytes=0.25, first_chunk_runs=3)


def test_streaming_figures_reach_the_table(streaming_result: dict[str, Any]) -> None:
    chunk = streaming_result["per_chunk"]
    assert len(chunk["default_interval"]["remembered_s"]) == streaming.ROUNDS
    assert streaming_result["first_chunk"]["runs"] == 3
    memory = streaming_result["memory"]
    assert memory["errors"] == 0
    assert memory["chunk_memories"] == 3  # 256 KiB in chunks of 100,000 characters
    rows = report.rows({"streaming": streaming_result})
    assert rows[0].name == "200 chunks paced 0 ms, to the last chunk (aim <= x1.05)"
    assert rows[0].baseline_is == "bare stream"
    assert rows[0].ratio is not None


# -- py-cml beside mem0 and numpy ----------------------------------------------------------------


@pytest.fixture(scope="module")
def compare_result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return compare.run(
        sizes=(40, 120),
        embedder=HashingEmbedder(),
        reads=6,
        batch=5,
        cache=tmp_path_factory.mktemp("compare-vectors"),
    )


def test_compare_runs_every_system_offline_on_the_same_memories(
    compare_result: dict[str, Any],
) -> None:
    """mem0 among them: its Memory in a child process with every non-loopback connection
    refused, so an OpenAI, Qdrant Cloud or telemetry call would have failed the run."""
    systems = compare_result["by_system"]
    assert list(systems) == list(compare.SYSTEMS)
    for system, entry in systems.items():
        assert entry["embedder"] == "hashing-test"
        assert set(entry["sizes"]) == {"40", "120"}
        # Every bulk row and every batch-written memory is there (none merged: all distinct).
        assert entry["stored"] == 120 + 2 * 5, system
        for figures in entry["sizes"].values():
            assert figures["read"]["n"] == 6
            assert 0.0 < figures["read"]["p50_ms"] <= figures["read"]["p95_ms"]
            assert figures["results_per_read"] == compare.MAX_RESULTS
            assert figures["batch_write_per_s"] > 0
            assert figures["bulk_load_per_s"] > 0
            assert figures["disk_bytes"] > 0
    rows = report.rows({"compare": compare_result})
    first = rows[0]
    assert first.name == "read p50 @ 40 [py-cml, hashing-test]"
    assert first.baseline_is == "mem0"
    assert first.baseline == systems["mem0"]["sizes"]["40"]["read"]["p50_ms"]
    assert rows[1].name == "  numpy brute force, read p50 @ 40"
    assert rows[1].baseline == first.value
    assert systems["mem0"]["persists_vectors"] is False
    disk = next(r for r in rows if r.name.startswith("on disk"))
    assert disk.baseline is None  # mem0's vectors are in memory: its disk is no comparison
    bulk = [r for r in rows if r.name.startswith("bulk load") and r.target is not None]
    assert [str(r.target) for r in bulk] == [">= 2,000", ">= 2,000"]


def test_benchmark_children_stay_offline() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server, compare.loopback_only():
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # loopback is allowed
        with pytest.raises(ConnectionRefusedError, match="stay offline"):
            socket.create_connection(("192.0.2.1", 80), timeout=5)  # TEST-NET: never routed
    assert socket.socket.connect.__name__ == "connect"  # restored afterwards
    assert "benchmarks" not in getattr(socket.socket.connect, "__module__", "")


def test_targets_say_met_or_missed() -> None:
    faster = report.Row("overhead", "embedded read", 1.2, "ms", 1.0, "Engine.read")
    slower = report.Row("overhead", "embedded write", 1.5, "ms", 1.0, "Engine.write")
    bound = report.at_most(1.3, ratio=True)
    assert bound.met(dataclasses.replace(faster, target=bound)) is True
    assert bound.met(dataclasses.replace(slower, target=bound)) is False
    assert report.at_least(500).met(report.Row("c", "batch", 499.0)) is False
    assert report.at_least(500).met(report.Row("c", "batch", 500.0)) is True
    assert report.at_most(15).met(report.Row("c", "read", "n/a")) is None
    # The issue's read targets: by size, and by embedder at 100,000.
    assert report.read_p50_target(10_000, report.DEFAULT_EMBEDDER) is None
    assert str(report.read_p50_target(100_000, report.DEFAULT_EMBEDDER)) == "<= 15"
    assert str(report.read_p50_target(100_000, "hashing-test")) == "<= 10"
    assert str(report.read_p50_target(1_000_000, report.DEFAULT_EMBEDDER)) == "<= 30"
    assert str(report.read_p95_target(100_000, "hashing-test")) == "<= 25"
    text = report.table(
        {
            "overhead": {
                key: {
                    "what": key,
                    "baseline_is": "engine",
                    "client": {"p50_ms": 1.5 if key == "embedded_write" else 1.2},
                    "baseline": {"p50_ms": 1.0},
                }
                for key in ("http_write", "http_read", "embedded_write", "embedded_read")
            }
        }
    )
    lines = {line.split()[1]: line for line in text.splitlines()[2:]}
    assert lines["embedded_write:"].endswith("<= x1.3 MISSED")
    assert lines["embedded_read:"].endswith("<= x1.3 met")
    assert lines["http_read:"].endswith("x1.20")  # no target for client mode


# -- scale: the store grown (rows with the issue's targets) ------------------------------------


@pytest.fixture(scope="module")
def scale_result() -> dict[str, Any]:
    from cml.engine.ann import ApproximateIndex

    threshold = ApproximateIndex.threshold
    ApproximateIndex.threshold = 1_000  # a tiny store still gets (and measures) the index
    try:
        return {"bulk": scale.bulk(sizes=(2_500,), stretches=(1_000, 2_500), reads=5, batches=1)}
    finally:
        ApproximateIndex.threshold = threshold


def test_scale_harness_measures_rates_reads_recall_and_memory(
    scale_result: dict[str, Any],
) -> None:
    bulk = scale_result["bulk"]
    assert set(bulk["stretches"]) == {"1000", "2500"}
    for stretch in bulk["stretches"].values():
        assert stretch["memories_per_s"] > 0
    entry = bulk["sizes"]["2500"]
    assert entry["memories"] >= 2_400  # written: the bulk rows, the batch, the needles
    assert entry["approximate"] is True
    assert entry["approximate_vectors"] >= 1_000
    assert 0.9 <= entry["recall_at_10"] <= 1.0
    assert entry["needles"] == len(scale.synthetic.NEEDLES)
    assert entry["file_bytes"] > 0
    assert entry["peak_rss_mb"] >= entry["rss_mb"] > 0
    assert bulk["reopen_first_read_seconds"] > 0


def test_scale_rows_carry_the_issues_targets(scale_result: dict[str, Any]) -> None:
    found = scale_result["bulk"]
    rows = {row.name: row for row in report.rows({"scale": scale_result})}
    bulk = rows["write_batch, no model [hashing-384] @ 2,500"]
    assert bulk.value == found["stretches"]["2500"]["memories_per_s"]
    assert str(bulk.target) == ">= 2,000"
    recall = rows["recall@10 of the vector index vs exact @ 2,500"]
    assert str(recall.target) == ">= 0.980"
    assert recall.value == found["sizes"]["2500"]["recall_at_10"]
    assert rows["read p50 @ 2,500 [hashing-384]"].target is None  # below the sizes it names
    at_scale = {"bulk": {**found, "sizes": {"1000000": found["sizes"]["2500"]}}}
    read = {r.name: r for r in report.rows({"scale": at_scale})}[
        "read p50 @ 1,000,000 [hashing-384]"
    ]
    assert str(read.target) == "<= 30"
    default = {
        "default_embedder": {
            "embedder": report.DEFAULT_EMBEDDER,
            "memories": 100_000,
            "read": {"p50_ms": 14.0},
            "batch_write_per_s": 450.0,
            "model_alone_per_s": 600.0,
            "approximate_dense_found@5": 0.95,
            "exact_dense_found@5": 1.0,
        }
    }
    verdicts = [report.table({"scale": default}).splitlines()[i] for i in (2, 4)]
    assert verdicts[0].endswith("<= 15 met")
    assert verdicts[1].endswith(">= 500 MISSED")


def test_main_prints_the_scale_rows(
    scale_result: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(bench_main.BENCHMARKS, "scale", lambda args: dict(scale_result))
    out = tmp_path / "results.json"
    assert bench_main.main(["scale", "--out", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["scale"]["rows"] == json.loads(
        json.dumps([row.as_dict() for row in report.rows({"scale": scale_result})])
    )
    assert "recall@10 of the vector index vs exact @ 2,500" in capsys.readouterr().out


# -- the one table, the JSON and the plots -------------------------------------------------------


@pytest.fixture(scope="module")
def every_section(request: pytest.FixtureRequest) -> dict[str, Any]:
    """One tiny result of every benchmark (those other tests made, and the cheap rest)."""
    made = {
        name: request.getfixturevalue(f"{name}_result")
        for name in (
            "imports",
            "overhead",
            "batch",
            "concurrency",
            "latency",
            "compare",
            "scale",
            "streaming",
        )
    }
    conversations = locomo.parse([_sample()])
    locomo_result = {
        "counts": {"questions": 3, "turns": 4},
        "baselines": {
            "a baseline": dict.fromkeys(("recall@5", "recall@10", "recall@20", "mrr"), 0.5)
        },
        "engine_lexical": locomo.evaluate(conversations, embedder="none"),
    }
    made["latency"] = {k: v for k, v in made["latency"].items() if k != "cache"}
    made["throughput"] = {
        "by_embedder": {"none": throughput.measure("none", singles=5, batches=1, seconds=30.0)}
    }
    made["locomo"] = locomo_result
    made["isolation"] = isolation.run(neighbour_sizes=(0, 200), text_sizes=(1_000, 10_000))
    made["quality"] = {
        "suite": quality.suite(HashingEmbedder()),
        "merges": quality.merges(HashingEmbedder()),
        "locomo": quality.turn_recall(conversations, embedder="none"),
    }
    return made


def test_one_table_has_a_row_shape_for_every_section(every_section: dict[str, Any]) -> None:
    rows = report.rows(every_section)
    assert [r.benchmark for r in rows] == sorted(
        (r.benchmark for r in rows), key=list(report.SECTIONS).index
    )
    assert {r.benchmark for r in rows} == set(report.SECTIONS)
    for row in rows:
        entry = row.as_dict()
        assert set(entry) == {
            "name",
            "value",
            "unit",
            "baseline",
            "baseline_is",
            "ratio",
            "target",
            "met",
        }
        assert (entry["target"] is None) is (entry["met"] is None)
        if row.baseline is not None:
            assert row.baseline_is, row.name  # a baseline always says what it is
    text = report.table(every_section)
    header = text.splitlines()[0].split()
    assert header == ["benchmark", "figure", "value", "unit", "baseline", "ratio", "target"]
    assert any(row.target is not None for row in rows)
    assert len(text.splitlines()) == 2 + len(rows) + len(report.SECTIONS) - 1  # + rules


def test_main_writes_rows_into_the_json_and_keeps_other_sections(
    every_section: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "results.json"
    out.write_text(json.dumps({"latency": every_section["latency"]}), encoding="utf-8")
    monkeypatch.setitem(bench_main.BENCHMARKS, "batch", lambda args: dict(every_section["batch"]))
    assert bench_main.main(["batch", "--out", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert set(written) == {"latency", "batch"}  # the earlier section is kept
    expected = [row.as_dict() for row in report.rows({"batch": every_section["batch"]})]
    assert written["batch"]["rows"] == json.loads(json.dumps(expected))
    assert written["batch"]["machine"]["cpus"] > 0
    printed = capsys.readouterr().out
    assert "batch_write of 60" in printed
    assert "Engine.read p50" not in printed  # the table shows what ran; the JSON keeps the rest


def test_plots_are_pngs_of_the_results(every_section: dict[str, Any], tmp_path: Path) -> None:
    drawn = plots.write(every_section, tmp_path)
    assert isinstance(drawn, list)
    assert sorted(p.name for p in drawn) == [
        "batch.png",
        "compare.png",
        "concurrency.png",
        "latency.png",
        "scale.png",
    ]
    for path in drawn:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plots_are_skipped_with_a_message_without_matplotlib(
    every_section: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now fails
    assert plots.write(every_section, tmp_path) == (
        "plots skipped: matplotlib is not installed (pip install -e '.[bench]')"
    )
    assert list(tmp_path.iterdir()) == []
