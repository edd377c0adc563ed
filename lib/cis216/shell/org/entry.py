"""Which run an invocation is: a single-account scan (scan.run, unchanged), the coordinator of an
organisation scan (MODE=organization, or the payload's `mode`), or a worker (a worker event).

`run` is what the FC handler calls (shell/fc.py) and `cis216 invoke` in organisation mode; as in
scan.run, whatever raises leaves it redacted and logged as "scan failed".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ...adapters.credentials import resolve as resolve_credentials
from .. import logs, scan
from ..bootstrap import SYSTEM_CLOCK, Clock, MakeReadCloud, bootstrap
from ..config import Config, load_config
from ..events import (
    EventError,
    Invocation,
    WorkerEvent,
    is_worker_event,
    parse_event,
    parse_worker_event,
    read_event,
)
from ..plan import FunctionContext, ScanPlan, plan_scan
from ..report import ScanReport
from . import wiring
from .coordinator import CoordinatorReport, MakePorts, coordinate
from .worker import WorkerReport, work

log = logs.get(__name__)

Report = ScanReport | CoordinatorReport | WorkerReport


def mode_of(event: Any, environ: Mapping[str, str]) -> str:
    """`worker` for a worker event, else the payload's `mode`, else MODE. An event or MODE that
    cannot be read is left to the single-account scan, which reports it as it always did."""
    try:
        document = read_event(event)
        if is_worker_event(document):
            return "worker"
        wanted = parse_event(document).overrides.mode
    except EventError:
        return "account"
    return wanted or environ.get("MODE", "").strip().lower() or "account"


def run(
    event: Any,
    context: Any,
    environ: Mapping[str, str] = os.environ,
    make_cloud: MakeReadCloud = bootstrap,
    make_ports: MakePorts = wiring.ports,
    clock: Clock = SYSTEM_CLOCK,
) -> Report:
    mode = mode_of(event, environ)
    if mode not in ("organization", "worker"):
        return scan.run(event, context, environ, lambda p, c, k: make_cloud(p, c, k, None), clock)
    function = FunctionContext.of(context, environ)
    logs.LOGGER.start_invocation(function.request_id, environ.get("LOG_LEVEL", "INFO"))
    try:
        if mode == "worker":
            return _worker(event, context, environ, function, make_cloud, make_ports, clock)
        return _coordinator(event, context, environ, function, make_cloud, make_ports, clock)
    except Exception as error:
        logs.scrub(error)
        log.error("scan failed", extra={"error_type": type(error).__name__, "error": str(error)})
        raise


def answer(report: Report) -> str:
    """The handler's JSON answer."""
    return report.to_json() if isinstance(report, WorkerReport) else report.summary.to_json()


def _coordinator(
    event: Any,
    context: Any,
    environ: Mapping[str, str],
    function: FunctionContext,
    make_cloud: MakeReadCloud,
    make_ports: MakePorts,
    clock: Clock,
) -> CoordinatorReport:
    started = clock.monotonic()
    invocation = parse_event(event)
    config = load_config(environ, dry_run=invocation.overrides.dry_run)
    plan = plan_scan(invocation, config, function, started)
    credentials = resolve_credentials(context, environ)
    logs.LOGGER.add_secrets(*credentials.secrets())
    log.info(
        "organization scan starting", extra={"members_of": "resource directory", "dry_run": plan.dry_run}
    )
    return coordinate(plan, config, credentials, make_cloud, make_ports, clock)


def _worker(
    event: Any,
    context: Any,
    environ: Mapping[str, str],
    function: FunctionContext,
    make_cloud: MakeReadCloud,
    make_ports: MakePorts,
    clock: Clock,
) -> WorkerReport:
    started = clock.monotonic()
    job = parse_worker_event(event)
    config = load_config(environ, dry_run=job.overrides.dry_run)
    if config.mode == "account":
        raise EventError("worker event: this function has MODE=account; a worker needs MODE=worker")
    plan = _worker_plan(job, config, function, started)
    credentials = resolve_credentials(context, environ)
    logs.LOGGER.add_secrets(*credentials.secrets())
    return work(job, plan, config, credentials, make_cloud, make_ports, clock)


def _worker_plan(job: WorkerEvent, config: Config, function: FunctionContext, started: float) -> ScanPlan:
    """The coordinator's trigger and overrides: the member is scanned as the coordinator was asked."""
    trigger = job.trigger
    invocation = Invocation(
        kind=trigger.kind, trigger_time=trigger.time, trigger_name=trigger.name, overrides=job.overrides
    )
    return plan_scan(invocation, config, function, started)
