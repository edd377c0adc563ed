"""Binding of alerts to feeds and checks 1-6 of an effective alert, through the whole profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.builders import (
    ACCOUNT,
    CODES,
    LOGSTORE,
    REGION,
    TEMPLATE_QUERY,
    UNSET,
    account_finding,
    alert,
    query_entry,
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


def entry(query=TEMPLATE_QUERY, *, store=LOGSTORE, start="-15m"):
    """A queryList entry that leaves storeType to its default (a logstore)."""
    return query_entry(query=query, store=store, start=start, store_type=UNSET)


OTHER_ENTRY = entry("* | select count(1) as c", store="other")
NO_MERGE = {"joinConfigurations": [{"type": "no_join", "condition": ""}]}


@dataclass(frozen=True)
class Case:
    """The alerts of the one trail's logstore, the settings, and the account's expected verdict."""

    alerts: list[dict[str, Any]]
    status: str
    codes: list[str] = field(default_factory=list)
    advisories: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)


CASES = [
    pytest.param(Case(alerts=[alert()], status="ok"), id="effective"),
    pytest.param(
        Case(alerts=[alert(store="actiontrail_other")], status="alarm", codes=["ALERT_WRONG_LOGSTORE"]),
        id="wrong-logstore",
    ),
    pytest.param(
        Case(alerts=[alert(region="cn-shanghai")], status="alarm", codes=["ALERT_WRONG_LOGSTORE"]),
        id="wrong-region",
    ),
    pytest.param(
        Case(
            alerts=[alert(queries=[query_entry(store_type="metric")])],
            status="alarm",
            codes=["ALERT_WRONG_LOGSTORE"],
        ),
        id="metric-store",
    ),
    pytest.param(
        Case(
            alerts=[alert(query="status >= 500 | select count(1) as cnt", store="nginx")],
            status="alarm",
            codes=["ALERT_MISSING"],
        ),
        id="unrelated-alert-only",
    ),
    pytest.param(Case(alerts=[], status="alarm", codes=["ALERT_MISSING"]), id="no-alert"),
    pytest.param(Case(alerts=[alert(legacy_store=True)], status="ok"), id="legacy-logStore-key"),
    pytest.param(
        Case(alerts=[alert(project="audit", region=REGION)], status="ok"), id="explicit-project-and-region"
    ),
    # Several entries are combined by joinConfigurations; none stated: whether the feed's rows
    # reach the trigger cannot be proven (under No Merge only entry 0 would count).
    pytest.param(
        Case(
            alerts=[alert(queries=[OTHER_ENTRY, entry()])],
            status="info",
            codes=["ALERT_QUERY_UNVERIFIABLE"],
        ),
        id="second-entry-on-feed",
    ),
    pytest.param(
        Case(
            alerts=[alert(queries=[OTHER_ENTRY, entry()], config=NO_MERGE)],
            status="info",
            codes=["ALERT_QUERY_UNVERIFIABLE"],
        ),
        id="second-entry-on-feed-no-merge-is-ignored",
    ),
    pytest.param(
        Case(
            alerts=[
                alert(
                    queries=[entry(), OTHER_ENTRY],
                    config={"joinConfigurations": [{"type": "inner_join", "condition": "$0.cnt == $1.c"}]},
                )
            ],
            status="info",
            codes=["ALERT_QUERY_UNVERIFIABLE"],
        ),
        id="first-entry-on-feed-inner-join-may-drop-rows",
    ),
    pytest.param(
        Case(alerts=[alert(queries=[entry(), OTHER_ENTRY], config=NO_MERGE)], status="ok"),
        id="first-entry-on-feed-no-merge",
    ),
    pytest.param(
        Case(alerts=[alert(status="DISABLED")], status="alarm", codes=["ALERT_DISABLED"]), id="disabled"
    ),
    pytest.param(
        Case(alerts=[alert(status=None, state="Disabled")], status="alarm", codes=["ALERT_DISABLED"]),
        id="legacy-state-disabled",
    ),
    pytest.param(Case(alerts=[alert(status="enabled")], status="ok"), id="lower-case-enabled"),
    pytest.param(
        Case(alerts=[alert(status=None)], status="info", codes=["ALERT_STATUS_UNKNOWN"]), id="no-status"
    ),
    pytest.param(
        Case(alerts=[alert(mute_until=1893456000)], status="alarm", codes=["ALERT_MUTED"]),  # 2030
        id="muted-future",
    ),
    pytest.param(Case(alerts=[alert(mute_until=1700000000)], status="ok"), id="muted-past"),  # 2023
    pytest.param(
        Case(alerts=[alert(mute_until=1893456000000)], status="alarm", codes=["ALERT_MUTED"]),
        id="muted-milliseconds",
    ),
    pytest.param(
        Case(alerts=[alert(action_policy="")], status="alarm", codes=["ALERT_NO_NOTIFICATION"]),
        id="no-notification",
    ),
    pytest.param(
        Case(alerts=[alert(action_policy="")], status="ok", settings={"require_notification": False}),
        id="notification-not-required",
    ),
    pytest.param(
        Case(alerts=[alert(action_policy="", alert_policy="sls.builtin.dynamic")], status="ok"),
        id="alert-policy-only",
    ),
    pytest.param(
        Case(
            alerts=[
                alert(
                    action_policy="",
                    config={"notificationList": [{"type": "Email", "emailList": ["secops@example.com"]}]},
                )
            ],
            status="ok",
        ),
        id="legacy-notification-list",
    ),
    pytest.param(
        Case(alerts=[alert(condition="cnt > 5")], status="ok", advisories=["ALERT_THRESHOLD_HIGH"]),
        id="threshold-high",
    ),
    pytest.param(
        Case(alerts=[alert(condition="cnt > 5")], status="ok", settings={"max_threshold": 6}),
        id="threshold-high-allowed",
    ),
    pytest.param(Case(alerts=[alert(condition="cnt >= 1")], status="ok"), id="threshold-ge-one"),
    pytest.param(
        Case(alerts=[alert(config={"threshold": 3})], status="ok", advisories=["ALERT_THRESHOLD_HIGH"]),
        id="consecutive-evaluations",
    ),
    pytest.param(
        Case(alerts=[alert(condition="cnt < 0")], status="alarm", codes=["ALERT_NEVER_FIRES"]),
        id="never-fires",
    ),
    pytest.param(
        Case(alerts=[alert(condition="cnt > 0 && cnt < 1")], status="alarm", codes=["ALERT_NEVER_FIRES"]),
        id="never-fires-contradiction",
    ),
    pytest.param(
        Case(alerts=[alert(count_condition="__count__ > 1")], status="alarm", codes=["ALERT_NEVER_FIRES"]),
        id="count-condition-on-one-row",
    ),
    pytest.param(
        Case(
            alerts=[alert(condition="cnt > 0 && region == 'cn-hangzhou'")],
            status="info",
            codes=["ALERT_CONDITION_UNVERIFIABLE"],
        ),
        id="condition-reads-other-column",
    ),
    pytest.param(
        Case(alerts=[alert(condition="")], status="ok", advisories=["ALERT_ALWAYS_FIRES"]),
        id="empty-condition-fires-on-data",
    ),
    pytest.param(
        Case(
            alerts=[
                alert(
                    config={"severityConfigurations": [], "conditionConfiguration": {"condition": "cnt > 0"}}
                )
            ],
            status="ok",
        ),
        id="condition-configuration",
    ),
    pytest.param(
        Case(
            alerts=[
                alert(query=TEMPLATE_QUERY.split(" |")[0], condition="", count_condition="__count__ > 2")
            ],
            status="ok",
            advisories=["ALERT_THRESHOLD_HIGH"],
        ),
        id="no-pipe-count-condition",
    ),
    pytest.param(
        Case(
            alerts=[alert(query=TEMPLATE_QUERY.split(" |")[0])],
            status="info",
            codes=["ALERT_CONDITION_UNVERIFIABLE"],
        ),
        id="no-pipe-cnt-condition",
    ),
    pytest.param(
        Case(alerts=[alert(start="-5m")], status="alarm", codes=["ALERT_WINDOW_GAP"]), id="window-gap"
    ),
    pytest.param(
        Case(alerts=[alert(start="-1h", interval="15m")], status="ok"), id="window-longer-than-interval"
    ),
    pytest.param(Case(alerts=[alert(start="-15m@m")], status="ok"), id="window-truncated-start"),
    pytest.param(
        Case(alerts=[alert(start="-20m", end="-10m")], status="alarm", codes=["ALERT_WINDOW_GAP"]),
        id="window-relative-end",
    ),
    pytest.param(
        Case(
            alerts=[alert(start="1764370800", end="1764371700")], status="alarm", codes=["ALERT_WINDOW_GAP"]
        ),
        id="window-absolute",
    ),
    pytest.param(
        Case(alerts=[alert(start="yesterday")], status="info", codes=["ALERT_SCHEDULE_UNVERIFIABLE"]),
        id="window-unreadable",
    ),
    pytest.param(
        Case(alerts=[alert(schedule={"type": "Cron", "cronExpression": "*/15 * * * *"})], status="ok"),
        id="cron-every-15m",
    ),
    pytest.param(
        Case(
            alerts=[alert(start="-1h", schedule={"type": "Cron", "cronExpression": "0 9-17 * * 1-5"})],
            status="alarm",
            codes=["ALERT_WINDOW_GAP"],
        ),
        id="cron-office-hours",
    ),
    pytest.param(
        Case(alerts=[alert(start="-1h", schedule={"type": "Hourly"})], status="ok"),
        id="hourly-with-hour-window",
    ),
    pytest.param(
        Case(
            alerts=[alert(schedule={"type": "Daily", "hour": 3})], status="alarm", codes=["ALERT_WINDOW_GAP"]
        ),
        id="daily-with-15m-window",
    ),
    pytest.param(
        Case(
            alerts=[alert(schedule={"type": "Resident"})],
            status="info",
            codes=["ALERT_SCHEDULE_UNVERIFIABLE"],
        ),
        id="unknown-schedule",
    ),
    pytest.param(
        Case(alerts=[template_alert()], status="ok", advisories=["ALERT_FROM_TEMPLATE"]),
        id="template-unexpanded",
    ),
    pytest.param(
        Case(
            alerts=[template_alert(tokens={"default.logstore": "actiontrail_old"})],
            status="alarm",
            codes=["ALERT_WRONG_LOGSTORE"],
        ),
        id="template-on-other-logstore",
    ),
    pytest.param(
        Case(
            alerts=[template_alert(interval="1h")],
            status="alarm",
            codes=["ALERT_WINDOW_GAP"],
            advisories=["ALERT_FROM_TEMPLATE"],
        ),
        id="template-schedule-still-checked",
    ),
    pytest.param(
        Case(alerts=[template_alert(queries=[entry(start="-30m")])], status="ok"),
        id="template-expanded-judged",
    ),
    # The analytic statement is executed, not taken on identity: `where 1 = 1` keeps every call,
    # so the edited template is as effective as the template (was `info` while any WHERE was
    # refused on sight).
    pytest.param(
        Case(
            alerts=[template_alert(queries=[entry(TEMPLATE_QUERY + " where 1 = 1", start="-30m")])],
            status="ok",
        ),
        id="template-where-that-keeps-every-row-is-ok",
    ),
    # Executed: `where 1 = 0` drops every call, so no code is ever counted (was `info`).
    pytest.param(
        Case(
            alerts=[template_alert(queries=[entry(TEMPLATE_QUERY + " where 1 = 0", start="-30m")])],
            status="alarm",
            codes=["ALERT_QUERY_INCOMPLETE"],
        ),
        id="template-sql-that-drops-every-row-is-not-ok",
    ),
    pytest.param(
        Case(
            alerts=[
                template_alert(
                    queries=[entry("event.errorCode: a:b:c | select count(1) as cnt", start="-30m")]
                )
            ],
            status="ok",
            advisories=["ALERT_FROM_TEMPLATE"],
        ),
        id="template-unreadable-search-accepted",
    ),
    pytest.param(
        Case(
            alerts=[alert(status="DISABLED", action_policy="", start="-5m")],
            status="alarm",
            codes=["ALERT_DISABLED", "ALERT_NO_NOTIFICATION", "ALERT_WINDOW_GAP"],
        ),
        id="several-problems-at-once",
    ),
    pytest.param(
        Case(alerts=[alert(name="broken", status="DISABLED"), alert(name="good")], status="ok"),
        id="best-alert-wins",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_alert_checks(case: Case) -> None:
    assert verdict(case.alerts, **case.settings) == (case.status, case.codes, case.advisories)


def test_template_with_unexpanded_query_entry_binds_by_its_store():
    status, codes, advisories = verdict([template_alert(queries=[entry("", start="-30m")])])
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
