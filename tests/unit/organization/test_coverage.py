"""organization/coverage.py: the organisation trail's feed, judged from the management and
log-archive side by the strict profile, for one member's events."""

from __future__ import annotations

import pytest

from cis216.organization.coverage import OrgFeeds, member_sensitive, organization_inventory
from cis216.profiles.strict import codes
from cis216.settings import Settings
from tests import builders as b
from tests import orgdocs as o


def feeds(management=None, archive=None) -> OrgFeeds:
    return OrgFeeds.of(management or o.management(), archive or o.archive(), o.ORG_ID, Settings())


def test_an_effective_org_alert_covers_a_member():
    coverage = feeds().coverage_for(o.MEMBER_A)
    assert coverage.covers is True
    assert (coverage.trail, coverage.project, coverage.logstore) == ("org", o.ORG_PROJECT, o.ORG_LOGSTORE)
    assert coverage.alert == "org-unauth" and coverage.log_archive_account == o.ARCHIVE
    assert coverage.codes == [] and coverage.failed_reads == []


@pytest.mark.parametrize(
    "narrowing",
    [
        f"not event.recipientAccountId: {o.MEMBER_C}",
        f"event.recipientAccountId: {o.MEMBER_A}",
        f"not event.userIdentity.accountId: {o.MEMBER_C}",
    ],
)
def test_a_query_narrowed_away_from_a_member_does_not_cover_it(narrowing):
    search, pipe = b.TEMPLATE_QUERY.split("|")
    org = feeds(archive=o.archive(query=f"{search.strip()} and {narrowing} | {pipe.strip()}"))
    assert org.coverage_for(o.MEMBER_A).covers is True
    excluded = org.coverage_for(o.MEMBER_C)
    assert excluded.covers is False
    assert codes.ALERT_QUERY_INCOMPLETE in excluded.codes
    if narrowing.startswith("not"):  # the alert works for everyone else
        assert excluded.excludes_member and codes.ORGANIZATION_ALERT_EXCLUDES_MEMBER in excluded.codes


def test_a_query_that_names_no_account_is_judged_once_for_every_member():
    org = feeds()
    assert not org.sensitive
    for member in (o.MEMBER_A, o.MEMBER_C, "3000000000000001"):
        assert org.coverage_for(member).covers is True
    assert len(org._decisions) == 1


def test_member_sensitivity():
    assert member_sensitive(o.archive(query=b.TEMPLATE_QUERY + " where x = 1")) is False
    assert member_sensitive(o.archive(query="* and not event.recipientAccountId: 1"))
    assert member_sensitive(o.archive(query="* and not 20000000*"))


def test_an_unread_org_side_is_no_verdict_naming_the_read():
    errors = [b.scan_error(api="ListAlerts", code="Unauthorized", project=o.ORG_PROJECT)]
    coverage = feeds(archive=o.archive(errors=errors, status="DISABLED")).coverage_for(o.MEMBER_A)
    assert coverage.covers is None
    assert coverage.failed_reads == [f"ListAlerts ({o.ORG_PROJECT}): Unauthorized"]


def test_a_failed_trail_listing_of_the_management_side_is_no_verdict():
    errors = [b.scan_error(api="DescribeTrails", code="Throttling")]
    coverage = feeds(management=o.management(trails=[], errors=errors)).coverage_for(o.MEMBER_A)
    assert coverage.covers is None and coverage.failed_reads[0].startswith("DescribeTrails")


def test_no_org_trail_and_incomplete_org_trail():
    assert feeds(management=o.management(trails=[])).coverage_for(o.MEMBER_A).codes == [codes.NO_TRAIL]
    partial = feeds(management=o.management(trails=[o.org_trail(TrailRegion="cn-hangzhou")]))
    found = partial.coverage_for(o.MEMBER_A)
    assert found.covers is False and codes.TRAIL_NOT_ALL_REGIONS in found.codes


def test_a_trail_of_another_directory_or_a_single_account_trail_is_no_org_feed():
    other = o.org_trail(OrganizationId="rd-other")
    own = b.trail(name="own", project=o.ORG_PROJECT, account=o.ARCHIVE)
    org = feeds(management=o.management(trails=[other, own]))
    assert org.coverage_for(o.MEMBER_A).codes == [codes.NO_TRAIL]
    merged = organization_inventory(o.management(trails=[other, own]), o.archive(), o.ORG_ID)
    assert merged.account_id == o.ARCHIVE and merged.regions[b.REGION].trails == []


def test_a_disabled_org_alert_does_not_cover():
    found = feeds(archive=o.archive(status="DISABLED")).coverage_for(o.MEMBER_A)
    assert (found.covers, found.codes, found.alert) == (False, [codes.ALERT_DISABLED], "org-unauth")


def test_the_coverage_is_small():
    assert len(feeds().coverage_for(o.MEMBER_A).model_dump_json()) < 1024
