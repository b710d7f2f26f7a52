"""`update` checks what it would store, not only what it was given."""

from __future__ import annotations

import pytest

from cml.engine.engine import MAX_METADATA_CHARS, Engine
from cml.exceptions import InvalidRequestError

TENANT = "t-update"


def test_metadata_merged_past_the_limit_is_refused_and_nothing_changes(lexical: Engine) -> None:
    half = "x" * (MAX_METADATA_CHARS // 2)
    written = lexical.write(TENANT, "The user plays the cello.", metadata={"a": half})
    memory_id = written.memory_id
    assert memory_id is not None
    with pytest.raises(InvalidRequestError, match="metadata is"):
        lexical.update(TENANT, memory_id, metadata={"b": half}, importance=0.9)
    (item,) = lexical.read(TENANT, "cello", max_results=1).memories
    # Neither the merge nor the other field landed.
    assert "b" not in item.metadata
    assert item.metadata["a"] == half
    importance, version = lexical.store.db.execute(
        "SELECT importance, version FROM memories WHERE id = ?", (str(memory_id),)
    ).fetchone()
    assert importance != 0.9
    assert version == 1
