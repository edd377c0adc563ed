"""Every feed with the alerts that watch it, judged: what stands between it and an effective alert."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from ...findings import FeedAlertEvidence, FeedEvidence, Status, StrayAlertEvidence
from ...inventory import Inventory
from . import codes
from .alerts import AlertJudgement
from .binding import Target, TargetsByFeed, all_targets
from .evaluation import Evaluation
from .feeds import Feed
from .issues import IndexUnread
from .judging import judge_on_feed
from .reads import LIST_ALERTS, Read, index_read
from .templates import looks_like_unauthorized_call_alert

# A feed's evidence lists its best alerts (and stray ones) up to this many, and counts the rest:
# the decisive one is the first, and an account with thousands of alerts keeps small findings.
MAX_ALERTS_SHOWN = 5

# What stands between a feed and an effective alert, in the order it is decided.
Blocker = Literal[
    "none",  # an effective alert watches it
    "other_account",  # its project is another account's: its alerts cannot be seen
    "not_scanned",  # its region is not in the snapshot and no alert on it was seen
    "alert",  # the best alert on it fails (its codes say why)
    "wrong_logstore",  # no alert on it, but unauthorized-call alerts on other logstores
    "missing",  # no alert on it at all
]


@dataclass(frozen=True)
class FeedResult:
    feed: Feed
    judgements: tuple[AlertJudgement, ...] = ()  # best first
    stray: tuple[Target, ...] = ()  # unauthorized-call alerts on other logstores
    scanned: bool = True  # the feed's region is in the snapshot

    @property
    def best(self) -> AlertJudgement | None:
        return self.judgements[0] if self.judgements else None

    @property
    def covered(self) -> bool:
        return self.best is not None and self.best.effective

    @property
    def status(self) -> Status:
        return codes.status_for(self.codes)

    @cached_property
    def proof_reads(self) -> tuple[Read, ...]:
        """What its effective alert rests on: the index its query was judged complete with (none
        when the alert was taken by template identity). Empty when no alert is effective.

        judging.py makes an alert whose index read failed undecided, so these reads succeeded."""
        best = self.best
        if not self.covered or best is None or best.evidence.query_verdict != "complete":
            return ()
        return (index_read(self.feed),)

    @cached_property
    def undecided_reads(self) -> tuple[Read, ...]:
        """The failed reads that leave an alert on it undecided (its logstore's index), when none is effective."""
        undecided = any(isinstance(i, IndexUnread) for j in self.judgements for i in j.problems)
        return (index_read(self.feed),) if undecided and not self.covered else ()

    @cached_property
    def blocker(self) -> Blocker:
        if self.covered:
            return "none"
        if self.feed.other_account:
            return "other_account"
        if not self.judgements and not self.scanned:
            return "not_scanned"
        if self.best is not None:
            return "alert"
        return "wrong_logstore" if self.stray else "missing"

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Why no alert on this feed is effective (empty when one is)."""
        if self.blocker == "alert" and self.best is not None:
            return self.best.codes
        return _BLOCKER_CODES[self.blocker]

    @cached_property
    def evidence(self) -> FeedEvidence:
        feed = self.feed
        shown, stray = self.judgements[:MAX_ALERTS_SHOWN], self.stray[:MAX_ALERTS_SHOWN]
        counts = {
            key: value
            for key, value in (
                ("alerts_not_shown", len(self.judgements) - len(shown)),
                ("alerts_on_other_logstores_not_shown", len(self.stray) - len(stray)),
            )
            if value
        }
        return FeedEvidence(
            kind=feed.kind,
            name=feed.name,
            project=feed.project,
            region=feed.region,
            logstore=feed.logstore,
            complete=feed.complete,
            gaps=list(feed.gaps),
            counts_for_account=feed.can_cover_account,
            other_account=feed.other_account,
            codes=list(self.codes),
            alerts_examined=len(self.judgements),
            alerts_by_code=count_codes(j.codes for j in self.judgements),
            # Short form of the best alerts on the feed, best first; the best one's full evidence
            # is the finding's top-level `alert`.
            alerts=[
                FeedAlertEvidence(
                    alert=j.alert.name,
                    project=j.target.alert_project,
                    query_entry=j.target.entry,
                    codes=list(j.codes),
                    advisories=list(j.advisories),
                )
                for j in shown
            ],
            alerts_on_other_logstores=[
                StrayAlertEvidence(
                    alert=t.alert.name,
                    project=t.alert_project,
                    store=t.store,
                    store_project=t.project,
                    region=t.region,
                )
                for t in stray
            ],
            **counts,
        )

    def sort_key(self) -> tuple[int, tuple[int, int, int]]:
        """Feeds that can make the account ok first, then by their best alert; such a feed whose
        alerts could not be seen (a region not scanned) ranks with the undecided ones: it could
        be the one that covers the account."""
        covers = self.feed.can_cover_account
        if self.best is not None:
            rank = self.best.sort_key()
        else:
            rank = (1, 0, 0) if covers and self.status == "info" else (3, 0, 0)
        return (0 if covers else 1, rank)


_BLOCKER_CODES: dict[Blocker, tuple[str, ...]] = {
    "none": (),
    "other_account": (codes.FEED_IN_OTHER_ACCOUNT,),
    "not_scanned": (codes.FEED_NOT_SCANNED,),
    "alert": (),
    "wrong_logstore": (codes.ALERT_WRONG_LOGSTORE,),
    "missing": (codes.ALERT_MISSING,),
}


def count_codes(code_lists: Iterable[Sequence[str]]) -> dict[str, int]:
    """How many items have each code, in the codes' order of importance."""
    counts = Counter(code for found in code_lists for code in set(found))
    return {code: counts[code] for code in codes.ordered(counts)}


def judge_feeds(feeds: list[Feed], inventory: Inventory, evaluation: Evaluation) -> list[FeedResult]:
    targets = all_targets(inventory, evaluation.unexpected)
    by_feed = TargetsByFeed(targets)
    bound_alerts = {id(t.alert) for feed in feeds for t in by_feed.on(feed)}
    strays_by_region: dict[str, list[Target]] = {}
    for t in targets:
        if id(t.alert) not in bound_alerts and _looks_like_unauthorized_call_alert(t, evaluation):
            for region in {t.region.lower(), t.alert_region.lower()}:
                strays_by_region.setdefault(region, []).append(t)
    results = []
    for feed in feeds:
        judgements = sorted(
            (judge_on_feed(t, feed, evaluation) for t in by_feed.on(feed)), key=lambda j: j.sort_key()
        )
        stray = strays_by_region.get(feed.region.lower(), [])
        results.append(
            FeedResult(
                feed=feed,
                judgements=tuple(judgements),
                stray=tuple(_one_per_alert(stray)),
                scanned=feed.region in inventory.regions,
            )
        )
    return results


def _looks_like_unauthorized_call_alert(target: Target, evaluation: Evaluation) -> bool:
    try:
        return looks_like_unauthorized_call_alert(target.alert)
    except Exception as error:  # one alert's damage stays with that alert
        what = f"alert {target.alert.name!r}"
        evaluation.unexpected.record(target.alert_region, LIST_ALERTS, what, error, target.alert_project)
        return False


def _one_per_alert(targets: list[Target]) -> list[Target]:
    seen, out = set(), []
    for t in targets:
        if id(t.alert) not in seen:
            seen.add(id(t.alert))
            out.append(t)
    return out
