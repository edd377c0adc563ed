"""The worker of an organisation scan (MODE=worker): one member, from the coordinator's payload.

It assumes `acs:ram::<member>:role/<MEMBER_ROLE_NAME>` (one AssumeRole per worker, the session
named after the scan), scans the member exactly as a single-account scan does (scan.gather, the
strict profile) with those credentials, decides the member's verdict with the organisation trail's
coverage from the payload (organization/verdict.py) and writes the findings with the function's own
credentials into the central findings logstore, under the organisation scan's id.

Failures are findings, written by the worker: the role cannot be assumed (MEMBER_ROLE_NOT_ASSUMABLE,
or MEMBER_LEFT_ORGANIZATION when GetAccount says the directory no longer holds the member), the
scan raised (MEMBER_SCAN_FAILED). Only a failed write raises, so FC retries only what left no trace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ...adapters.calls import CallError
from ...adapters.credentials import Credentials
from ...adapters.writer import summary_contents
from ...core import evaluate
from ...findings import Finding
from ...organization.verdict import failure_finding, member_findings
from ...profiles.strict import codes
from .. import ids, logs, scan
from ..bootstrap import Clock, Cloud, MakeReadCloud, ReadAccess
from ..config import Config
from ..events import WorkerEvent
from ..plan import ScanPlan
from ..report import ApiCalls, ScanReport, Written
from .coordinator import MakePorts, session_name
from .ports import MemberDirectory
from .records import finding_records, stamp, write_records

log = logs.get(__name__)


@dataclass(frozen=True)
class WorkerReport:
    scan_id: str
    member: str
    findings: tuple[Finding, ...]
    summary: dict[str, Any]  # the member scan's summary; {"error": ...} when it could not be scanned
    written: Written

    def to_json(self) -> str:
        document = {
            "scan_id": self.scan_id,
            "member": self.member,
            "summary": self.summary,
            "written": self.written.model_dump(mode="json"),
        }
        return json.dumps(document, ensure_ascii=False, sort_keys=True)


def work(
    job: WorkerEvent,
    plan: ScanPlan,
    config: Config,
    credentials: Credentials,
    make_cloud: MakeReadCloud,
    make_ports: MakePorts,
    clock: Clock,
) -> WorkerReport:
    own = make_cloud(plan, credentials, clock, None)  # the function's account: where findings go
    ports = make_ports(plan, config, credentials, own.account_id)
    member = job.member.account_id
    role = f"acs:ram::{member}:role/{config.member_role_name}"
    try:
        assumed = own.caller.call(
            "AssumeRole", lambda t: ports.assumer.assume(role, session_name(job.scan_id), t)
        )
    except CallError as error:
        code, cause = refusal(ports.directory, own, member, f"AssumeRole {role}: {error}")
        return _failed(own, plan, job, _failure(member, code, cause, config, clock), cause)
    logs.LOGGER.add_secrets(*assumed.secrets())  # the member's session may surface in an error
    try:
        cloud = make_cloud(plan, credentials, clock, ReadAccess(member, assumed))
        snapshot, inventory = scan.gather(plan, cloud)
        findings = member_findings(evaluate(inventory, "strict", plan.settings), job.coverage)
        findings = scan.mark_accepted_risk(findings, config, clock)
    except Exception as error:  # whatever the member's scan raised is its finding, not a retry
        logs.scrub(error)
        cause = f"{type(error).__name__}: {error}"
        failure = _failure(member, codes.MEMBER_SCAN_FAILED, cause, config, clock)
        return _failed(own, plan, job, failure, cause)
    report = ScanReport.of(plan, member, snapshot, inventory, findings, ApiCalls.of(cloud.stats), 0)
    summary = report.summary.model_copy(update={"scan_id": job.scan_id})
    evaluated_at = stamp(cloud)
    records = finding_records(report.findings, job.scan_id, evaluated_at)
    member_summary_id = ids.summary_id(f"{job.scan_id}|{member}", summary.profile)
    records.append(summary_contents(summary, member_summary_id, evaluated_at))
    written = write_records(cloud, plan, records)
    log.info("member scanned", extra={"member": member, "verdict": summary.account_verdict})
    return WorkerReport(job.scan_id, member, report.findings, summary.model_dump(mode="json"), written)


def refusal(directory: MemberDirectory, cloud: Cloud, member: str, cause: str) -> tuple[str, str]:
    """Why AssumeRole failed, as (code, cause): one GetAccount tells a member that left the
    directory (STS answers it as a missing role) from a member without the role. A GetAccount that
    fails proves nothing: the role is then blamed, and the cause names both failures."""
    try:
        found = cloud.caller.call("GetAccount", lambda t: directory.get_account(member, t))
    except CallError as error:
        return codes.MEMBER_ROLE_NOT_ASSUMABLE, f"{cause}; GetAccount {member} failed too: {error}"
    if found is None:
        return codes.MEMBER_LEFT_ORGANIZATION, f"{cause}; GetAccount {member}: no longer in the directory"
    return codes.MEMBER_ROLE_NOT_ASSUMABLE, cause


def _failure(member: str, code: str, cause: str, config: Config, clock: Clock) -> Finding:
    """The member's error finding; accepted risk (MUTELIST) applies to it as to any finding."""
    (finding,) = scan.mark_accepted_risk([failure_finding(member, code, cause)], config, clock)
    return finding


def _failed(own: Cloud, plan: ScanPlan, job: WorkerEvent, finding: Finding, cause: str) -> WorkerReport:
    """The member's error finding, written; the worker's summary says why."""
    member, code = job.member.account_id, finding.reason_codes[0]
    written = write_records(own, plan, finding_records([finding], job.scan_id, stamp(own)))
    log.warning("member not scanned", extra={"member": member, "code": code, "error": cause})
    summary = {"error": code, "cause": cause}
    return WorkerReport(job.scan_id, member, (finding,), summary, written)
