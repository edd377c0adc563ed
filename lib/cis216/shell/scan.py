"""One scan, as the FC handler runs it:

config -> event -> credentials -> account -> collect -> core.evaluate -> write -> summary.

Failures that must fail the invocation (so FC reports it, and retries a timer run) raise:
`ConfigError`, `EventError`, `CredentialsError`, `WriteError`. A failed read call does not: it
becomes an `errors` entry of the snapshot and an `error` finding, and the scan goes on.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..findings import STATUS_ORDER, Finding, count_by_status
from . import ids
from . import logging as slog
from .config import Config, ConfigError, is_account_id, load_config
from .events import Invocation, parse_event

log = slog.get("scan")

WRITE_RESERVE_SECONDS = 30.0  # of the function timeout, kept for evaluating and writing


@dataclass
class ScanResult:
    summary: dict[str, Any]
    snapshot: dict[str, Any]
    findings: list[Finding]
    finding_ids: list[str]
    config: Config
    invocation: Invocation


@dataclass
class Hooks:
    """Injection points for tests and local runs (defaults: the real thing)."""

    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] | None = None
    monotonic: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))


def _function_attr(context: Any, name: str) -> Any:
    function = getattr(context, "function", None)
    return getattr(function, name, None) if function is not None else None


def account_verdict(findings: list[Finding]) -> dict[str, str | None]:
    for finding in findings:
        if finding.scope == "account":
            return {"status": finding.status, "reason": finding.reason}
    for status in STATUS_ORDER:
        if any(f.status == status for f in findings):
            return {"status": status, "reason": f"worst status of {len(findings)} finding(s)"}
    return {"status": "none", "reason": "no findings (the profile produced no row)"}


def run(
    event: Any, context: Any, environ: Mapping[str, str] | None = None, hooks: Hooks | None = None
) -> ScanResult:
    hooks = hooks or Hooks()
    started = hooks.monotonic()
    environ = os.environ if environ is None else environ
    request_id = getattr(context, "request_id", None) or "local"
    slog.set_request_id(request_id)
    slog.clear_secrets()
    slog.configure(environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO")  # so config errors log as JSON

    invocation = parse_event(event)
    overrides = invocation.overrides
    config = load_config(environ, dry_run=overrides.dry_run)
    slog.configure(config.log_level)
    profile = overrides.profile or config.profile
    if overrides.regions == "all":
        regions = None
    elif overrides.regions:
        regions = list(overrides.regions)
    else:
        regions = list(config.scan_regions) if config.scan_regions else None
    dry_run = config.dry_run if overrides.dry_run is None else overrides.dry_run

    from ..settings import Settings

    settings = Settings.model_validate(overrides.settings or config.settings or {})

    from ..adapters import credentials as creds_mod
    from ..adapters.calls import Caller, CallStats, RetryPolicy

    credentials = creds_mod.resolve(context, environ)
    slog.add_secret(*credentials.secrets())

    # The scan's deadline: the budget, capped by what the function's timeout leaves after a reserve.
    budget = config.scan_budget_seconds
    fc_timeout = _function_attr(context, "timeout")
    if isinstance(fc_timeout, (int, float)) and fc_timeout > 0:
        budget = max(5.0, min(budget, float(fc_timeout) - WRITE_RESERVE_SECONDS))
    deadline = started + budget
    policy = RetryPolicy(
        max_attempts=config.retry_max_attempts, base_seconds=config.retry_base_seconds, sleep=hooks.sleep
    )
    if hooks.rand is not None:
        policy.rand = hooks.rand
    stats = CallStats()
    caller = Caller(policy, config.call_timeout_seconds, deadline, stats, clock=hooks.monotonic)

    log.info(
        "scan starting",
        extra={
            "profile": profile,
            "regions": regions or "all",
            "dry_run": dry_run,
            "trigger": invocation.kind,
            "credentials": credentials.source,
        },
    )

    account = getattr(context, "account_id", None) or environ.get("FC_ACCOUNT_ID") or None
    if not account:
        from ..adapters import sts

        account = caller.call(
            "GetCallerIdentity", lambda t: sts.get_caller_identity(credentials, config.home_region, t)
        )
    account = str(account)
    if not is_account_id(account):  # it becomes part of project names, hence of hostnames
        raise ConfigError(f"FC_ACCOUNT_ID: {account!r} is not an Alibaba Cloud account id (digits only)")

    function_name = _function_attr(context, "name") or environ.get("FC_FUNCTION_NAME") or "cis216"
    source = f"{function_name}/{account}"

    from ..adapters.actiontrail import ActionTrailAdapter
    from ..adapters.sls import SlsAdapter
    from .collector import Collector

    sls = SlsAdapter(credentials, source)
    collector = Collector(
        ActionTrailAdapter(credentials),
        sls,
        caller,
        account,
        profile=profile,
        regions=regions,
        home_region=config.home_region,
        max_concurrency=config.max_concurrency,
        accept_log_audit=settings.accept_log_audit,
        now=hooks.now,
    )
    snapshot = collector.collect()
    collected_ms = int((hooks.monotonic() - started) * 1000)

    from ..core import evaluate
    from ..inventory import InventoryError, parse_inventory

    try:
        inventory = parse_inventory(snapshot, source="collected snapshot")
    except InventoryError as unreadable:
        from .quarantine import quarantine

        log.warning("answers the inventory cannot read were left out", extra={"error": str(unreadable)})
        snapshot = quarantine(snapshot)
        try:
            inventory = parse_inventory(snapshot, source="collected snapshot")
        except InventoryError:
            raise unreadable from None
    findings = evaluate(inventory, profile, settings)

    if invocation.kind == "timer":
        scan = ids.scan_id(account, invocation.trigger_time, invocation.trigger_name or "")
    else:
        scan = ids.scan_id(account, invocation.trigger_time, "" if invocation.trigger_time else request_id)
    fids = ids.finding_ids(scan, findings)
    verdict = account_verdict(findings)
    counts = count_by_status(findings)
    errors = sum(len(r["errors"]) for r in snapshot["regions"].values())
    summary: dict[str, Any] = {
        "scan_id": scan,
        "account_id": account,
        "profile": profile,
        "trigger": {
            "kind": invocation.kind,
            "name": invocation.trigger_name,
            "time": invocation.trigger_time.isoformat() if invocation.trigger_time else None,
        },
        "regions": list(snapshot["regions"]),
        "findings": len(findings),
        "counts": counts,
        "account_verdict": verdict["status"],
        "verdict_reason": verdict["reason"],
        "collection_errors": errors,
        "api_calls": stats.as_dict(),
        "collect_ms": collected_ms,
        "dry_run": dry_run,
    }

    written: dict[str, Any] = {
        "project": config.findings_project,
        "logstore": config.findings_logstore,
        "count": 0,
    }
    if not dry_run:
        from ..adapters.writer import FindingsWriter, finding_contents, summary_contents

        assert config.findings_project is not None
        evaluated_at = hooks.now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        logs = [finding_contents(f, fid, scan, evaluated_at) for f, fid in zip(findings, fids, strict=True)]
        logs.append(summary_contents(summary, ids.summary_id(scan, profile), evaluated_at))
        write_deadline = None
        if isinstance(fc_timeout, (int, float)) and fc_timeout > 0:
            write_deadline = started + float(fc_timeout) - 2.0
        write_caller = Caller(
            policy, config.call_timeout_seconds, write_deadline, stats, clock=hooks.monotonic
        )
        writer = FindingsWriter(
            sls, write_caller, config.home_region, config.findings_project, config.findings_logstore, source
        )
        try:
            result = writer.write(logs, when=hooks.now())
        except Exception as error:
            log.error(
                "writing findings failed",
                extra={"scan_id": scan, "error": str(error), "written": getattr(error, "written", 0)},
            )
            raise
        written["count"] = result.count - 1  # the findings; the last log is the scan summary
        written["logs"] = result.count
        written["batches"] = result.batches
    summary["written"] = written
    summary["api_calls"] = stats.as_dict()
    summary["duration_ms"] = int((hooks.monotonic() - started) * 1000)
    log.info("scan complete", extra={"summary": summary})
    return ScanResult(summary, snapshot, findings, fids, config, invocation)


def scrub(error: BaseException) -> BaseException:
    """Redact what a raised error would print, its causes included, in place.

    The log lines are redacted by the formatter, but an error that leaves the handler is printed by
    FC itself (the invocation's error and its log) and by `cis216 invoke`: an SDK message quoting
    the access key id, a signature or a token must not get out that way either."""
    from ..adapters.calls import CallError

    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, CallError):
            current.message = slog.redact(current.message or "")
        with contextlib.suppress(AttributeError, TypeError):  # an exception type with read-only args
            current.args = tuple(slog.redact(a) if isinstance(a, str) else a for a in current.args)
        inner = getattr(current, "cause", None)
        pending.extend(
            [inner if isinstance(inner, BaseException) else None, current.__cause__, current.__context__]
        )
    return error


def handle(event: Any, context: Any) -> dict[str, Any]:
    """What handler/index.py calls: runs the scan, tells an observer (local runs), returns the summary."""
    try:
        result = run(event, context, hooks=getattr(context, "cis216_hooks", None))
    except Exception as error:
        scrub(error)
        log.error("scan failed", extra={"error_type": type(error).__name__, "error": str(error)})
        raise
    observer = getattr(context, "cis216_observer", None)
    if observer is not None:
        observer(result)
    return result.summary


def initialize(context: Any) -> None:
    """FC initializer: validate the configuration and pay the SDK imports before the first event."""
    slog.set_request_id(getattr(context, "request_id", None))
    config = load_config()
    slog.configure(config.log_level)
    import alibabacloud_actiontrail20200706.client  # noqa: F401
    import aliyun.log  # noqa: F401

    log.info("initialized", extra={"profile": config.profile, "findings_region": config.findings_region})
