"""The account verdict and the per-trail findings: feeds, partial feeds, shadows, scan errors."""

from __future__ import annotations

import json
from pathlib import Path

import cis216
from cis216.core import evaluate
from cis216.inventory import load_inventory
from tests.builders import (
    ACCOUNT,
    REGION,
    account_finding,
    alert,
    run_strict,
    scan_error,
    snapshot,
    trail,
    trail_finding,
)

SAMPLE = Path(cis216.__file__).parent / "samples" / "sample-account.json"


def test_no_trail_is_an_alarm_not_silence():
    findings = run_strict(snapshot(trails=[], alerts=[]))
    found = account_finding(findings)
    assert (found.status, found.reason_codes, found.scope) == ("alarm", ["NO_TRAIL"], "account")
    assert found.resource == f"acs:actiontrail::{ACCOUNT}:*"
    assert [f.scope for f in findings] == ["account"]


def test_only_oss_trail():
    doc = snapshot(trails=[trail(project=None, OssBucketName="archive")], alerts=[])
    findings = run_strict(doc)
    assert account_finding(findings).reason_codes == ["TRAIL_NOT_DELIVERING_TO_SLS"]
    assert trail_finding(findings).reason_codes == ["TRAIL_NOT_DELIVERING_TO_SLS"]


def test_only_disabled_trail():
    found = account_finding(run_strict(snapshot(trails=[trail(status="Disable")])))
    assert found.reason_codes == ["TRAIL_NOT_ENABLED", "TRAIL_NOT_DELIVERING_TO_SLS"]


def test_complete_feed_with_effective_alert():
    findings = run_strict(snapshot())
    assert account_finding(findings).status == "ok"
    found = trail_finding(findings)
    assert (found.status, found.scope, found.region) == ("ok", "trail", REGION)
    assert found.resource == f"acs:actiontrail:{REGION}:{ACCOUNT}:actiontrail/main"


def test_only_partial_feeds_do_not_make_the_account_ok():
    for gap, field in (
        ("TRAIL_NOT_ALL_REGIONS", {"trail_region": REGION}),
        ("TRAIL_NOT_ALL_EVENTS", {"event_rw": "Write"}),
    ):
        findings = run_strict(snapshot(trails=[trail(**field)]))
        assert (account_finding(findings).status, account_finding(findings).reason_codes) == ("alarm", [gap])
        found = trail_finding(findings)
        assert (found.status, found.reason_codes) == ("alarm", [gap])
        assert "'unauth'" in found.reason  # its alert works, and the finding says so


def test_partial_feed_without_alert_lists_both_problems():
    found = account_finding(run_strict(snapshot(trails=[trail(event_rw="Read")], alerts=[])))
    assert found.reason_codes == ["TRAIL_NOT_ALL_EVENTS", "ALERT_MISSING"]


def test_trails_covered_by_another_feed_are_skipped():
    trails = [
        trail(),
        trail(name="regional", trail_region=REGION),
        trail(name="stopped", status="Disable"),
        trail(name="oss-only", project=None),
    ]
    findings = run_strict(snapshot(trails=trails))
    assert account_finding(findings).status == "ok"
    for name, extra in (
        ("regional", ["TRAIL_NOT_ALL_REGIONS", "ALERT_MISSING"]),
        ("stopped", ["TRAIL_NOT_ENABLED"]),
        ("oss-only", ["TRAIL_NOT_DELIVERING_TO_SLS"]),
    ):
        found = trail_finding(findings, name)
        assert found.status == "skip" and found.reason_codes == []
        assert found.advisories == [*extra, "COVERED_BY_OTHER_FEED"], name
        assert "needs no alert" in found.reason


def test_partial_feed_with_its_own_alert_is_ok_when_account_covered():
    alerts = [alert(), alert(name="regional-alert", store="actiontrail_regional")]
    findings = run_strict(
        snapshot(trails=[trail(), trail(name="regional", trail_region=REGION)], alerts=alerts)
    )
    found = trail_finding(findings, "regional")
    assert (found.status, found.advisories) == ("ok", ["TRAIL_NOT_ALL_REGIONS"])


def test_complete_feed_without_alert():
    findings = run_strict(snapshot(alerts=[]))
    assert account_finding(findings).reason_codes == ["ALERT_MISSING"]
    assert "sls.app.actiontrail.cis.at.unauth_apicall" in account_finding(findings).reason


def test_shadow_copies_are_one_trail():
    shadow = {"trails": [trail()], "sls_projects": {}, "errors": []}
    doc = snapshot(regions={"cn-shanghai": shadow, "cn-beijing": shadow})
    trails = [f for f in run_strict(doc) if f.scope == "trail"]
    assert len(trails) == 1
    assert sorted(trails[0].evidence.listed_in) == ["cn-beijing", "cn-hangzhou", "cn-shanghai"]


def test_trail_delivering_to_another_region():
    # Home cn-hangzhou, project in cn-shanghai: the alert lives (and is looked for) in cn-shanghai.
    region = {"sls_projects": {"audit": {"alerts": [alert()], "logstores": {}}}}
    doc = snapshot(
        trails=[trail(sls_region="cn-shanghai")],
        alerts=[],
        project="unrelated",
        regions={"cn-shanghai": region},
    )
    assert account_finding(run_strict(doc)).status == "ok"


def test_feed_in_another_account_is_unverifiable():
    found = account_finding(run_strict(snapshot(trails=[trail(account="9999999999999999")], alerts=[])))
    assert (found.status, found.reason_codes) == ("info", ["FEED_IN_OTHER_ACCOUNT"])


def test_feed_in_an_unscanned_region_is_unverifiable():
    found = account_finding(run_strict(snapshot(trails=[trail(sls_region="eu-central-1")], alerts=[])))
    assert (found.status, found.reason_codes) == ("info", ["FEED_NOT_SCANNED"])
    assert "eu-central-1" in found.reason


def test_scan_error_makes_a_missing_alert_an_error_not_an_alarm():
    error = scan_error(api="ListAlerts", project="ops", code="Unauthorized", message="denied")
    findings = run_strict(snapshot(alerts=[], errors=[error], projects={"ops": {}}))
    found = account_finding(findings)
    assert (found.status, found.reason_codes) == ("error", ["SCAN_ERROR", "ALERT_MISSING"])
    assert "ListAlerts" in found.reason
    assert (trail_finding(findings).status, trail_finding(findings).reason_codes) == (
        "error",
        ["SCAN_ERROR", "ALERT_MISSING"],
    )
    assert [f.scope for f in findings if f.status == "error"] == ["account", "trail", "scan"]


def test_scan_error_hides_trails():
    error = scan_error(api="DescribeTrails", code="ServiceUnavailable", message="try later")
    found = account_finding(run_strict(snapshot(trails=[], alerts=[], errors=[error])))
    assert (found.status, found.reason_codes) == ("error", ["SCAN_ERROR", "NO_TRAIL"])


def test_scan_error_does_not_touch_an_ok_account():
    error = scan_error(api="ListAlerts", project="ops", code="Unauthorized", message="denied")
    findings = run_strict(snapshot(errors=[error], projects={"ops": {}}))
    assert [(f.scope, f.status) for f in findings] == [("account", "ok"), ("trail", "ok"), ("scan", "error")]


def test_irrelevant_scan_errors_are_ignored_by_the_verdict():
    errors = [
        scan_error(api="GetIndex", project="audit", logstore="nginx", code="NotExist"),
        scan_error(api="GetTrailStatus", code="Throttling"),
    ]
    found = account_finding(run_strict(snapshot(alerts=[], errors=errors)))
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_MISSING"])


def test_sample_snapshot():
    findings = evaluate(load_inventory(SAMPLE))  # the default profile is strict
    found = account_finding(findings)
    assert (found.status, found.reason_codes) == ("ok", [])
    assert found.evidence.alert.alert == "cis_at_unauth_apicall"
    by_trail = {f.resource.rsplit("/", 1)[1]: f.status for f in findings if f.scope == "trail"}
    assert by_trail == {
        "org-audit-trail": "ok",
        "sh-write-trail": "skip",
        "fresh-trail": "skip",
        "legacy-oss-trail": "skip",
        "stopped-trail-sg": "skip",
    }
    assert [f.scope for f in findings if f.status == "error"] == ["scan"]
    assert all(f.profile == "strict" and f.reason for f in findings)
    json.dumps([f.model_dump() for f in findings])  # serialisable as it is written to SLS
