"""One odd alert, trail or project never ends the scan (issue 12): its damage stays with it, and the
rest of the account is judged."""

from __future__ import annotations

import json

import pytest

from cis216.profiles.strict import binding, feeds, judging
from cis216.profiles.strict.judging import MAX_QUERY_SHOWN
from cis216.profiles.strict.unexpected import name_exception
from cis216.slsquery.errors import QuerySyntaxError
from cis216.slsquery.parser import parse_statement
from tests.builders import (
    ACCOUNT,
    REGION,
    TEMPLATE_QUERY,
    account,
    alert,
    run,
    snapshot,
    trail,
    trail_finding,
)

DEEP = "(" * 300 + "event.errorCode: Forbidden" + ")" * 300 + " | select count(1) as cnt"
HUGE = "event.eventType: ApiCall and (" + " or ".join(["event.errorCode: X"] * 60_000) + ")"
ODD = "\u202e\U0001f600\x00\x01\t"  # right-to-left override, emoji, NUL, a control character, tab


def test_a_query_nested_300_deep_is_unverifiable_and_the_rest_is_judged():
    deep = alert(name="deep", query=DEEP)
    findings = run(snapshot(alerts=[deep, alert()]))
    assert (account(findings).status, account(findings).evidence.alert.alert) == ("ok", "unauth")
    alone = account(run(snapshot(alerts=[deep])))
    assert (alone.status, alone.reason_codes) == ("info", ["ALERT_QUERY_UNVERIFIABLE"])
    assert "nested too deeply" in alone.reason


def test_a_1_mb_query_is_unverifiable_and_its_evidence_stays_small():
    assert len(HUGE) > 1_000_000
    found = account(run(snapshot(alerts=[alert(query=HUGE)])))
    assert (found.status, found.reason_codes) == ("info", ["ALERT_QUERY_UNVERIFIABLE"])
    shown = found.evidence.alert.query
    assert shown.startswith(HUGE[:MAX_QUERY_SHOWN]) and shown.endswith(f"({len(HUGE)} characters in all)")
    assert len(json.dumps(found.model_dump(mode="json"))) < 64 * 1024


def test_nul_control_rtl_and_emoji_in_names_and_queries_are_judged_like_any_other():
    name = f"t{ODD}"
    odd_alert = alert(name=f"a{ODD}", store=f"actiontrail_{name}", query=TEMPLATE_QUERY + f" {ODD}")
    findings = run(snapshot(trails=[trail(name=name)], alerts=[odd_alert]))
    found = account(findings)
    # Text after the pipe that is not SQL cannot be proven to keep every event.
    assert (found.status, found.reason_codes) == ("info", ["ALERT_QUERY_UNVERIFIABLE"])
    assert found.evidence.alert.alert == f"a{ODD}"
    assert trail_finding(findings, name).status == "info"
    json.dumps([f.model_dump(mode="json") for f in findings])  # every finding can be written


def test_odd_characters_in_the_search_part_are_judged():
    query = f'event.eventType: ApiCall and event.errorCode: "{ODD}" | select count(1) as cnt'
    found = account(run(snapshot(trails=[trail()], alerts=[alert(name=ODD, query=query)])))
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_QUERY_INCOMPLETE"])


def raising_for(name: str, real, error: Exception):
    def judge(target, *args, **kwargs):
        if target.alert.name == name:
            raise error
        return real(target, *args, **kwargs)

    return judge


@pytest.mark.parametrize(
    "error", [RecursionError("maximum recursion depth exceeded"), ValueError("x" * 10_000 + "\x00")]
)
def test_an_exception_while_judging_one_alert_stays_with_that_alert(monkeypatch, error):
    monkeypatch.setattr(judging, "judge_alert", raising_for("odd", judging.judge_alert, error))
    findings = run(snapshot(alerts=[alert(name="odd"), alert()]))
    assert (account(findings).status, account(findings).evidence.alert.alert) == ("ok", "unauth")
    alone = account(run(snapshot(alerts=[alert(name="odd")])))
    assert (alone.status, alone.reason_codes) == ("info", ["ALERT_QUERY_UNVERIFIABLE"])
    assert f"could not be judged ({type(error).__name__}" in alone.reason
    assert "Traceback" not in alone.reason and "\x00" not in alone.reason
    assert len(alone.evidence.alert.query_detail) < 300
    assert alone.evidence.alert.suggested_query.startswith("event.eventType: ApiCall")


def test_an_exception_is_named_with_the_package_module_it_came_from_on_one_short_line():
    with pytest.raises(QuerySyntaxError) as raised:
        parse_statement("event.errorCode: (Forbidden")
    assert name_exception(raised.value).startswith("QuerySyntaxError in slsquery/")
    long = name_exception(ValueError("a\nb\x00" + "c" * 500))
    assert long.startswith("ValueError: a b?ccc") and long.endswith("…") and len(long) < 220


def test_a_trail_that_cannot_be_classified_is_set_aside_as_an_unreadable_answer(monkeypatch):
    real = feeds._classify

    def classify(view, account_id, status):
        if view.trail.name == "odd":
            raise RecursionError("maximum recursion depth exceeded")
        real(view, account_id, status)

    monkeypatch.setattr(feeds, "_classify", classify)
    covered = run(snapshot(trails=[trail(), trail(name="odd")]))
    assert [(f.scope, f.status) for f in covered] == [("account", "ok"), ("trail", "ok"), ("scan", "error")]
    scan = covered[-1]
    assert (scan.evidence.api, scan.evidence.code, scan.resource) == (
        "DescribeTrails",
        "Unjudgeable",
        f"acs:actiontrail:{REGION}:{ACCOUNT}:*",
    )
    assert "trail 'odd' could not be judged: RecursionError" in scan.reason
    # Not covered: the trail set aside could have been the covering one.
    found = account(run(snapshot(trails=[trail(), trail(name="odd")], alerts=[])))
    assert (found.status, found.reason_codes) == ("error", ["SCAN_ERROR", "ALERT_MISSING"])


def test_an_alert_that_cannot_be_placed_is_set_aside_as_an_unreadable_answer(monkeypatch):
    real = binding.alert_targets

    def targets(alert_doc, project, region):
        if alert_doc.name == "odd":
            raise ValueError("odd")
        return real(alert_doc, project, region)

    monkeypatch.setattr(binding, "alert_targets", targets)
    assert account(run(snapshot(alerts=[alert(name="odd"), alert()]))).status == "ok"
    findings = run(snapshot(alerts=[alert(name="odd")]))
    found = account(findings)
    assert (found.status, found.reason_codes) == ("error", ["SCAN_ERROR", "ALERT_MISSING"])
    assert [(e.api, e.project, e.code) for e in found.evidence.scan_errors] == [
        ("ListAlerts", "audit", "Unjudgeable")
    ]
    assert [f.evidence.api for f in findings if f.scope == "scan"] == ["ListAlerts"]


def test_a_project_that_cannot_be_looked_at_is_set_aside_as_an_unreadable_answer(monkeypatch):
    def log_audit_feed(*_args, **_kwargs):
        raise ValueError("odd project")

    monkeypatch.setattr(feeds, "_log_audit_feed", log_audit_feed)
    assert account(run(snapshot())).status == "ok"
    found = account(run(snapshot(trails=[], alerts=[])))
    assert (found.status, found.reason_codes) == ("error", ["SCAN_ERROR", "NO_TRAIL"])
    assert [(e.api, e.project) for e in found.evidence.scan_errors] == [("ListProject", "audit")]
