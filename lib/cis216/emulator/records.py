"""What the emulator remembers about each call, for assertions and API-call counting."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .http import Answer


@dataclass(frozen=True)
class CallRecord:
    service: str  # "actiontrail", "sls", "sts", "fc"
    api: str  # "DescribeTrails", "ListProject", "PutLogs", ...
    region: str | None
    project: str | None  # SLS project, else None
    status: int | None  # HTTP status answered; None when the call raised (timeout fault)
    started: float  # Unix time the emulator received the call
    duration: float  # seconds spent in the emulator, injected latency included
    account: str | None = None
    error_code: str | None = None  # service error code, or the exception name of a raised fault
    call_number: int = 0  # 1-based count of this API's calls, the number faults refer to


@dataclass(frozen=True)
class StoredLog:
    """One log as PutLogs stored it."""

    time: int
    topic: str
    source: str
    tags: dict[str, str]
    contents: dict[str, str]
    time_ns: int | None = None


def count(calls: list[CallRecord], **where: object) -> int:
    """Number of calls whose fields equal every given value (count(calls, api="PutLogs"))."""
    return sum(1 for call in calls if all(getattr(call, key) == value for key, value in where.items()))


def error_code(answer: Answer) -> str | None:
    """The service error code an answer carries (RPC `Code`, SLS `errorCode`), None for success."""
    status, _, body = answer
    if status < 400:
        return None
    try:
        payload = json.loads(body.decode("utf-8"))
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    return payload.get("Code") or payload.get("errorCode")
