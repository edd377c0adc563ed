"""Answers typed on arrival: a readable item is its model (raw kept), an unreadable one a ScanError."""

from __future__ import annotations

from cis216.inventory import Alert, Logstore, ScanError, Trail
from cis216.shell.collect.answers import AnswerReader

READER = AnswerReader("1234567890123456", "2026-11-29T02:00:00Z")
TRAIL = {"Name": "audit", "Status": "Enable", "SlsProjectArn": "acs:log:cn-hangzhou:1:project/proj", "New": 1}


def test_a_readable_trail_is_a_trail_keeping_the_answer_verbatim():
    [trail] = READER.trails("cn-hangzhou", [TRAIL])
    assert isinstance(trail, Trail)
    assert trail.raw == TRAIL and trail.name == "audit" and trail.sls_region == "cn-hangzhou"


def test_an_unreadable_trail_is_a_malformed_response_naming_where_and_what():
    [ok, odd] = READER.trails("cn-hangzhou", [TRAIL, {"Name": "odd", "Status": [1]}])
    assert isinstance(ok, Trail)
    assert odd == ScanError(
        api="DescribeTrails",
        code="MalformedResponse",
        message="trail 'odd' could not be read, so it was left out: "
        "answer: regions.cn-hangzhou.trails[0].Status: Input should be a valid string",
    )


def test_an_unreadable_alert_names_its_project():
    odd = {"name": "odd", "configuration": {"queryList": [{"query": 5, "store": "x"}]}}
    [good, bad] = READER.alerts("cn-shanghai", "sh-audit", [{"name": "a1", "status": "ENABLED"}, odd])
    assert (
        good.name == "a1"
        and isinstance(good.alert, Alert)
        and good.alert.raw == {"name": "a1", "status": "ENABLED"}
    )
    assert bad.name == "odd"
    assert bad.alert == ScanError(
        api="ListAlerts",
        project="sh-audit",
        code="MalformedResponse",
        message="alert 'odd' could not be read, so it was left out: answer: "
        "regions.cn-shanghai.sls_projects.sh-audit.alerts[0].configuration.queryList[0]: "
        "query: expected a string (the search statement) or null, got a number",
    )


def test_values_json_cannot_hold_make_an_alert_unreadable():
    [answer] = READER.alerts("cn-shanghai", "sh-audit", [{"name": "nan", "threshold": float("nan")}])
    assert isinstance(answer.alert, ScanError)
    assert answer.alert.message.endswith(
        "alerts[0].threshold: not a finite number (JSON has no NaN or Infinity)"
    )


def test_an_index_is_the_logstore_entry_and_no_index_is_none():
    store = READER.index("cn-hangzhou", "proj", "actiontrail_audit", {"line": {"token": [","]}})
    assert store == Logstore(index={"line": {"token": [","]}})
    assert store.raw == {"index": {"line": {"token": [","]}}}
    assert READER.index("cn-hangzhou", "proj", "actiontrail_audit", None) == Logstore(index=None)


def test_an_index_under_a_logstore_name_sls_cannot_have_is_unreadable():
    store = READER.index("cn-hangzhou", "proj", "actiontrail_Odd.Trail", {"line": {}})
    assert store == ScanError(
        api="GetIndex",
        project="proj",
        logstore="actiontrail_Odd.Trail",
        code="MalformedResponse",
        message="the index of actiontrail_Odd.Trail could not be read, so it was left out: answer: "
        "regions.cn-hangzhou.sls_projects.proj.logstores['actiontrail_Odd.Trail']: "
        "'actiontrail_Odd.Trail' is not an SLS logstore name (2-63 of a-z, 0-9, '_', '-')",
    )
