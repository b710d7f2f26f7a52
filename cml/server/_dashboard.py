"""Admin and dashboard routes: maintenance jobs and the operator views, over the engine."""

from __future__ import annotations

from typing import Any

from ..embedded.engine import Engine
from ._api import Call, Handler, Unsupported, load_spec

__all__ = ["dashboard_handlers"]


def dashboard_handlers(engine: Engine) -> dict[str, Handler]:
    operations = [
        op["operationId"]
        for item in load_spec()["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        and op.get("x-cml-admin-only")
        and op["operationId"] != "delete_all_memories"
    ]

    def not_yet(call: Call) -> Any:
        raise Unsupported("this dashboard view is not available on the embedded engine yet")

    return dict.fromkeys(operations, not_yet)
