"""The one place that builds concrete adapters: a plan and credentials in, a `Cloud` out.

Callers share one retry policy and one `CallStats` (the summary counts every attempt, writes
included); collecting runs against the plan's deadline, writing against FC's timeout. The account
id comes from the plan (FC's context) or else from STS. Time and chance (`Clock`) are injectable,
so tests never wait; `cis216 invoke` passes its own `make_cloud` (cli/invoke.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..adapters import sts
from ..adapters.actiontrail import ActionTrailAdapter
from ..adapters.calls import Caller, CallStats, RetryPolicy
from ..adapters.credentials import Credentials
from ..adapters.sls import SlsAdapter
from ..adapters.writer import FindingsWriter
from .plan import ScanPlan, checked_account_id


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Clock:
    """What the scan reads of time and chance: deadlines (monotonic), timestamps (now), backoff."""

    monotonic: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = _utc_now
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random.random


SYSTEM_CLOCK = Clock()


@dataclass(frozen=True)
class Cloud:
    """The adapters one scan uses, with the account they act in."""

    account_id: str
    actiontrail: ActionTrailAdapter
    sls: SlsAdapter
    caller: Caller  # collecting: retries, per-call timeout, the plan's deadline
    writer: FindingsWriter | None  # None: a dry run writes nothing
    stats: CallStats
    clock: Clock = field(default=SYSTEM_CLOCK)


@dataclass(frozen=True)
class ReadAccess:
    """An organisation worker reads a member with the member role's credentials, and writes its
    findings with the function's own (the findings logstore is in the function's account)."""

    account_id: str
    credentials: Credentials = field(repr=False)


MakeCloud = Callable[[ScanPlan, Credentials, Clock], Cloud]
# The organisation flow's: `read` None is the function's own account, as `bootstrap` alone.
MakeReadCloud = Callable[[ScanPlan, Credentials, Clock, ReadAccess | None], Cloud]


def bootstrap(
    plan: ScanPlan, credentials: Credentials, clock: Clock = SYSTEM_CLOCK, read: ReadAccess | None = None
) -> Cloud:
    stats = CallStats()
    policy = RetryPolicy(
        max_attempts=plan.retry_max_attempts,
        base_seconds=plan.retry_base_seconds,
        sleep=clock.sleep,
        rand=clock.rand,
    )
    caller = Caller(policy, plan.call_timeout, plan.deadline, stats, clock=clock.monotonic)
    if read is not None:
        account = read.account_id
    else:
        account = plan.account_id or _caller_identity(caller, credentials, plan.home_region)
    reading = credentials if read is None else read.credentials
    sls = SlsAdapter(reading, plan.source(account))
    writer = None
    target = plan.findings
    if target is not None and target.project is not None:
        write_caller = Caller(policy, plan.call_timeout, plan.write_deadline, stats, clock=clock.monotonic)
        source = plan.source(account)
        writing = sls if read is None else SlsAdapter(credentials, source)
        writer = FindingsWriter(writing, write_caller, target.region, target.project, target.logstore, source)
    return Cloud(account, ActionTrailAdapter(reading), sls, caller, writer, stats, clock)


def _caller_identity(caller: Caller, credentials: Credentials, region: str) -> str:
    """The account the credentials belong to (STS GetCallerIdentity), checked like FC_ACCOUNT_ID."""
    account = caller.call("GetCallerIdentity", lambda t: sts.get_caller_identity(credentials, region, t))
    return checked_account_id(str(account))
