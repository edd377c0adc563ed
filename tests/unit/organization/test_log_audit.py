"""organization/log_audit.py: Log Audit's multi-account collection, judged from the central account
by the strict profile's own Log Audit judging, for one member's events."""

from __future__ import annotations

from typing import Any

import pytest

from cis216.aliyun import LOG_AUDIT_LOGSTORE, log_audit_project
from cis216.inventory import Inventory, parse_inventory
from cis216.organization.log_audit import LogAuditConfig, LogAuditFeeds, LogAuditSide, unread_log_audit
from cis216.profiles.strict import codes
from cis216.settings import Settings
from tests import builders as b
from tests import orgdocs as o

CENTRAL = o.MANAGEMENT
PROJECT = log_audit_project(CENTRAL, b.REGION)


def config(**fields: Any) -> LogAuditConfig:
    given: dict[str, Any] = {
        "central_account": CENTRAL,
        "region": b.REGION,
        "project": PROJECT,
        "actiontrail_enabled": True,
        "directory_scope": "all",
        **fields,
    }
    return LogAuditConfig(**given)


def central(
    query: str = b.TEMPLATE_QUERY, errors: list[dict[str, Any]] | None = None, **alert: Any
) -> Inventory:
    """The management account with its organisation trail and Log Audit's central project."""
    found = b.alert(name="audit-unauth", query=query, store=LOG_AUDIT_LOGSTORE, project=PROJECT, **alert)
    region = b.region(
        trails=[o.org_trail()],
        alerts=[found],
        project=PROJECT,
        logstores={LOG_AUDIT_LOGSTORE: {}},
        errors=errors or [],
    )
    return parse_inventory(b.document(account=CENTRAL, regions={b.REGION: region}))


def feeds(setup: LogAuditConfig | None = None, inventory: Inventory | None = None) -> LogAuditFeeds:
    return LogAuditFeeds.of(setup or config(), inventory or central(), Settings())


def test_every_member_of_an_all_scope_is_covered_by_an_effective_central_alert():
    coverage = feeds().coverage_for(o.MEMBER_A)
    assert coverage.covers is True and coverage.collects_member is True
    assert (coverage.project, coverage.logstore, coverage.alert) == (
        PROJECT,
        LOG_AUDIT_LOGSTORE,
        "audit-unauth",
    )
    assert coverage.codes == [] and coverage.failed_reads == []


def test_a_custom_scope_covers_only_the_members_it_lists():
    judged = feeds(config(directory_scope="custom", members=frozenset({o.MEMBER_A})))
    assert judged.coverage_for(o.MEMBER_A).covers is True
    outside = judged.coverage_for(o.MEMBER_B)
    assert (outside.covers, outside.collects_member, outside.codes) == (False, False, [])
    assert "does not include this member" in outside.detail


def test_actiontrail_collection_off_does_not_cover():
    found = feeds(config(actiontrail_enabled=False)).coverage_for(o.MEMBER_A)
    assert (found.covers, found.actiontrail_enabled, found.codes) == (False, False, [])


@pytest.mark.parametrize(
    "narrowing",
    [f"not event.recipientAccountId: {o.MEMBER_C}", f"not event.userIdentity.accountId: {o.MEMBER_C}"],
)
def test_a_query_narrowed_away_from_a_member_does_not_cover_it(narrowing):
    search, pipe = b.TEMPLATE_QUERY.split("|")
    judged = feeds(inventory=central(query=f"{search.strip()} and {narrowing} | {pipe.strip()}"))
    assert judged.coverage_for(o.MEMBER_A).covers is True
    excluded = judged.coverage_for(o.MEMBER_C)
    assert excluded.covers is False and excluded.excludes_member
    assert excluded.codes == [codes.ALERT_QUERY_INCOMPLETE, codes.LOG_AUDIT_ALERT_EXCLUDES_MEMBER]


def test_a_disabled_central_alert_does_not_cover():
    found = feeds(inventory=central(status="DISABLED")).coverage_for(o.MEMBER_A)
    assert (found.covers, found.codes, found.alert) == (False, [codes.ALERT_DISABLED], "audit-unauth")


def test_an_unread_central_project_is_no_verdict_naming_the_read():
    errors = [b.scan_error(api="ListAlerts", code="Unauthorized", project=PROJECT)]
    found = feeds(inventory=central(errors=errors, status="DISABLED")).coverage_for(o.MEMBER_A)
    assert found.covers is None and found.failed_reads == [f"ListAlerts ({PROJECT}): Unauthorized"]


def test_no_central_project_does_not_cover():
    bare = parse_inventory(b.document(account=CENTRAL, regions={b.REGION: b.region(trails=[], errors=[])}))
    found = feeds(inventory=bare).coverage_for(o.MEMBER_A)
    assert (found.covers, found.codes) == (False, []) and "was not found" in found.detail


def test_a_central_region_not_scanned_is_unknown():
    found = feeds(config(region="cn-shanghai", project=log_audit_project(CENTRAL, "cn-shanghai")))
    coverage = found.coverage_for(o.MEMBER_A)
    assert coverage.covers is None and "cn-shanghai" in coverage.failed_reads[0]


def test_the_side_leaves_out_log_audit_that_covers_nobody():
    assert LogAuditSide.read(central(), None, Settings()).coverage_for(o.MEMBER_A) is None
    single = config(directory_scope=None)
    assert LogAuditSide.read(central(), single, Settings()).coverage_for(o.MEMBER_A) is None
    unread = LogAuditSide(CENTRAL, unread="DescribeApp: Throttling").coverage_for(o.MEMBER_A)
    assert unread is not None and unread.covers is None and unread.collects_member is None


def test_a_query_that_names_no_account_is_judged_once():
    judged = feeds()
    for member in (o.MEMBER_A, o.MEMBER_B, o.MEMBER_C):
        assert judged.coverage_for(member).covers is True
    assert len(judged._decisions) == 1


def test_not_accepting_log_audit_elsewhere_does_not_matter_here():
    judged = LogAuditFeeds.of(config(), central(), Settings(accept_log_audit=False))
    assert judged.coverage_for(o.MEMBER_A).covers is True


def test_the_evidence_is_small():
    assert len(feeds().coverage_for(o.MEMBER_A).model_dump_json()) < 512
    assert len(unread_log_audit(CENTRAL, "DescribeApp: Throttling").model_dump_json()) < 512


OTHER_REGION = "cn-shanghai"


def two_regions(central_alerts: list[Any], other: dict[str, Any]) -> Inventory:
    """The central project (holding `central_alerts`) in REGION and region OTHER_REGION as `other`."""
    home = b.region(
        trails=[o.org_trail()],
        alerts=central_alerts,
        project=PROJECT,
        logstores={LOG_AUDIT_LOGSTORE: {}},
        errors=[],
    )
    return parse_inventory(b.document(account=CENTRAL, regions={b.REGION: home, OTHER_REGION: other}))


def test_an_alert_in_another_region_on_the_central_logstore_covers():
    # SLS reads the project and region an entry names, wherever the alert itself lives (binding.py).
    remote = b.alert(name="remote", store=LOG_AUDIT_LOGSTORE, project=PROJECT, region=b.REGION)
    other = b.region(trails=[], alerts=[remote], project="ops-shanghai", errors=[])
    found = feeds(inventory=two_regions([], other)).coverage_for(o.MEMBER_A)
    assert (found.covers, found.alert, found.codes) == (True, "remote", [])


@pytest.mark.parametrize("api", ["ListAlerts", "ListProject"])
def test_a_failed_read_in_another_region_is_no_verdict_never_not_covered(api):
    # The alert that would cover the member may sit in the listing that failed.
    project = {"project": "ops-shanghai"} if api == "ListAlerts" else {}
    failed = b.scan_error(api=api, code="Unauthorized", **project)
    other = b.region(trails=[], errors=[failed])
    found = feeds(inventory=two_regions([], other)).coverage_for(o.MEMBER_A)
    assert found.covers is None and found.codes == []
    where = "ops-shanghai" if api == "ListAlerts" else OTHER_REGION
    assert found.failed_reads == [f"{api} ({where}): Unauthorized"]


def test_only_the_configured_central_project_is_log_audits_feed():
    # A stale central project of another region, with an effective alert, is not the configured feed.
    stale = log_audit_project(CENTRAL, OTHER_REGION)
    alert = b.alert(name="stale", store=LOG_AUDIT_LOGSTORE, project=stale)
    other = b.region(trails=[], alerts=[alert], project=stale, logstores={LOG_AUDIT_LOGSTORE: {}}, errors=[])
    found = feeds(inventory=two_regions([], other)).coverage_for(o.MEMBER_A)
    assert found.covers is False and found.alert != "stale"
