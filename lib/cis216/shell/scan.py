"""One scan: plan -> bootstrap -> gather -> evaluate -> report -> write.

`run` is what the FC handler (shell/fc.py) and `cis216 invoke` (cli/invoke.py) both call; the
environment is an explicit mapping and the adapters come from `make_cloud` (default: `bootstrap`).

Failures that must fail the invocation (so FC reports it, and retries a timer run) raise:
`ConfigError`, `EventError`, `CredentialsError`, `WriteError`. A failed read call does not: it
becomes an `errors` entry of the snapshot and an `error` finding, and the scan goes on. Whatever
raises leaves `run` redacted (`logs.scrub`) and logged as "scan failed".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timezone
from typing import Any

from ..adapters.credentials import Credentials
from ..adapters.credentials import resolve as resolve_credentials
from ..adapters.writer import finding_contents, summary_contents
from ..core import evaluate
from ..findings import Finding
from ..inventory import Inventory
from ..mute import apply_mutelist
from . import ids, logs
from .bootstrap import SYSTEM_CLOCK, Clock, Cloud, MakeCloud, bootstrap
from .collect import collect_account
from .config import Config, load_config
from .events import parse_event
from .plan import FunctionContext, ScanPlan, plan_scan
from .report import ApiCalls, ScanReport, Written

log = logs.get(__name__)


def run(
    event: Any,
    context: Any,
    environ: Mapping[str, str] = os.environ,
    make_cloud: MakeCloud = bootstrap,
    clock: Clock = SYSTEM_CLOCK,
) -> ScanReport:
    function = FunctionContext.of(context, environ)
    # Before the configuration is read, so that its errors are JSON lines too (LOG_LEVEL is re-read
    # leniently here; the configuration validates it).
    logs.LOGGER.start_invocation(function.request_id, environ.get("LOG_LEVEL", "INFO"))
    try:
        return _scan(event, context, environ, function, make_cloud, clock)
    except Exception as error:
        logs.scrub(error)
        log.error("scan failed", extra={"error_type": type(error).__name__, "error": str(error)})
        raise


def _scan(
    event: Any,
    context: Any,
    environ: Mapping[str, str],
    function: FunctionContext,
    make_cloud: MakeCloud,
    clock: Clock,
) -> ScanReport:
    started = clock.monotonic()
    invocation = parse_event(event)
    config = load_config(environ, dry_run=invocation.overrides.dry_run)
    plan = plan_scan(invocation, config, function, started)
    credentials = resolve_credentials(context, environ)
    logs.LOGGER.add_secrets(*credentials.secrets())
    _log_start(plan, credentials)
    cloud = make_cloud(plan, credentials, clock)

    snapshot, inventory = gather(plan, cloud)  # 1. gather the account
    collect_ms = _elapsed_ms(clock, started)
    findings = evaluate(inventory, plan.profile, plan.settings)  # 2. the pure core decides
    findings = mark_accepted_risk(findings, config, cloud.clock)
    report = ScanReport.of(
        plan, cloud.account_id, snapshot, inventory, findings, ApiCalls.of(cloud.stats), collect_ms
    )
    written = write(report, plan, cloud)  # 3. apply the outputs
    report = report.completed(written, ApiCalls.of(cloud.stats), _elapsed_ms(clock, started))
    log.info("scan complete", extra={"summary": report.summary.model_dump(mode="json")})
    return report


def mark_accepted_risk(findings: list[Finding], config: Config, clock: Clock) -> list[Finding]:
    """Accepted risk (MUTELIST) marks findings muted, judged on the scan's date; none: unchanged."""
    if config.mutelist is None:
        return findings
    return apply_mutelist(findings, config.mutelist, clock.now().astimezone(timezone.utc).date())


def gather(plan: ScanPlan, cloud: Cloud) -> tuple[dict[str, Any], Inventory]:
    """The account, collected and read as it arrives: the snapshot document (what --save-snapshot
    keeps) and its inventory. An answer the inventory cannot read is an `errors` entry, not data."""
    collected = collect_account(
        cloud.actiontrail,
        cloud.sls,
        cloud.caller,
        cloud.account_id,
        profile=plan.profile,
        regions=plan.regions,
        home_region=plan.home_region,
        max_concurrency=plan.max_concurrency,
        accept_log_audit=plan.settings.accept_log_audit,
        now=cloud.clock.now,
    )
    return collected.document, collected.inventory


def write(report: ScanReport, plan: ScanPlan, cloud: Cloud) -> Written:
    """One log per finding plus the summary log into the findings logstore; a dry run writes nothing."""
    target = plan.findings
    if target is None:
        return Written(project=plan.target.project, logstore=plan.target.logstore)
    if cloud.writer is None:
        raise RuntimeError(
            f"the plan writes to {target.project}/{target.logstore}, but the cloud has no writer"
        )
    summary = report.summary
    evaluated_at = cloud.clock.now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    records = [
        finding_contents(finding, finding_id, summary.scan_id, evaluated_at)
        for finding, finding_id in zip(report.findings, report.finding_ids, strict=True)
    ]
    records.append(summary_contents(summary, ids.summary_id(summary.scan_id, summary.profile), evaluated_at))
    try:
        result = cloud.writer.write(records, when=cloud.clock.now())
    except Exception as error:
        failure = {"scan_id": summary.scan_id, "error": str(error), "written": getattr(error, "written", 0)}
        log.error("writing findings failed", extra=failure)
        raise
    # `count`: the findings; the last log is the scan summary.
    return Written(
        project=result.project,
        logstore=result.logstore,
        count=result.count - 1,
        logs=result.count,
        batches=result.batches,
    )


def _log_start(plan: ScanPlan, credentials: Credentials) -> None:
    start = {
        "profile": plan.profile,
        "regions": plan.regions or "all",
        "dry_run": plan.dry_run,
        "trigger": plan.trigger.kind,
        "credentials": credentials.source,
    }
    log.info("scan starting", extra=start)


def _elapsed_ms(clock: Clock, started: float) -> int:
    return int((clock.monotonic() - started) * 1000)
