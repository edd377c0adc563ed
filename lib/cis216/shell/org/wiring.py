"""The real organisation adapters behind the ports: adapters/resourcemanager.py
(ResourceDirectoryAdapter), adapters/fc.py (invoke_async), adapters/sts.py (assume_role) and
adapters/logaudit.py (describe_app).

They are looked up by name, here and nowhere else, so that this flow type-checks and its unit tests
run on their own; a missing adapter fails loudly (ModuleNotFoundError / AttributeError) the first
time a coordinator or worker runs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, cast

from ...adapters.credentials import Credentials
from ...organization.log_audit import LogAuditConfig
from ..config import Config
from ..plan import ScanPlan
from .coordinator import OrgPorts
from .ports import Dispatch, MemberDirectory

# One AssumeRole per worker, valid for the whole scan. Never below 1200 s: the SDK's credentials
# provider marks credentials stale 15 minutes before expiry and would call AssumeRole on every use.
SESSION_SECONDS = 1800


def _adapter(module: str) -> Any:
    return importlib.import_module(f"cis216.adapters.{module}")


@dataclass(frozen=True)
class FcWorkerQueue:
    credentials: Credentials = field(repr=False)
    region: str
    account_id: str
    function_name: str

    def enqueue(self, payload: bytes, task_id: str, timeout: float) -> Dispatch:
        invoke = _adapter("fc").invoke_async
        answer = invoke(
            self.credentials, self.region, self.account_id, self.function_name, payload, task_id, timeout
        )
        return cast("Dispatch", answer)


@dataclass(frozen=True)
class StsRoleAssumer:
    credentials: Credentials = field(repr=False)
    region: str

    def assume(self, role_arn: str, session_name: str, timeout: float) -> Credentials:
        assume_role = _adapter("sts").assume_role
        found = assume_role(self.credentials, self.region, role_arn, session_name, SESSION_SECONDS, timeout)
        return cast("Credentials", found)


@dataclass(frozen=True)
class SlsLogAuditReader:
    credentials: Credentials = field(repr=False)
    region: str
    account_id: str

    def describe(self, timeout: float) -> LogAuditConfig | None:
        describe_app = _adapter("logaudit").describe_app
        return cast(
            "LogAuditConfig | None", describe_app(self.credentials, self.region, self.account_id, timeout)
        )


def ports(plan: ScanPlan, config: Config, credentials: Credentials, account_id: str) -> OrgPorts:
    """The organisation calls with the function's credentials, in the function's region."""
    directory = cast("MemberDirectory", _adapter("resourcemanager").ResourceDirectoryAdapter(credentials))
    queue = FcWorkerQueue(credentials, plan.home_region, account_id, config.worker_function)
    log_audit = SlsLogAuditReader(credentials, plan.home_region, account_id)
    return OrgPorts(directory, queue, StsRoleAssumer(credentials, plan.home_region), log_audit)
