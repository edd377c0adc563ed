"""A listing answered with the wrong shape is a failed read, never "nothing there": through the
collector and through a whole scan (shell.scan.run, real SDKs, the emulated cloud).

The bundled sample account is `ok` because of alert 'cis_at_unauth_apicall' in project
actiontrail-central (cn-hangzhou). Before the answers were checked, a ListAlerts answer of that
project with its list under another key read as a project without alerts: ALERT_MISSING, an
`alarm` for an account that is compliant.
"""

from __future__ import annotations

import copy
import os

import pytest

from cis216.adapters.actiontrail import ActionTrailAdapter
from cis216.adapters.calls import Caller, RetryPolicy
from cis216.adapters.credentials import Credentials
from cis216.adapters.sls import SlsAdapter
from cis216.emulator import DEFAULT_CREDENTIALS
from cis216.shell import logs, scan
from cis216.shell.collect import collect_account
from tests.functional.handler.support import (
    ACCOUNT,
    LOGSTORE,
    PROJECT,
    REGION,
    SAMPLE,
    TIMER,
    fc_context,
    function_environment,
)

ALERTS_PROJECT = "actiontrail-central"  # where the sample's effective alert lives (cn-hangzhou)
ALERT = {"name": "cis_at_unauth_apicall", "status": "ENABLED", "configuration": {}}
CREDS = Credentials(DEFAULT_CREDENTIALS.access_key_id, DEFAULT_CREDENTIALS.access_key_secret)

WRONG_LIST_ALERTS = [
    # (the 200 answer's body, what the error says was wrong with it)
    (
        {"count": 1, "total": 1, "alerts": [ALERT]},
        "answer: results: Field required (the answer's keys: alerts, count, total)",
    ),
    (
        {"count": 1, "total": 1, "results": "cis_at_unauth_apicall"},
        "answer: results: Input should be a valid list",
    ),
    ({"count": 0, "total": 0}, "answer: results: Field required (the answer's keys: count, total)"),
    ({"count": 1, "results": [ALERT]}, "answer: total: Field required (the answer's keys: count, results)"),
    ({"count": 0, "total": 0, "results": [ALERT]}, "answer: count: 0, but the page holds 1 item"),
    ([ALERT], "answer: (document): expected a JSON object, got an array"),
]


@pytest.fixture
def env(monkeypatch):
    function_environment(monkeypatch)
    yield monkeypatch
    logs.LOGGER.clear_state()


@pytest.fixture
def cloud(emulated_cloud, env):
    emulated_cloud.seed_snapshot(copy.deepcopy(SAMPLE))
    # Without the sample's own denied project: the account is a clean `ok`, so the only thing that
    # can make it anything else is the fault each test injects.
    emulated_cloud.faults.clear()
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE)
    return emulated_cloud


def assert_no_verdict_from_missing_alerts(report):
    """The account is `error` for the failed read; what was seen anyway may follow as a secondary
    reason, but no finding is an `alarm` because of alerts that were never read."""
    account = report.findings[0]
    assert (account.resource, account.status) == (f"acs:actiontrail::{ACCOUNT}:*", "error")
    assert account.reason_codes[0] == "SCAN_ERROR"
    for finding in report.findings:
        if finding.status == "alarm":
            assert not {"ALERT_MISSING", "ALERT_DISABLED"} & set(finding.reason_codes), finding


def test_the_sample_is_ok_without_the_fault(cloud):
    summary = scan.run(TIMER, fc_context(), os.environ).summary
    assert (summary.account_verdict, summary.collection_errors, summary.counts["error"]) == ("ok", 0, 0)


@pytest.mark.parametrize(("body", "says"), WRONG_LIST_ALERTS)
def test_a_wrong_shaped_list_alerts_is_an_error_naming_it_not_alert_missing(cloud, body, says):
    cloud.faults.add("json_body", api="ListAlerts", project=ALERTS_PROJECT, body=body)
    report = scan.run(TIMER, fc_context(), os.environ)
    assert_no_verdict_from_missing_alerts(report)
    failed = [f for f in report.findings if getattr(f.evidence, "api", None) == "ListAlerts"]
    named = [f for f in failed if f.evidence.project == ALERTS_PROJECT]
    assert len(named) == 1
    [finding] = named
    assert finding.status == "error"
    assert (finding.evidence.code, finding.evidence.message) == ("MalformedResponse", says)
    assert f"ListAlerts failed for project {ALERTS_PROJECT} in {REGION} (MalformedResponse: {says})" in (
        finding.reason or ""
    )


def test_a_wrong_shaped_list_project_is_an_error_not_a_region_without_projects(cloud):
    cloud.faults.add(
        "json_body", api="ListProject", region=REGION, body={"count": 2, "total": 2, "projectList": []}
    )
    report = scan.run(TIMER, fc_context(), os.environ)
    assert_no_verdict_from_missing_alerts(report)
    errors = report.snapshot["regions"][REGION]["errors"]
    assert [(e["api"], e["code"], e["message"]) for e in errors] == [
        (
            "ListProject",
            "MalformedResponse",
            "answer: projects: Field required (the answer's keys: count, projectList, total)",
        )
    ]


@pytest.mark.parametrize(("body", "says"), WRONG_LIST_ALERTS)
def test_the_collector_records_the_page_as_failed_and_keeps_no_made_up_alerts(emulated_cloud, body, says):
    emulated_cloud.seed_snapshot(copy.deepcopy(SAMPLE))
    emulated_cloud.faults.clear()
    emulated_cloud.faults.add("json_body", api="ListAlerts", project=ALERTS_PROJECT, body=body)
    collected = collect_account(
        ActionTrailAdapter(CREDS),
        SlsAdapter(CREDS, "test"),
        Caller(RetryPolicy(max_attempts=3, sleep=lambda _s: None), call_timeout=5),
        ACCOUNT,
        regions=[REGION],
        home_region=REGION,
    )
    region = collected.document["regions"][REGION]
    assert region["errors"] == [
        {
            "api": "ListAlerts",
            "project": ALERTS_PROJECT,
            "logstore": None,
            "code": "MalformedResponse",
            "message": says,
            "attempts": 1,  # not retried: the same answer would come back
        }
    ]
    assert region["sls_projects"][ALERTS_PROJECT]["alerts"] == []


def test_odd_items_in_a_well_shaped_answer_are_left_out_one_by_one(emulated_cloud):
    # The envelope is the adapter's; the items are the collector's: one trail without a name (or an
    # item that is not an object) is its own error, and the rest of the answer still counts.
    emulated_cloud.seed_snapshot(copy.deepcopy(SAMPLE))
    emulated_cloud.faults.clear()
    good = {"Name": "main", "HomeRegion": REGION, "TrailRegion": "All", "Status": "Enable"}
    nameless = {"HomeRegion": REGION, "TrailRegion": "All", "Status": "Enable"}
    emulated_cloud.faults.add(
        "json_body", api="DescribeTrails", region=REGION, body={"TrailList": [good, nameless, "junk"]}
    )
    collected = collect_account(
        ActionTrailAdapter(CREDS),
        SlsAdapter(CREDS, "test"),
        Caller(RetryPolicy(max_attempts=3, sleep=lambda _s: None), call_timeout=5),
        ACCOUNT,
        regions=[REGION],
        home_region=REGION,
    )
    region = collected.document["regions"][REGION]
    assert [t["Name"] for t in region["trails"]] == ["main"]
    assert [(e["api"], e["code"], e["message"]) for e in region["errors"]] == [
        (
            "DescribeTrails",
            "MalformedResponse",
            "trail None could not be read, so it was left out: "
            "answer: regions.cn-hangzhou.trails[0].Name: Field required",
        ),
        (
            "DescribeTrails",
            "MalformedResponse",
            "trail None could not be read, so it was left out: "
            "answer: regions.cn-hangzhou.trails[0]: expected an object, got str",
        ),
    ]
