"""Binding of alerts to feeds and checks 1-6 of an effective alert, through the whole profile."""

from __future__ import annotations

import pytest

from tests.builders import (
    ACCOUNT,
    CODES,
    REGION,
    TEMPLATE_QUERY,
    account_finding,
    alert,
    run_strict,
    snapshot,
    trail_finding,
)

TEMPLATE_ID = "sls.app.actiontrail.cis.at.unauth_apicall"


def verdict(alerts, **settings):
    found = account_finding(run_strict(snapshot(alerts=alerts), **settings))
    return found.status, found.reason_codes, found.advisories


def template_alert(**kwargs):
    tokens = kwargs.pop("tokens", {"default.project": "audit", "default.logstore": "actiontrail_main"})
    return alert(
        name="cis_at_unauth_apicall",
        queries=kwargs.pop("queries", []),
        config={
            "type": "tpl",
            "templateConfiguration": {"id": TEMPLATE_ID, "type": "sys", "version": "1.0", "tokens": tokens},
        },
        **kwargs,
    )


# (id, alerts, settings, status, codes, advisories)
CASES = [
    ("effective", [alert()], {}, "ok", [], []),
    ("wrong-logstore", [alert(store="actiontrail_other")], {}, "alarm", ["ALERT_WRONG_LOGSTORE"], []),
    ("wrong-region", [alert(region="cn-shanghai")], {}, "alarm", ["ALERT_WRONG_LOGSTORE"], []),
    (
        "metric-store",
        [
            alert(
                queries=[
                    {
                        "query": TEMPLATE_QUERY,
                        "store": "actiontrail_main",
                        "storeType": "metric",
                        "start": "-15m",
                        "end": "now",
                    }
                ]
            )
        ],
        {},
        "alarm",
        ["ALERT_WRONG_LOGSTORE"],
        [],
    ),
    (
        "unrelated-alert-only",
        [alert(query="status >= 500 | select count(1) as cnt", store="nginx")],
        {},
        "alarm",
        ["ALERT_MISSING"],
        [],
    ),
    ("no-alert", [], {}, "alarm", ["ALERT_MISSING"], []),
    ("legacy-logStore-key", [alert(legacy_store=True)], {}, "ok", [], []),
    ("explicit-project-and-region", [alert(project="audit", region=REGION)], {}, "ok", [], []),
    (
        # Several entries are combined by joinConfigurations; none stated: whether the feed's rows
        # reach the trigger cannot be proven (under No Merge only entry 0 would count).
        "second-entry-on-feed",
        [
            alert(
                queries=[
                    {"query": "* | select count(1) as c", "store": "other", "start": "-15m", "end": "now"},
                    {"query": TEMPLATE_QUERY, "store": "actiontrail_main", "start": "-15m", "end": "now"},
                ]
            )
        ],
        {},
        "info",
        ["ALERT_QUERY_UNVERIFIABLE"],
        [],
    ),
    (
        "second-entry-on-feed-no-merge-is-ignored",
        [
            alert(
                queries=[
                    {"query": "* | select count(1) as c", "store": "other", "start": "-15m", "end": "now"},
                    {"query": TEMPLATE_QUERY, "store": "actiontrail_main", "start": "-15m", "end": "now"},
                ],
                config={"joinConfigurations": [{"type": "no_join", "condition": ""}]},
            )
        ],
        {},
        "info",
        ["ALERT_QUERY_UNVERIFIABLE"],
        [],
    ),
    (
        "first-entry-on-feed-inner-join-may-drop-rows",
        [
            alert(
                queries=[
                    {"query": TEMPLATE_QUERY, "store": "actiontrail_main", "start": "-15m", "end": "now"},
                    {"query": "* | select count(1) as c", "store": "other", "start": "-15m", "end": "now"},
                ],
                config={"joinConfigurations": [{"type": "inner_join", "condition": "$0.cnt == $1.c"}]},
            )
        ],
        {},
        "info",
        ["ALERT_QUERY_UNVERIFIABLE"],
        [],
    ),
    (
        "first-entry-on-feed-no-merge",
        [
            alert(
                queries=[
                    {"query": TEMPLATE_QUERY, "store": "actiontrail_main", "start": "-15m", "end": "now"},
                    {"query": "* | select count(1) as c", "store": "other", "start": "-15m", "end": "now"},
                ],
                config={"joinConfigurations": [{"type": "no_join", "condition": ""}]},
            )
        ],
        {},
        "ok",
        [],
        [],
    ),
    ("disabled", [alert(status="DISABLED")], {}, "alarm", ["ALERT_DISABLED"], []),
    ("legacy-state-disabled", [alert(status=None, state="Disabled")], {}, "alarm", ["ALERT_DISABLED"], []),
    ("lower-case-enabled", [alert(status="enabled")], {}, "ok", [], []),
    ("no-status", [alert(status=None)], {}, "info", ["ALERT_STATUS_UNKNOWN"], []),
    ("muted-future", [alert(mute_until=1893456000)], {}, "alarm", ["ALERT_MUTED"], []),  # 2030
    ("muted-past", [alert(mute_until=1700000000)], {}, "ok", [], []),  # 2023
    ("muted-milliseconds", [alert(mute_until=1893456000000)], {}, "alarm", ["ALERT_MUTED"], []),
    ("no-notification", [alert(action_policy="")], {}, "alarm", ["ALERT_NO_NOTIFICATION"], []),
    ("notification-not-required", [alert(action_policy="")], {"require_notification": False}, "ok", [], []),
    ("alert-policy-only", [alert(action_policy="", alert_policy="sls.builtin.dynamic")], {}, "ok", [], []),
    (
        "legacy-notification-list",
        [
            alert(
                action_policy="",
                config={"notificationList": [{"type": "Email", "emailList": ["secops@example.com"]}]},
            )
        ],
        {},
        "ok",
        [],
        [],
    ),
    ("threshold-high", [alert(condition="cnt > 5")], {}, "ok", [], ["ALERT_THRESHOLD_HIGH"]),
    ("threshold-high-allowed", [alert(condition="cnt > 5")], {"max_threshold": 6}, "ok", [], []),
    ("threshold-ge-one", [alert(condition="cnt >= 1")], {}, "ok", [], []),
    ("consecutive-evaluations", [alert(config={"threshold": 3})], {}, "ok", [], ["ALERT_THRESHOLD_HIGH"]),
    ("never-fires", [alert(condition="cnt < 0")], {}, "alarm", ["ALERT_NEVER_FIRES"], []),
    (
        "never-fires-contradiction",
        [alert(condition="cnt > 0 && cnt < 1")],
        {},
        "alarm",
        ["ALERT_NEVER_FIRES"],
        [],
    ),
    (
        "count-condition-on-one-row",
        [alert(count_condition="__count__ > 1")],
        {},
        "alarm",
        ["ALERT_NEVER_FIRES"],
        [],
    ),
    (
        "condition-reads-other-column",
        [alert(condition="cnt > 0 && region == 'cn-hangzhou'")],
        {},
        "info",
        ["ALERT_CONDITION_UNVERIFIABLE"],
        [],
    ),
    ("empty-condition-fires-on-data", [alert(condition="")], {}, "ok", [], ["ALERT_ALWAYS_FIRES"]),
    (
        "condition-configuration",
        [alert(config={"severityConfigurations": [], "conditionConfiguration": {"condition": "cnt > 0"}})],
        {},
        "ok",
        [],
        [],
    ),
    (
        "no-pipe-count-condition",
        [alert(query=TEMPLATE_QUERY.split(" |")[0], condition="", count_condition="__count__ > 2")],
        {},
        "ok",
        [],
        ["ALERT_THRESHOLD_HIGH"],
    ),
    (
        "no-pipe-cnt-condition",
        [alert(query=TEMPLATE_QUERY.split(" |")[0])],
        {},
        "info",
        ["ALERT_CONDITION_UNVERIFIABLE"],
        [],
    ),
    ("window-gap", [alert(start="-5m")], {}, "alarm", ["ALERT_WINDOW_GAP"], []),
    ("window-longer-than-interval", [alert(start="-1h", interval="15m")], {}, "ok", [], []),
    ("window-truncated-start", [alert(start="-15m@m")], {}, "ok", [], []),
    ("window-relative-end", [alert(start="-20m", end="-10m")], {}, "alarm", ["ALERT_WINDOW_GAP"], []),
    ("window-absolute", [alert(start="1764370800", end="1764371700")], {}, "alarm", ["ALERT_WINDOW_GAP"], []),
    ("window-unreadable", [alert(start="yesterday")], {}, "info", ["ALERT_SCHEDULE_UNVERIFIABLE"], []),
    (
        "cron-every-15m",
        [alert(schedule={"type": "Cron", "cronExpression": "*/15 * * * *"})],
        {},
        "ok",
        [],
        [],
    ),
    (
        "cron-office-hours",
        [alert(start="-1h", schedule={"type": "Cron", "cronExpression": "0 9-17 * * 1-5"})],
        {},
        "alarm",
        ["ALERT_WINDOW_GAP"],
        [],
    ),
    ("hourly-with-hour-window", [alert(start="-1h", schedule={"type": "Hourly"})], {}, "ok", [], []),
    (
        "daily-with-15m-window",
        [alert(schedule={"type": "Daily", "hour": 3})],
        {},
        "alarm",
        ["ALERT_WINDOW_GAP"],
        [],
    ),
    (
        "unknown-schedule",
        [alert(schedule={"type": "Resident"})],
        {},
        "info",
        ["ALERT_SCHEDULE_UNVERIFIABLE"],
        [],
    ),
    ("template-unexpanded", [template_alert()], {}, "ok", [], ["ALERT_FROM_TEMPLATE"]),
    (
        "template-on-other-logstore",
        [template_alert(tokens={"default.logstore": "actiontrail_old"})],
        {},
        "alarm",
        ["ALERT_WRONG_LOGSTORE"],
        [],
    ),
    (
        "template-schedule-still-checked",
        [template_alert(interval="1h")],
        {},
        "alarm",
        ["ALERT_WINDOW_GAP"],
        ["ALERT_FROM_TEMPLATE"],
    ),
    (
        "template-expanded-judged",
        [
            template_alert(
                queries=[
                    {"query": TEMPLATE_QUERY, "store": "actiontrail_main", "start": "-30m", "end": "now"}
                ]
            )
        ],
        {},
        "ok",
        [],
        [],
    ),
    (
        # A filtering analytic statement was read: identity does not stand in for it (it could be
        # `where 1 = 0`), so the edited template is unverifiable like any other alert.
        "template-filtering-sql-is-unverifiable",
        [
            template_alert(
                queries=[
                    {
                        "query": TEMPLATE_QUERY + " where 1 = 1",
                        "store": "actiontrail_main",
                        "start": "-30m",
                        "end": "now",
                    }
                ]
            )
        ],
        {},
        "info",
        ["ALERT_QUERY_UNVERIFIABLE"],
        [],
    ),
    (
        "template-sql-that-drops-every-row-is-not-ok",
        [
            template_alert(
                queries=[
                    {
                        "query": TEMPLATE_QUERY + " where 1 = 0",
                        "store": "actiontrail_main",
                        "start": "-30m",
                        "end": "now",
                    }
                ]
            )
        ],
        {},
        "info",
        ["ALERT_QUERY_UNVERIFIABLE"],
        [],
    ),
    (
        "template-unreadable-search-accepted",
        [
            template_alert(
                queries=[
                    {
                        "query": "event.errorCode: a:b:c | select count(1) as cnt",
                        "store": "actiontrail_main",
                        "start": "-30m",
                        "end": "now",
                    }
                ]
            )
        ],
        {},
        "ok",
        [],
        ["ALERT_FROM_TEMPLATE"],
    ),
    (
        "several-problems-at-once",
        [alert(status="DISABLED", action_policy="", start="-5m")],
        {},
        "alarm",
        ["ALERT_DISABLED", "ALERT_NO_NOTIFICATION", "ALERT_WINDOW_GAP"],
        [],
    ),
    ("best-alert-wins", [alert(name="broken", status="DISABLED"), alert(name="good")], {}, "ok", [], []),
]


@pytest.mark.parametrize(
    ("alerts", "settings", "status", "codes", "advisories"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_alert_checks(alerts, settings, status, codes, advisories):
    assert verdict(alerts, **settings) == (status, codes, advisories)


def test_template_with_unexpanded_query_entry_binds_by_its_store():
    entry = {"query": "", "store": "actiontrail_main", "start": "-30m", "end": "now"}
    status, codes, advisories = verdict([template_alert(queries=[entry])])
    assert (status, codes) == ("ok", [])
    assert advisories == ["ALERT_FROM_TEMPLATE"]


def test_mute_is_judged_at_settings_now():
    from datetime import datetime, timezone

    later = datetime(2031, 1, 1, tzinfo=timezone.utc)
    assert verdict([alert(mute_until=1893456000)], now=later)[0] == "ok"


def test_alert_in_another_project_binds_by_explicit_project():
    doc = snapshot(alerts=[], projects={"ops": {"alerts": [alert(project="audit")]}})
    found = account_finding(run_strict(doc))
    assert found.status == "ok"
    assert found.evidence.alert.project == "ops"


def test_alert_in_another_project_defaults_to_its_own_project():
    doc = snapshot(alerts=[], projects={"ops": {"alerts": [alert()]}})
    found = trail_finding(run_strict(doc))
    assert found.reason_codes == ["ALERT_WRONG_LOGSTORE"]
    assert "'unauth' (project ops) on ops/actiontrail_main" in found.reason


def test_log_audit_central_logstore_is_a_feed():
    project = f"slsaudit-center-{ACCOUNT}-{REGION}"
    audit = alert(
        name="sls_app_audit_cis_at_unauth_apicall", store="actiontrail_log", start="-2m", interval="1m"
    )
    doc = snapshot(trails=[], alerts=[audit], project=project)
    assert account_finding(run_strict(doc)).status == "ok"
    refused = account_finding(run_strict(doc, accept_log_audit=False))
    assert (refused.status, refused.reason_codes) == ("alarm", ["NO_TRAIL"])
    assert refused.advisories == ["LOG_AUDIT_NOT_ACCEPTED"]


def test_log_audit_builtin_recognised_by_name_without_query():
    project = f"slsaudit-center-{ACCOUNT}-{REGION}"
    audit = alert(name="sls_app_audit_cis_at_unauth_apicall", queries=[], interval="1m")
    found = account_finding(run_strict(snapshot(trails=[], alerts=[audit], project=project)))
    assert (found.status, found.advisories) == ("ok", ["ALERT_FROM_TEMPLATE"])


def test_log_audit_project_of_another_account_is_not_a_feed():
    project = f"slsaudit-center-9999999999999999-{REGION}"
    doc = snapshot(trails=[], alerts=[alert(store="actiontrail_log")], project=project)
    assert account_finding(run_strict(doc)).reason_codes == ["NO_TRAIL"]


def test_evidence_of_effective_alert():
    evidence = account_finding(run_strict(snapshot())).evidence.alert
    assert evidence.notification.model_dump() == {"actionPolicyId": "sls.app.actiontrail.builtin"}
    assert evidence.window.window_seconds == 900 and evidence.window.interval_seconds == 900
    assert evidence.trigger.min_count_to_fire == 1
    assert evidence.query_verdict == "complete"


def test_log_audit_query_filtering_on_its_topic_is_judged_with_log_audit_events():
    # Log Audit tags events `__topic__: actiontrail_event`; trail delivery uses another topic.
    project = f"slsaudit-center-{ACCOUNT}-{REGION}"
    codes = " or ".join(f"event.errorCode: {code}" for code in CODES)
    text = f"__topic__: actiontrail_event and event.eventType: ApiCall and ({codes}) | select count(1) as cnt"
    audit = alert(name="audit-unauth", store="actiontrail_log", query=text)
    assert account_finding(run_strict(snapshot(trails=[], alerts=[audit], project=project))).status == "ok"
    # The same query on a trail's own logstore matches nothing: its events carry the trail topic.
    found = trail_finding(run_strict(snapshot(alerts=[alert(query=text)])))
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_QUERY_INCOMPLETE"])


@pytest.mark.parametrize("condition", ["", "cnt >= 0", "cnt > -1 || cnt > 5"])
def test_condition_that_holds_without_calls_is_advised_as_always_firing(condition):
    # A count query returns its row even when nothing matched; these conditions fire on every run.
    found = trail_finding(run_strict(snapshot(alerts=[alert(condition=condition)])))
    assert (found.status, found.advisories) == ("ok", ["ALERT_ALWAYS_FIRES"])


@pytest.mark.parametrize("condition", ["cnt > 0", "cnt >= 1", "cnt > 5"])
def test_condition_that_needs_a_call_is_not_always_firing(condition):
    found = trail_finding(run_strict(snapshot(alerts=[alert(condition=condition)])))
    expected = ["ALERT_THRESHOLD_HIGH"] if condition == "cnt > 5" else []
    assert (found.status, found.advisories) == ("ok", expected)


def test_no_pipe_returns_no_row_without_calls_so_an_empty_condition_is_not_always_firing():
    query = TEMPLATE_QUERY.split("|")[0]
    found = trail_finding(run_strict(snapshot(alerts=[alert(query=query, condition="")])))
    assert (found.status, found.advisories) == ("ok", [])


@pytest.mark.parametrize("condition", ["cnt == 1", "cnt > 0 && cnt < 5", "cnt % 2 == 1"])
def test_condition_that_stops_firing_on_more_calls_is_an_alarm(condition: str) -> None:
    # `cnt == 1`: two unauthorized calls in one window alert nobody.
    found = account_finding(run_strict(snapshot(alerts=[alert(condition=condition)])))
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_CONDITION_GAPS"])
    assert found.evidence.alert.trigger.stops_firing_at is not None


@pytest.mark.parametrize("condition", ["cnt > 0", "cnt >= 1", "cnt != 0", "cnt > 0 || cnt < 0", "cnt > 5"])
def test_condition_that_keeps_firing_has_no_gap(condition: str) -> None:
    found = account_finding(run_strict(snapshot(alerts=[alert(condition=condition)])))
    assert found.status == "ok"
    assert found.evidence.alert.trigger.stops_firing_at is None
