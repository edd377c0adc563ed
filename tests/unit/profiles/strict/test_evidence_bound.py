"""A finding's evidence names what decided its verdict and counts the rest (issue 15): its size does
not grow with the account's alerts or feeds."""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType
from typing import Any

from cis216.core import evaluate
from cis216.findings import Finding
from cis216.inventory import parse_inventory
from tests.paths import REPO_ROOT

BOUND = 20 * 1024  # bytes of JSON evidence per finding


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO_ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _evidence_size(finding: Finding) -> int:
    return len(json.dumps(finding.model_dump(mode="json")["evidence"]))


def _findings(trails: int, alerts: int, **options: Any) -> list[Finding]:
    document = _generator().large_inventory(trails, alerts, **options)
    return evaluate(parse_inventory(document), "strict")


def test_a_2000_alert_account_keeps_its_account_finding_small() -> None:
    findings = _findings(100, 2000)
    account = findings[0]
    assert account.scope == "account"
    assert _evidence_size(account) < BOUND
    evidence = account.model_dump(mode="json")["evidence"]
    feeds = sum(1 for f in findings if f.scope == "trail" and f.model_dump()["evidence"]["feed"])
    assert evidence["feeds_not_shown"] + len(evidence["feeds"]) == feeds > len(evidence["feeds"])
    assert max(_evidence_size(f) for f in findings if f.scope == "trail") < BOUND


def test_a_feed_with_many_alerts_lists_the_best_and_counts_the_rest() -> None:
    # Trail 3 is the first enabled one delivering to SLS; the second project of alerts is its own.
    findings = _findings(4, 2000, n_regions=1, alerts_per_project=1000)
    feeds = [f.model_dump(mode="json")["evidence"]["feed"] for f in findings if f.scope == "trail"]
    crowded = max((feed for feed in feeds if feed), key=lambda feed: feed.get("alerts_not_shown", 0))
    assert crowded["alerts_not_shown"] > 0
    assert len(crowded["alerts"]) == 5
    assert all(_evidence_size(f) < BOUND for f in findings)
