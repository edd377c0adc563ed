"""`cis216 invoke EVENT_FILE`: the scan the FC handler runs, run here with a context like FC's.

It calls `scan.run` directly, with an explicit environment mapping (this process's environment plus
what a deployment would set) and, for the emulated cloud, its own `make_cloud`: nothing global is
patched and nothing rides on the context.

Default `--cloud emulated`: the in-process emulated cloud, seeded with the bundled sample account
(or `--seed SNAPSHOT`), with the findings project/logstore created in it; no credentials and no
network. `--cloud real`: your credentials (ALIBABA_CLOUD_* variables or the default chain) and
the real endpoints; FINDINGS_PROJECT etc. come from your environment.

Output (table format): the summary, the findings, and "wrote N findings to <project>/<logstore>".
With the other formats, stdout (or `-o FILE`) carries only the findings; the summary and that line
go to stderr. JSON log lines go to stderr. `--mutelist FILE` is handed to the scan as the MUTELIST
variable (after being checked here, so that its errors name the file): the scan marks muted
findings as the function would. Exit codes and --fail-on: output.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..adapters.calls import CallError
from ..adapters.credentials import Credentials, CredentialsError
from ..adapters.writer import WriteError
from ..inventory import load_inventory, read_bytes, read_file
from ..mute import mutelist_from_text
from ..shell import logs, scan
from ..shell.bootstrap import Clock, Cloud, MakeCloud, bootstrap
from ..shell.config import ConfigError
from ..shell.events import EventError
from ..shell.plan import ScanPlan
from ..shell.report import ScanReport, ScanSummary
from . import organization
from .output import (
    EXIT_BAD_INPUT,
    EXIT_RUN_FAILED,
    CliError,
    check_writable,
    fail_on_exit,
    output_to,
    render,
    render_summary,
)
from .report import write_scan_report

if TYPE_CHECKING:
    from ..emulator import EmulatedCloud

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "sample-account.json"
DEFAULT_FINDINGS_PROJECT = "cis216-findings"
DEFAULT_FINDINGS_LOGSTORE = "cis216_findings"
DEFAULT_REGION = "cn-hangzhou"


@dataclass
class FunctionInfo:
    name: str = "cis216"
    handler: str = "index.handler"
    memory: int = 512
    timeout: int = 600


@dataclass
class ServiceInfo:
    log_project: str = ""
    log_store: str = ""


@dataclass
class ContextCredentials:
    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)


@dataclass
class LocalContext:
    """The attributes FC's python3.10 context has."""

    request_id: str
    region: str
    account_id: str | None
    credentials: ContextCredentials | None
    function: FunctionInfo = field(default_factory=FunctionInfo)
    service: ServiceInfo = field(default_factory=ServiceInfo)


def emulated_bootstrap(emulated: EmulatedCloud) -> MakeCloud:
    """`bootstrap` for the emulated cloud: the real adapters and SDKs (the emulator answers them at
    the HTTP layer), and the findings logstore the plan names created in the emulator first. The
    configuration has validated that name by then, so a bad one is reported naming its variable."""

    def make_cloud(plan: ScanPlan, credentials: Credentials, clock: Clock) -> Cloud:
        cloud = bootstrap(plan, credentials, clock)
        target = plan.target
        if target.project is not None:
            emulated.create_logstore(cloud.account_id, target.region, target.project, target.logstore)
        return cloud

    return make_cloud


@dataclass
class LocalRun:
    """How this invocation runs: the environment the scan reads, FC's context, the cloud."""

    environ: dict[str, str]
    context: LocalContext
    emulated: EmulatedCloud | None  # None: the real cloud

    def run(self, event: bytes) -> ScanReport:
        if self.emulated is None:
            return scan.run(event, self.context, self.environ)
        with self.emulated:
            return scan.run(event, self.context, self.environ, make_cloud=emulated_bootstrap(self.emulated))


def invoke(args: argparse.Namespace, out: TextIO) -> int:
    event = _read_event(args.event)
    if organization.wanted(event, args.seed):  # the coordinator and every worker (docs/organization.md)
        if args.dry_run:  # the organisation run reads its environment itself
            raise CliError("--dry-run: for an organisation scan, set DRY_RUN=true in the environment")
        return organization.invoke_organization(args, out, event)
    # Before the scan writes anything: a bad path is exit 2.
    if args.save_snapshot:
        check_writable(args.save_snapshot, "--save-snapshot")
    if args.output:
        check_writable(args.output, "-o")
    mutelist = read_file(args.mutelist) if args.mutelist else None
    if mutelist is not None:
        mutelist_from_text(mutelist, args.mutelist)  # a bad list is refused naming the file, not MUTELIST
    if args.report:
        check_writable(args.report, "--report")
    local = _emulated(args.seed) if args.cloud == "emulated" else _real(args.seed)
    if mutelist is not None:
        local.environ["MUTELIST"] = mutelist  # the scan applies it, as the function does
    if args.dry_run:
        local.environ["DRY_RUN"] = "true"  # what the function reads: the plan then writes nothing
    try:
        with logs.LOGGER.writing_to(sys.stderr):
            report = local.run(event)
    except (ConfigError, EventError) as error:
        print(f"cis216: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (WriteError, CredentialsError, CallError) as error:  # each says what failed, in its own words
        print(f"cis216: scan failed: {error}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except Exception as error:  # anything else the scan raised: FC would mark the run failed
        print(f"cis216: scan failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_RUN_FAILED
    if args.save_snapshot:
        try:
            text = json.dumps(report.snapshot, indent=2, ensure_ascii=False) + "\n"
            Path(args.save_snapshot).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"cis216: cannot write {args.save_snapshot}: {error.strerror or error}", file=sys.stderr)
            return EXIT_BAD_INPUT
    with output_to(args.output, out) as target:
        _print(report, local, args.format, target)
    side = out if args.format == "table" and not args.output else sys.stderr
    if args.report and not _write_report(args.report, report, local, side):
        return EXIT_BAD_INPUT
    return fail_on_exit(report.findings, args.fail_on)


def _print(report: ScanReport, local: LocalRun, fmt: str, out: TextIO) -> None:
    """Table: summary, findings, written line; otherwise only the findings (the rest on stderr)."""
    side = out if fmt == "table" else sys.stderr
    if fmt == "table":
        render_summary(report.summary, out)
    else:
        side.write(report.summary.to_json(indent=2) + "\n")
    # evaluated_at: when the account was read (the findings logstore stamps the write, seconds later).
    collected = str(report.snapshot.get("collected_at") or "") or None
    render(report.findings, fmt, out, report.summary.scan_id, collected, report.finding_ids)
    side.write(_written_line(report.summary, local) + "\n")


def _write_report(path: str, report: ScanReport, local: LocalRun, side: TextIO) -> bool:
    """The HTML report of the findings just printed (`--report PATH`); False when it cannot be written."""
    cloud = "emulated cloud" if local.emulated is not None else "real cloud"
    try:
        findings = [f.model_dump(mode="json") for f in report.findings]
        summary = report.summary.model_dump(mode="json")
        collected = str(report.snapshot.get("collected_at") or "")
        write_scan_report(findings, summary, f"cis216 invoke ({cloud})", path, evaluated_at=collected)
    except OSError as error:
        print(f"cis216: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return False
    side.write(f"report: {path}\n")
    return True


def _emulated(seed: str | None) -> LocalRun:
    # The emulator needs `responses`, which only the `local` extra installs: imported when used,
    # so that `cis216 evaluate` and `--cloud real` run without it.
    from .. import emulator

    document = _seed_document(seed)
    cloud = emulator.EmulatedCloud()
    account = cloud.seed_snapshot(document)
    region = _findings_region()
    environ = {
        **os.environ,
        "FINDINGS_REGION": region,
        "FINDINGS_PROJECT": os.environ.get("FINDINGS_PROJECT") or DEFAULT_FINDINGS_PROJECT,
        "FINDINGS_LOGSTORE": os.environ.get("FINDINGS_LOGSTORE") or DEFAULT_FINDINGS_LOGSTORE,
        "FC_ACCOUNT_ID": account,
        "FC_REGION": region,
    }
    key = emulator.DEFAULT_CREDENTIALS
    credentials = ContextCredentials(key.access_key_id, key.access_key_secret, key.security_token)
    return LocalRun(environ, LocalContext(str(uuid.uuid4()), region, account, credentials), cloud)


def _real(seed: str | None) -> LocalRun:
    if seed:
        raise CliError("--seed only applies to --cloud emulated")
    region = _findings_region()
    environ = dict(os.environ)
    if not environ.get("FC_REGION"):
        environ["FC_REGION"] = region  # FC always sets it (the function's region), and so do we
    context = LocalContext(str(uuid.uuid4()), region, environ.get("FC_ACCOUNT_ID"), None)
    return LocalRun(environ, context, None)


def _findings_region() -> str:
    return os.environ.get("FINDINGS_REGION") or os.environ.get("FC_REGION") or DEFAULT_REGION


def _written_line(summary: ScanSummary, local: LocalRun) -> str:
    written = summary.written
    assert written is not None  # scan.run returns the completed summary
    where = f"{written.project}/{written.logstore}"
    if summary.dry_run:
        target = f" to {where}" if written.project is not None else "; no findings project configured"
        return f"dry run: wrote nothing (would write {summary.findings} findings{target})"
    extra = ["+ 1 scan summary log"]
    if local.emulated is not None and written.project is not None:
        region = local.environ["FINDINGS_REGION"]
        stored = [
            log
            for log in local.emulated.sls_logs(summary.account_id, region, written.project, written.logstore)
            if log.contents.get("scan_id") == summary.scan_id and log.contents.get("record") == "finding"
        ]
        extra.append(f"the emulated logstore holds {len(stored)} finding logs of this scan")
    return f"wrote {written.count} findings to {where} ({'; '.join(extra)})"


def _read_event(path: str) -> bytes:
    """The event as bytes (the scan reports one that is not UTF-8 as FC would), at most MAX_INPUT_BYTES."""
    if path == "-":
        return read_bytes(sys.stdin.buffer, "stdin")
    try:
        with open(path, "rb") as stream:
            return read_bytes(stream, path)
    except OSError as error:
        raise CliError(f"{path}: cannot read: {error.strerror or error}") from None


def _seed_document(path: str | None) -> dict[str, Any]:
    source = Path(path) if path else SAMPLE
    load_inventory(source)  # InventoryError (exit 2) when it is not a valid snapshot
    document: dict[str, Any] = json.loads(read_file(source))
    return document
