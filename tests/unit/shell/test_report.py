"""ScanSummary / ScanReport: the handler's JSON answer has exactly the documented keys."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError

from cis216.core import evaluate
from cis216.findings import Finding
from cis216.inventory import parse_inventory
from cis216.shell.config import load_config
from cis216.shell.events import parse_event
from cis216.shell.plan import FunctionContext, plan_scan
from cis216.shell.report import ApiCalls, ScanReport, Written, account_verdict
from tests.paths import EVENTS, REPO_ROOT, SAMPLES

SAMPLE = SAMPLES / "sample-account.json"
CALLS = ApiCalls(total=3, by_api={"DescribeRegions": 1, "PutLogs": 2}, retries=1, failed=0)


def documented_keys() -> dict[str, set[str] | None]:
    """The keys docs/function.md lists under "Summary": name, or name {inner, keys (note)}."""
    text = (REPO_ROOT / "docs" / "function.md").read_text(encoding="utf-8")
    section = text.split("## Summary (the handler's return value, JSON)", 1)[1].split("\n## ", 1)[0]
    keys: dict[str, set[str] | None] = {}
    for name, inner in re.findall(r"`([a-z_]+)(?: \{([^}]*)\})?`", section):
        keys[name] = {re.sub(r"\s*\(.*?\)", "", part).strip() for part in inner.split(",")} if inner else None
    return keys


def report(profile: str = "strict", payload: dict | None = None, document: dict | None = None) -> ScanReport:
    """The report run() would build for the sample account (or `document`), without any cloud."""
    event = json.loads((EVENTS / "timer.json").read_text())
    event["payload"] = json.dumps(payload or {})
    invocation = parse_event(json.dumps(event))
    environ = {"FINDINGS_PROJECT": "cis216-findings", "FC_REGION": "cn-hangzhou", "PROFILE": profile}
    config = load_config(environ, dry_run=invocation.overrides.dry_run)
    plan = plan_scan(invocation, config, FunctionContext(request_id="req-1"), 0.0)
    document = document or json.loads(SAMPLE.read_text())
    inventory = parse_inventory(document)
    findings = evaluate(inventory, plan.profile, plan.settings)
    return ScanReport.of(plan, inventory.account_id, document, inventory, findings, CALLS, 12)


def test_summary_json_keys_are_exactly_the_documented_ones():
    documented = documented_keys()
    final = report().completed(Written(project="p", logstore="l", count=7, logs=8, batches=1), CALLS, 34)
    answer = json.loads(final.summary.to_json())
    assert set(answer) == set(documented)
    for name, inner in documented.items():
        if inner is not None:
            assert set(answer[name]) == inner, name


def test_a_dry_run_summary_names_the_target_without_logs_or_batches():
    written = Written(project="cis216-findings", logstore="cis216_findings")
    answer = json.loads(report(payload={"dry_run": True}).completed(written, CALLS, 1).summary.to_json())
    assert answer["dry_run"] is True
    assert answer["written"] == {"project": "cis216-findings", "logstore": "cis216_findings", "count": 0}


def test_summary_values_for_the_sample_account():
    summary = report().summary
    assert summary.account_id == "1234567890123456" and summary.profile == "strict"
    assert summary.scan_id.startswith("20261129T020000Z-")
    assert (summary.account_verdict, summary.findings, summary.collection_errors) == ("ok", 7, 1)
    assert summary.counts == {"error": 1, "alarm": 0, "info": 0, "skip": 4, "ok": 2}
    assert summary.regions == tuple(json.loads(SAMPLE.read_text())["regions"])
    assert summary.api_calls == CALLS and summary.collect_ms == 12
    assert summary.written is None and summary.duration_ms is None  # until the write step


def test_the_answer_is_sorted_json_with_non_ascii_kept():
    text = report().summary.to_json()
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)


def test_completed_updates_written_calls_and_duration_only():
    first = report()
    more = CALLS.model_copy(update={"total": 4})
    final = first.completed(Written(project="p", logstore="l", count=7, logs=8, batches=1), more, 50)
    assert final.summary.api_calls.total == 4 and final.summary.duration_ms == 50
    assert final.summary.model_dump(
        exclude={"written", "api_calls", "duration_ms"}
    ) == first.summary.model_dump(exclude={"written", "api_calls", "duration_ms"})
    assert final.findings == first.findings and final.finding_ids == first.finding_ids


def test_the_summary_is_frozen():
    with pytest.raises(ValidationError):
        report().summary.findings = 0  # type: ignore[misc]


def test_finding_ids_follow_the_findings():
    scan = report()
    assert len(scan.finding_ids) == len(scan.findings) == scan.summary.findings
    assert len(set(scan.finding_ids)) == len(scan.finding_ids)


def finding(status: str, scope: str | None = "trail", reason: str = "r") -> Finding:
    return Finding(
        resource="x", status=status, reason=reason, account_id="1", region=None, profile="strict", scope=scope
    )


def test_account_verdict_is_the_account_finding_else_the_worst_else_none():
    assert account_verdict([finding("alarm"), finding("ok", "account", "covered")]) == ("ok", "covered")
    assert account_verdict([finding("ok"), finding("alarm"), finding("skip")]) == (
        "alarm",
        "worst status of 3 finding(s)",
    )
    assert account_verdict([]) == (None, "no findings (the profile produced no row)")


def test_powerpipe_on_an_account_without_trails_has_no_verdict():
    document = json.loads(SAMPLE.read_text())
    for region in document["regions"].values():
        region["trails"], region["errors"] = [], []
    empty = report("powerpipe", document=document)
    assert empty.findings == () and empty.summary.account_verdict is None
    assert json.loads(empty.summary.to_json())["account_verdict"] is None
    assert empty.summary.verdict_reason == "no findings (the profile produced no row)"
    assert report("powerpipe").summary.account_verdict == "error"  # the sample's denied project
