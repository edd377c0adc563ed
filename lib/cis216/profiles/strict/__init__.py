"""The `strict` profile: will someone be alerted when an unauthorized API call happens?

Pipeline: trails and Log Audit -> feeds (feeds.py); alert query entries -> feeds (binding.py);
each bound alert judged on checks 1-6 of issue 3 (alerts.py, with slsquery for the query);
then one account finding and one finding per trail (verdict.py), plus one `error` finding per
failed API call of the scan. Pure: no clock (settings.now or the snapshot's collected_at).
"""

from __future__ import annotations

from ...findings import Finding
from ...inventory import Inventory
from ...settings import Settings
from ..errors import error_findings
from .alerts import Context
from .feedresult import judge_feeds
from .feeds import find_log_audit_feeds, find_trails
from .verdict import PROFILE, account_finding, trail_finding


def evaluate(inventory: Inventory, settings: Settings) -> list[Finding]:
    ctx = Context(settings=settings, inventory=inventory)
    trails = find_trails(inventory)
    audit = find_log_audit_feeds(inventory, settings)
    feeds = [t.feed for t in trails if t.feed is not None] + [f for f in audit if f.accepted]
    results = judge_feeds(feeds, inventory, ctx)
    by_feed = {id(r.feed): r for r in results}
    covering = sorted((r for r in results if r.feed.counts and r.covered), key=lambda r: r.rank())
    findings = [account_finding(inventory, trails, results, [f for f in audit if not f.accepted])]
    for view in trails:
        result = by_feed.get(id(view.feed)) if view.feed is not None else None
        findings.append(trail_finding(inventory, view, result, covering[0] if covering else None, results))
    return findings + error_findings(inventory, PROFILE)
