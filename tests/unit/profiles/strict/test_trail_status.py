"""GetTrailStatus in the strict profile: an enabled trail whose events do not reach SLS feeds no
alert (TRAIL_DELIVERY_FAILING, the error quoted); a failed status read is a SCAN_ERROR for what
rests on that trail, never a silent "delivering"; a status absent from the snapshot was not checked.

The answers follow Alibaba's GetTrailStatus reference (ActionTrail 2020-07-06 API docs: IsLogging,
LatestDeliveryLogServiceError "write sls failed, exception: the parent of sub user must be project
owner, itemscount: 1", LatestDeliveryLogServiceTime "2021-02-26T09:19:44Z", LatestDeliveryTime in
ISO or epoch milliseconds "1547792223000", StopLoggingTime).
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

import pytest

from cis216.inventory import TrailStatus
from cis216.profiles.strict.delivery import delivery_failure, parse_time
from tests.builders import REGION, account, alert, run, snapshot, trail

DENIED = "write sls failed, exception: the parent of sub user must be project owner, itemscount: 1"
LOGGING: dict[str, Any] = {
    "IsLogging": True,
    "LatestDeliveryLogServiceError": "",
    "LatestDeliveryLogServiceTime": "2026-11-29T01:00:00Z",
    "LatestDeliveryTime": "2026-11-29T01:00:00Z",
    "SlsLogStoreStatus": True,
}


def with_status(status: dict[str, Any] | None, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    doc = snapshot(errors=errors)
    if status is not None:
        doc["regions"][REGION]["trail_status"] = {"main": copy.deepcopy(status)}
    return doc


def verdicts(doc: dict[str, Any]) -> tuple[tuple[str, list[str]], tuple[str, list[str]], str]:
    findings = run(doc)
    (main,) = [f for f in findings if f.scope == "trail"]
    found = account(findings)
    return (found.status, found.reason_codes), (main.status, main.reason_codes), main.reason


FAILING = (
    ("alarm", ["TRAIL_NOT_DELIVERING_TO_SLS", "TRAIL_DELIVERY_FAILING"]),
    ("alarm", ["TRAIL_DELIVERY_FAILING"]),
)
OK = ("ok", []), ("ok", [])

CASES = [
    # (case, GetTrailStatus answer (None: absent), errors, account and trail verdicts, quoted in the reason)
    ("logging, no error", LOGGING, None, OK, None),
    ("not logging", {**LOGGING, "IsLogging": False, "StopLoggingTime": "2026-11-28T02:36:56Z"}, None, FAILING,
     "not logging (IsLogging false since 2026-11-28T02:36:56Z)"),
    ("error, never delivered to SLS", {**LOGGING, "LatestDeliveryLogServiceError": DENIED,
     "LatestDeliveryLogServiceTime": ""}, None, FAILING, DENIED),
    ("error newer than the latest SLS delivery", {**LOGGING, "LatestDeliveryLogServiceError": DENIED,
     "LatestDeliveryTime": "2026-11-29T01:30:00Z"}, None, FAILING, DENIED),
    ("error, latest delivery in epoch milliseconds, newer", {**LOGGING, "LatestDeliveryLogServiceError": DENIED,
     "LatestDeliveryTime": "1795915800000"}, None, FAILING, DENIED),
    ("error older than the latest SLS delivery (recovered)", {**LOGGING, "LatestDeliveryLogServiceError": DENIED,
     "LatestDeliveryTime": "2026-11-29T00:30:00Z"}, None, OK, None),
    ("error, same time as the latest SLS delivery", {**LOGGING, "LatestDeliveryLogServiceError": DENIED}, None, OK, None),
    ("error, times that cannot be read", {**LOGGING, "LatestDeliveryLogServiceError": DENIED,
     "LatestDeliveryTime": "soon"}, None, OK, None),
    ("status absent: not checked, judged as before", None, None, OK, None),
    ("status read failed", None, [{"api": "GetTrailStatus", "code": "ServiceUnavailable", "message": "later"}],
     (("error", ["SCAN_ERROR"]), ("error", ["SCAN_ERROR"])), None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("status", "errors", "expected", "quoted"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_trail_status_decides_whether_its_feed_counts(status, errors, expected, quoted):
    account_verdict, trail_verdict, reason = verdicts(with_status(status, errors))
    assert (account_verdict, trail_verdict) == expected
    if quoted is not None:
        assert quoted in reason and "events do not reach SLS" in reason


def test_a_failed_status_read_is_named_in_the_finding_and_its_evidence():
    doc = with_status(None, [{"api": "GetTrailStatus", "code": "Forbidden.RAM", "message": "denied"}])
    findings = run(doc)
    found = account(findings)
    assert [(e.api, e.region) for e in found.evidence.scan_errors or []] == [("GetTrailStatus", REGION)]
    assert ("GetTrailStatus", REGION) in [(r.api, r.region) for r in found.evidence.depends_on]


def test_a_failed_status_read_does_not_change_an_alarm():
    # No effective alert anywhere: whether the trail delivers cannot make the account ok.
    doc = snapshot(alerts=[], errors=[{"api": "GetTrailStatus", "code": "ServiceUnavailable", "message": ""}])
    assert (account(run(doc)).status, account(run(doc)).reason_codes) == ("alarm", ["ALERT_MISSING"])


def test_another_delivering_feed_still_covers_the_account():
    second = alert(name="second-alert", store="actiontrail_second")
    doc = snapshot(trails=[trail(), trail(name="second")], alerts=[alert(), second])
    doc["regions"][REGION]["trail_status"] = {"main": {"IsLogging": False}, "second": LOGGING}
    findings = run(doc)
    assert account(findings).status == "ok"
    by_name = {f.resource.rsplit("/", 1)[1]: f for f in findings if f.scope == "trail"}
    assert by_name["main"].status == "skip" and "TRAIL_DELIVERY_FAILING" in by_name["main"].advisories


def test_an_older_snapshot_stays_valid_and_keeps_its_verdict():
    assert "trail_status" not in snapshot()["regions"][REGION]
    assert verdicts(snapshot())[:2] == OK


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-02-26T09:19:44Z", datetime(2021, 2, 26, 9, 19, 44, tzinfo=timezone.utc)),
        ("1547792223000", datetime(2019, 1, 18, 6, 17, 3, tzinfo=timezone.utc)),
        ("1547792223", datetime(2019, 1, 18, 6, 17, 3, tzinfo=timezone.utc)),
        ("2021-02-26 09:19:44", datetime(2021, 2, 26, 9, 19, 44, tzinfo=timezone.utc)),
        ("", None),
        (None, None),
        ("yesterday", None),
    ],
)
def test_times_as_actiontrail_writes_them(text, expected):
    assert parse_time(text) == expected


def test_a_long_error_is_quoted_in_part():
    status = TrailStatus.model_validate({"IsLogging": True, "LatestDeliveryLogServiceError": "x" * 1000})
    why = delivery_failure(status)
    assert why is not None and len(why) < 400 and why.endswith("...'")
