"""organization/verdict.py with Log Audit's central collection beside the organisation trail: a
member is ok on its own feed OR the organisation trail OR Log Audit; an unread Log Audit is never a
kinder verdict; Log Audit that covers nobody leaves the verdict as the trail alone gives it."""

from __future__ import annotations

from cis216.organization.coverage import OrgCoverage, OrgFeeds, unread_coverage
from cis216.organization.log_audit import LogAuditFeeds, LogAuditSide
from cis216.organization.verdict import member_findings
from cis216.profiles import strict
from cis216.profiles.strict import codes
from cis216.settings import Settings
from tests import builders as b
from tests import orgdocs as o
from tests.unit.organization.test_log_audit import central, config

EXCLUDES_C = o.excluding(o.MEMBER_C)


def coverage(
    member: str, archive_query: str = EXCLUDES_C, audit_query: str = b.TEMPLATE_QUERY, **setup
) -> OrgCoverage:
    """The org trail's coverage (its alert narrowed away from MEMBER_C), with Log Audit's."""
    trail = OrgFeeds.of(o.management(), o.archive(query=archive_query), o.ORG_ID, Settings()).coverage_for(
        member
    )
    audit = LogAuditFeeds.of(config(**setup), central(query=audit_query), Settings()).coverage_for(member)
    return trail.model_copy(update={"log_audit": audit})


def decided(member: str, found: OrgCoverage):
    findings = member_findings(strict.evaluate(o.member(member), Settings()), found)
    return b.account_finding(findings), b.trail_finding(findings, "org")


def test_covered_only_by_log_audit_is_ok():
    account, trail = decided(o.MEMBER_C, coverage(o.MEMBER_C))
    assert (account.status, account.reason_codes) == ("ok", [])
    assert codes.COVERED_BY_LOG_AUDIT in account.advisories
    assert codes.COVERED_BY_ORGANIZATION_TRAIL not in account.advisories
    assert account.evidence.organization.log_audit.alert == "audit-unauth"
    assert "Log Audit" in account.reason
    # The member's copy of the organisation trail: another feed covers the member.
    assert trail.status == "skip" and codes.COVERED_BY_LOG_AUDIT in trail.advisories
    assert codes.ORGANIZATION_ALERT_EXCLUDES_MEMBER in trail.advisories


def test_a_member_outside_log_audits_scope_keeps_the_trails_verdict():
    found = coverage(o.MEMBER_C, directory_scope="custom", members=frozenset({o.MEMBER_A}))
    account, _ = decided(o.MEMBER_C, found)
    assert account.status == "alarm"
    assert set(account.reason_codes) == {
        codes.ALERT_QUERY_INCOMPLETE,
        codes.ORGANIZATION_ALERT_EXCLUDES_MEMBER,
    }
    assert account.evidence.organization.log_audit.collects_member is False


def test_log_audit_with_actiontrail_off_does_not_cover():
    account, _ = decided(o.MEMBER_C, coverage(o.MEMBER_C, actiontrail_enabled=False))
    assert account.status == "alarm" and codes.COVERED_BY_LOG_AUDIT not in account.advisories


def test_narrowed_away_on_both_sides_is_an_alarm_with_both_sides_codes():
    account, _ = decided(o.MEMBER_C, coverage(o.MEMBER_C, audit_query=EXCLUDES_C))
    assert account.status == "alarm"
    assert {codes.ORGANIZATION_ALERT_EXCLUDES_MEMBER, codes.LOG_AUDIT_ALERT_EXCLUDES_MEMBER} <= set(
        account.reason_codes
    )


def test_log_audit_alone_without_an_org_trail():
    trail_side = OrgFeeds.of(o.management(trails=[]), o.archive(), o.ORG_ID, Settings()).coverage_for(
        o.MEMBER_A
    )
    audit = LogAuditFeeds.of(config(), central(query=o.excluding(o.MEMBER_A)), Settings()).coverage_for(
        o.MEMBER_A
    )
    found = trail_side.model_copy(update={"log_audit": audit})
    account = member_findings(strict.evaluate(o.member(sees_org_trail=False), Settings()), found)[0]
    # Log Audit is the organisation's feed: its codes beside the member's own NO_TRAIL.
    assert account.status == "alarm"
    assert {codes.NO_TRAIL, codes.ALERT_QUERY_INCOMPLETE, codes.LOG_AUDIT_ALERT_EXCLUDES_MEMBER} == set(
        account.reason_codes
    )


def test_an_unread_log_audit_is_an_error_never_kinder():
    unread = LogAuditSide(o.MANAGEMENT, unread="DescribeApp: Throttling.User").coverage_for(o.MEMBER_C)
    found = coverage(o.MEMBER_C).model_copy(update={"log_audit": unread})
    account, _ = decided(o.MEMBER_C, found)
    assert account.status == "error" and account.reason_codes[0] == codes.LOG_AUDIT_UNREAD
    assert "DescribeApp: Throttling.User" in account.reason


def test_an_unread_log_audit_does_not_spoil_a_member_the_trail_covers():
    unread = LogAuditSide(o.MANAGEMENT, unread="DescribeApp: Throttling.User").coverage_for(o.MEMBER_A)
    account, _ = decided(o.MEMBER_A, coverage(o.MEMBER_A).model_copy(update={"log_audit": unread}))
    assert account.status == "ok" and codes.COVERED_BY_ORGANIZATION_TRAIL in account.advisories


def test_both_sides_unread_name_both():
    unread = LogAuditSide(o.MANAGEMENT, unread="DescribeApp: denied").coverage_for(o.MEMBER_A)
    trail_side = unread_coverage(o.ORG_ID, o.MEMBER_A, "AssumeRole: denied")
    account, _ = decided(o.MEMBER_A, trail_side.model_copy(update={"log_audit": unread}))
    assert account.reason_codes[:2] == [codes.ORGANIZATION_UNREAD, codes.LOG_AUDIT_UNREAD]
    assert "AssumeRole: denied" in account.reason and "DescribeApp: denied" in account.reason


def test_log_audit_covering_a_member_the_trail_cannot_read_is_ok():
    trail_side = unread_coverage(o.ORG_ID, o.MEMBER_A, "AssumeRole: denied")
    audit = LogAuditFeeds.of(config(), central(), Settings()).coverage_for(o.MEMBER_A)
    found = trail_side.model_copy(update={"log_audit": audit})
    assert found.covered is True
    account, _ = decided(o.MEMBER_A, found)
    assert account.status == "ok" and codes.COVERED_BY_LOG_AUDIT in account.advisories


def test_without_log_audit_the_evidence_is_as_before():
    found = OrgFeeds.of(o.management(), o.archive(), o.ORG_ID, Settings()).coverage_for(o.MEMBER_A)
    assert "log_audit" not in found.model_dump(mode="json")
    with_audit = coverage(o.MEMBER_A)
    assert "log_audit" in with_audit.model_dump(mode="json")
    assert OrgCoverage.model_validate_json(with_audit.model_dump_json()) == with_audit
