"""The coordinator of an organisation scan (MODE=organization, or a payload's `mode`):

1. list the resource directory's members (members.py: folders, allow and deny lists);
2. judge the organisation trail once, from the management account (its DescribeTrails lists the
   organisation trail) and the log-archive account (read with LOG_ARCHIVE_ROLE_NAME): OrgFeeds;
   and Log Audit's multi-account collection, its configuration read with DescribeApp in the
   function's own account and its central project from that account's scan: LogAuditSide;
3. queue one asynchronous worker invocation per member, its payload the member and the
   organisation feed's coverage of it (a few KB, whatever the directory's size), its task id
   `cis216-<scan id>-<dry|run>-<hash of the overrides>-<member>`: a rerun (FC retries a failed timer run) is refused with 409,
   "already queued", and queues nothing twice;
4. write the organisation summary, and an `error` finding for each member that could not be queued.

A failure to list the directory raises (FC retries the run); a failure to read the organisation
side does not: every member's coverage is then unknown, and a member not covered by its own feed
gets `error` (ORGANIZATION_UNREAD), never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from ...adapters.calls import Caller, CallError, RetryPolicy
from ...adapters.credentials import Credentials
from ...aliyun import SlsProjectArn
from ...findings import Finding
from ...inventory import Inventory
from ...organization.coverage import OrgCoverage, OrgFeeds, is_organization_trail, unread_coverage
from ...organization.log_audit import LogAuditSide
from ...organization.verdict import failure_finding
from ...profiles.scan_errors import error_findings
from ...profiles.strict import codes
from .. import ids, logs, scan
from ..bootstrap import Clock, Cloud, MakeReadCloud, ReadAccess
from ..config import Config
from ..events import MemberRef, WorkerEvent, WorkerTrigger
from ..plan import ScanPlan
from .members import MemberListing, list_members, run_variant, task_id
from .ports import Dispatch, LogAuditReader, MemberDirectory, RoleAssumer, WorkerQueue
from .records import (
    LogAuditSummary,
    OrgFeedSummary,
    OrgSummary,
    finding_records,
    stamp,
    summary_record,
    write_records,
)

log = logs.get(__name__)

MAX_ASYNC_PAYLOAD = 128 * 1024  # FC's asynchronous invocation limit


@dataclass(frozen=True)
class OrgPorts:
    """The organisation calls, made with the function's credentials."""

    directory: MemberDirectory
    queue: WorkerQueue
    assumer: RoleAssumer
    # Log Audit's configuration (DescribeApp); None: not read, so Log Audit covers no member.
    log_audit: LogAuditReader | None = None


MakePorts = Callable[[ScanPlan, Config, Credentials, str], OrgPorts]


@dataclass(frozen=True)
class OrgSide:
    feeds: OrgFeeds | None  # None: the organisation side could not be read (`unread` says why)
    unread: str | None
    management: Inventory
    log_audit: LogAuditSide | None = None  # None: Log Audit not read
    archive: Inventory | None = None  # the log-archive account's scan, when it is another account

    def unreported_errors(self, members: set[str]) -> list[Finding]:
        """The failed reads of the accounts the coordinator scanned itself (management, log archive)
        that no worker will report, because the directory listing did not hand them to one: each an
        error finding, so a read the organisation trail's judging did not need is still named."""
        scanned = [self.management, *([self.archive] if self.archive is not None else [])]
        return [
            finding
            for inventory in scanned
            if inventory.account_id not in members
            for finding in error_findings(inventory, "strict")
        ]

    def coverage_for(self, organization_id: str, member: str) -> OrgCoverage:
        if self.feeds is None:
            coverage = unread_coverage(organization_id, member, self.unread or "not read")
        else:
            coverage = self.feeds.coverage_for(member)
        audit = self.log_audit.coverage_for(member) if self.log_audit is not None else None
        # Left out when Log Audit covers nobody: the payload and the evidence stay as they were.
        return coverage if audit is None else coverage.model_copy(update={"log_audit": audit})


@dataclass(frozen=True)
class CoordinatorReport:
    summary: OrgSummary
    refused: tuple[Finding, ...]  # members that could not be queued: written as error findings
    # Failed reads of the management / log-archive scans no worker reports (OrgSide.unreported_errors).
    scan_errors: tuple[Finding, ...] = ()


def coordinate(
    plan: ScanPlan,
    config: Config,
    credentials: Credentials,
    make_cloud: MakeReadCloud,
    make_ports: MakePorts,
    clock: Clock,
) -> CoordinatorReport:
    cloud = make_cloud(plan, credentials, clock, None)
    ports = make_ports(plan, config, credentials, cloud.account_id)
    scan_id = ids.scan_id(cloud.account_id, plan.trigger.time, plan.scan_key)
    directory = cloud.caller.call("GetResourceDirectory", ports.directory.get_resource_directory)
    listing = list_members(
        ports.directory, cloud.caller, config.org_folders, config.org_accounts_allow, config.org_accounts_deny
    )
    side = organization_side(
        plan, config, credentials, cloud, make_cloud, ports.assumer, directory.id, scan_id
    )
    side = replace(side, log_audit=log_audit_side(plan, cloud, ports.log_audit, side.management))
    coverages = [side.coverage_for(directory.id, m.account_id) for m in listing.members]
    events = [_event(plan, scan_id, m, c) for m, c in zip(listing.members, coverages, strict=True)]
    outcomes = dispatch_all(events, ports.queue, _dispatch_caller(plan, cloud, clock), plan.max_concurrency)
    refused = tuple(o for o in outcomes if isinstance(o, Finding))
    unreported = side.unreported_errors({m.account_id for m in listing.members})
    summary = _summary(
        plan, scan_id, directory.id, cloud.account_id, listing, events, outcomes, side, coverages
    )
    evaluated_at = stamp(cloud)
    findings = (*refused, *unreported)
    records = [*finding_records(findings, scan_id, evaluated_at), summary_record(summary, evaluated_at)]
    written = write_records(cloud, plan, records)
    summary = summary.model_copy(update={"written": written})
    log.info("organization scan queued", extra={"summary": summary.model_dump(mode="json")})
    return CoordinatorReport(summary, refused, tuple(unreported))


def organization_side(
    plan: ScanPlan,
    config: Config,
    credentials: Credentials,
    cloud: Cloud,
    make_cloud: MakeReadCloud,
    assumer: RoleAssumer,
    organization_id: str,
    scan_id: str,
) -> OrgSide:
    """The management account's scan (its organisation trails) and the log-archive account's (the
    trail's project and alerts), judged once as OrgFeeds."""
    _, management = scan.gather(plan, cloud)
    archive_id = log_archive_account(management, organization_id)
    if archive_id is None or archive_id == management.account_id:
        return OrgSide(OrgFeeds.of(management, None, organization_id, plan.settings), None, management)
    role = f"acs:ram::{archive_id}:role/{config.session_role}"
    try:
        archive_credentials = cloud.caller.call(
            "AssumeRole", lambda t: assumer.assume(role, session_name(scan_id), t)
        )
    except CallError as error:
        why = f"the log-archive account's role {role} could not be assumed: {error}"
        return OrgSide(None, why, management)
    logs.LOGGER.add_secrets(*archive_credentials.secrets())  # the log archive's session, redacted too
    archive_cloud = make_cloud(plan, credentials, cloud.clock, ReadAccess(archive_id, archive_credentials))
    _, archive = scan.gather(plan, archive_cloud)
    feeds = OrgFeeds.of(management, archive, organization_id, plan.settings)
    return OrgSide(feeds, None, management, archive=archive)


def log_audit_side(
    plan: ScanPlan, cloud: Cloud, reader: LogAuditReader | None, central: Inventory
) -> LogAuditSide | None:
    """Log Audit's multi-account collection, in the function's own account (the central account:
    management or delegated administrator), judged over that account's own scan. Not read when the
    settings do not accept Log Audit as a feed; a failed read is every member's LOG_AUDIT_UNREAD."""
    if reader is None or not plan.settings.accept_log_audit:
        return None
    try:
        found = cloud.caller.call("DescribeApp", reader.describe)
    except CallError as error:
        return LogAuditSide(central.account_id, unread=f"DescribeApp: {error}")
    return LogAuditSide.read(central, found, plan.settings)


def log_archive_account(management: Inventory, organization_id: str) -> str | None:
    """The account of the organisation trail's SLS project (an ARN without one: the management
    account's own). One organisation trail per account is the service's quota: the first is it."""
    for region in management.regions.values():
        for trail in region.trails:
            arn = SlsProjectArn.parse(trail.sls_project_arn)
            if is_organization_trail(trail, organization_id) and arn is not None:
                return arn.account or management.account_id
    return None


def session_name(scan_id: str) -> str:
    """RoleSessionName (2-64 of [A-Za-z0-9.@_-]): it carries the scan id into ActionTrail."""
    return f"cis216-{scan_id}"[:64]


def _event(plan: ScanPlan, scan_id: str, member: MemberRef, coverage: OrgCoverage) -> WorkerEvent:
    trigger = WorkerTrigger(kind=plan.trigger.kind, name=plan.trigger.name, time=plan.trigger.time)
    # Every member is scanned as the coordinator was asked (its regions, "all" included).
    overrides = {"regions": plan.regions or "all", "dry_run": plan.dry_run, "settings": plan.settings}
    return WorkerEvent.model_validate(
        {
            "cis216": "organization-worker",
            "scan_id": scan_id,
            "trigger": trigger,
            "overrides": overrides,
            "member": member,
            "coverage": coverage,
        }
    )


def _dispatch_caller(plan: ScanPlan, cloud: Cloud, clock: Clock) -> Caller:
    """Queuing runs against the function's timeout, not the collection budget spent by then."""
    policy = RetryPolicy(
        max_attempts=plan.retry_max_attempts,
        base_seconds=plan.retry_base_seconds,
        sleep=clock.sleep,
        rand=clock.rand,
    )
    return Caller(policy, plan.call_timeout, plan.write_deadline, cloud.stats, clock=clock.monotonic)


Outcome = Dispatch | Finding


def dispatch_all(
    events: Sequence[WorkerEvent], queue: WorkerQueue, caller: Caller, concurrency: int
) -> list[Outcome]:
    """One asynchronous invocation per member, `concurrency` in flight; in the members' order."""
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(lambda event: dispatch(event, queue, caller), events))


def dispatch(event: WorkerEvent, queue: WorkerQueue, caller: Caller) -> Outcome:
    member = event.member.account_id
    payload = event.to_bytes()
    if len(payload) > MAX_ASYNC_PAYLOAD:
        cause = f"its payload is {len(payload)} bytes, above FC's {MAX_ASYNC_PAYLOAD}-byte asynchronous limit"
        return failure_finding(member, codes.MEMBER_NOT_DISPATCHED, cause)
    task = task_id(event.scan_id, member, run_variant(event.overrides))
    try:
        return caller.call("InvokeFunction", lambda t: queue.enqueue(payload, task, t))
    except CallError as error:
        return failure_finding(member, codes.MEMBER_NOT_DISPATCHED, str(error))


def _summary(
    plan: ScanPlan,
    scan_id: str,
    organization_id: str,
    management: str,
    listing: MemberListing,
    events: Sequence[WorkerEvent],
    outcomes: Sequence[Outcome],
    side: OrgSide,
    coverages: Sequence[OrgCoverage],
) -> OrgSummary:
    neutral = side.coverage_for(organization_id, management)
    return OrgSummary(
        scan_id=scan_id,
        organization_id=organization_id,
        management_account_id=management,
        members_listed=listing.listed,
        members_excluded_by_filters=listing.excluded,
        enqueued=sum(1 for o in outcomes if o == "enqueued"),
        already_queued=sum(1 for o in outcomes if o == "already_queued"),
        refused=sum(1 for o in outcomes if isinstance(o, Finding)),
        largest_payload_bytes=max((len(e.to_bytes()) for e in events), default=0),
        organization_feed=OrgFeedSummary(
            trail=neutral.trail,
            project=neutral.project,
            logstore=neutral.logstore,
            log_archive_account=neutral.log_archive_account,
            alert=neutral.alert,
            covers=neutral.covers,
            codes=neutral.codes,
            detail=neutral.detail,
        ),
        members_not_covered_by_organization=sum(1 for c in coverages if c.covered is not True),
        dry_run=plan.dry_run,
        log_audit=_log_audit_summary(coverages),
    )


def _log_audit_summary(coverages: Sequence[OrgCoverage]) -> LogAuditSummary | None:
    audits = [c.log_audit for c in coverages if c.log_audit is not None]
    if not audits:
        return None
    first = audits[0]
    return LogAuditSummary(
        central_account=first.central_account,
        project=first.project,
        region=first.region,
        members_covered=sum(1 for a in audits if a.covers),
        unread=sorted({read for a in audits if a.covers is None for read in a.failed_reads})[:3],
    )
