"""What an application does with memory, checked identically in every mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

import cml
from cml import MemoryType

from .conftest import Memory

UNRELATED = [
    "The weekly team meeting moved to Thursday at 10am.",
    "It rained all afternoon in the city yesterday.",
    "The car needs new tyres before the winter.",
    "The Python service logs errors to a rotating file.",
    "Football practice is on Saturday mornings.",
    "The quarterly report is due at the end of the month.",
    "Our office printer jams when printing double-sided.",
    "The hiking trail to the lake takes about two hours.",
    "A new version of the database driver was released.",
    "The cat sleeps on the windowsill in the sun.",
    "The electricity bill was higher than usual this month.",
    "The train to the airport leaves every fifteen minutes.",
    "We repainted the kitchen walls a light grey.",
    "The laptop battery lasts about six hours.",
    "The museum is closed on Mondays.",
    "The garden needs watering twice a week in summer.",
    "Chess club meets in the library on Wednesdays.",
    "The password manager syncs across all devices.",
    "The bakery on the corner opens at seven.",
    "Backups run every night at two o'clock.",
]
CANONICAL = "User prefers vegetarian food and lives in Paris."


async def test_canonical_example_ranks_the_preference_in_the_top_three(memory: Memory) -> None:
    for text in UNRELATED[:10]:
        await memory.write(text)
    await memory.write(CANONICAL)
    for text in UNRELATED[10:]:
        await memory.write(text)

    result = await memory.read("What does the user eat?")

    top = [item.text for item in result.memories[:3]]
    assert CANONICAL in top, top
    assert all(0.0 <= item.relevance <= 1.0 for item in result.memories)
    assert result.memories == tuple(sorted(result.memories, key=lambda i: -i.relevance))


async def test_write_then_read_returns_public_models(memory: Memory) -> None:
    written = await memory.write("The user's dog is called Pixel.", context_tags=["personal"])
    assert written.success
    assert isinstance(written.memory_id, UUID)

    result = await memory.read("What is the name of the dog?")
    assert isinstance(result, cml.ReadResponse)
    assert result.total_count == len(result.memories) >= 1
    item = result.memories[0]
    assert isinstance(item, cml.MemoryItem)
    assert item.id == written.memory_id
    assert item.text == "The user's dog is called Pixel."
    assert item.timestamp.tzinfo is not None
    assert result.context.startswith("# Retrieved Memory Context")


async def test_response_formats(memory: Memory) -> None:
    await memory.write("User prefers window seats on trains.", memory_type=MemoryType.PREFERENCE)
    await memory.write("Never book flights before 9am.", memory_type=MemoryType.CONSTRAINT)

    packet = await memory.read("train seats and flights", response_format="packet")
    assert [i.text for i in packet.preferences] == ["User prefers window seats on trains."]
    assert [i.text for i in packet.constraints] == ["Never book flights before 9am."]
    assert packet.llm_context is None

    listed = await memory.read("train seats and flights", response_format="list")
    assert len(listed.memories) == 2
    assert listed.preferences == ()
    assert listed.constraints == ()

    context = await memory.get_context("train seats and flights")
    assert context.startswith("# Retrieved Memory Context")
    assert "## User Preferences" in context
    assert "window seats" in context
    assert "Never book flights before 9am." in context


async def test_filters_by_type_time_and_tags(memory: Memory) -> None:
    old = datetime(2020, 1, 1, tzinfo=UTC)
    await memory.write(
        "Visited Lisbon for a conference.",
        timestamp=old,
        memory_type=MemoryType.EPISODIC_EVENT,
        context_tags=["world"],
    )
    await memory.write(
        "Lisbon has great custard tarts.",
        memory_type=MemoryType.SEMANTIC_FACT,
        context_tags=["world"],
    )
    await memory.write(
        "Lisbon trip photos are in the shared album.",
        memory_type=MemoryType.EPISODIC_EVENT,
        context_tags=["personal"],
    )

    facts = await memory.read("Lisbon", memory_types=[MemoryType.SEMANTIC_FACT])
    assert [i.text for i in facts.memories] == ["Lisbon has great custard tarts."]

    recent = await memory.read("Lisbon", since=datetime.now(UTC) - timedelta(days=1))
    assert "Visited Lisbon for a conference." not in [i.text for i in recent.memories]
    early = await memory.read("Lisbon", until=datetime(2021, 1, 1, tzinfo=UTC))
    assert [i.text for i in early.memories] == ["Visited Lisbon for a conference."]

    personal = await memory.read("Lisbon", context_filter=["personal"])
    assert [i.text for i in personal.memories] == ["Lisbon trip photos are in the shared album."]


async def test_update_versions_and_feedback(memory: Memory) -> None:
    written = await memory.write("The user's favourite colour is green.")
    updated = await memory.update(written.memory_id, text="The user's favourite colour is blue.")
    assert updated.success
    assert updated.version == 2

    result = await memory.read("favourite colour")
    assert result.memories[0].text == "The user's favourite colour is blue."

    await memory.update(written.memory_id, feedback="incorrect")
    after = await memory.read("favourite colour")
    assert written.memory_id not in [i.id for i in after.memories]

    with pytest.raises(cml.InvalidRequestError):
        await memory.update(written.memory_id, feedback="maybe")


async def test_forget_by_id_query_and_action(memory: Memory) -> None:
    a = await memory.write("The spare key is under the blue flowerpot.")
    await memory.write("The wifi password is on the fridge.")
    await memory.write("The boiler was serviced in March.")

    gone = await memory.forget(memory_ids=[a.memory_id])
    assert gone.success
    assert gone.affected_count == 1
    result = await memory.read("where is the spare key")
    assert a.memory_id not in [i.id for i in result.memories]

    archived = await memory.forget(query="wifi password", action="archive")
    assert archived.affected_count >= 1
    stats = await memory.stats()
    assert stats.archived_memories == archived.affected_count
    assert stats.total_memories == 2  # the deleted one is gone, the archived one is counted

    with pytest.raises(cml.InvalidRequestError):
        await memory.forget()


async def test_sessions_and_turns(memory: Memory) -> None:
    session = await memory.create_session(name="support chat", ttl_hours=2)
    assert session.expires_at is not None
    assert session.expires_at > session.created_at

    turn = await memory.turn(
        "I am allergic to peanuts.",
        assistant_response="Noted, no peanuts.",
        session_id=session.session_id,
    )
    assert turn.memories_stored == 2

    context = await memory.get_session_context(session.session_id)
    texts = [m.text for m in context.messages]
    assert texts == ["I am allergic to peanuts.", "Noted, no peanuts."]

    second = await memory.turn("Can you suggest a snack?", session_id=session.session_id)
    assert "peanuts" in second.memory_context
    assert second.memories_retrieved >= 1


async def test_batch_write_and_batch_read(memory: Memory) -> None:
    items = [{"content": f"Inventory item {i}: {i * 3} boxes of tea."} for i in range(40)]
    items.append(
        {"content": "Tea must be stored away from light.", "memory_type": MemoryType.CONSTRAINT}
    )
    results = await memory.batch_write(items)
    assert len(results) == 41
    assert all(r.success for r in results)

    stats = await memory.stats()
    assert stats.total_memories == 41

    reads = await memory.batch_read(["Inventory item 7", "how to store tea"])
    assert [r.query for r in reads] == ["Inventory item 7", "how to store tea"]
    assert any("Inventory item 7:" in i.text for i in reads[0].memories)
    assert reads[1].memories[0].text == "Tea must be stored away from light."


async def test_read_stream_matches_read(memory: Memory) -> None:
    for text in (
        "Sailing lessons start in May.",
        "The sailing club is by the harbour.",
        "Bring sunscreen to sailing.",
    ):
        await memory.write(text)
    streamed = await memory.collect("read_stream", "sailing", max_results=5)
    read = await memory.read("sailing", max_results=5)
    assert [i.id for i in streamed] == [i.id for i in read.memories]


async def test_near_duplicate_reinforces_instead_of_storing_twice(memory: Memory) -> None:
    first = await memory.write("The user drinks oat milk in coffee.")
    again = await memory.write("The user drinks oat milk in coffee.")
    assert again.memory_id == first.memory_id
    assert (await memory.stats()).total_memories == 1


async def test_long_content_is_chunked_and_found(memory: Memory) -> None:
    paragraphs = [f"Section {i}. " + "The project plan covers milestones. " * 12 for i in range(12)]
    paragraphs[7] = "Section 7. The launch party will be held at the observatory on Friday."
    written = await memory.write("\n\n".join(paragraphs))
    assert written.chunks_created > 1
    result = await memory.read("Where is the launch party?")
    assert "observatory" in result.memories[0].text


async def test_namespaces_scope_writes(memory: Memory) -> None:
    work = memory.with_namespace("work")
    written = await work.write("Quarterly planning happens in January.")
    result = await memory.read("quarterly planning")
    item = next(i for i in result.memories if i.id == written.memory_id)
    assert item.metadata.get("namespace") == "work"


async def test_delete_all_needs_confirmation(memory: Memory) -> None:
    await memory.write("Temporary note one.")
    await memory.write("Temporary note two.")
    with pytest.raises(cml.InvalidRequestError):
        await memory.delete_all()
    assert await memory.delete_all(confirm=True) == 2
    assert (await memory.stats()).total_memories == 0


async def test_invalid_input_is_refused_and_nothing_is_written(memory: Memory) -> None:
    for bad in ("", "   ", "x" * 100_001):
        with pytest.raises((cml.InvalidRequestError, cml.ValidationError)):
            await memory.write(bad)
    with pytest.raises(cml.InvalidRequestError):
        await memory.read("anything", max_results=0)
    assert (await memory.stats()).total_memories == 0


async def test_health_reports_the_version(memory: Memory) -> None:
    health = await memory.health()
    assert health.status == "healthy"
    check = await memory.check_server()
    assert check.status == "match"
    # Told from the server's document over HTTP; the in-process server reports its release.
    assert check.server_api_version == memory.release


async def test_each_release_answers_with_its_own_fields(memory: Memory) -> None:
    await memory.write("User prefers vegetarian food and lives in Paris.")
    result = await memory.read("What does the user eat?")
    if memory.release == "1.5.1":
        assert (result.sufficiency, result.warnings, result.open_questions) == (None, None, None)
        overview = await memory.dashboard_overview()
        assert "total_events" in overview.to_dict()
        assert overview.total_events is not None
        assert (await memory.get_events()).total == 1  # the write
        with pytest.raises(cml.UnsupportedOperationError):
            await memory.consolidation_status()
    else:
        assert result.sufficiency == {"sufficient": True, "memories_found": result.total_count}
        assert (result.warnings, result.open_questions) == ((), ())
        overview = await memory.dashboard_overview()
        assert "total_events" not in overview.to_dict()
        assert overview.total_events is None  # the public model keeps the field 1.5.1 has
        status = await memory.consolidation_status()
        assert status["running"] is False
        with pytest.raises(cml.UnsupportedOperationError, match="get_events"):
            await memory.get_events()
