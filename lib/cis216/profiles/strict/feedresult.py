"""Every feed with the alerts that watch it, judged; and the scan errors that could hide one."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...inventory import Inventory, ScanError
from ..errors import ACTIONTRAIL_APIS
from . import codes as C
from .alerts import AlertJudgement, Context, judge_alert
from .binding import Target, TargetsByFeed, all_targets
from .feeds import Feed
from .templates import looks_like_unauthorized_call_alert


@dataclass
class FeedResult:
    feed: Feed
    judgements: list[AlertJudgement] = field(default_factory=list)  # best first
    stray: list[Target] = field(default_factory=list)  # unauthorized-call alerts on other logstores
    scanned: bool = True  # the feed's region is in the snapshot

    @property
    def best(self) -> AlertJudgement | None:
        return self.judgements[0] if self.judgements else None

    @property
    def covered(self) -> bool:
        return self.best is not None and self.best.effective

    def codes(self) -> list[str]:
        """Why no alert on this feed is effective (empty when one is)."""
        if self.covered:
            return []
        if self.feed.other_account:
            return [C.FEED_IN_OTHER_ACCOUNT]
        if not self.judgements and not self.scanned:
            return [C.FEED_NOT_SCANNED]
        if self.best is not None:
            return list(self.best.codes)
        return [C.ALERT_WRONG_LOGSTORE] if self.stray else [C.ALERT_MISSING]

    def rank(self):
        return (0 if self.feed.counts else 1, self.best.rank() if self.best else (3, 0, 0))


def judge_feeds(feeds: list[Feed], inventory: Inventory, ctx: Context) -> list[FeedResult]:
    targets = all_targets(inventory)
    by_feed = TargetsByFeed(targets)
    bound_alerts = {id(t.alert) for feed in feeds for t in by_feed.on(feed)}
    strays_by_region: dict[str, list[Target]] = {}
    for t in targets:
        if id(t.alert) not in bound_alerts and looks_like_unauthorized_call_alert(t.alert):
            for region in {t.region.lower(), t.alert_region.lower()}:
                strays_by_region.setdefault(region, []).append(t)
    results = []
    for feed in feeds:
        judgements = sorted((judge_alert(t, feed, ctx) for t in by_feed.on(feed)), key=lambda j: j.rank())
        stray = strays_by_region.get(feed.region.lower(), [])
        scanned = feed.region in inventory.regions
        results.append(
            FeedResult(feed=feed, judgements=judgements, stray=_one_per_alert(stray), scanned=scanned)
        )
    return results


def _one_per_alert(targets: list[Target]) -> list[Target]:
    seen, out = set(), []
    for t in targets:
        if id(t.alert) not in seen:
            seen.add(id(t.alert))
            out.append(t)
    return out


def hiding_errors(inventory: Inventory, feeds: list[Feed], alerts_only: bool = False) -> list[dict]:
    """Scan errors whose missing data could hide a trail or an effective alert.

    GetTrailStatus is not used by the verdict; a GetIndex failure matters only for a feed's
    logstore (the query was then judged with SLS defaults). With `alerts_only`, ActionTrail
    failures are ignored (the trail in question was seen).
    """
    feed_stores = {(f.project, f.logstore) for f in feeds}
    out = []
    for region, region_inventory in inventory.regions.items():
        for error in region_inventory.errors:
            if error.api == "GetTrailStatus":
                continue
            if error.api == "GetIndex" and (error.project, error.logstore) not in feed_stores:
                continue
            if alerts_only and error.api in ACTIONTRAIL_APIS:
                continue
            out.append(_error_evidence(region, error))
    return out


def _error_evidence(region: str, error: ScanError) -> dict:
    return {
        "region": region,
        "api": error.api,
        "code": error.code,
        "project": error.project,
        "logstore": error.logstore,
        "message": error.message,
    }
