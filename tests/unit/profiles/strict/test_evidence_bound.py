"""A finding's evidence names what decided its verdict and counts the rest (issues 14.7 and 15): its
size does not grow with the account's alerts, feeds or trails, and every finding fits SLS's limits
for one log with room to spare."""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType
from typing import Any

from cis216.adapters.writer import MAX_VALUE_BYTES, finding_contents
from cis216.core import evaluate
from cis216.findings import Finding
from cis216.inventory import parse_inventory
from cis216.profiles.strict.evidence import MAX_READS_SHOWN, MAX_SHOWN
from tests.builders import (
    REGION,
    TEMPLATE_QUERY,
    account,
    alert,
    run,
    scan_error,
    snapshot,
    trail,
    trail_finding,
)
from tests.paths import REPO_ROOT

# Bytes of JSON (`--format json`, one finding) at 100 trails / 2,000 alerts. 16 KB is also the most
# SLS keeps of one field for analysis: the evidence JSON index sees the account's evidence whole.
ACCOUNT_FINDING_BOUND = 16 * 1024
TRAIL_FINDING_BOUND = 8 * 1024
# Unexecutable SQL (histogram is not run): the alert is neither proven nor refuted.
UNVERIFIABLE_QUERY = TEMPLATE_QUERY.split(" | ")[0] + " | select histogram(x) as cnt"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO_ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _json(finding: Finding) -> dict[str, Any]:
    return finding.model_dump(mode="json")


def _size(finding: Finding) -> int:
    return len(json.dumps(_json(finding), ensure_ascii=False).encode("utf-8"))


def _findings(trails: int, alerts: int, **options: Any) -> list[Finding]:
    document = _generator().large_inventory(trails, alerts, **options)
    return evaluate(parse_inventory(document), "strict")


def test_a_2000_alert_account_keeps_every_finding_small() -> None:
    findings = _findings(100, 2000)
    found = account(findings)
    assert found.scope == "account"
    assert _size(found) < ACCOUNT_FINDING_BOUND
    assert max(_size(f) for f in findings if f.scope == "trail") < TRAIL_FINDING_BOUND


def test_the_account_evidence_names_the_closest_feed_and_alert_and_counts_the_rest() -> None:
    findings = _findings(100, 2000)
    evidence = _json(account(findings))["evidence"]
    trails = [f for f in findings if f.scope == "trail"]
    feeds = [_json(f)["evidence"]["feed"] for f in trails if _json(f)["evidence"]["feed"]]
    assert len(evidence["trails"]) == MAX_SHOWN
    assert evidence["trails_not_shown"] == len(trails) - MAX_SHOWN
    assert evidence["feeds_examined"] == len(feeds) == len(evidence["feeds"]) + evidence["feeds_not_shown"]
    assert len(evidence["feeds"]) == MAX_SHOWN
    # Every feed is counted under each of its codes.
    for code, count in evidence["feeds_by_code"].items():
        assert count == sum(code in feed["codes"] for feed in feeds), code
    # The closest feed is listed, and its best alert is the account's `alert`.
    (closest,) = [
        feed for feed in evidence["feeds"] if f"{feed['project']}/{feed['logstore']}" in evidence["feed"]
    ]
    assert evidence["alert"]["alert"] == closest["alerts"][0]["alert"]
    # Every feed is partial (a trail of one region); the closest one's best alert is effective.
    assert account(findings).reason_codes == ["TRAIL_NOT_ALL_REGIONS"]
    assert closest["codes"] == closest["alerts"][0]["codes"] == []


def test_a_feed_with_many_alerts_lists_the_best_and_counts_all() -> None:
    # Trail 3 is the first enabled one delivering to SLS; the second project of alerts is its own.
    findings = _findings(4, 2000, n_regions=1, alerts_per_project=1000)
    feeds = [_json(f)["evidence"]["feed"] for f in findings if f.scope == "trail"]
    crowded = max((feed for feed in feeds if feed), key=lambda feed: feed["alerts_examined"])
    assert crowded["alerts_examined"] == 1000
    assert len(crowded["alerts"]) == MAX_SHOWN
    assert crowded["alerts_not_shown"] == 1000 - MAX_SHOWN
    # The best alert is listed first; every alert is counted under each of its codes.
    assert crowded["codes"] == crowded["alerts"][0]["codes"]
    assert crowded["alerts_by_code"]["ALERT_DISABLED"] == len(range(0, 1000, 11))
    assert all(0 < count <= 1000 for count in crowded["alerts_by_code"].values())
    assert all(_size(f) < TRAIL_FINDING_BOUND for f in findings if f.scope == "trail")


def test_the_covering_feed_is_listed_however_far_down_the_account_it_is() -> None:
    names = [f"t{i:02d}" for i in range(12)]
    # Only the last trail's alert is effective: the others are disabled.
    alerts = [alert(name=f"a-{n}", store=f"actiontrail_{n}", status="DISABLED") for n in names[:-1]]
    alerts.append(alert(name="the-one", store=f"actiontrail_{names[-1]}"))
    findings = run(snapshot(trails=[trail(name=n) for n in names], alerts=alerts))
    found = account(findings)
    evidence = _json(found)["evidence"]
    assert (found.status, found.reason_codes) == ("ok", [])
    assert evidence["feed"] == f"audit/actiontrail_{names[-1]} ({REGION})"
    assert evidence["alert"]["alert"] == "the-one"
    assert [feed["name"] for feed in evidence["feeds"]] == [*names[: MAX_SHOWN - 1], names[-1]]
    assert (evidence["feeds_examined"], evidence["feeds_not_shown"]) == (12, 12 - MAX_SHOWN)
    assert evidence["feeds_by_code"] == {"ALERT_DISABLED": 11}


def test_a_trail_names_a_few_unproven_feeds_and_counts_the_rest() -> None:
    names = [f"t{i:02d}" for i in range(12)]
    alerts = [alert(name=f"a-{n}", store=f"actiontrail_{n}", query=UNVERIFIABLE_QUERY) for n in names]
    findings = run(snapshot(trails=[trail(name=n) for n in names], alerts=alerts))
    found = trail_finding(findings, "t00")
    evidence = _json(found)["evidence"]
    assert (found.status, found.reason_codes) == ("info", ["COVERAGE_UNVERIFIABLE"])
    assert evidence["coverage_unproven_by"] == [
        f"audit/actiontrail_{n} ({REGION})" for n in names[1 : MAX_SHOWN + 1]
    ]
    assert evidence["coverage_unproven_by_not_shown"] == 11 - MAX_SHOWN


def test_failed_reads_are_named_up_to_a_few_and_counted() -> None:
    names = [f"t{i:02d}" for i in range(15)]
    errors = [
        scan_error(
            api="GetIndex",
            code="ServiceUnavailable",
            message="try later",
            project="audit",
            logstore=f"actiontrail_{n}",
        )
        for n in names
    ]
    alerts = [alert(name=f"a-{n}", store=f"actiontrail_{n}") for n in names]
    found = account(run(snapshot(trails=[trail(name=n) for n in names], alerts=alerts, errors=errors)))
    evidence = _json(found)["evidence"]
    assert (found.status, found.reason_codes[0]) == ("error", "SCAN_ERROR")
    assert len(evidence["depends_on"]) == MAX_READS_SHOWN
    assert evidence["depends_on_not_shown"] > 0
    assert [e["logstore"] for e in evidence["scan_errors"]] == [
        f"actiontrail_{n}" for n in names[:MAX_READS_SHOWN]
    ]
    assert evidence["scan_errors_not_shown"] == len(names) - MAX_READS_SHOWN


def test_every_finding_fits_one_sls_log_with_room_to_spare() -> None:
    for finding in _findings(100, 2000):
        contents = dict(finding_contents(finding, "id", "scan", "2026-11-29T02:00:00Z"))
        assert "sha256" not in contents["evidence"]  # the writer never had to replace it by a digest
        assert len(contents["evidence"].encode("utf-8")) < MAX_VALUE_BYTES // 16
        assert sum(len(value.encode("utf-8")) for value in contents.values()) < MAX_VALUE_BYTES // 8
