"""Maintenance over the embedded store: the jobs and operator actions that change data.

* `consolidate` merges clusters of related episodes into one `semantic_fact` gist each, with
  lineage back to every source, and marks the sources `compressed`.
* `score_memories` / `run_forgetting` score every active or silent memory (recency, use,
  importance, confidence, type, dependants) and keep, decay, silence, archive or delete it.
* `reconsolidate` re-embeds memories written by another embedder and retires facts that newer
  facts or user feedback have overtaken.

Each job is one row in `jobs` and one event; a job that changes data does so in one write
transaction, so it applies completely or not at all (a failed run is recorded as `failed`).
The tunable parts live in `SETTINGS` (stored in the `config` table, editable from the
dashboard) and take effect on the next run.
"""

from __future__ import annotations

from .actions import (
    bulk_action,
    invalidate_fact,
    reset_database,
)
from .consolidation import (
    EPISODIC_TYPES,
    consolidate,
)
from .forgetting import (
    ACTION_THRESHOLDS,
    run_forgetting,
    score_memories,
)
from .reconsolidation import (
    reconsolidate,
)
from .settings import (
    SETTINGS,
    Setting,
    current_settings,
    stored_settings,
    update_settings,
)

__all__ = [
    "ACTION_THRESHOLDS",
    "EPISODIC_TYPES",
    "SETTINGS",
    "Setting",
    "bulk_action",
    "consolidate",
    "current_settings",
    "invalidate_fact",
    "reconsolidate",
    "reset_database",
    "run_forgetting",
    "score_memories",
    "stored_settings",
    "update_settings",
]
