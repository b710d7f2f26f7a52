"""The request bodies, under the upstream SDK's names, derived from the generated models.

The clients build their requests from keyword arguments, so these are for code that builds a
body itself: `ReadRequest(query="...").to_dict()` is the JSON `POST /memory/read` takes.
"""

from __future__ import annotations

from ._derive import WireModel

__all__ = [
    "BulkActionRequest",
    "ConfigUpdateRequest",
    "CreateSessionRequest",
    "DashboardConsolidateRequest",
    "DashboardForgetRequest",
    "DashboardReconsolidateRequest",
    "DashboardRetrievalRequest",
    "ForgetRequest",
    "ReadRequest",
    "TurnRequest",
    "UpdateRequest",
    "WriteRequest",
]


class BulkActionRequest(WireModel, wire="BulkActionRequest"):
    pass


class ConfigUpdateRequest(WireModel, wire="ConfigUpdateRequest"):
    pass


class CreateSessionRequest(WireModel, wire="CreateSessionRequest"):
    pass


class DashboardConsolidateRequest(WireModel, wire="DashboardConsolidateRequest"):
    pass


class DashboardForgetRequest(WireModel, wire="DashboardForgetRequest"):
    pass


class DashboardReconsolidateRequest(WireModel, wire="DashboardReconsolidateRequest"):
    pass


class DashboardRetrievalRequest(WireModel, wire="DashboardRetrievalRequest"):
    pass


class ForgetRequest(WireModel, wire="ForgetRequest"):
    pass


class ReadRequest(WireModel, wire="ReadMemoryRequest", rename={"response_format": "format_"}):
    """`POST /memory/read`; the wire key of `response_format` is `format`."""


class TurnRequest(WireModel, wire="ProcessTurnRequest"):
    pass


class UpdateRequest(WireModel, wire="UpdateMemoryRequest"):
    pass


class WriteRequest(WireModel, wire="WriteMemoryRequest"):
    pass
