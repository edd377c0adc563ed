"""Every non-ok finding says how to fix it, concretely: the corrected query, the alert to enable,
the trail setting to change, the permission to grant (issue 14.5); ok and skip findings say nothing."""

from __future__ import annotations

from cis216.core import evaluate
from cis216.inventory import parse_inventory
from cis216.profiles.strict.remediation import CIS_QUERY, CIS_REMEDIATION
from cis216.slsquery import suggested_query
from tests.builders import (
    ACCOUNT,
    CIS_TEXT_QUERY,
    REGION,
    UNSET,
    account_finding,
    alert,
    run_strict,
    scan_error,
    snapshot,
    trail,
    trail_finding,
)

COMPLETE = suggested_query()


def test_an_ok_account_needs_no_fix():
    findings = run_strict(snapshot())
    assert {f.status for f in findings} == {"ok"}
    assert all(f.remediation == "" for f in findings)


def test_a_disabled_alert_is_to_be_enabled_where_it_is():
    found = trail_finding(run_strict(snapshot(alerts=[alert(status="DISABLED")])))
    assert found.reason_codes == ["ALERT_DISABLED"]
    assert found.remediation == f"Enable alert 'unauth' in project audit ({REGION}, queryList[0])."


def test_an_incomplete_query_is_replaced_by_the_corrected_one():
    found = trail_finding(run_strict(snapshot(alerts=[alert(query=CIS_TEXT_QUERY)])))
    assert found.reason_codes == ["ALERT_QUERY_INCOMPLETE"]
    assert found.evidence.alert is not None
    corrected = found.evidence.alert.suggested_query
    assert corrected and found.remediation.endswith(f"with: {corrected}")
    assert found.remediation.startswith("Replace the query of alert 'unauth' in project audit")


def test_a_missing_alert_is_to_be_created_on_the_feed_logstore():
    found = trail_finding(run_strict(snapshot(alerts=[])))
    assert found.reason_codes == ["ALERT_MISSING"]
    assert "on logstore audit/actiontrail_main" in found.remediation
    assert COMPLETE in found.remediation


def test_a_trail_setting_names_the_setting_to_change():
    findings = run_strict(snapshot(trails=[trail(trail_region=REGION, event_rw="Write")]))
    found = trail_finding(findings)
    assert found.reason_codes == ["TRAIL_NOT_ALL_REGIONS", "TRAIL_NOT_ALL_EVENTS"]
    assert found.remediation == (
        "Make trail main record every region (UpdateTrail TrailRegion All). "
        "Make trail main record read and write events (UpdateTrail EventRW All)."
    )
    # The account finding's fix is about the feed its reason is about: the same trail.
    assert "trail main" in account_finding(findings).remediation


def test_no_trail_says_what_to_create():
    found = account_finding(run_strict(snapshot(trails=[], alerts=[])))
    assert found.reason_codes == ["NO_TRAIL"]
    assert found.remediation.startswith(f"Create an ActionTrail trail in account {ACCOUNT}")


def test_a_denied_call_names_the_permission_to_grant():
    errors = [scan_error(api="ListAlerts", code="Unauthorized", message="denied", project="audit")]
    findings = run_strict(snapshot(alerts=[], errors=errors))
    fix = (
        "Allow the scan's identity to call ListAlerts on project audit (the RAM action and resource "
        "the Unauthorized message names), then scan again."
    )
    assert [f.remediation for f in findings if f.scope == "scan"] == [fix]
    # The account's ALERT_MISSING may be the denied read's doing: the fix is the read, not an alert.
    found = account_finding(findings)
    assert (found.status, found.reason_codes, found.remediation) == (
        "error",
        ["SCAN_ERROR", "ALERT_MISSING"],
        fix,
    )


def test_a_failure_that_is_not_a_denial_says_scan_again():
    errors = [scan_error(api="ListAlerts", code="InternalError", message="boom", project="audit")]
    (found,) = [f for f in run_strict(snapshot(errors=errors)) if f.scope == "scan"]
    assert found.remediation.startswith("Scan again; if ListAlerts on project audit keeps failing")


def test_the_powerpipe_profile_gives_the_benchmark_remediation_to_alarms():
    doc = snapshot(trails=[trail(), trail(name="off", status="Disable", sls_arn=UNSET)])
    findings = evaluate(parse_inventory(doc), "powerpipe")
    assert {f.status: f.remediation for f in findings} == {"ok": "", "alarm": CIS_REMEDIATION}
    assert CIS_QUERY in CIS_REMEDIATION and CIS_QUERY == CIS_TEXT_QUERY


def test_every_finding_carries_the_control_title_and_severity():
    for finding in run_strict(snapshot(alerts=[])):
        assert finding.title == "Ensure a log monitoring and alerts are set up for unauthorized API calls"
        assert (finding.severity, finding.muted, finding.mute) == ("high", False, None)
