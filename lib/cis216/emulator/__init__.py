"""An emulated Alibaba Cloud (ActionTrail, SLS, STS, FC, Resource Directory) at the HTTP layer, on `responses`.

The real SDKs run unmodified against it. See docs/emulator.md.
"""

from __future__ import annotations

from .core import DEFAULT_ACCOUNT, SERVICES, EmulatedCloud
from .credentials import DEFAULT_CREDENTIALS, Credentials
from .errors import ServiceError, UnemulatedRequest
from .faults import Fault, FaultPlan
from .fc.backend import DrainResult, FailedInvocation, Invocation
from .records import CallRecord, StoredLog
from .sls.putlogs import PutLogsLimits

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_CREDENTIALS",
    "SERVICES",
    "CallRecord",
    "Credentials",
    "DrainResult",
    "EmulatedCloud",
    "FailedInvocation",
    "Fault",
    "FaultPlan",
    "Invocation",
    "PutLogsLimits",
    "ServiceError",
    "StoredLog",
    "UnemulatedRequest",
]
