"""What one invocation will do, decided once: `plan_scan` -> a frozen `ScanPlan`.

The event's overrides, the configuration and FC's context meet here and nowhere else: which regions,
which profile and settings, dry run or not, the time budget, where findings go, what the scan id
derives from. Pure: the caller passes the clock reading (`now`, monotonic seconds); no environment,
no I/O. `FunctionContext.of` reads the few plain values the scan needs from FC's context object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_serializer

from ..aliyun import is_account_id
from ..settings import Settings
from .config import Config, ConfigError
from .events import Invocation

WRITE_RESERVE_SECONDS = 30.0  # of the function timeout, kept for evaluating and writing
MIN_BUDGET_SECONDS = 5.0  # collecting gets at least this long, however short the timeout
WRITE_MARGIN_SECONDS = 2.0  # the last write attempt ends this long before FC's timeout


@dataclass(frozen=True)
class FunctionContext:
    """What the scan reads of FC's context (and the variables FC sets beside it), read once."""

    request_id: str = "local"
    function_name: str = "cis216"
    timeout: float | None = None  # seconds; None: not known (no cap)
    account_id: str | None = None  # None: ask STS

    @classmethod
    def of(cls, context: Any, environ: Mapping[str, str]) -> FunctionContext:
        function = getattr(context, "function", None)
        timeout = getattr(function, "timeout", None)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            timeout = None
        account = getattr(context, "account_id", None) or environ.get("FC_ACCOUNT_ID") or None
        return cls(
            request_id=getattr(context, "request_id", None) or "local",
            function_name=getattr(function, "name", None) or environ.get("FC_FUNCTION_NAME") or "cis216",
            timeout=None if timeout is None else float(timeout),
            account_id=None if account is None else str(account),
        )


class Trigger(BaseModel):
    """What started the scan, as the summary reports it."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["timer", "direct"]
    name: str | None = None
    time: datetime | None = None

    @field_serializer("time")
    def _isoformat(self, value: datetime | None) -> str | None:
        return value.isoformat() if value else None  # "+00:00", as the summary always said


@dataclass(frozen=True)
class FindingsTarget:
    """The findings logstore. `project` is None only in a dry run without FINDINGS_PROJECT."""

    project: str | None
    logstore: str
    region: str


@dataclass(frozen=True)
class ScanPlan:
    profile: str
    regions: tuple[str, ...] | None  # None: every region DescribeRegions lists
    settings: Settings
    dry_run: bool
    target: FindingsTarget  # named in the summary even when a dry run writes nothing
    home_region: str  # where account-wide calls (DescribeRegions, STS) are made
    trigger: Trigger
    scan_key: str  # with the account and trigger time, what the scan id derives from (ids.scan_id)
    account_id: str | None  # from FC's context or FC_ACCOUNT_ID; None: bootstrap asks STS
    function_name: str
    started: float  # monotonic seconds
    budget: float  # seconds allowed for collecting
    write_deadline: float | None  # monotonic; None: no FC timeout to respect
    max_concurrency: int
    call_timeout: float
    retry_max_attempts: int
    retry_base_seconds: float

    @property
    def deadline(self) -> float:
        """When collecting stops (monotonic seconds)."""
        return self.started + self.budget

    @property
    def findings(self) -> FindingsTarget | None:
        """Where findings are written; None: a dry run writes nothing."""
        return None if self.dry_run else self.target

    def source(self, account_id: str) -> str:
        """The SLS log source of what the scan writes."""
        return f"{self.function_name}/{account_id}"


def checked_account_id(account: str) -> str:
    """The account id ends up in project names, hence in hostnames: digits only."""
    if not is_account_id(account):
        raise ConfigError(f"FC_ACCOUNT_ID: {account!r} is not an Alibaba Cloud account id (digits only)")
    return account


def plan_scan(invocation: Invocation, config: Config, function: FunctionContext, now: float) -> ScanPlan:
    overrides = invocation.overrides
    dry_run = config.dry_run if overrides.dry_run is None else overrides.dry_run
    if not dry_run and config.findings_project is None:  # load_config checks it; the plan relies on it
        raise ConfigError("FINDINGS_PROJECT: required unless DRY_RUN=true")
    return ScanPlan(
        profile=overrides.profile or config.profile,
        regions=_regions(overrides.regions, config.scan_regions),
        settings=_settings(overrides.settings, config.settings),
        dry_run=dry_run,
        target=FindingsTarget(config.findings_project, config.findings_logstore, config.home_region),
        home_region=config.home_region,
        trigger=Trigger.model_validate(
            {"kind": invocation.kind, "name": invocation.trigger_name, "time": invocation.trigger_time}
        ),
        scan_key=_scan_key(invocation, function.request_id),
        account_id=None if function.account_id is None else checked_account_id(function.account_id),
        function_name=function.function_name,
        started=now,
        budget=_budget(config.scan_budget_seconds, function.timeout),
        write_deadline=None if function.timeout is None else now + function.timeout - WRITE_MARGIN_SECONDS,
        max_concurrency=config.max_concurrency,
        call_timeout=config.call_timeout_seconds,
        retry_max_attempts=config.retry_max_attempts,
        retry_base_seconds=config.retry_base_seconds,
    )


def _regions(
    override: tuple[str, ...] | str | None, configured: tuple[str, ...] | None
) -> tuple[str, ...] | None:
    """The payload's list, or its "all", else SCAN_REGIONS (None: all)."""
    if override == "all":
        return None
    if override:
        return tuple(override)
    return tuple(configured) if configured else None


def _settings(override: Settings | None, configured: Settings | None) -> Settings:
    """The payload's settings, else PROFILE_SETTINGS, else the documented defaults.
    No merging: a payload's settings object replaces the configured one whole; an empty payload
    object arrives here as None (shell/events.py), so it replaces nothing."""
    if override is not None:
        return override
    return configured if configured is not None else Settings()


def _scan_key(invocation: Invocation, request_id: str) -> str:
    """A timer's name; for a direct invocation the request id, unless it names its scan_time (FC
    keeps the request id across the retries of an asynchronous invocation)."""
    if invocation.kind == "timer":
        return invocation.trigger_name or ""
    return "" if invocation.trigger_time else request_id


def _budget(configured: float, fc_timeout: float | None) -> float:
    """SCAN_BUDGET_SECONDS, capped by what the function's timeout leaves after the write reserve."""
    if fc_timeout is None:
        return configured
    return max(MIN_BUDGET_SECONDS, min(configured, fc_timeout - WRITE_RESERVE_SECONDS))
