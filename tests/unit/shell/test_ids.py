from __future__ import annotations

from datetime import datetime, timedelta, timezone

from cis216.findings import Finding
from cis216.shell.ids import finding_ids, scan_id, summary_id

T = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)


def f(resource, region="cn-hangzhou", profile="strict"):
    return Finding(resource=resource, status="ok", reason="r", account_id="1", region=region, profile=profile)


def test_scan_id_is_deterministic_and_distinguishes_inputs():
    assert scan_id("123456", T, "daily") == scan_id("123456", T, "daily")
    assert scan_id("123456", T, "daily").startswith("20261129T020000Z-")
    assert scan_id("123456", T, "daily") != scan_id("654321", T, "daily")
    assert scan_id("123456", T, "daily") != scan_id("123456", T + timedelta(days=1), "daily")
    assert scan_id("123456", T, "daily") != scan_id("123456", T, "hourly")
    assert scan_id("123456", T.replace(tzinfo=None), "d") == scan_id("123456", T, "d")
    assert scan_id("123456", None, "req-1").startswith("direct-")
    assert scan_id("123456", None, "req-1") != scan_id("123456", None, "req-2")


def test_finding_ids_deterministic_unique_and_per_resource():
    findings = [f("a"), f("b"), f("a", region="cn-beijing"), f(None), f(None)]
    first = finding_ids("scan-1", findings)
    assert first == finding_ids("scan-1", findings)
    assert len(set(first)) == len(first)
    assert first != finding_ids("scan-2", findings)
    assert finding_ids("scan-1", [f("b")])[0] == first[1]  # depends on the resource, not the position


def test_summary_id_is_deterministic_and_differs_per_profile():
    scan = scan_id("1234567890123456", datetime(2026, 11, 29, 2, tzinfo=timezone.utc), "daily")
    assert summary_id(scan, "strict") == summary_id(scan, "strict")
    assert summary_id(scan, "strict") != summary_id(scan, "powerpipe")
