"""Missing data never becomes a verdict (issue 12): every read the scan makes, failed where it
matters and where it does not, with the exact outcome of the account and of every trail.

A failed read appears in a snapshot as an `errors` entry of the region whose listing recorded it
(inventory.ScanError). The small accounts below have one complete trail `main` (project `audit`,
cn-hangzhou) and one trail `off` that is not enabled; cn-shanghai is scanned too and holds nothing.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cis216.core import evaluate
from cis216.findings import Finding
from cis216.inventory import load_inventory
from tests.builders import ACCOUNT, REGION, TEMPLATE_QUERY, account, alert, run, snapshot, trail
from tests.paths import SAMPLES

SH = "cn-shanghai"
OFF = trail(name="off", status="Disable")

# The outcome of one finding: status, reason codes, advisories, and the failed calls it names
# (evidence.scan_errors) as (api, region, project).
Outcome = tuple[str, list[str], list[str], list[tuple[str, str, str | None]]]


def doc_with(base: dict[str, Any], *errors: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    for region, error in errors:
        doc["regions"].setdefault(region, {"trails": [], "sls_projects": {}, "errors": []})
        doc["regions"][region]["errors"].append(error)
    return doc


def failed(api: str, region: str = REGION, **where: str) -> tuple[str, dict[str, Any]]:
    return region, {"api": api, "code": "ServiceUnavailable", "message": "try later", **where}


def outcome(finding: Finding) -> Outcome:
    named = [(e.api, e.region, e.project) for e in (finding.evidence.scan_errors or [])]
    return finding.status, finding.reason_codes, finding.advisories, named


def outcomes(findings: list[Finding]) -> dict[str, Outcome]:
    found = {"account": outcome(account(findings))}
    for finding in findings:
        if finding.scope == "trail":
            found[finding.resource.rsplit("/", 1)[1]] = outcome(finding)
    return found


def scan_findings(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.evidence.api, f.region or "") for f in findings if f.scope == "scan"]


OK_ACCOUNT = snapshot(trails=[trail(), OFF], regions={SH: {}})
ALARM_ACCOUNT = snapshot(trails=[trail(), OFF], alerts=[], regions={SH: {}})
NO_FEED = snapshot(trails=[OFF], alerts=[], regions={SH: {}})
NO_TRAIL = snapshot(trails=[], alerts=[], regions={SH: {}})

OK = {
    "account": ("ok", [], [], []),
    "main": ("ok", [], [], []),
    "off": ("skip", [], ["TRAIL_NOT_ENABLED", "COVERED_BY_OTHER_FEED"], []),
}


def could_hide_another_feed(call: tuple[str, str | None]) -> dict[str, Outcome]:
    """A read that could hide a feed failed: no trail may claim to be the failure."""
    return {
        "account": ("error", ["SCAN_ERROR", "ALERT_MISSING"], [], [call]),
        "main": ("error", ["SCAN_ERROR"], ["ALERT_MISSING"], [call]),
        "off": ("error", ["SCAN_ERROR"], ["TRAIL_NOT_ENABLED"], [call]),
    }


def named(api: str, region: str = REGION, project: str | None = None) -> tuple[str, str, str | None]:
    return (api, region, project)


CASES = [
    # --- DescribeRegions (recorded in the home region when SCAN_REGIONS=all) ----------------------
    pytest.param(
        doc_with(ALARM_ACCOUNT, failed("DescribeRegions")),
        {},
        could_hide_another_feed(named("DescribeRegions")),
        id="DescribeRegions-matters: a region never listed could hold the covering trail",
    ),
    pytest.param(
        doc_with(OK_ACCOUNT, failed("DescribeRegions")),
        {},
        OK,
        id="DescribeRegions-does-not-matter: an effective alert is proven",
    ),
    # --- DescribeTrails of one region ---------------------------------------------------------------
    pytest.param(
        doc_with(ALARM_ACCOUNT, failed("DescribeTrails", SH)),
        {},
        could_hide_another_feed(named("DescribeTrails", SH)),
        id="DescribeTrails-matters: a trail homed in cn-shanghai could cover the account",
    ),
    pytest.param(
        doc_with(OK_ACCOUNT, failed("DescribeTrails", SH)),
        {},
        OK,
        id="DescribeTrails-does-not-matter: an effective alert is proven",
    ),
    # --- ListProject of one region ------------------------------------------------------------------
    pytest.param(
        doc_with(ALARM_ACCOUNT, failed("ListProject", SH)),
        {},
        could_hide_another_feed(named("ListProject", SH)),
        id="ListProject-matters: Log Audit's project or an alert on main could be there",
    ),
    pytest.param(
        doc_with(NO_TRAIL, failed("ListProject", SH)),
        {},
        {"account": ("error", ["SCAN_ERROR", "NO_TRAIL"], [], [named("ListProject", SH)])},
        id="ListProject-matters: Log Audit's central project could be a feed",
    ),
    pytest.param(
        doc_with(NO_TRAIL, failed("ListProject", SH)),
        {"accept_log_audit": False},
        {"account": ("alarm", ["NO_TRAIL"], [], [])},
        id="ListProject-does-not-matter: no feed, Log Audit not accepted",
    ),
    pytest.param(
        doc_with(OK_ACCOUNT, failed("ListProject", SH)),
        {},
        OK,
        id="ListProject-does-not-matter: an effective alert is proven",
    ),
    # --- ListAlerts of one project ------------------------------------------------------------------
    pytest.param(
        doc_with(ALARM_ACCOUNT, failed("ListAlerts", SH, project="ops")),
        {},
        {
            # An entry of an alert in `ops` may name project audit and cn-hangzhou.
            "account": ("error", ["SCAN_ERROR", "ALERT_MISSING"], [], [named("ListAlerts", SH, "ops")]),
            "main": ("error", ["SCAN_ERROR", "ALERT_MISSING"], [], [named("ListAlerts", SH, "ops")]),
            "off": ("error", ["SCAN_ERROR"], ["TRAIL_NOT_ENABLED"], [named("ListAlerts", SH, "ops")]),
        },
        id="ListAlerts-matters: an alert on main could be in any project",
    ),
    pytest.param(
        doc_with(OK_ACCOUNT, failed("ListAlerts", SH, project="ops")),
        {},
        OK,
        id="ListAlerts-does-not-matter: unrelated project elsewhere, an effective alert is proven",
    ),
    pytest.param(
        doc_with(NO_FEED, failed("ListAlerts", REGION, project="audit")),
        {},
        {
            "account": ("alarm", ["TRAIL_NOT_ENABLED", "TRAIL_NOT_DELIVERING_TO_SLS"], [], []),
            "off": ("alarm", ["TRAIL_NOT_ENABLED"], [], []),
        },
        id="ListAlerts-does-not-matter: no feed, so no alert could make the account ok",
    ),
    # --- GetIndex of the feed's logstore ------------------------------------------------------------
    pytest.param(
        doc_with(OK_ACCOUNT, failed("GetIndex", project="audit", logstore="actiontrail_main")),
        {},
        {
            "account": ("error", ["SCAN_ERROR"], [], [named("GetIndex", REGION, "audit")]),
            "main": ("error", ["SCAN_ERROR"], [], [named("GetIndex", REGION, "audit")]),
            "off": ("error", ["SCAN_ERROR"], ["TRAIL_NOT_ENABLED"], [named("GetIndex", REGION, "audit")]),
        },
        id="GetIndex-matters: effective with SLS defaults, the real index decides",
    ),
    pytest.param(
        doc_with(
            snapshot(trails=[trail(), OFF], alerts=[alert(status="DISABLED")], regions={SH: {}}),
            failed("GetIndex", project="audit", logstore="actiontrail_main"),
        ),
        {},
        {
            "account": ("alarm", ["ALERT_DISABLED"], [], []),
            "main": ("alarm", ["ALERT_DISABLED"], [], []),
            "off": ("alarm", ["TRAIL_NOT_ENABLED"], [], []),
        },
        id="GetIndex-does-not-matter: the alert is disabled, whatever the index",
    ),
    pytest.param(
        doc_with(OK_ACCOUNT, failed("GetIndex", project="audit", logstore="nginx")),
        {},
        OK,
        id="GetIndex-does-not-matter: a logstore that is no feed",
    ),
    # --- GetTrailStatus: no verdict uses it -----------------------------------------------------------
    pytest.param(
        doc_with(ALARM_ACCOUNT, failed("GetTrailStatus")),
        {},
        {
            "account": ("alarm", ["ALERT_MISSING"], [], []),
            "main": ("alarm", ["ALERT_MISSING"], [], []),
            "off": ("alarm", ["TRAIL_NOT_ENABLED"], [], []),
        },
        id="GetTrailStatus-does-not-matter: not used by any verdict",
    ),
]


@pytest.mark.parametrize(("doc", "settings", "expected"), CASES)
def test_each_read_where_it_matters_and_where_it_does_not(doc, settings, expected):
    findings = run(doc, **settings)
    assert outcomes(findings) == expected
    # Whatever the verdict, each failed call is also its own `error` finding.
    recorded = [(e["api"], region) for region, r in doc["regions"].items() for e in r["errors"]]
    assert scan_findings(findings) == recorded


def test_a_failed_index_read_never_stands_in_for_the_real_index():
    """The false ok of issue 12: the real index makes the alert blind; SLS defaults would not."""
    blind = {"actiontrail_main": {"index": {"keys": {"__topic__": {"type": "text"}}}}}
    read = run(snapshot(logstores=blind))
    assert outcomes(read)["account"] == ("alarm", ["ALERT_QUERY_INCOMPLETE"], [], [])
    unread = run(doc_with(snapshot(), failed("GetIndex", project="audit", logstore="actiontrail_main")))
    assert outcomes(unread)["account"] == ("error", ["SCAN_ERROR"], [], [named("GetIndex", REGION, "audit")])
    shown = account(unread).evidence.alert
    assert (shown.query_verdict, shown.index_source, shown.missed_codes) == (
        "undecided",
        "unread (GetIndex failed)",
        None,
    )
    assert "could not be read (GetIndex failed)" in account(unread).reason


def test_an_index_independent_failure_of_an_undecided_query_stands():
    no_notification = alert(action_policy="", query="event.errorCode: Forbidden | select count(1) as cnt")
    doc = doc_with(
        snapshot(alerts=[no_notification]), failed("GetIndex", project="audit", logstore="actiontrail_main")
    )
    found = account(run(doc))
    # ALERT_QUERY_INCOMPLETE was judged with defaults only: it is left out, the query undecided.
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_NO_NOTIFICATION"])
    assert found.evidence.alert.query_verdict == "undecided"


UNEXECUTABLE = TEMPLATE_QUERY.split(" | ")[0] + " | select histogram(x) as cnt"


def test_a_query_unverifiable_with_any_index_stays_info_when_the_index_is_unread():
    # Every code kept by the search, then SQL no executor reads: unverifiable whatever the index.
    where = alert(query=UNEXECUTABLE)
    doc = doc_with(snapshot(alerts=[where]), failed("GetIndex", project="audit", logstore="actiontrail_main"))
    found = account(run(doc))
    assert (found.status, found.reason_codes) == ("info", ["ALERT_QUERY_UNVERIFIABLE"])


def test_another_proven_feed_keeps_the_account_ok_when_a_second_feed_index_is_unread():
    backup = alert(name="backup-alert", store="actiontrail_backup")
    doc = doc_with(
        snapshot(trails=[trail(), trail(name="backup")], alerts=[alert(), backup]),
        failed("GetIndex", project="audit", logstore="actiontrail_backup"),
    )
    found = outcomes(run(doc))
    assert found["account"] == ("ok", [], [], [])
    assert found["main"] == ("ok", [], [], [])
    # Its own alert could not be judged; the account does not need it.
    assert found["backup"] == ("skip", [], ["SCAN_ERROR", "COVERED_BY_OTHER_FEED"], [])


def test_a_trail_is_not_the_failure_while_another_feed_is_unverifiable():
    unverifiable = alert(query=UNEXECUTABLE)
    doc = snapshot(trails=[trail(), trail(name="second")], alerts=[unverifiable])
    findings = run(doc)
    found = outcomes(findings)
    assert found["account"] == ("info", ["ALERT_QUERY_UNVERIFIABLE"], [], [])
    assert found["main"] == ("info", ["ALERT_QUERY_UNVERIFIABLE"], [], [])
    assert found["second"] == ("info", ["COVERAGE_UNVERIFIABLE"], ["ALERT_MISSING"], [])
    (second,) = [f for f in findings if f.resource.endswith("/second")]
    assert second.evidence.coverage_unproven_by == [f"audit/actiontrail_main ({REGION})"]
    assert second.reason.startswith(
        f"Whether another feed covers the account could not be proven (whether audit/actiontrail_main "
        f"({REGION}) has an effective alert is unverifiable; the account finding says why): this trail's own "
        "problems are listed as advisories, not as the control's failure. Trail second: "
    )


def test_a_feed_in_a_region_not_scanned_keeps_the_account_and_the_other_trails_undecided():
    doc = snapshot(
        trails=[trail(), trail(name="far", sls_region="eu-central-1")], alerts=[alert(status="DISABLED")]
    )
    found = outcomes(run(doc))
    assert found["account"] == ("info", ["FEED_NOT_SCANNED"], [], [])
    assert found["far"] == ("info", ["FEED_NOT_SCANNED"], [], [])
    assert found["main"] == ("info", ["COVERAGE_UNVERIFIABLE"], ["ALERT_DISABLED"], [])


def test_the_reads_each_verdict_depends_on_are_in_its_evidence():
    def depends_on(finding: Finding) -> list[tuple[str, str | None, str | None, str | None]]:
        return [(r.api, r.region, r.project, r.logstore) for r in finding.evidence.depends_on]

    ok = run(OK_ACCOUNT)
    index = ("GetIndex", REGION, "audit", "actiontrail_main")
    delivers = ("GetTrailStatus", REGION, None, None)  # the covering trail still delivers
    assert depends_on(account(ok)) == [delivers, index]  # an ok rests on its proof only
    assert [depends_on(f) for f in ok if f.scope == "trail"] == [[delivers, index], [delivers, index]]
    alarm = run(ALARM_ACCOUNT)
    everything = [
        ("DescribeRegions", None, None, None),
        ("DescribeTrails", None, None, None),
        ("ListProject", None, None, None),
        ("ListAlerts", None, None, None),
    ]
    assert depends_on(account(alarm)) == everything
    assert [depends_on(f) for f in alarm if f.scope == "trail"] == [everything, everything]


def test_a_partial_trail_that_is_ok_because_another_feed_covers_rests_on_both_proofs():
    partial = alert(name="partial-alert", store="actiontrail_partial")
    doc = snapshot(trails=[trail(), trail(name="partial", trail_region=REGION)], alerts=[alert(), partial])
    (found,) = [f for f in run(doc) if f.resource.endswith("/partial")]
    assert (found.status, found.advisories) == ("ok", ["TRAIL_NOT_ALL_REGIONS"])
    assert [(r.api, r.logstore) for r in found.evidence.depends_on] == [
        ("GetTrailStatus", None),  # both trails are homed in REGION: one read says both deliver
        ("GetIndex", "actiontrail_main"),
        ("GetIndex", "actiontrail_partial"),
    ]


def test_the_sample_account_keeps_its_verdicts_and_rests_on_its_covering_index():
    findings = evaluate(load_inventory(SAMPLES / "sample-account.json"), "strict")
    found = account(findings)
    assert (found.status, found.evidence.scan_errors) == ("ok", None)  # its failed ListAlerts does not matter
    assert [(r.api, r.region, r.project, r.logstore) for r in found.evidence.depends_on] == [
        ("GetTrailStatus", REGION, None, None),
        ("GetIndex", REGION, "actiontrail-central", "actiontrail_org-audit-trail"),
    ]
    assert {f.status for f in findings if f.scope == "trail"} == {"ok", "skip"}


def test_a_snapshot_without_a_region_read_nothing_so_it_is_no_alarm():
    doc = snapshot()
    doc["regions"] = {}
    findings = run(doc)
    assert outcomes(findings) == {
        "account": ("error", ["SCAN_ERROR", "NO_TRAIL"], [], [("DescribeTrails", "", None)])
    }
    (scan,) = [f for f in findings if f.scope == "scan"]
    assert (scan.region, scan.evidence.code, scan.resource) == (
        None,
        "NothingScanned",
        f"acs:actiontrail::{ACCOUNT}:*",
    )
    assert scan.reason.startswith(
        "DescribeTrails failed for every region (NothingScanned: the snapshot holds no region"
    )
