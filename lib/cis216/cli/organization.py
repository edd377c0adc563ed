"""`cis216 invoke` in organisation mode: an event asking for the coordinator (`events/org-timer.json`,
payload `{"mode": "organization"}`, or MODE=organization) or `--seed` with an organisation snapshot.

Against the emulated cloud seeded with the bundled sample organisation (or `--seed ORG_SNAPSHOT`):
the coordinator, then every queued worker, in-process (shell/org/local.py). Table format: the
organisation summary and one row per member (verdict, codes, reason); the other formats (json,
jsonl, csv, md): every finding written, by output.py's renderers, the summary on stderr. `-o FILE`,
`--mutelist FILE` (handed to the coordinator and every worker as MUTELIST, as s.yaml does) and
`--report PATH` (one page, a card per member) as for a single account.

Exit codes (output.py's): by default 1 when any member's verdict (its account finding, unmuted) is
alarm or error; `--fail-on STATUSES|none` as for a single account; 3 when a worker failed for good
(FC gave up on it: its member's findings were not written), after everything was printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, TextIO

from ..adapters.calls import CallError
from ..adapters.credentials import CredentialsError
from ..adapters.writer import WriteError
from ..findings import STATUS_ORDER, Finding
from ..inventory import InventoryError, read_file
from ..mute import mutelist_from_text, unmuted
from ..report import render_report, report_of, scans_of
from ..report.model import normalized
from ..shell import logs
from ..shell.config import ConfigError
from ..shell.events import EventError
from ..shell.org import entry, local
from ..shell.org.records import OrgSummary
from .output import (
    DEFAULT_FAIL_ON,
    EXIT_BAD_INPUT,
    EXIT_FAIL_ON,
    EXIT_OK,
    EXIT_RUN_FAILED,
    CliError,
    check_writable,
    fail_on_exit,
    output_to,
    render,
)

DEFAULT_FINDINGS_PROJECT = "cis216-findings"
DEFAULT_FINDINGS_LOGSTORE = "cis216_findings"
DEFAULT_REGION = "cn-hangzhou"
REPORT_SOURCE = "cis216 invoke (emulated organisation)"


def wanted(event: bytes, seed: str | None) -> bool:
    """Whether this invocation is an organisation scan."""
    if entry.mode_of(event, os.environ) == "organization":
        return True
    return seed is not None and local.is_organization_document(_peek(seed))


def invoke_organization(args: argparse.Namespace, out: TextIO, event: bytes) -> int:
    if args.cloud != "emulated":
        raise CliError(
            "an organisation scan runs locally against --cloud emulated only; deploy it to scan a real one"
        )
    if args.save_snapshot:
        raise CliError("--save-snapshot applies to a single-account scan")
    for path, option in ((args.output, "-o"), (args.report, "--report")):
        if path:
            check_writable(path, option)  # before anything runs: a bad path is exit 2
    mutelist = read_file(args.mutelist) if args.mutelist else None
    if mutelist is not None:
        mutelist_from_text(mutelist, args.mutelist)  # a bad list is refused naming the file
    document = local.load_organization_document(args.seed)
    try:
        with logs.LOGGER.writing_to(sys.stderr):
            run = _run(document, event, mutelist)
    except (ConfigError, EventError) as error:
        print(f"cis216: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (WriteError, CredentialsError, CallError) as error:
        print(f"cis216: scan failed: {error}", file=sys.stderr)
        return EXIT_RUN_FAILED
    with output_to(args.output, out) as target:
        _print(run, args.format, target)
    side = out if args.format == "table" and not args.output else sys.stderr
    if args.report and not _write_report(args.report, run, side):
        return EXIT_BAD_INPUT
    if run.failed:
        return EXIT_RUN_FAILED  # a member whose findings were not written: never a quiet exit
    return organization_exit(run.findings, args.fail_on)


def organization_exit(findings: Sequence[Finding], fail_on: Sequence[str] | None) -> int:
    """By default (`fail_on` None) 1 when any member's verdict (its account finding, unmuted) is
    alarm or error; a list of statuses (or `--fail-on none`) as for a single account."""
    if fail_on is not None:
        return fail_on_exit(findings, fail_on)
    verdicts = {f.status for f in unmuted(findings) if f.scope == "account"}
    return EXIT_FAIL_ON if verdicts & set(DEFAULT_FAIL_ON) else EXIT_OK


def _print(run: local.OrganizationRun, fmt: str, out: TextIO) -> None:
    """Table: the organisation table; otherwise every finding (the summary and failures on stderr)."""
    summary = run.coordinator.summary
    if fmt == "table":
        render_organization(summary, run.findings, run.failed, out)
        return
    sys.stderr.write(summary.to_json(indent=2) + "\n")
    for text in run.failed:
        sys.stderr.write(f"cis216: worker failed for good: {text}\n")
    render(run.findings, fmt, out, scan_id=summary.scan_id)


def _write_report(path: str, run: local.OrganizationRun, side: TextIO) -> bool:
    """The HTML report of every member's findings (`--report PATH`): one card per member account,
    each member's scan summary beside; False when it cannot be written."""
    scan_id = run.coordinator.summary.scan_id
    findings = [normalized({**f.model_dump(mode="json"), "scan_id": scan_id}) for f in run.findings]
    summaries = [
        normalized({"scan_id": scan_id, "account_id": w.member, "evidence": w.summary}) for w in run.workers
    ]
    try:
        report = report_of(scans_of(findings, summaries), REPORT_SOURCE, with_history=False)
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(render_report(report))
    except OSError as error:
        print(f"cis216: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return False
    side.write(f"report: {path}\n")
    return True


def _run(document: dict[str, Any], event: bytes, mutelist: str | None) -> local.OrganizationRun:
    from .. import emulator  # needs `responses` (the `local` extra): imported when used

    cloud = emulator.EmulatedCloud()
    cloud.seed_organization(document)
    account = local.management_account(document)
    region = os.environ.get("FINDINGS_REGION") or os.environ.get("FC_REGION") or DEFAULT_REGION
    environ = {
        **os.environ,
        "MODE": "organization",
        "FINDINGS_REGION": region,
        "FINDINGS_PROJECT": os.environ.get("FINDINGS_PROJECT") or DEFAULT_FINDINGS_PROJECT,
        "FINDINGS_LOGSTORE": os.environ.get("FINDINGS_LOGSTORE") or DEFAULT_FINDINGS_LOGSTORE,
        "FC_ACCOUNT_ID": account,
        "FC_REGION": region,
    }
    if mutelist is not None:
        environ["MUTELIST"] = mutelist  # the workers apply it (the worker's s.yaml environment)
    context = _context(emulator.DEFAULT_CREDENTIALS, account, region)
    with cloud:
        return local.run_organization(cloud, event, environ, context)


def _context(key: Any, account: str, region: str) -> Any:
    credentials = SimpleNamespace(
        access_key_id=key.access_key_id,
        access_key_secret=key.access_key_secret,
        security_token=key.security_token,
    )
    function = SimpleNamespace(name="cis216", timeout=600)
    return SimpleNamespace(
        request_id=str(uuid.uuid4()),
        region=region,
        account_id=account,
        credentials=credentials,
        function=function,
    )


def _peek(path: str) -> Any:
    try:
        return json.loads(read_file(path))
    except (ValueError, InventoryError):
        return None  # the single-account reader reports it


def render_organization(
    summary: OrgSummary, findings: Sequence[Finding], failed: Sequence[str], out: TextIO
) -> None:
    """The organisation summary, then one row per member: its account finding's verdict and reason."""
    feed = summary.organization_feed
    covers = {True: "covers members", False: "does not cover", None: "could not be read"}[feed.covers]
    lines = [
        f"organization {summary.organization_id}  management {summary.management_account_id}  scan {summary.scan_id}",
        f"members: {summary.members_listed} listed, {summary.members_excluded_by_filters} excluded by filters, "
        f"{summary.enqueued} queued, {summary.already_queued} already queued, {summary.refused} refused; "
        f"largest payload {summary.largest_payload_bytes} bytes",
        f"organisation feed: trail {feed.trail or '-'} -> {feed.project or '-'}/{feed.logstore or '-'} "
        f"(log archive {feed.log_archive_account or '-'}), alert {feed.alert or '-'}: {covers}",
    ]
    lines += [f"worker failed for good: {text}" for text in failed]
    out.write("\n".join(lines) + "\n\n")
    rows = member_rows(findings)
    if not rows:
        out.write("no member findings\n")
        return
    width = max(len(r[0]) for r in rows)
    out.write(f"{'MEMBER':<{width}}  {'VERDICT':<7}  CODES\n")
    mutes = {f.account_id: f.mute for f in findings if f.scope == "account" and f.mute is not None}
    for member, status, found, reason in rows:
        out.write(f"{member:<{width}}  {status.upper():<7}  {', '.join(found) or '-'}\n")
        out.write(f"{'':<{width}}  {reason}\n")
        if (mute := mutes.get(member)) is not None:
            out.write(f"{'':<{width}}  muted by {mute.entry} until {mute.expires}: {mute.justification}\n")
    counts = {s: sum(1 for r in rows if r[1] == s) for s in STATUS_ORDER}
    muted = f"; {len(mutes)} muted (accepted risk)" if mutes else ""
    out.write(
        f"\n{len(rows)} members: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + muted + "\n"
    )


def member_rows(findings: Sequence[Finding]) -> list[tuple[str, str, list[str], str]]:
    """(member, verdict, codes, reason) from each member's account finding, by account id."""
    rows = {
        f.account_id: (f.account_id, f.status, [*f.reason_codes, *f.advisories], f.reason or "")
        for f in findings
        if f.scope == "account" and f.account_id
    }
    return [rows[k] for k in sorted(rows)]
