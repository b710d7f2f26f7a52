"""`preview_forget`: the memories forget() would select, by the same rule, changing nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cml import AsyncEmbeddedCognitiveMemoryLayer, EmbeddedCognitiveMemoryLayer

TEXTS = [
    "The user's dog is called Pixel.",
    "Pixel the dog likes long walks in the park.",
    "The user walks the dog every morning.",
    "The user likes dog shows on television.",
    "Lisbon is sunny in May.",
]
OLD = datetime(2020, 1, 1, tzinfo=UTC)


def test_a_query_preview_is_what_forget_then_affects(tmp_path: Path) -> None:
    with EmbeddedCognitiveMemoryLayer(tmp_path / "m.db", embedder="none") as memory:
        for text in TEXTS:
            memory.write(text)
        read = memory.read("dog Pixel").memories
        preview = memory.preview_forget(query="dog Pixel")
        assert 0 < len(preview) < len(read)  # relevance decides, not the read's length
        assert memory.stats().total_memories == len(TEXTS)  # the preview changed nothing
        result = memory.forget(query="dog Pixel")
        assert result.affected_count == len(preview)
        left = {item.text for item in memory.iter_memories()}
        assert left == set(TEXTS) - {item.text for item in preview}


def test_a_date_preview_takes_naive_times_as_utc(tmp_path: Path) -> None:
    with EmbeddedCognitiveMemoryLayer(tmp_path / "m.db", embedder="none") as memory:
        old = memory.write("An old note about the garden.", timestamp=OLD).memory_id
        memory.write("A new note about the kitchen.")
        cutoff = (OLD + timedelta(days=1)).replace(tzinfo=None)
        assert [item.id for item in memory.preview_forget(before=cutoff)] == [old]
        assert memory.forget(before=cutoff).affected_count == 1


async def test_the_async_client_previews_alike(tmp_path: Path) -> None:
    async with AsyncEmbeddedCognitiveMemoryLayer(tmp_path / "m.db", embedder="none") as memory:
        for text in TEXTS:
            await memory.write(text)
        old = (await memory.write("An old note.", timestamp=OLD)).memory_id
        preview = await memory.preview_forget(query="dog Pixel", before=OLD + timedelta(days=1))
        assert old in {item.id for item in preview}
        result = await memory.forget(query="dog Pixel", before=OLD + timedelta(days=1))
        assert result.affected_count == len(preview)
