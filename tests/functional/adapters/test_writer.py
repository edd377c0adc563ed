from __future__ import annotations

import json
from datetime import date

import pytest

from cis216.adapters.calls import Caller, RetryPolicy
from cis216.adapters.sls import SlsAdapter
from cis216.adapters.writer import (
    MAX_LINES,
    FindingsWriter,
    WriteError,
    batches,
    finding_contents,
    summary_contents,
)
from cis216.findings import Finding, Mute, ScanErrorEvidence
from cis216.shell.plan import Trigger
from cis216.shell.report import ApiCalls, ScanSummary, Written
from tests.functional.adapters.support import ACCOUNT

REGION, PROJECT, LOGSTORE = "cn-hangzhou", "cis216-findings", "findings"


def evidence_of(message: str) -> ScanErrorEvidence:
    return ScanErrorEvidence(
        api="ListAlerts", code="Unauthorized", message=message, project=None, logstore=None
    )


def finding(n: int = 0, evidence=None) -> Finding:
    return Finding(
        resource=f"acs:actiontrail:cn-hangzhou:{ACCOUNT}:actiontrail/t{n}",
        status="alarm",
        reason="no alert",
        account_id=ACCOUNT,
        region="cn-hangzhou",
        profile="strict",
        scope="trail",
        reason_codes=["NO_ALERT", "X"],
        advisories=["A1"],
        evidence=evidence or evidence_of(str(n)),
    )


def test_contents_are_flat_strings():
    contents = dict(finding_contents(finding(1), "fid", "sid", "2026-11-29T02:00:00Z"))
    assert all(isinstance(v, str) for v in contents.values())
    # One encoding for every list field: a JSON list (issue 14.5; it was comma-joined).
    assert contents["reason_codes"] == '["NO_ALERT","X"]'
    assert json.loads(contents["evidence"]) == {
        "api": "ListAlerts",
        "code": "Unauthorized",
        "message": "1",
        "project": None,
        "logstore": None,
    }
    assert json.loads(contents["advisories"]) == ["A1"]
    assert contents["control"] == "cis_v200_2_16" and contents["record"] == "finding"
    assert contents["title"] == "Ensure a log monitoring and alerts are set up for unauthorized API calls"
    assert (contents["severity"], contents["muted"], contents["mute"]) == ("high", "false", "")
    assert contents["remediation"] == ""  # the finding was built without one
    for key in (
        "finding_id",
        "scan_id",
        "profile",
        "resource",
        "status",
        "reason",
        "account_id",
        "region",
        "evaluated_at",
        "scope",
    ):
        assert key in contents


def summary(**changes) -> ScanSummary:
    values = {
        "scan_id": "20261129T020000Z-abc",
        "account_id": ACCOUNT,
        "profile": "strict",
        "trigger": Trigger(kind="timer", name="daily", time=None),
        "regions": ("cn-hangzhou",),
        "findings": 2,
        "counts": {"error": 0, "alarm": 1, "info": 0, "skip": 0, "ok": 1},
        "account_verdict": "alarm",
        "verdict_reason": "no alert",
        "collection_errors": 0,
        "api_calls": ApiCalls(total=5, by_api={"DescribeTrails": 5}, retries=0, failed=0),
        "collect_ms": 10,
        "dry_run": False,
    }
    return ScanSummary(**{**values, **changes})


def test_summary_contents_read_the_summary():
    written = Written(project=PROJECT, logstore=LOGSTORE, count=2, logs=3, batches=1)
    contents = dict(summary_contents(summary(written=written, duration_ms=99), "sid", "2026-11-29T02:00:00Z"))
    assert all(isinstance(v, str) for v in contents.values())
    assert (contents["record"], contents["scope"], contents["finding_id"]) == ("summary", "account", "sid")
    assert (contents["status"], contents["reason"], contents["scan_id"]) == (
        "alarm",
        "no alert",
        "20261129T020000Z-abc",
    )
    assert contents["resource"] == f"acs:::{ACCOUNT}" and contents["account_id"] == ACCOUNT
    assert json.loads(contents["counts"]) == {"error": 0, "alarm": 1, "info": 0, "skip": 0, "ok": 1}
    evidence = json.loads(contents["evidence"])
    assert "written" not in evidence and "duration_ms" not in evidence  # the summary before the write
    assert evidence["api_calls"] == {"total": 5, "by_api": {"DescribeTrails": 5}, "retries": 0, "failed": 0}
    assert evidence["trigger"] == {"kind": "timer", "name": "daily", "time": None}


def test_summary_without_a_verdict_has_an_empty_status():
    contents = dict(summary_contents(summary(account_verdict=None, findings=0), "sid", "t"))
    assert contents["status"] == "" and json.loads(contents["evidence"])["account_verdict"] is None


def test_huge_evidence_is_replaced_by_a_digest():
    contents = dict(finding_contents(finding(evidence=evidence_of("x" * 2_000_000)), "f", "s", "t"))
    assert json.loads(contents["evidence"])["truncated"] is True


def test_batches_respect_line_and_byte_limits():
    logs = [[("k", "v")]] * (MAX_LINES * 2 + 5)
    assert [len(b) for b in batches(logs)] == [MAX_LINES, MAX_LINES, 5]
    big = [[("k", "x" * 400_000)]] * 30  # 12 MB in all
    sizes = [sum(len(v) for c in b for _, v in c) for b in batches(big)]
    assert len(sizes) >= 3 and all(s <= 5 * 1024 * 1024 for s in sizes)


@pytest.fixture
def sink(emulated_cloud, creds):
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE)
    caller = Caller(RetryPolicy(max_attempts=3, sleep=lambda s: None), call_timeout=5)
    writer = FindingsWriter(
        SlsAdapter(creds, "fn/acct"), caller, REGION, PROJECT, LOGSTORE, "fn/acct", max_lines=10
    )
    return emulated_cloud, writer


def test_writes_every_log_in_batches(sink):
    cloud, writer = sink
    logs = [finding_contents(finding(n), f"id{n}", "scan", "t") for n in range(25)]
    result = writer.write(logs)
    assert (result.count, result.batches) == (25, 3)
    stored = cloud.sls_logs(ACCOUNT, REGION, PROJECT, LOGSTORE)
    assert [s.contents["finding_id"] for s in stored] == [f"id{n}" for n in range(25)]
    assert {s.topic for s in stored} == {"cis_v200_2_16"} and {s.source for s in stored} == {"fn/acct"}


def test_throttled_batch_is_retried(sink):
    cloud, writer = sink
    cloud.faults.add("throttle", api="PutLogs", calls=[1, 2])
    assert writer.write([finding_contents(finding(), "id", "scan", "t")]).count == 1
    assert len(cloud.sls_logs(ACCOUNT, REGION, PROJECT, LOGSTORE)) == 1


def test_failure_after_retries_raises_and_says_what_was_written(sink):
    cloud, writer = sink
    cloud.faults.add("error503", api="PutLogs", calls=[2, 3, 4])  # batch 2 fails 3 times
    logs = [finding_contents(finding(n), f"id{n}", "scan", "t") for n in range(25)]
    with pytest.raises(WriteError) as caught:
        writer.write(logs)
    assert caught.value.written == 10 and caught.value.total == 25
    assert "10 of 25" in str(caught.value)
    assert len(cloud.sls_logs(ACCOUNT, REGION, PROJECT, LOGSTORE)) == 10


def test_permission_denied_is_not_retried(sink):
    cloud, writer = sink
    cloud.faults.add("error", api="PutLogs", code="Unauthorized", message="denied")
    with pytest.raises(WriteError):
        writer.write([finding_contents(finding(), "id", "scan", "t")])
    assert cloud.count(api="PutLogs") == 1


def test_batches_fit_the_service_limits_for_real(emulated_cloud, creds):
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE)
    caller = Caller(RetryPolicy(max_attempts=1), call_timeout=5)
    writer = FindingsWriter(SlsAdapter(creds, "s"), caller, REGION, PROJECT, LOGSTORE, "s")
    big = [
        finding_contents(finding(n, evidence=evidence_of("x" * 400_000)), f"b{n}", "scan", "t")
        for n in range(30)
    ]
    many = [finding_contents(finding(n), f"m{n}", "scan", "t") for n in range(5000)]
    assert writer.write(big).batches == 3  # 30 logs of 400 KB: at most 5 MB a batch
    assert writer.write(many).batches == 2
    assert len(emulated_cloud.sls_logs(ACCOUNT, REGION, PROJECT, LOGSTORE)) == 5030


def test_a_muted_finding_is_flat_too():
    mute = Mute(justification="sandbox", expires=date(2027, 1, 31), entry="entries[0]")
    muted = finding(1).model_copy(update={"muted": True, "mute": mute, "remediation": "Enable alert 'a'."})
    contents = dict(finding_contents(muted, "fid", "sid", "2026-11-29T02:00:00Z"))
    assert contents["muted"] == "true" and contents["remediation"] == "Enable alert 'a'."
    assert json.loads(contents["mute"]) == {
        "justification": "sandbox",
        "expires": "2027-01-31",
        "entry": "entries[0]",
    }


def test_the_summary_log_has_the_finding_fields_with_the_same_encoding():
    contents = dict(summary_contents(summary(), "fid", "2026-11-29T02:00:00Z"))
    assert (contents["reason_codes"], contents["advisories"]) == ("[]", "[]")
    assert (contents["severity"], contents["muted"], contents["mute"], contents["remediation"]) == (
        "high",
        "false",
        "",
        "",
    )
