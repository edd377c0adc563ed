"""The bundled sample accounts give the verdicts the README describes, under both profiles."""

from __future__ import annotations

import pytest

from cis216.core import evaluate
from cis216.inventory import load_inventory
from cis216.shell.events import parse_event
from tests.paths import EVENTS, SAMPLES


def by_scope(findings, scope):
    return [f for f in findings if f.scope == scope]


def test_sample_account_is_ok_through_its_template_alert_and_reports_the_failed_listing():
    findings = evaluate(load_inventory(SAMPLES / "sample-account.json"), "strict")
    (account,) = by_scope(findings, "account")
    assert account.status == "ok" and account.evidence.alert.alert == "cis_at_unauth_apicall"
    trails = {f.resource.rsplit("/", 1)[1]: f for f in by_scope(findings, "trail")}
    assert trails["org-audit-trail"].status == "ok"
    others = {name: f.status for name, f in trails.items() if name != "org-audit-trail"}
    covered = ["sh-write-trail", "legacy-oss-trail", "stopped-trail-sg", "fresh-trail"]
    assert others == dict.fromkeys(covered, "skip")
    assert trails["sh-write-trail"].advisories == [
        "TRAIL_NOT_ALL_REGIONS",
        "TRAIL_NOT_ALL_EVENTS",
        "ALERT_QUERY_INCOMPLETE",
        "COVERED_BY_OTHER_FEED",
    ]
    (scan_error,) = by_scope(findings, "scan")
    assert (scan_error.status, scan_error.resource) == (
        "error",
        "acs:log:ap-southeast-1:1234567890123456:project/sg-data-platform",
    )


def test_cis_text_account_alarms_where_powerpipe_says_ok():
    inventory = load_inventory(SAMPLES / "cis-text-account.json")
    strict = evaluate(inventory, "strict")
    (account,) = by_scope(strict, "account")
    assert account.status == "alarm"
    assert account.reason_codes == ["ALERT_DISABLED"]  # the Log Audit built-in, the closest feed
    assert "actiontrail-central/actiontrail_org-audit-trail" in account.reason  # the other failing feed
    (trail,) = by_scope(strict, "trail")
    assert trail.reason_codes == ["ALERT_QUERY_INCOMPLETE", "ALERT_WINDOW_GAP"]
    assert trail.advisories == ["ALERT_THRESHOLD_HIGH"]
    assert trail.evidence.alert.suggested_query.startswith("event.eventType: ApiCall")
    powerpipe = evaluate(inventory, "powerpipe")
    assert [f.status for f in powerpipe] == ["ok", "ok"]  # one row per listing region


@pytest.mark.parametrize("name", ["sample-account.json", "cis-text-account.json"])
def test_events_folder_holds_fc_events_only(name):
    """Snapshots live with the package; `cis216 invoke events/<snapshot>` must not be a trap."""
    assert (SAMPLES / name).is_file()
    assert not (EVENTS / name).exists()
    kinds = {event.name: parse_event(event.read_bytes()).kind for event in EVENTS.glob("*.json")}
    assert kinds == {
        "direct.json": "direct",
        "timer.json": "timer",
        "timer-with-payload.json": "timer",
        "org-timer.json": "timer",  # an organisation scan's coordinator (payload mode: organization)
    }
