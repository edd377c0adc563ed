"""Every dashboard chart's query, run through the emulator's SLS query support (the search through
slsquery's matcher under the index `cis216 setup` makes, the SQL through DuckDB), on findings a
real scan wrote into the emulated SLS and on hand-made findings of several days, and its rows
checked against what the findings say."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cis216.cli.invoke import _emulated
from cis216.emulator.records import StoredLog
from cis216.findings import Finding
from cis216.store.dashboard import CHARTS, DAY
from tests.functional.store.charts import chart_rows, codes

EVENT = Path(__file__).resolve().parents[3] / "events" / "timer.json"
SAMPLES = Path(__file__).resolve().parents[3] / "lib" / "cis216" / "samples"


def test_every_chart_is_tested() -> None:
    tested = {"in-alarm-now", "status-per-day", "failing-now", "top-reason-codes", "scan-coverage"}
    tested |= {"muted-findings", "last-scans"}
    assert {chart.name for chart in CHARTS} == tested


# ---------------------------------------------------------------------------------------- a real scan


def _scan(seed: str) -> tuple[list[Finding], list[StoredLog], str]:
    local = _emulated(str(SAMPLES / seed))
    report = local.run(EVENT.read_bytes())
    summary = report.summary
    assert local.emulated is not None and summary.written is not None
    assert summary.written.project is not None
    logs = local.emulated.sls_logs(
        summary.account_id,
        local.environ["FINDINGS_REGION"],
        summary.written.project,
        summary.written.logstore,
    )
    return list(report.findings), logs, str(summary.account_verdict or "")


def _muted(finding: Finding) -> bool:
    return bool(getattr(finding, "muted", False))


@pytest.mark.parametrize("seed", ["sample-account.json", "cis-text-account.json"])
def test_the_charts_over_a_real_scan(seed: str) -> None:
    findings, logs, verdict = _scan(seed)
    now = max(log.time for log in logs)
    failing = [f for f in findings if f.status == "alarm" and not _muted(f)]

    in_alarm = Counter(str(f.scope) for f in failing)
    assert chart_rows("in-alarm-now", logs, now) == [
        {"scope": scope, "resources": str(n)} for scope, n in sorted(in_alarm.items())
    ]

    statuses = Counter(f.status for f in findings)
    per_day = chart_rows("status-per-day", logs, now)
    assert {row["status"]: int(row["resources"]) for row in per_day} == dict(statuses)
    assert len({row["day"] for row in per_day}) == 1

    table = chart_rows("failing-now", logs, now)
    assert sorted((r["resource"], tuple(codes(r["reason_codes"]))) for r in table) == sorted(
        (str(f.resource), tuple(f.reason_codes)) for f in failing
    )
    assert all(r["failing_since"] == r["last_evaluated"] for r in table)  # first scan: failing since now

    top = chart_rows("top-reason-codes", logs, now)
    expected_codes = Counter(code for f in failing for code in set(f.reason_codes))
    assert {r["code"]: int(r["resources"]) for r in top} == dict(expected_codes)

    errors = [f for f in findings if f.status == "error" and f.scope == "scan"]
    coverage = chart_rows("scan-coverage", logs, now)
    assert sorted((r["region"], r["api"], r["error"]) for r in coverage) == sorted(
        (str(f.region), str(f.evidence.model_dump().get("api")), str(f.evidence.model_dump().get("code")))
        for f in errors
    )

    assert chart_rows("muted-findings", logs, now) == []
    (last,) = chart_rows("last-scans", logs, now)
    assert (last["account_id"], last["verdict"]) == (findings[0].account_id, verdict)


# ---------------------------------------------------------------------------------------- several days

NOW = 1_796_000_000  # a scan time
T0, T1, T2 = NOW - 2 * DAY, NOW - DAY, NOW
A, B = "111111111111", "222222222222"


def _trail(account: str, name: str) -> str:
    return f"acs:actiontrail:cn-hangzhou:{account}:actiontrail/{name}"


def _finding(when: int, account: str, resource: str, status: str, **more: Any) -> StoredLog:
    contents = {
        "record": "finding",
        "finding_id": f"{resource}@{when}",
        "scan_id": f"scan-{account}-{when}",
        "control": "cis_v200_2_16",
        "profile": "strict",
        "scope": more.pop("scope", "trail"),
        "resource": resource,
        "status": status,
        "reason": f"{resource} is {status}",
        "reason_codes": json.dumps(more.pop("codes", [])),
        "account_id": account,
        "region": more.pop("region", "cn-hangzhou"),
        "evaluated_at": str(when),
        "evidence": json.dumps(more.pop("evidence", {})),
        "advisories": "[]",
        "title": "Ensure a log metric filter and alarm exist for unauthorized API calls",
        "severity": "high",
        "remediation": more.pop("remediation", "" if status == "ok" else "enable the alert"),
        "muted": "true" if more.get("mute") else "false",
        "mute": json.dumps(more.pop("mute")) if more.get("mute") else "",
    }
    contents.update(more)
    return StoredLog(when, "cis_v200_2_16", f"cis216/{account}", {}, contents)


def _summary(when: int, account: str, verdict: str) -> StoredLog:
    contents = {
        "record": "summary",
        "scan_id": f"scan-{account}-{when}",
        "account_id": account,
        "status": verdict,
    }
    return StoredLog(when, "cis_v200_2_16", f"cis216/{account}", {}, {**contents, "scope": "account"})


def _history() -> list[StoredLog]:
    account_a = f"acs:actiontrail::{A}:*"
    logs = []
    for when in (T0, T1, T2):
        logs.append(_summary(when, A, "alarm"))
        logs.append(
            _finding(when, A, account_a, "alarm", scope="account", region="", codes=["NO_EFFECTIVE_ALERT"])
        )
        logs.append(_finding(when, A, _trail(A, "y"), "alarm", codes=["NO_ALERT", "ALERT_DISABLED"]))
    # x: alarm, then ok, then alarm again: failing since the last scan only.
    logs.append(_finding(T0, A, _trail(A, "x"), "alarm", codes=["ALERT_DISABLED"]))
    logs.append(_finding(T1, A, _trail(A, "x"), "ok"))
    logs.append(_finding(T2, A, _trail(A, "x"), "alarm", codes=["QUERY_QUOTED_WILDCARD", "ALERT_DISABLED"]))
    # z: deleted after T1, so not in the latest scan.
    logs += [_finding(t, A, _trail(A, "z"), "alarm", codes=["NO_ALERT"]) for t in (T0, T1)]
    # m: failing but accepted: muted.
    mute = {"justification": "legacy trail, retired in Q1", "expires": "2027-03-31", "entry": 1}
    logs.append(_finding(T2, A, _trail(A, "m"), "alarm", codes=["ALERT_DISABLED"], mute=mute))
    # An error that is gone by the last scan, and one that is not (evidence: api, code).
    old_error = {"api": "DescribeTrails", "code": "Throttling"}
    logs.append(
        _finding(
            T1,
            A,
            f"acs:actiontrail:ap-southeast-1:{A}:*",
            "error",
            scope="scan",
            region="ap-southeast-1",
            evidence=old_error,
        )
    )
    new_error = {"api": "ListAlerts", "code": "Unauthorized", "project": "bj"}
    logs.append(
        _finding(
            T2,
            A,
            f"acs:log:cn-beijing:{A}:project/bj",
            "error",
            scope="scan",
            region="cn-beijing",
            evidence=new_error,
        )
    )
    # Account B scanned once (T1): an ok trail, a trail written before reason codes were JSON lists,
    # and a read that failed.
    logs.append(_summary(T1, B, "alarm"))
    logs.append(_finding(T1, B, _trail(B, "w"), "ok"))
    logs.append(_finding(T1, B, _trail(B, "v"), "alarm", reason_codes="NO_ALERT,ALERT_DISABLED", muted=""))
    timeout = {"api": "GetIndex", "code": "RequestTimeout", "project": "sh"}
    logs.append(
        _finding(
            T1,
            B,
            f"acs:log:cn-shanghai:{B}:project/sh",
            "error",
            scope="scan",
            region="cn-shanghai",
            evidence=timeout,
        )
    )
    return logs


def _stamp(when: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(when, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000")


def _day(when: int) -> str:
    return _stamp(when)[:10]


def test_in_alarm_now_counts_each_accounts_latest_scan_without_muted() -> None:
    # A: the account and trails x, y (z is gone, m is muted); B: trail v.
    assert chart_rows("in-alarm-now", _history(), NOW + 60) == [
        {"scope": "account", "resources": "1"},
        {"scope": "trail", "resources": "3"},
    ]


def test_status_per_day() -> None:
    rows = chart_rows("status-per-day", _history(), NOW + 60)
    got = {(r["day"], r["status"]): int(r["resources"]) for r in rows}
    assert got == {
        (_day(T0), "alarm"): 4,  # account A, x, y, z
        (_day(T1), "alarm"): 4,  # account A, y, z, v
        (_day(T1), "ok"): 2,  # x, w
        (_day(T1), "error"): 2,
        (_day(T2), "alarm"): 4,  # account A, x, y, m
        (_day(T2), "error"): 1,
    }
    assert [r["day"] for r in rows] == sorted(r["day"] for r in rows)


def test_failing_now_says_since_when_and_how_to_fix() -> None:
    rows = chart_rows("failing-now", _history(), NOW + 60)
    got = [(r["account_id"], r["resource"], r["failing_since"], codes(r["reason_codes"])) for r in rows]
    assert got == [
        (A, f"acs:actiontrail::{A}:*", _stamp(T0), ["NO_EFFECTIVE_ALERT"]),
        (A, _trail(A, "y"), _stamp(T0), ["NO_ALERT", "ALERT_DISABLED"]),
        (B, _trail(B, "v"), _stamp(T1), ["NO_ALERT", "ALERT_DISABLED"]),
        (A, _trail(A, "x"), _stamp(T2), ["QUERY_QUOTED_WILDCARD", "ALERT_DISABLED"]),
    ]
    assert {r["remediation"] for r in rows} == {"enable the alert"}
    assert {r["last_evaluated"] for r in rows} == {_stamp(T2), _stamp(T1)}


def test_failing_since_is_bounded_by_the_charts_range() -> None:
    # Forty days later no log is within the 30 days the chart reads.
    assert chart_rows("failing-now", _history(), NOW + 40 * DAY) == []


def test_top_reason_codes_of_what_fails_now() -> None:
    rows = chart_rows("top-reason-codes", _history(), NOW + 60)
    assert rows == [
        {"code": "ALERT_DISABLED", "resources": "3"},  # x, y, v (m is muted)
        {"code": "NO_ALERT", "resources": "2"},  # y, v
        {"code": "NO_EFFECTIVE_ALERT", "resources": "1"},
        {"code": "QUERY_QUOTED_WILDCARD", "resources": "1"},
    ]


def test_scan_coverage_of_each_accounts_latest_scan() -> None:
    rows = chart_rows("scan-coverage", _history(), NOW + 60)
    assert rows == [
        {"region": "cn-beijing", "api": "ListAlerts", "error": "Unauthorized", "failures": "1"},
        {"region": "cn-shanghai", "api": "GetIndex", "error": "RequestTimeout", "failures": "1"},
    ]


def test_muted_findings_are_shown_apart() -> None:
    rows = chart_rows("muted-findings", _history(), NOW + 60)
    assert rows == [
        {
            "account_id": A,
            "resource": _trail(A, "m"),
            "status": "alarm",
            "justification": "legacy trail, retired in Q1",
            "expires": "2027-03-31",
        }
    ]


def test_last_scans() -> None:
    rows = chart_rows("last-scans", _history(), NOW + 60)
    assert [(r["account_id"], r["verdict"], r["last_scan"], r["scan_id"]) for r in rows] == [
        (A, "alarm", _stamp(T2), f"scan-{A}-{T2}"),
        (B, "alarm", _stamp(T1), f"scan-{B}-{T1}"),
    ]


def test_a_search_filters_before_the_sql() -> None:
    # The search part is matched under the index: `record: finding` leaves the summaries out.
    rows = chart_rows("status-per-day", [_summary(NOW, A, "alarm")], NOW + 60)
    assert rows == []
