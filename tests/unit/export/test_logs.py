"""export/logs.py: flat SLS logs back into findings, and each account's latest scan."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cis216.adapters.writer import finding_contents
from cis216.export import FindingsInputError
from cis216.export.logs import finding_of_log, findings_of_logs, latest_scans
from cis216.findings import Finding, Mute

FINDING = Finding(
    resource="acs:actiontrail::1:*",
    status="alarm",
    reason="r",
    account_id="1",
    region=None,
    profile="strict",
    scope="account",
    reason_codes=["ALERT_DISABLED"],
    advisories=["MUTE_EXPIRED: entries[1] expired on 2026-01-01"],
    remediation="enable it",
    muted=True,
    mute=Mute(justification="j", expires="2027-01-01", entry="entries[0]"),
)


def test_a_written_finding_reads_back_as_it_was() -> None:
    contents = dict(finding_contents(FINDING, "f-1", "s-1", "2026-11-29T02:00:00Z"))
    exported = finding_of_log(contents, 0, "log 1")
    assert exported.finding == FINDING
    assert (exported.scan_id, exported.finding_id) == ("s-1", "f-1")
    assert exported.evaluated_at == datetime(2026, 11, 29, 2, tzinfo=timezone.utc)


def test_summary_logs_are_left_out_and_a_rewritten_finding_kept_once() -> None:
    contents = dict(finding_contents(FINDING, "f-1", "s-1", "2026-11-29T02:00:00Z"))
    again = {**contents, "reason": "written again"}
    logs = [(1, contents), (2, {"record": "summary", "scan_id": "s-1"}), (3, again)]
    (only,) = findings_of_logs(logs, "SLS p/l")
    assert only.finding.reason == "written again"


def test_a_log_that_is_no_finding_is_named() -> None:
    contents = {**dict(finding_contents(FINDING, "f-9", "s-1", "")), "muted": "true", "status": "bad"}
    with pytest.raises(FindingsInputError, match=r"^SLS p/l: log 1 \(finding_id f-9\): status: "):
        findings_of_logs([(0, contents)], "SLS p/l")


def test_each_accounts_latest_scan() -> None:
    def log(account: str, scan: str, day: int) -> tuple[int, dict[str, str]]:
        finding = FINDING.model_copy(update={"account_id": account})
        return 0, dict(finding_contents(finding, f"{scan}-{account}", scan, f"2026-11-{day:02d}T02:00:00Z"))

    logs = [log("1", "a", 1), log("2", "a", 1), log("1", "b", 2), log("2", "c", 1)]
    latest = latest_scans(findings_of_logs(logs, "SLS"))
    assert sorted((e.finding.account_id, e.scan_id) for e in latest) == [("1", "b"), ("2", "c")]
