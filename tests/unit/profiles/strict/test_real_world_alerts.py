"""Alert configurations as published (landing-zone code, Alibaba's documentation, other tools'
advice), paraphrased, through the whole strict profile. Each case names its source."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import (
    ACCOUNT,
    REGION,
    account,
    alert,
    ors,
    run,
    snapshot,
    trail_finding,
)

TEMPLATE_ID = "sls.app.actiontrail.cis.at.unauth_apicall"
SEARCH = "event.eventType: ApiCall and (" + ors("event.errorCode: {}") + ")"
# The CIS list as Alibaba's rules spell it: unquoted values, the benchmark's typo included.
SEARCH_WITH_TYPO = SEARCH[:-1] + " or event.errorCode: Forbbiden)"
PER_SOURCE = (
    ' | select "event.userIdentity.accountId" as account_id, "event.serviceName" as service_name, '
    '"event.sourceIpAddress" as source_ip, count(1) as cnt group by account_id, service_name, source_ip '
    "order by cnt desc limit 10000"
)


def template_alert(tokens: dict[str, str], **config: Any) -> dict[str, Any]:
    """An alert as a `tpl` listing returns it: template id and tokens, no expanded query."""
    doc = alert(name="cis_at_unauth_apicall", queries=[], interval="15m")
    doc["configuration"] = {
        "version": "2.0",
        "type": "tpl",
        "templateConfiguration": {"id": TEMPLATE_ID, "type": "sys", "lang": "en", "tokens": tokens},
        **config,
    }
    return doc


TOKENS = {"default.project": "audit", "default.logstore": "actiontrail_main"}

# (id, alert, status, reason codes, advisories)
CASES = [
    # aliyun/alibabacloud-landing-zone, terraform-modules/...-actiontrail-event-alert/
    # cis_at_unauth_apicall.tf (template form): tokens bind project, logstore and action policy.
    (
        "landing-zone-template-with-policy-token",
        template_alert({**TOKENS, "default.action_policy": "secops-policy"}),
        "ok",
        [],
        ["ALERT_THRESHOLD_HIGH", "ALERT_THRESHOLD_PER_GROUP", "ALERT_FROM_TEMPLATE"],
    ),
    # The same module's older template form: no policy token; the template's default policy
    # notifies (was ALERT_NO_NOTIFICATION, and ALERT_ALWAYS_FIRES for the missing trigger).
    (
        "landing-zone-template-without-policy-token",
        template_alert(TOKENS),
        "ok",
        [],
        ["ALERT_THRESHOLD_HIGH", "ALERT_THRESHOLD_PER_GROUP", "ALERT_FROM_TEMPLATE"],
    ),
    # The same module's expanded form: per account, service and address, `cnt > 5`, 30 minutes.
    (
        "landing-zone-expanded",
        alert(query=SEARCH_WITH_TYPO + PER_SOURCE, condition="cnt > 5", start="-30m"),
        "ok",
        [],
        ["ALERT_THRESHOLD_HIGH", "ALERT_THRESHOLD_PER_GROUP"],
    ),
    # ISSUE-11 class 4: the same grouping with `cnt > 0` fires on one call in any group.
    (
        "grouped-per-access-key-fires-on-one-call",
        alert(query=SEARCH + ' | select "event.userIdentity.accessKeyId" as ak, count(1) as cnt group by ak'),
        "ok",
        [],
        [],
    ),
    # ISSUE-11 class 2 (other tools' advice "alert on API errors per account"): every failed call
    # counted per account, `cnt > 0`: it does alert on every unauthorized call, noisily.
    (
        "all-failed-calls-per-account",
        alert(
            query='event.errorCode: * | select "event.userIdentity.accountId" as account, count(1) as cnt '
            "group by account"
        ),
        "ok",
        [],
        ["ALERT_QUERY_BROAD"],
    ),
    # ISSUE-11 class 2: the tested column counts only successful calls: never on an unauthorized one.
    (
        "counts-only-successful-calls",
        alert(
            query='* | select "event.userIdentity.accountId" as account, '
            'count_if("event.errorCode" is null) as cnt group by account'
        ),
        "alarm",
        ["ALERT_QUERY_INCOMPLETE"],
        [],
    ),
    # ISSUE-11 class 2: spellings of real statements, executed.
    (
        "coalesce-case-arbitrary-date-format",
        alert(
            query=SEARCH + " | select coalesce(\"event.userIdentity.userName\", 'unknown') as who, "
            'arbitrary("event.sourceIpAddress") as ip, '
            "date_format(from_unixtime(max(__time__)), '%Y-%m-%d %H:%i:%s') as last_seen, "
            'sum(case when "event.errorCode" is not null then 1 else 0 end) as cnt, count(1) as "调用次数" '
            "group by who"
        ),
        "ok",
        [],
        [],
    ),
    (
        "having-per-source",
        alert(
            query=SEARCH + ' | select "event.sourceIpAddress" as ip, count(1) as cnt group by ip '
            "having count(1) > 3"
        ),
        "ok",
        [],
        ["ALERT_THRESHOLD_HIGH", "ALERT_THRESHOLD_PER_GROUP"],
    ),
    # ISSUE-11 class 3: the search part already drops codes; the SQL after it cannot be run.
    (
        "incomplete-search-before-unrunnable-sql",
        alert(
            query="event.eventType: ApiCall and event.errorCode: NoPermission | select count(1) as cnt "
            "from log join other on 1 = 1"
        ),
        "alarm",
        ["ALERT_QUERY_INCOMPLETE"],
        [],
    ),
    # What truly cannot be executed stays unverifiable, the construct named.
    (
        "window-function",
        alert(query=SEARCH + " | select count(1) over () as cnt"),
        "info",
        ["ALERT_QUERY_UNVERIFIABLE"],
        [],
    ),
]


@pytest.mark.parametrize(
    ("doc", "status", "codes", "advisories"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_published_alerts(doc, status, codes, advisories):
    found = account(run(snapshot(alerts=[doc])))
    assert (found.status, found.reason_codes, found.advisories) == (status, codes, advisories), found.reason


def test_template_without_policy_token_names_the_default_policy():
    found = trail_finding(run(snapshot(alerts=[template_alert(TOKENS)])))
    assert found.evidence.alert.notification.model_dump() == {"actionPolicyId": "sls.app.actiontrail.builtin"}
    assert "template's default action policy sls.app.actiontrail.builtin" in found.reason
    assert found.evidence.alert.window.window_seconds == 1800  # the template's documented window


def test_template_policy_token_is_its_notification():
    doc = template_alert({**TOKENS, "default.action_policy": "secops-policy"})
    evidence = trail_finding(run(snapshot(alerts=[doc]))).evidence.alert
    assert evidence.notification.model_dump() == {"actionPolicyId": "secops-policy"}


def test_per_group_threshold_is_said_with_its_numbers():
    found = trail_finding(run(snapshot(alerts=[template_alert(TOKENS)])))
    assert (
        "fires when one group reaches 6 unauthorized calls in a window, but 6 calls spread over 6 "
        "different callers, addresses and regions do not fire"
    ) in found.reason
    assert "group by account_id, service_name, source_ip" in found.reason


def test_expanded_template_is_judged_on_its_query():
    # A template alert whose queryList is expanded is judged on that query: here it drops codes.
    doc = template_alert(TOKENS)
    doc["configuration"]["queryList"] = [
        {
            "query": "event.eventType: ApiCall and event.errorCode: Forbidden.* | select count(1) as cnt",
            "store": "actiontrail_main",
            "start": "-30m",
            "end": "now",
        }
    ]
    found = account(run(snapshot(alerts=[doc])))
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_QUERY_INCOMPLETE"])


def test_log_audit_builtin_listed_by_name_is_judged_on_its_documented_rule():
    # SLS documentation, Log Audit "API calls" alert rules: sls_app_audit_cis_at_unauth_apicall,
    # every minute over 2 minutes, more than 5 calls from one address to one service.
    project = f"slsaudit-center-{ACCOUNT}-{REGION}"
    audit = alert(
        name="sls_app_audit_cis_at_unauth_apicall",
        queries=[],
        interval="1m",
        config={"severityConfigurations": []},
    )
    found = account(run(snapshot(trails=[], alerts=[audit], project=project)))
    assert (found.status, found.reason_codes) == ("ok", [])
    assert found.advisories == ["ALERT_THRESHOLD_HIGH", "ALERT_THRESHOLD_PER_GROUP", "ALERT_FROM_TEMPLATE"]
    assert found.evidence.alert.window.window_seconds == 120


def test_trigger_that_misses_some_codes_names_them():
    # The query sees every call; the tested column counts only the Forbidden ones.
    query = SEARCH + " | select count(1) as total, count_if(\"event.errorCode\" like 'Forbidden%') as cnt"
    found = trail_finding(run(snapshot(alerts=[alert(query=query)])))
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_QUERY_INCOMPLETE"])
    assert "never fires on the calls of NoPermission, NoPermission.*, InvalidAccessKeyId" in found.reason
