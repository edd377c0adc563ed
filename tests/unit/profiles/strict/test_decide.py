"""The strict verdict as data: the decisions for the account, each trail and each alert, before any
sentence is written (wording has its own golden test)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cis216.profiles.strict.issues import (
    ConsecutiveThresholdHigh,
    CountThresholdHigh,
    Disabled,
    EntryNotDecisive,
    FromTemplate,
    Muted,
    NoNotification,
    QueryIncomplete,
    WindowGap,
)
from tests.builders import (
    ACCOUNT,
    CIS_TEXT_QUERY,
    REGION,
    TEMPLATE_QUERY,
    alert,
    decide_strict,
    scan_error,
    snapshot,
    trail,
)

LIST_ALERTS_DENIED = scan_error(api="ListAlerts", project="ops", code="Unauthorized", message="denied")


def by_name(decided):
    return {t.view.trail.name: t for t in decided.trails}


# --- the account ----------------------------------------------------------------------------------


def test_no_trail():
    account = decide_strict(snapshot(trails=[], alerts=[])).account
    assert (account.case, account.status, account.codes) == ("no_trail", "alarm", ("NO_TRAIL",))
    assert (account.covering, account.closest, account.hiding_errors) == (None, None, ())


def test_no_trail_recording():
    account = decide_strict(
        snapshot(trails=[trail(status="Disable"), trail(name="oss", project=None)])
    ).account
    assert (account.case, account.codes) == (
        "not_recording",
        ("TRAIL_NOT_ENABLED", "TRAIL_NOT_DELIVERING_TO_SLS"),
    )
    assert [(t.trail.name, t.problems) for t in account.trails] == [
        ("main", ["TRAIL_NOT_ENABLED"]),
        ("oss", ["TRAIL_NOT_DELIVERING_TO_SLS"]),
    ]


def test_covering_feed_makes_the_account_ok():
    decided = decide_strict(snapshot(trails=[trail(), trail(name="regional", trail_region=REGION)]))
    account = decided.account
    assert (account.case, account.status, account.codes, account.advisories) == ("alerted", "ok", (), ())
    assert account.covering is not None and account.covering.feed.name == "main"
    assert account.shown is account.covering and account.closest is None
    assert [r.feed.name for r in account.feeds] == ["main", "regional"]


def test_only_partial_feeds():
    account = decide_strict(snapshot(trails=[trail(event_rw="Read")], alerts=[])).account
    assert (account.case, account.codes) == ("partial_feeds_only", ("TRAIL_NOT_ALL_EVENTS", "ALERT_MISSING"))
    assert account.closest is not None and account.closest.feed.name == "main"
    assert [f.name for f in account.partial_feeds] == ["main"]


def test_no_effective_alert_names_the_closest_feed_and_every_other_failing_one():
    doc = snapshot(
        trails=[trail(), trail(name="second", project="audit2")],
        alerts=[alert(status="DISABLED")],
        projects={"audit2": {"alerts": [alert(name="other", store="actiontrail_second", action_policy="")]}},
    )
    account = decide_strict(doc).account
    assert (account.case, account.codes) == ("not_alerted", ("ALERT_DISABLED",))
    assert account.closest is not None and account.closest.feed.name == "main"
    assert [f.name for f in account.other_failing] == ["second"]


def test_closest_feed_is_the_one_with_fewest_failing_codes():
    doc = snapshot(
        trails=[trail(), trail(name="second", project="audit2")],
        alerts=[alert(status="DISABLED", action_policy="")],
        projects={"audit2": {"alerts": [alert(name="other", store="actiontrail_second", action_policy="")]}},
    )
    account = decide_strict(doc).account
    assert account.closest is not None and account.closest.feed.name == "second"
    assert account.codes == ("ALERT_NO_NOTIFICATION",)


def test_unaccepted_log_audit_is_an_advisory():
    audit = alert(
        name="sls_app_audit_cis_at_unauth_apicall", store="actiontrail_log", start="-2m", interval="1m"
    )
    doc = snapshot(trails=[], alerts=[audit], project=f"slsaudit-center-{ACCOUNT}-{REGION}")
    account = decide_strict(doc, accept_log_audit=False).account
    assert (account.case, account.codes, account.advisories) == (
        "no_trail",
        ("NO_TRAIL",),
        ("LOG_AUDIT_NOT_ACCEPTED",),
    )
    assert [f.project for f in account.unaccepted] == [f"slsaudit-center-{ACCOUNT}-{REGION}"]


def test_failed_listing_turns_a_missing_alert_into_an_error():
    decided = decide_strict(snapshot(alerts=[], errors=[LIST_ALERTS_DENIED], projects={"ops": {}}))
    account, main = decided.account, by_name(decided)["main"]
    assert (account.status, account.codes) == ("error", ("SCAN_ERROR", "ALERT_MISSING"))
    assert [(c.region, c.error.api, c.error.project) for c in account.hiding_errors] == [
        (REGION, "ListAlerts", "ops")
    ]
    assert (main.status, main.codes, main.hiding_errors) == (
        "error",
        ("SCAN_ERROR", "ALERT_MISSING"),
        account.hiding_errors,
    )


def test_failed_trail_listing_leaves_the_trail_that_was_seen_undecided_too():
    # A trail the failed listing hid could cover the account: then `main` would be skip, not the
    # failure. Its own problem is kept as an advisory (issue 12, the read rule).
    error = scan_error(api="DescribeTrails", code="ServiceUnavailable", message="try later")
    decided = decide_strict(snapshot(alerts=[], errors=[error]))
    assert decided.account.codes == ("SCAN_ERROR", "ALERT_MISSING")
    main = by_name(decided)["main"]
    assert (main.status, main.codes, main.advisories, main.coverage_undecided) == (
        "error",
        ("SCAN_ERROR",),
        ("ALERT_MISSING",),
        True,
    )
    assert [(c.region, c.error.api) for c in main.hiding_errors] == [(REGION, "DescribeTrails")]


def test_an_ok_account_is_never_downgraded():
    account = decide_strict(snapshot(errors=[LIST_ALERTS_DENIED], projects={"ops": {}})).account
    assert (account.status, account.codes, account.hiding_errors) == ("ok", (), ())


# --- trails ---------------------------------------------------------------------------------------


def test_trails_that_another_feed_covers_are_skipped_with_their_problems_as_advisories():
    trails = [trail(), trail(name="regional", trail_region=REGION), trail(name="stopped", status="Disable")]
    decided = decide_strict(snapshot(trails=trails))
    main, regional, stopped = (by_name(decided)[n] for n in ("main", "regional", "stopped"))
    assert (main.case, main.status, main.covered_by) == ("alerted", "ok", None)
    assert (regional.case, regional.status, regional.codes) == ("not_alerted", "skip", ())
    assert regional.advisories == ("TRAIL_NOT_ALL_REGIONS", "ALERT_MISSING", "COVERED_BY_OTHER_FEED")
    assert regional.covered_by is decided.account.covering
    assert (stopped.case, stopped.status, stopped.result) == ("not_recording", "skip", None)
    assert stopped.advisories == ("TRAIL_NOT_ENABLED", "COVERED_BY_OTHER_FEED")


def test_partial_trail_with_an_effective_alert():
    alone = by_name(decide_strict(snapshot(trails=[trail(trail_region=REGION)])))["main"]
    assert (alone.case, alone.status, alone.codes, alone.gaps) == (
        "alerted",
        "alarm",
        ("TRAIL_NOT_ALL_REGIONS",),
        ("TRAIL_NOT_ALL_REGIONS",),
    )
    alerts = [alert(), alert(name="regional-alert", store="actiontrail_regional")]
    decided = decide_strict(
        snapshot(trails=[trail(), trail(name="regional", trail_region=REGION)], alerts=alerts)
    )
    covered = by_name(decided)["regional"]
    assert (covered.case, covered.status, covered.codes, covered.advisories) == (
        "alerted",
        "ok",
        (),
        ("TRAIL_NOT_ALL_REGIONS",),
    )
    assert covered.covered_by is not None and covered.covered_by.feed.name == "main"


# --- feeds ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "blocker", "codes"),
    [
        pytest.param(snapshot(), "none", (), id="effective"),
        pytest.param(
            snapshot(alerts=[alert(status="DISABLED")]), "alert", ("ALERT_DISABLED",), id="alert-fails"
        ),
        pytest.param(
            snapshot(trails=[trail(account="9999999999999999")], alerts=[]),
            "other_account",
            ("FEED_IN_OTHER_ACCOUNT",),
            id="other-account",
        ),
        pytest.param(
            snapshot(trails=[trail(sls_region="eu-central-1")], alerts=[]),
            "not_scanned",
            ("FEED_NOT_SCANNED",),
            id="not-scanned",
        ),
        pytest.param(
            snapshot(alerts=[alert(store="actiontrail_other")]),
            "wrong_logstore",
            ("ALERT_WRONG_LOGSTORE",),
            id="wrong-logstore",
        ),
        pytest.param(snapshot(alerts=[]), "missing", ("ALERT_MISSING",), id="missing"),
    ],
)
def test_what_stands_between_a_feed_and_an_effective_alert(doc, blocker, codes):
    (result,) = decide_strict(doc).account.feeds
    assert (result.blocker, result.codes) == (blocker, codes)


# --- alerts: issues in the order the checks find them -------------------------------------------

COLLECTED = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)


def issues(*alerts, **settings):
    (result,) = decide_strict(snapshot(alerts=list(alerts)), **settings).account.feeds
    assert result.best is not None
    return result.best.issues


def test_every_problem_of_an_alert_is_recorded():
    assert issues(alert(status="DISABLED", action_policy="", start="-5m")) == (
        Disabled(state="DISABLED"),
        WindowGap(schedule="every 15m", window="-5m..now", window_seconds=300, interval_seconds=900),
        NoNotification(),
    )


def test_muted_alert_records_when_and_at_what_time_it_was_judged():
    until = datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert issues(alert(mute_until=int(until.timestamp()))) == (Muted(until=until, evaluated_at=COLLECTED),)


def test_both_thresholds_are_recorded_and_the_code_once():
    (result,) = decide_strict(
        snapshot(alerts=[alert(condition="cnt > 5", config={"threshold": 3})])
    ).account.feeds
    assert result.best.issues == (
        CountThresholdHigh(min_count=6, limit=1),
        ConsecutiveThresholdHigh(consecutive=3, limit=1),
    )
    assert (result.best.codes, result.best.advisories) == ((), ("ALERT_THRESHOLD_HIGH",))


def test_later_entry_under_no_merge_is_not_decisive():
    entries = [
        {"query": "* | select count(1) as c", "store": "other", "start": "-15m", "end": "now"},
        {"query": TEMPLATE_QUERY, "store": "actiontrail_main", "start": "-15m", "end": "now"},
    ]
    no_merge = {"joinConfigurations": [{"type": "no_join", "condition": ""}]}
    assert issues(alert(queries=entries, config=no_merge)) == (
        EntryNotDecisive(entries=2, joins=("no_join",), ignored_under_no_merge=True),
    )


def test_quoted_families_are_recorded_as_literal_wildcards():
    (issue,) = issues(alert(query=CIS_TEXT_QUERY))
    assert isinstance(issue, QueryIncomplete)
    assert issue.missed_codes == (
        "NoPermission.*",
        "Forbidden.*",
        "InvalidAccessKeyId.*",
        "InvalidSecurityToken.*",
    )
    assert issue.literal_wildcards == (
        'event.errorCode: "Forbidden.*"',
        'event.errorCode: "InvalidAccessKeyId.*"',
        'event.errorCode: "InvalidSecurityToken.*"',
        'event.errorCode: "NoPermission.*"',
    )
    assert issue.index_source == "SLS defaults"


def test_unexpanded_template_is_taken_from_the_template():
    template = alert(
        name="cis_at_unauth_apicall",
        queries=[],
        config={
            "type": "tpl",
            "templateConfiguration": {
                "id": "sls.app.actiontrail.cis.at.unauth_apicall",
                "tokens": {"default.project": "audit", "default.logstore": "actiontrail_main"},
            },
        },
    )
    assert issues(template) == (FromTemplate(identity="actiontrail template"),)
