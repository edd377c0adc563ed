"""What an organisation scan writes into the findings logstore, besides each member's own scan:
the coordinator's organisation summary (record `organization-summary`) and the `error` findings of
members nobody else could report (not queued; role not assumable; left; scan failed)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import timezone

from pydantic import BaseModel, ConfigDict

from ...adapters.writer import Contents, finding_contents
from ...findings import CONTROL, Finding
from ..bootstrap import Cloud
from ..ids import finding_ids
from ..plan import ScanPlan
from ..report import Written


class OrgFeedSummary(BaseModel):
    """The organisation trail's verdict as the coordinator judged it (for a member its query names
    nothing of: see `members_excluded` for the members it is narrowed away from)."""

    model_config = ConfigDict(frozen=True)

    trail: str | None
    project: str | None
    logstore: str | None
    log_archive_account: str | None
    alert: str | None
    covers: bool | None
    codes: list[str]
    detail: str


class LogAuditSummary(BaseModel):
    """Log Audit's multi-account collection as the coordinator found it (None in the summary: not
    in multi-account mode, or not read)."""

    model_config = ConfigDict(frozen=True)

    central_account: str
    project: str | None
    region: str | None
    members_covered: int  # members its central alert covers (whatever else covers them)
    unread: list[str]  # the first failed reads, when it could not be read for some members


class OrgSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    scan_id: str
    organization_id: str
    management_account_id: str
    members_listed: int
    members_excluded_by_filters: int
    enqueued: int
    already_queued: int
    refused: int
    largest_payload_bytes: int
    organization_feed: OrgFeedSummary
    members_not_covered_by_organization: int
    dry_run: bool
    log_audit: LogAuditSummary | None = None
    written: Written | None = None

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, indent=indent)


def stamp(cloud: Cloud) -> str:
    return cloud.clock.now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary_record(summary: OrgSummary, evaluated_at: str) -> Contents:
    record_id = hashlib.sha256(f"{summary.scan_id}|organization-summary".encode()).hexdigest()[:32]
    return [
        ("record", "organization-summary"),
        ("finding_id", record_id),
        ("scan_id", summary.scan_id),
        ("control", CONTROL),
        ("profile", "strict"),
        ("scope", "organization"),
        (
            "resource",
            f"acs:resourcemanager::{summary.management_account_id}:resourcedirectory/{summary.organization_id}",
        ),
        ("status", ""),
        ("reason", f"{summary.enqueued} member scans queued, {summary.refused} refused"),
        ("account_id", summary.management_account_id),
        ("evaluated_at", evaluated_at),
        ("evidence", summary.model_dump_json(exclude={"written"})),
    ]


def finding_records(findings: Sequence[Finding], scan_id: str, evaluated_at: str) -> list[Contents]:
    return [
        finding_contents(finding, finding_id, scan_id, evaluated_at)
        for finding, finding_id in zip(findings, finding_ids(scan_id, findings), strict=True)
    ]


def write_records(cloud: Cloud, plan: ScanPlan, records: list[Contents]) -> Written:
    """Into the findings logstore with the function's credentials; a dry run writes nothing."""
    target = plan.target
    if plan.findings is None or not records:
        return Written(project=target.project, logstore=target.logstore)
    if cloud.writer is None:
        raise RuntimeError(
            f"the plan writes to {target.project}/{target.logstore}, but the cloud has no writer"
        )
    result = cloud.writer.write(records, when=cloud.clock.now())
    return Written(
        project=result.project,
        logstore=result.logstore,
        count=result.count,
        logs=result.count,
        batches=result.batches,
    )
