"""The tunables of the maintenance jobs, stored in `config` and editable at run time."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Mapping
from typing import Any

import attrs

from ..._exceptions import InvalidRequestError
from ..backend import record_event
from ..engine import Engine


@attrs.frozen
class Setting:
    """One tunable of the maintenance jobs: its default, type, bounds and meaning."""

    default: float
    integer: bool
    minimum: float
    maximum: float
    description: str


#: Editable at run time (PUT /dashboard/config); read by every run, so no restart is needed.
SETTINGS: dict[str, Setting] = {
    "consolidation.similarity_threshold": Setting(
        0.40,
        False,
        0.0,
        1.0,
        "Cosine between an episode and a cluster's centroid for the episode to join it. "
        "The bundled MiniLM model scores related short episodes 0.35-0.55 and unrelated ones "
        "below 0.25.",
    ),
    "consolidation.min_cluster_size": Setting(
        2, True, 2, 1000, "Fewest related episodes that are merged into one gist."
    ),
    "consolidation.max_gist_chars": Setting(
        500, True, 80, 2000, "Longest gist text; whole sentences are kept up to this length."
    ),
    "consolidation.max_candidates": Setting(
        2000, True, 2, 50_000, "Most episodes (oldest first) one consolidation run looks at."
    ),
    "consolidation.min_shared_terms": Setting(
        2,
        True,
        1,
        20,
        "Without an embedder: content words an episode must share with a cluster of its "
        "session to join it.",
    ),
    "forgetting.protect_importance": Setting(
        0.8, False, 0.0, 1.0, "Memories at least this important are never forgotten."
    ),
    "forgetting.decay_factor": Setting(
        0.8, False, 0.0, 1.0, "A decayed memory's importance is multiplied by this."
    ),
}

# -- settings ----------------------------------------------------------------------------------


def _checked(key: str, value: Any) -> float | int:
    setting = SETTINGS.get(key)
    if setting is None:
        raise InvalidRequestError(
            f"{key!r} is not an editable setting; editable: {', '.join(sorted(SETTINGS))}"
        )
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidRequestError(f"{key} must be a number, not {value!r}")
    if setting.integer:
        if isinstance(value, float) and not value.is_integer():
            raise InvalidRequestError(f"{key} must be a whole number, not {value!r}")
        number: float | int = int(value)
    else:
        number = float(value)
    if not (setting.minimum <= number <= setting.maximum) or (
        isinstance(number, float) and math.isnan(number)
    ):
        raise InvalidRequestError(
            f"{key} must be between {setting.minimum:g} and {setting.maximum:g}, not {value!r}"
        )
    return number


def stored_settings(engine: Engine) -> dict[str, Any]:
    """The settings an operator has changed, as stored (key -> value)."""
    stored: dict[str, Any] = {}
    for key, text in engine.store.execute("SELECT key, value FROM config"):
        with contextlib.suppress(ValueError):
            stored[str(key)] = json.loads(text)
    return stored


def current_settings(engine: Engine) -> dict[str, float | int]:
    """Every setting's value in effect: the stored one, or the default."""
    stored = stored_settings(engine)
    values: dict[str, float | int] = {}
    for key, setting in SETTINGS.items():
        value: float | int = int(setting.default) if setting.integer else setting.default
        if key in stored:
            with contextlib.suppress(InvalidRequestError):
                value = _checked(key, stored[key])
        values[key] = value
    return values


def update_settings(engine: Engine, updates: Mapping[str, Any], *, tenant: str) -> dict[str, Any]:
    """Store new values for editable settings; all of them, or (on any bad one) none."""
    checked = {key: _checked(key, value) for key, value in updates.items()}
    with engine.store.write(bump_generation=False) as db:
        for key, value in checked.items():
            db.execute(
                "INSERT INTO config (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
        if checked:
            record_event(db, tenant, "config", "update", detail={"updated": checked})
    return {
        "success": True,
        "updated": checked,
        "requires_restart": False,
        "message": f"{len(checked)} setting(s) stored; they apply from the next run."
        if checked
        else "Nothing to change.",
    }
