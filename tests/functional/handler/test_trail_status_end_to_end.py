"""End to end (shell.scan.run, real SDKs, the emulated cloud): a trail that is enabled but not
logging feeds no alert, and a failed GetTrailStatus never reads as "delivering"."""

from __future__ import annotations

import copy
import json
import os

import pytest

from cis216.shell import scan
from tests.functional.handler.support import (
    ACCOUNT,
    LOGSTORE,
    PROJECT,
    REGION,
    SAMPLE,
    TIMER,
    fc_context,
    stored,
)

# The sample account is covered by org-audit-trail (homed in cn-hangzhou) and its alert.
COVERING = "org-audit-trail"


@pytest.fixture
def seeded(emulated_cloud, env):
    def seed(trail_status=None):
        doc = copy.deepcopy(SAMPLE)
        for region in doc["regions"].values():
            region["errors"] = []  # the sample's denied ListAlerts: no verdict would be confident
        if trail_status is not None:
            doc["regions"]["cn-hangzhou"]["trail_status"] = {COVERING: trail_status}
        emulated_cloud.seed_snapshot(doc)
        emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE)
        return emulated_cloud

    return seed


def covering_finding(cloud):
    findings = [log.contents for log in stored(cloud, "finding")]
    (found,) = [f for f in findings if f["scope"] == "trail" and f["resource"].endswith(f"/{COVERING}")]
    return found


def test_a_trail_that_is_not_logging_feeds_no_alert(seeded):
    cloud = seeded({"IsLogging": False, "StopLoggingTime": "2026-11-28T02:36:56Z"})
    report = scan.run(TIMER, fc_context(), os.environ)
    assert report.summary.account_verdict == "alarm"
    found = covering_finding(cloud)
    assert found["status"] == "alarm" and json.loads(found["reason_codes"]) == ["TRAIL_DELIVERY_FAILING"]
    assert "not logging (IsLogging false since 2026-11-28T02:36:56Z)" in found["reason"]


def test_a_failed_delivery_to_sls_is_quoted(seeded):
    denied = "write sls failed, exception: the parent of sub user must be project owner, itemscount: 1"
    cloud = seeded(
        {"IsLogging": True, "LatestDeliveryLogServiceError": denied, "LatestDeliveryLogServiceTime": ""}
    )
    report = scan.run(TIMER, fc_context(), os.environ)
    assert report.summary.account_verdict == "alarm"
    assert denied in covering_finding(cloud)["reason"]


def test_a_failed_trail_status_read_is_an_error_not_an_ok(seeded):
    cloud = seeded()
    cloud.faults.add("error", api="GetTrailStatus", code="Forbidden.RAM", message="denied", status=403)
    report = scan.run(TIMER, fc_context(), os.environ)
    assert report.summary.account_verdict == "error"
    found = covering_finding(cloud)
    assert found["status"] == "error" and json.loads(found["reason_codes"]) == ["SCAN_ERROR"]
    assert "GetTrailStatus" in found["reason"], found["reason"]
    assert "GetTrailStatus" in report.summary.verdict_reason, report.summary.verdict_reason


def test_a_delivering_trail_keeps_the_account_ok(seeded):
    seeded()
    assert scan.run(TIMER, fc_context(), os.environ).summary.account_verdict == "ok"
