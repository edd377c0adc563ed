"""organization/verdict.py: a member is ok on its own feed OR the organisation's; the organisation
feed replaces FEED_IN_OTHER_ACCOUNT by a definite verdict; an unread side is never a kinder one."""

from __future__ import annotations

from cis216.organization.coverage import OrgFeeds, unread_coverage
from cis216.organization.verdict import failure_finding, member_findings
from cis216.profiles import strict
from cis216.profiles.strict import codes
from cis216.settings import Settings
from tests import builders as b
from tests import orgdocs as o


def judged(member, archive=None, coverage=None):
    own = strict.evaluate(member, Settings())
    coverage = coverage or OrgFeeds.of(
        o.management(), archive or o.archive(), o.ORG_ID, Settings()
    ).coverage_for(member.account_id)
    return b.account_finding(member_findings(own, coverage)), member_findings(own, coverage)


def test_alone_the_org_trail_is_feed_in_other_account():
    own = b.account_finding(strict.evaluate(o.member(), Settings()))
    assert own.reason_codes == [codes.FEED_IN_OTHER_ACCOUNT]


def test_covered_only_by_the_org_trail_is_ok():
    found, findings = judged(o.member())
    assert (found.status, found.reason_codes) == ("ok", [])
    assert codes.COVERED_BY_ORGANIZATION_TRAIL in found.advisories
    assert found.evidence.organization.alert == "org-unauth"
    trail = b.trail_finding(findings, "org")
    assert trail.status == "ok" and codes.COVERED_BY_ORGANIZATION_TRAIL in trail.advisories


def test_own_complete_feed_is_ok_whatever_the_org_side():
    member = o.member(own_feed=True)
    found, _ = judged(member, coverage=unread_coverage(o.ORG_ID, member.account_id, "AssumeRole: denied"))
    assert found.status == "ok" and found.evidence.organization.covers is None


def test_narrowed_away_is_a_definite_alarm():
    member = o.member(o.MEMBER_C)
    search, pipe = b.TEMPLATE_QUERY.split("|")
    query = f"{search.strip()} and not event.recipientAccountId: {o.MEMBER_C} | {pipe.strip()}"
    found, _ = judged(member, archive=o.archive(query=query))
    assert found.status == "alarm"
    assert set(found.reason_codes) == {codes.ALERT_QUERY_INCOMPLETE, codes.ORGANIZATION_ALERT_EXCLUDES_MEMBER}
    assert codes.FEED_IN_OTHER_ACCOUNT not in found.reason_codes


def test_unread_org_side_is_an_error_never_kinder():
    member = o.member()
    found, _ = judged(member, coverage=unread_coverage(o.ORG_ID, member.account_id, "ListAlerts: denied"))
    assert found.status == "error" and found.reason_codes[0] == codes.ORGANIZATION_UNREAD
    assert "ListAlerts: denied" in found.reason


def test_member_that_sees_no_org_trail_and_has_none_is_covered_by_the_org_side():
    found, _ = judged(o.member(sees_org_trail=False))
    assert found.status == "ok" and codes.NO_TRAIL in found.advisories


def test_both_sides_failing_is_alarm_with_both_codes():
    found, _ = judged(o.member(sees_org_trail=False), archive=o.archive(status="DISABLED"))
    assert found.status == "alarm"
    assert set(found.reason_codes) == {codes.NO_TRAIL, codes.ALERT_DISABLED}


def test_an_undecided_org_side_keeps_the_member_undecided():
    found, _ = judged(o.member(sees_org_trail=False), archive=o.archive(query="event.errorCode: ("))
    assert found.status == "info"
    assert codes.ALERT_QUERY_UNVERIFIABLE in found.reason_codes and codes.NO_TRAIL in found.advisories


def test_failure_finding_names_its_cause():
    found = failure_finding(o.MEMBER_A, codes.MEMBER_ROLE_NOT_ASSUMABLE, "EntityNotExist.Role: no such role")
    assert (found.status, found.account_id, found.scope) == ("error", o.MEMBER_A, "account")
    assert "EntityNotExist.Role" in found.reason and found.evidence.api == "AssumeRole"
