"""batch_write (write_batch requests of up to 500 turns, single writes for the rest) and
batch_read (concurrent, bounded, in order)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import httpx
import pytest
import respx

import cml

from ._support import ok, read_json, real_sleep, run

# A stable id per content, so a single write's result can be matched with its item.
NAMESPACE_UUID = uuid.UUID("5f0c2d9e-2b7a-4a1e-9a53-8f3a7f0d1c22")


def id_for(content: str) -> str:
    return str(uuid.uuid5(NAMESPACE_UUID, content))


def single_write(request: httpx.Request) -> httpx.Response:
    content = json.loads(request.content)["content"]
    return ok({"success": True, "memory_id": id_for(content), "chunks_created": 1})


def batch_write(request: httpx.Request) -> httpx.Response:
    turns = json.loads(request.content)["turns"]
    return ok({"success": True, "turns_processed": len(turns), "chunks_created": len(turns)})


def turns_sent(route: respx.Route) -> list[list[dict[str, Any]]]:
    return [json.loads(call.request.content)["turns"] for call in route.calls]


class TestBatchWrite:
    async def test_without_ids_from_the_server_no_item_claims_to_be_stored(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        # The live servers answer counts only, and count a duplicate as processed.
        api.post("/api/v1/memory/write_batch").mock(
            return_value=ok({"success": True, "turns_processed": 3, "chunks_created": 2})
        )
        results = await run(client.batch_write([{"content": f"t{i}"} for i in range(3)]))
        for result in results:
            assert result.ok
            assert (result.memory_id, result.eval_outcome) == (None, None)
            assert "does not say which turns were stored" in result.message
            assert not result.message.startswith("stored")

    async def test_ids_per_turn_from_py_cml_s_server_become_the_results(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        stored = str(uuid.uuid4())
        api.post("/api/v1/memory/write_batch").mock(
            return_value=ok(
                {
                    "success": True,
                    "turns_processed": 2,
                    "chunks_created": 3,
                    "memory_ids": [stored, None],
                    "chunks_per_turn": [3, 0],
                }
            )
        )
        first, duplicate = await run(client.batch_write([{"content": "a"}, {"content": "a"}]))
        assert (str(first.memory_id), first.chunks_created, first.eval_outcome) == (
            stored,
            3,
            "stored",
        )
        assert (duplicate.memory_id, duplicate.chunks_created) == (None, 0)
        assert (duplicate.eval_outcome, duplicate.eval_reason) == ("skipped", "duplicate")

    async def test_plain_items_go_in_requests_of_500(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        batch = api.post("/api/v1/memory/write_batch").mock(side_effect=batch_write)
        single = api.post("/api/v1/memory/write").mock(side_effect=single_write)
        items = [{"content": f"item-{i}"} for i in range(1203)]
        results = await run(client.batch_write(items))
        sent = turns_sent(batch)
        assert [len(turns) for turns in sent] == [500, 500, 203]
        assert [t["content"] for turns in sent for t in turns] == [i["content"] for i in items]
        assert single.call_count == 0
        assert len(results) == 1203
        assert all(r.ok and r.success for r in results)
        assert all(r.error is None for r in results)

    async def test_batch_turns_carry_metadata_session_timestamp_and_turn_id(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        batch = api.post("/api/v1/memory/write_batch").mock(side_effect=batch_write)
        items = [
            {"content": "a", "metadata": {"k": 1}, "turn_id": "t1"},
            {"content": "b", "session_id": "own-session"},
        ]
        await run(client.batch_write(items, session_id="s-default"))
        assert turns_sent(batch) == [
            [
                {"content": "a", "metadata": {"k": 1}, "turn_id": "t1", "session_id": "s-default"},
                {"content": "b", "session_id": "own-session"},
            ]
        ]

    async def test_items_with_tags_or_type_are_written_alone_in_input_order(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        batch = api.post("/api/v1/memory/write_batch").mock(side_effect=batch_write)
        single = api.post("/api/v1/memory/write").mock(side_effect=single_write)
        items: list[dict[str, Any]] = [
            {"content": "plain-0"},
            {"content": "tagged-1", "context_tags": ["personal"]},
            {"content": "plain-2"},
            {"content": "typed-3", "memory_type": "preference"},
            {
                "content": "both-4",
                "memory_type": cml.MemoryType.CONSTRAINT,
                "context_tags": ["task"],
            },
            {"content": "plain-5"},
        ]
        results = await run(client.batch_write(items))
        assert turns_sent(batch) == [
            [{"content": "plain-0"}, {"content": "plain-2"}, {"content": "plain-5"}]
        ]
        bodies = {
            json.loads(c.request.content)["content"]: json.loads(c.request.content)
            for c in single.calls
        }
        assert set(bodies) == {"tagged-1", "typed-3", "both-4"}
        assert bodies["tagged-1"]["context_tags"] == ["personal"]
        assert bodies["typed-3"]["memory_type"] == "preference"
        assert bodies["both-4"]["memory_type"] == "constraint"
        assert len(results) == len(items)
        for item, result in zip(items, results, strict=True):
            assert result.ok
            if item["content"].startswith("plain"):
                assert result.memory_id is None
            else:
                assert str(result.memory_id) == id_for(item["content"])

    async def test_a_failing_batch_fails_exactly_its_items(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        def flaky(request: httpx.Request) -> httpx.Response:
            turns = json.loads(request.content)["turns"]
            if turns[0]["content"] == "item-500":
                return httpx.Response(500, json={"detail": "boom"}, headers={"X-Request-ID": "r9"})
            return batch_write(request)

        batch = api.post("/api/v1/memory/write_batch").mock(side_effect=flaky)
        single = api.post("/api/v1/memory/write").mock(side_effect=single_write)
        items: list[dict[str, Any]] = [{"content": f"item-{i}"} for i in range(1203)]
        items.append({"content": "alone", "context_tags": ["task"]})
        results = await run(client.batch_write(items))
        # 3 batches, the second sent 1 + max_retries (2) times.
        assert batch.call_count == 5
        assert single.call_count == 1
        assert len(results) == 1204
        failed = [i for i, r in enumerate(results) if not r.ok]
        assert failed == list(range(500, 1000))
        for index in failed:
            result = results[index]
            assert result.success is False
            assert isinstance(result.error, cml.ServerError)
            assert result.error.request_id == "r9"
        assert results[1203].ok
        assert str(results[1203].memory_id) == id_for("alone")

    async def test_a_batch_the_server_refuses_fails_its_items(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        api.post("/api/v1/memory/write_batch").mock(
            return_value=ok({"success": False, "message": "store is read-only"})
        )
        results = await run(client.batch_write([{"content": "a"}, {"content": "b"}]))
        assert [r.ok for r in results] == [False, False]
        assert all(isinstance(r.error, cml.CMLError) for r in results)
        assert "store is read-only" in str(results[0].error)

    async def test_a_failing_single_write_fails_only_its_item(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        def picky(request: httpx.Request) -> httpx.Response:
            if json.loads(request.content)["content"] == "bad":
                return httpx.Response(
                    422, json={"detail": [{"loc": ["body"], "msg": "no", "type": "t"}]}
                )
            return single_write(request)

        api.post("/api/v1/memory/write").mock(side_effect=picky)
        items = [
            {"content": "good", "context_tags": ["a"]},
            {"content": "bad", "context_tags": ["a"]},
            {"content": "fine", "context_tags": ["a"]},
        ]
        results = await run(client.batch_write(items))
        assert [r.ok for r in results] == [True, False, True]
        assert isinstance(results[1].error, cml.ValidationError)
        assert str(results[2].memory_id) == id_for("fine")

    async def test_invalid_items_get_error_results_and_the_rest_go_on(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        batch = api.post("/api/v1/memory/write_batch").mock(side_effect=batch_write)
        single = api.post("/api/v1/memory/write").mock(side_effect=single_write)
        items: list[Any] = [
            {"content": "ok-0"},
            {"content": ""},
            {"content": "ok-2", "memory_type": "preference"},
            {"text": "no content key"},
            {"content": "ok-4", "memory_type": "not-a-type"},
            "not a dict",
            {"content": "ok-6"},
        ]
        results = await run(client.batch_write(items))
        assert len(results) == len(items)
        assert [r.ok for r in results] == [True, False, True, False, False, False, True]
        for index in (1, 3, 4, 5):
            assert isinstance(results[index].error, cml.InvalidRequestError)
            assert results[index].success is False
        assert turns_sent(batch) == [[{"content": "ok-0"}, {"content": "ok-6"}]]
        assert [json.loads(c.request.content)["content"] for c in single.calls] == ["ok-2"]

    async def test_with_namespace_everything_is_a_single_write(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        batch = api.post("/api/v1/memory/write_batch").mock(side_effect=batch_write)
        single = api.post("/api/v1/memory/write").mock(side_effect=single_write)
        items = [{"content": f"n-{i}"} for i in range(12)]
        results = await run(client.batch_write(items, namespace="team"))
        assert batch.call_count == 0
        assert single.call_count == 12
        bodies = [json.loads(c.request.content) for c in single.calls]
        assert all(b["namespace"] == "team" for b in bodies)
        assert sorted(b["content"] for b in bodies) == sorted(i["content"] for i in items)
        assert [str(r.memory_id) for r in results] == [id_for(i["content"]) for i in items]

    async def test_a_namespaced_client_batch_writes_singly_into_its_namespace(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        batch = api.post("/api/v1/memory/write_batch").mock(side_effect=batch_write)
        single = api.post("/api/v1/memory/write").mock(side_effect=single_write)
        await run(client.with_namespace("scoped").batch_write([{"content": "a"}, {"content": "b"}]))
        assert batch.call_count == 0
        assert {json.loads(c.request.content)["namespace"] for c in single.calls} == {"scoped"}

    async def test_empty_batch_sends_nothing(self, client: Any, api: respx.MockRouter) -> None:
        catch_all = api.route().mock(return_value=ok({}))
        assert await run(client.batch_write([])) == []
        assert catch_all.call_count == 0

    async def test_a_string_is_not_a_list_of_items(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        catch_all = api.route().mock(return_value=ok({}))
        with pytest.raises(cml.InvalidRequestError):
            await run(client.batch_write("content"))
        assert catch_all.call_count == 0


class TestBatchRead:
    async def test_results_in_input_order_with_per_item_errors(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        def reply(request: httpx.Request) -> tuple[float, httpx.Response]:
            query = json.loads(request.content)["query"]
            # Later queries answer sooner, so completion order differs from input order.
            delay = 0.001 * (20 - int(query.split("-")[1]))
            if query == "q-3":
                return delay, httpx.Response(404, json={"detail": "nope"})
            if query == "q-7":
                return delay, httpx.Response(500, json={"detail": "down"})
            return delay, ok(read_json(query))

        async def answer(request: httpx.Request) -> httpx.Response:
            delay, response = reply(request)
            await real_sleep(delay)
            return response

        def answer_sync(request: httpx.Request) -> httpx.Response:
            delay, response = reply(request)
            time.sleep(delay)
            return response

        route = api.post("/api/v1/memory/read").mock(
            side_effect=answer if _is_async(client) else answer_sync
        )
        queries = [f"q-{i}" for i in range(12)]
        results = await run(client.batch_read(queries, max_results=5, response_format="list"))
        assert [r.query for r in results] == queries
        assert [r.ok for r in results] == [i not in (3, 7) for i in range(12)]
        assert isinstance(results[3].error, cml.NotFoundError)
        assert isinstance(results[7].error, cml.ServerError)
        assert results[3].memories == ()
        assert all(len(r.memories) == 1 for i, r in enumerate(results) if i not in (3, 7))
        bodies = [json.loads(c.request.content) for c in route.calls]
        assert all(b["max_results"] == 5 and b["format"] == "list" for b in bodies)

    async def test_an_invalid_query_fails_only_its_own_result(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        route = api.post("/api/v1/memory/read").mock(
            side_effect=lambda request: ok(read_json(json.loads(request.content)["query"]))
        )
        results = await run(client.batch_read(["tea", "", "coffee", "  "]))
        assert [r.ok for r in results] == [True, False, True, False]
        assert isinstance(results[1].error, cml.InvalidRequestError)
        assert [r.query for r in results] == ["tea", "", "coffee", "  "]
        assert sorted(json.loads(c.request.content)["query"] for c in route.calls) == [
            "coffee",
            "tea",
        ]

    async def test_a_string_is_not_a_list_of_queries(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        catch_all = api.route().mock(return_value=ok({}))
        with pytest.raises(cml.InvalidRequestError):
            await run(client.batch_read("tea"))
        assert catch_all.call_count == 0

    async def test_invalid_arguments_raise_before_sending(
        self, client: Any, api: respx.MockRouter
    ) -> None:
        catch_all = api.route().mock(return_value=ok({}))
        with pytest.raises(cml.InvalidRequestError):
            await run(client.batch_read(["a", "b"], max_results=0))
        with pytest.raises(cml.InvalidRequestError):
            await run(client.batch_read(["a", "b"], response_format="xml"))  # type: ignore[arg-type]
        assert catch_all.call_count == 0

    @pytest.mark.parametrize("operation", ["batch_read", "batch_write"])
    async def test_concurrency_is_bounded(
        self, client: Any, api: respx.MockRouter, operation: str
    ) -> None:
        lock = threading.Lock()
        state = {"now": 0, "max": 0}

        def enter() -> None:
            with lock:
                state["now"] += 1
                state["max"] = max(state["max"], state["now"])

        def leave() -> None:
            with lock:
                state["now"] -= 1

        async def slow_async(request: httpx.Request) -> httpx.Response:
            enter()
            try:
                await real_sleep(0.01)
            finally:
                leave()
            return _answer(request)

        def slow_sync(request: httpx.Request) -> httpx.Response:
            enter()
            try:
                time.sleep(0.01)
            finally:
                leave()
            return _answer(request)

        side_effect = slow_async if _is_async(client) else slow_sync
        api.post("/api/v1/memory/read").mock(side_effect=side_effect)
        api.post("/api/v1/memory/write").mock(side_effect=side_effect)
        if operation == "batch_read":
            results = await run(client.batch_read([f"q-{i}" for i in range(40)]))
        else:
            items = [{"content": f"c-{i}", "context_tags": ["t"]} for i in range(40)]
            results = await run(client.batch_write(items))
        assert len(results) == 40
        assert all(r.ok for r in results)
        assert 1 < state["max"] <= 8


def _answer(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    if "query" in body:
        return ok(read_json(body["query"]))
    return single_write(request)


def _is_async(client: Any) -> bool:
    return isinstance(client, cml.AsyncCognitiveMemoryLayer)
