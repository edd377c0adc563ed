"""The real organisation adapters behind the ports (shell/org/ports.py): adapters/resourcemanager.py
(ResourceDirectoryAdapter), adapters/fc.py (invoke_async), adapters/sts.py (assume_role) and
adapters/logaudit.py (describe_app). Each adapter imports its SDK when first called, so importing
them here costs the cold start nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...adapters import fc, logaudit, sts
from ...adapters.credentials import Credentials
from ...adapters.resourcemanager import ResourceDirectoryAdapter
from ...organization.log_audit import LogAuditConfig
from ..config import Config
from ..plan import ScanPlan
from .coordinator import OrgPorts
from .ports import Dispatch

# One AssumeRole per worker, valid for the whole scan. Never below 1200 s: the SDK's credentials
# provider marks credentials stale 15 minutes before expiry and would call AssumeRole on every use.
SESSION_SECONDS = 1800


@dataclass(frozen=True)
class FcWorkerQueue:
    credentials: Credentials = field(repr=False)
    region: str
    account_id: str
    function_name: str

    def enqueue(self, payload: bytes, task_id: str, timeout: float) -> Dispatch:
        return fc.invoke_async(
            self.credentials, self.region, self.account_id, self.function_name, payload, task_id, timeout
        )


@dataclass(frozen=True)
class StsRoleAssumer:
    credentials: Credentials = field(repr=False)
    region: str

    def assume(self, role_arn: str, session_name: str, timeout: float) -> Credentials:
        return sts.assume_role(
            self.credentials, self.region, role_arn, session_name, SESSION_SECONDS, timeout
        )


@dataclass(frozen=True)
class SlsLogAuditReader:
    credentials: Credentials = field(repr=False)
    region: str
    account_id: str

    def describe(self, timeout: float) -> LogAuditConfig | None:
        return logaudit.describe_app(self.credentials, self.region, self.account_id, timeout)


def ports(plan: ScanPlan, config: Config, credentials: Credentials, account_id: str) -> OrgPorts:
    """The organisation calls with the function's credentials, in the function's region."""
    directory = ResourceDirectoryAdapter(credentials)
    queue = FcWorkerQueue(credentials, plan.home_region, account_id, config.worker_function)
    log_audit = SlsLogAuditReader(credentials, plan.home_region, account_id)
    return OrgPorts(directory, queue, StsRoleAssumer(credentials, plan.home_region), log_audit)
