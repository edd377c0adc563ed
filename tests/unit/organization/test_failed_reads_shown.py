"""A coverage quotes its first failed reads and counts the rest, so the worker's payload stays far
under FC's 128 KB asynchronous limit however many reads of the organisation side failed."""

from __future__ import annotations

from cis216.aliyun import LOG_AUDIT_LOGSTORE
from cis216.inventory import parse_inventory
from cis216.organization.coverage import FAILED_READS_SHOWN, OrgFeeds
from cis216.organization.log_audit import LogAuditFeeds
from cis216.organization.verdict import member_findings
from cis216.profiles import strict
from cis216.settings import Settings
from cis216.shell.events import MemberRef, WorkerEvent, parse_worker_event
from tests import builders as b
from tests import orgdocs as o
from tests.unit.organization.test_log_audit import PROJECT, config

FAILED = 1_000


def failed_listings(prefix: str) -> list[dict[str, object]]:
    """FAILED failed ListAlerts calls, each with a long message (the collector keeps 1,000 chars)."""
    return [
        b.scan_error(api="ListAlerts", code="Unauthorized", project=f"{prefix}-{n}", message="m" * 1_000)
        for n in range(FAILED)
    ]


def test_a_thousand_failed_reads_keep_the_worker_event_small_and_are_counted():
    archive = o.archive(errors=failed_listings("archive"), status="DISABLED")
    coverage = OrgFeeds.of(o.management(), archive, o.ORG_ID, Settings()).coverage_for(o.MEMBER_A)
    region = b.region(
        trails=[],
        alerts=[b.alert(name="audit-unauth", store=LOG_AUDIT_LOGSTORE, status="DISABLED")],
        project=PROJECT,
        logstores={LOG_AUDIT_LOGSTORE: {}},
        errors=failed_listings("central"),
    )
    central = parse_inventory(b.document(account=o.MANAGEMENT, regions={b.REGION: region}))
    audit = LogAuditFeeds.of(config(), central, Settings()).coverage_for(o.MEMBER_A)
    coverage = coverage.model_copy(update={"log_audit": audit})
    for side in (coverage, audit):
        assert side.covers is None
        assert len(side.failed_reads) == FAILED_READS_SHOWN
        assert side.failed_reads_not_shown == FAILED - FAILED_READS_SHOWN
    event = WorkerEvent(
        cis216="organization-worker",
        scan_id="20261129T020000Z-0123456789abcdef",
        trigger={"kind": "timer", "name": "org-scan", "time": "2026-11-29T02:00:00Z"},
        overrides={"regions": ["cn-hangzhou"], "dry_run": False, "settings": Settings()},
        member=MemberRef(account_id=o.MEMBER_A, display_name="x" * 256, status="CreateSuccess"),
        coverage=coverage,
    )
    payload = event.to_bytes()
    assert len(payload) < 8 * 1024
    assert parse_worker_event(payload).coverage.failed_reads_not_shown == FAILED - FAILED_READS_SHOWN


def test_the_member_finding_says_how_many_failed_reads_are_not_shown():
    archive = o.archive(errors=failed_listings("archive"), status="DISABLED")
    coverage = OrgFeeds.of(o.management(), archive, o.ORG_ID, Settings()).coverage_for(o.MEMBER_A)
    finding = b.account_finding(member_findings(strict.evaluate(o.member(), Settings()), coverage))
    assert finding.status == "error" and f"and {FAILED - FAILED_READS_SHOWN} more" in finding.reason


def test_a_coverage_whose_reads_all_fit_writes_no_count():
    errors = [b.scan_error(api="ListAlerts", code="Unauthorized", project=o.ORG_PROJECT)]
    coverage = OrgFeeds.of(o.management(), o.archive(errors=errors, status="DISABLED"), o.ORG_ID, Settings())
    found = coverage.coverage_for(o.MEMBER_A)
    assert found.failed_reads_not_shown == 0
    assert "failed_reads_not_shown" not in found.model_dump(mode="json")
